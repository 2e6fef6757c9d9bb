"""Interop with the official Node.js socket.io server (npm socket.io 4.8)."""
import pytest

from inspector.log.entry import Kind
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import Recorder, run

pytestmark = pytest.mark.node


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET, Transport.POLLING, Transport.UPGRADE])
def test_echo_namespaces_and_refusal_against_node(node_server, transport):
    server = node_server()

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport))
        rec = Recorder(session)
        results = await session.connect(namespaces=["/", "/chat"])
        assert all(not isinstance(r, Exception) for r in results.values())
        refused = await session.open_namespace("/admin")
        assert "unauthorized" in str(refused)
        [err] = rec.find(kind=Kind.CONNECT_ERROR, ns="/admin")
        assert err.args == [{"message": "unauthorized", "data": {"hint": "send auth {\"token\": \"demo-token\"}"}}]
        ok = await session.open_namespace("/admin", {"token": "demo-token"})
        assert ok["sid"]
        r = await session.emit("/chat", "echo", [1, {"b": b"\x00\xff"}], ack=True)
        assert (await r.answer).args == [1, {"b": b"\x00\xff"}]
        await session.emit("/", "ask", ["ok?"])
        [got] = await rec.wait_for(kind=Kind.EVENT, event="answer_received")
        assert got.args == [{"question": "ok?", "answer": []}]
        await session.disconnect()
    run(scenario())
