"""End to end, the server rows of issue 10 that work today: the official Node.js socket.io
server 4.x (tests/node/server.js) and 3.x (tests/node/server_v3.js, npm socket.io 3.1), JSON
parser, on websocket, long-polling and polling-then-upgrade: connect two namespaces, emit
with an ack (binary arguments too), rooms, a server ack request, a refused namespace and
one opened with auth.

The rows that do not work yet (2.x, the msgpack parser) are in
tests/interop/pending/test_servers.py.txt and tests/interop/PENDING.md.
"""
from __future__ import annotations

import pytest

from inspector.session.session import NamespaceRefused, Session
from inspector.wire.options import ConnectionOptions
from tests.helpers import Recorder, run

pytestmark = [pytest.mark.node, pytest.mark.interop]

ADMIN_REFUSED = {"message": "unauthorized", "data": {"hint": "send auth {\"token\": \"demo-token\"}"}}


async def smoke(url: str, transport: str, admin_auth: dict | None = None, **options) -> None:
    """The row's checks; `admin_auth` is how "/admin" is opened (default: auth {"token"})."""
    session = Session(ConnectionOptions(url=url, transport=transport, **options))
    rec = Recorder(session)
    try:
        results = await session.connect(namespaces=["/", "/chat"])
        assert all(r["sid"] for r in results.values()), results
        welcomes = await rec.wait_for(2, kind="event", dir="in", event="welcome")
        assert {w.ns for w in welcomes} == {"/", "/chat"}
        expected = "polling" if transport == "polling" else "websocket"
        if transport != "upgrade":
            assert session.client.transport_name == expected
        # an emit with an ack, binary arguments in both directions
        r = await session.emit("/chat", "echo", [1, {"b": b"\x00\xff"}, "text"], ack=True)
        answer = await r.answer
        assert answer.args == [1, {"b": b"\x00\xff"}, "text"]
        [ack] = rec.find(kind="ack", dir="in")
        assert "binary" in ack.flags and ack.ns == "/chat"
        # rooms
        joined = await session.join_room("/chat", "r1")
        assert (await joined.answer).args == [{"room": "r1", "joined": True}]
        await session.emit("/chat", "broadcast", [{"room": "r1", "data": {"n": 5}}])
        [msg] = await rec.wait_for(kind="event", dir="in", event="room_message")
        assert msg.args == [{"room": "r1", "data": {"n": 5}}] and msg.ns == "/chat"
        # the server asks for an ack; the session answers it
        await session.emit("/", "ask", ["ok?"])
        [got] = await rec.wait_for(kind="event", dir="in", event="answer_received")
        assert got.args == [{"question": "ok?", "answer": []}]
        # a namespace refused by a middleware, then opened with its auth
        refused = await session.open_namespace("/admin")
        assert isinstance(refused, NamespaceRefused) and refused.data == ADMIN_REFUSED
        ok = await session.open_namespace("/admin", admin_auth or {"token": "demo-token"})
        assert ok["sid"]
        r = await session.emit("/admin", "echo", ["admin"], ack=True)
        assert (await r.answer).args == ["admin"]
        # what the server received, in order
        r = await session.emit("/", "history", [], ack=True)
        [history] = (await r.answer).args
        assert [h[:2] for h in history] == [["/chat", "echo"], ["/chat", "join"],
                                            ["/chat", "broadcast"], ["/", "ask"],
                                            ["/admin", "echo"]]
        assert not rec.find(kind="error") and not rec.find(kind="reconnect")
    finally:
        await session.disconnect()


@pytest.mark.parametrize("transport", ["websocket", "polling", "upgrade"])
@pytest.mark.parametrize("script", ["server.js", "server_v3.js"], ids=["socket.io 4.x", "socket.io 3.x"])
def test_the_server_row_works_end_to_end(node_generation, script, transport):
    server = node_generation(script)
    run(smoke(server.url, transport))
