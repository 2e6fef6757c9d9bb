"""The emit cheatsheet, one line per event: the demo's `/cheatsheet` namespace.

A client emits a line's name (`broadcast`, `to_room`, ...) on `/cheatsheet`; the server
performs that form of emit with an event of the same name, payload
{"line", "from" (the asking socket), "node" (which server sent it), "data"}, and acks the
asker with the form's socket.io spelling.  With several clients in rooms, who received it
is the lesson (log/delivery.py groups the receipts; the "Cheatsheet tour" scenario checks
them).  On connect each socket gets `hello` {"sid", "node"}, so a scenario can address one
socket by its id.

| line           | socket.io (Node)                         | python-socketio here                      |
|----------------|------------------------------------------|-------------------------------------------|
| broadcast      | socket.broadcast.emit                    | emit(skip_sid=sid)                        |
| to_room        | socket.to(room).emit                     | emit(room=room, skip_sid=sid)             |
| to_rooms       | socket.to(r1).to(r2).emit (union, once)  | emit(to=[r1, r2], skip_sid=sid)           |
| in_room        | io.in(room).emit (the sender too)        | emit(room=room)                           |
| of_namespace   | io.of(ns).emit                           | emit(namespace=ns)                        |
| to_socket      | io.to(socketId).emit                     | emit(to=socket id)                        |
| local          | io.local.emit (this node only)           | emit(ignore_queue=True)                   |
| all            | io.emit                                  | emit()                                    |
| volatile       | socket.volatile.emit                     | emit(to=sid): python-socketio has no      |
|                |                                          | volatile emit, so it is always sent       |
| compress_false | socket.compress(false).emit              | emit(to=sid): python-socketio has no      |
|                |                                          | per-emit compression flag                 |
| with_ack       | socket.emit(ev, data, callback)          | emit(to=sid, callback=...); the answer    |
|                |                                          | comes back as `ack_answer`                |
"""
from __future__ import annotations

from typing import Any

NS = "/cheatsheet"
FORMS = {
    "broadcast": "socket.broadcast.emit",
    "to_room": "socket.to(room).emit",
    "to_rooms": "socket.to(room1).to(room2).emit",
    "in_room": "io.in(room).emit",
    "of_namespace": "io.of(ns).emit",
    "to_socket": "io.to(socketId).emit",
    "local": "io.local.emit",
    "all": "io.emit",
    "volatile": "socket.volatile.emit",
    "compress_false": "socket.compress(false).emit",
    "with_ack": "socket.emit(event, data, ack)",
}
LINES = tuple(FORMS)
# what python-socketio cannot do as socket.io does, said in the ack (and in README)
NOTES = {
    "volatile": "python-socketio has no volatile emit: sent as a plain emit",
    "compress_false": "python-socketio has no per-emit compression flag: sent as a plain emit",
}


def register(server: Any) -> None:
    """The `/cheatsheet` handlers on a DemoServer (its `sio`, `_on`, `node`)."""
    sio = server.sio

    @sio.on("connect", namespace=NS)
    async def connect(sid, environ, auth=None):
        await sio.emit("hello", {"sid": sid, "node": server.node}, to=sid, namespace=NS)

    def make(line: str):
        async def perform(sid, spec=None):
            spec = spec if isinstance(spec, dict) else {}
            payload = {"line": line, "from": sid, "node": server.node, "data": spec.get("data")}
            room, rooms = spec.get("room", "room1"), spec.get("rooms") or ["room1", "room2"]
            answer: dict[str, Any] = {"line": line, "form": FORMS[line]}
            if line == "broadcast":
                await sio.emit(line, payload, namespace=NS, skip_sid=sid)
            elif line == "to_room":
                await sio.emit(line, payload, room=room, skip_sid=sid, namespace=NS)
            elif line == "to_rooms":
                await sio.emit(line, payload, to=list(rooms), skip_sid=sid, namespace=NS)
            elif line == "in_room":
                await sio.emit(line, payload, room=room, namespace=NS)
            elif line == "of_namespace":
                ns = spec.get("ns", "/chat")
                answer["ns"] = ns
                await sio.emit(line, payload, namespace=ns)
            elif line == "to_socket":
                target = spec.get("to")
                if not isinstance(target, str) or not target:
                    return {"error": "to_socket needs {\"to\": a socket id (see `hello`)}"}
                await sio.emit(line, payload, to=target, namespace=NS)
            elif line == "local":
                await sio.emit(line, payload, namespace=NS, ignore_queue=True)
            elif line == "all":
                await sio.emit(line, payload, namespace=NS)
            elif line == "with_ack":
                async def answered(*args):
                    await sio.emit("ack_answer", {"line": line, "answer": list(args)}, to=sid, namespace=NS)
                await sio.emit(line, payload, to=sid, namespace=NS, callback=answered)
            else:               # volatile, compress_false: see NOTES
                await sio.emit(line, payload, to=sid, namespace=NS)
            if line in NOTES:
                answer["note"] = NOTES[line]
            return answer
        return perform

    for line in LINES:
        server._on(line, NS)(make(line))
