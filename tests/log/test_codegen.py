"""Copy as code: the snippets, and what they do when run against real servers."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import socketio

from inspector.demo.server import DemoServer
from inspector.log.codegen import can_reproduce, js_snippet, python_snippet
from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from tests.helpers import run, until

NODE_DIR = Path(__file__).resolve().parent.parent / "node"


def out(event, args, ns="/", ack_id=None, flags=(), detail=None):
    return LogEntry(7, 1.0, OUT, Kind.EVENT, ns, event, args, ack_id, None, 10, flags, detail)


def test_python_snippets_read_as_python_socketio_calls():
    z = (Flag.COMPRESSED,)      # compression asked: the default, no note
    assert python_snippet(out("chat", ["hi"], flags=z)) == 'await sio.emit("chat", "hi")'
    assert python_snippet(out("chat", [], flags=z)) == 'await sio.emit("chat")'
    assert python_snippet(out("chat", ["a", {"n": 1, "ok": True, "none": None}], ns="/chat", flags=z)) == \
        'await sio.emit("chat", ("a", {"n": 1, "ok": True, "none": None}), namespace="/chat")'
    assert python_snippet(out("up", [{"blob": b"\xde\xad"}], ack_id=3, flags=z, detail={"timeout_s": 2.5})) == \
        'answer = await sio.call("up", {"blob": bytes.fromhex("dead")}, timeout=2.5)'
    assert python_snippet(out("chat", ["hi"])) == (
        "# sent without compression asked: python-socketio's client compresses per its own setting\n"
        'await sio.emit("chat", "hi")')
    assert "no volatile" in python_snippet(out("v", [1], flags=(Flag.VOLATILE,)))


def test_js_snippets_read_as_socket_io_client_calls():
    assert js_snippet(out("chat", ["hi"])) == 'socket.compress(false).emit("chat", "hi");'
    assert js_snippet(out("chat", [1, None], flags=(Flag.COMPRESSED,))) == 'socket.emit("chat", 1, null);'
    assert js_snippet(out("v", [], flags=(Flag.VOLATILE,))) == 'socket.compress(false).volatile.emit("v");'
    assert js_snippet(out("up", [{"b": b"\x01\xff"}], ns="/chat", ack_id=1, detail={"timeout_s": 5})) == \
        '// socket = io(URL + "/chat")\n' \
        'const answer = await socket.compress(false).timeout(5000).emitWithAck("up", {"b": Uint8Array.from([1, 255])});'
    assert js_snippet(out("e", ["x"], ack_id=1)) == \
        'socket.compress(false).emit("e", "x", (...answer) => console.log(answer));'


def test_only_outgoing_events_can_be_copied():
    assert not can_reproduce(LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", []))
    assert not can_reproduce(LogEntry(1, 1.0, OUT, Kind.ACK, "/", "e", []))
    assert not can_reproduce(None)
    with pytest.raises(ValueError):
        python_snippet(LogEntry(1, 1.0, SYS, Kind.CONNECT, "/"))


CASES = [
    out("echo", ["ping", {"n": 1, "list": [1.5, None, False], "é": "日本"}], ns="/chat", ack_id=0),
    out("echo", [{"blob": b"\x00\x01\xfe\xff", "nested": [b"ab"]}], ack_id=1),
    out("note", [42]),
    out("note", []),
]


@pytest.mark.parametrize("entry", CASES, ids=["two-args-ack", "bytes-ack", "one-arg", "no-arg"])
def test_the_python_snippet_sends_the_same_emit(entry):
    async def go():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        sio = socketio.AsyncClient(handle_sigint=False)
        try:
            await sio.connect(url, namespaces=["/", "/chat"], transports=["websocket"])
            scope = {"sio": sio}
            code = "async def __snippet():\n" + "".join(
                f"    {line}\n" for line in python_snippet(entry).splitlines()) + \
                "    return locals().get('answer')\n"
            exec(code, scope)
            answer = await scope["__snippet"]()
            await until(lambda: any(e == entry.event for _n, e, _a in server.received),
                        what=f"the server to receive {entry.event}")
            return answer, server.received
        finally:
            await sio.disconnect()
            await server.stop()
    answer, received = run(go())
    assert (entry.ns, entry.event, entry.args) in [tuple(r) for r in received]
    if entry.ack_id is not None:         # the demo server's echo answers with the arguments
        assert (list(answer) if isinstance(answer, tuple) else [answer]) == entry.args


def _js_value(v):
    """What the Node server's history gives back for a value (bytes arrive as a Buffer)."""
    if isinstance(v, bytes):
        return {"type": "Buffer", "data": list(v)}
    if isinstance(v, list):
        return [_js_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _js_value(x) for k, x in v.items()}
    return v


@pytest.mark.node
@pytest.mark.parametrize("entry", CASES, ids=["two-args-ack", "bytes-ack", "one-arg", "no-arg"])
def test_the_js_snippet_sends_the_same_emit(entry, node_server):
    server = node_server()
    script = """
const { io } = require("socket.io-client");
const URL = process.argv[1];
const socket = io(URL + %s, { transports: ["websocket"] });
socket.on("connect", async () => {
%s
  socket.emit("history", (h) => { console.log(JSON.stringify(h)); process.exit(0); });
});
setTimeout(() => { console.error("timed out"); process.exit(2); }, 8000);
""" % (json.dumps(entry.ns), js_snippet(entry))
    done = subprocess.run(["node", "-e", script, server.url], cwd=NODE_DIR, capture_output=True,
                          text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    history = json.loads(done.stdout.splitlines()[-1])
    assert [entry.ns, entry.event, _js_value(entry.args)] in history


def test_an_emit_logged_by_a_real_session_copies_with_its_ack_timeout():
    from tests.helpers import demo_session

    async def scenario():
        async with demo_session() as (session, rec, server, _):
            r = await session.emit("/", "echo", ["x"], ack=True, timeout=2.5)
            await r.answer
            [e] = rec.find(kind=Kind.EVENT, dir=OUT, event="echo")
            return e
    e = run(scenario())
    assert e.detail["timeout_s"] == 2.5
    assert python_snippet(e) == 'answer = await sio.call("echo", "x", timeout=2.5)'
    assert "timeout(2500).emitWithAck(" in js_snippet(e)
