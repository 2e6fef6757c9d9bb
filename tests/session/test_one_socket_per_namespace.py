"""One socket per namespace (issue 10, behaviour 8), against the official Node server
(tests/node/server.js --connect-delay: every namespace answers its CONNECT late, as a slow
middleware would): namespaces connect in parallel, so their delays and their timeouts do
not add up."""
import time

import pytest

from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.helpers import Recorder, run

pytestmark = pytest.mark.node

THREE = ["/", "/chat", "/admin"]
AUTH = {"/admin": {"token": "demo-token"}}


def test_three_namespaces_answered_late_take_one_delay_not_three(node_server):
    delay = 0.8
    server = node_server("--connect-delay", str(int(delay * 1000)))

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket"))
        rec = Recorder(session)
        started = time.monotonic()
        results = await session.connect(namespaces=THREE, auth=AUTH)
        took = time.monotonic() - started
        assert all(r["sid"] for r in results.values()), results
        assert [e.ns for e in rec.find(kind="connect")] == THREE    # one CONNECT answer each
        assert delay <= took < 2 * delay, f"{took:.2f} s for three namespaces delayed {delay} s"
        await session.disconnect()
    run(scenario())


@pytest.mark.expect_error(r"no answer to CONNECT")
def test_three_namespace_timeouts_run_together(node_server):
    timeout = 1.0
    server = node_server("--connect-delay", "20000")    # never answered in time

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket",
                                            connect_timeout=timeout))
        rec = Recorder(session)
        started = time.monotonic()
        results = await session.connect(namespaces=THREE, auth=AUTH)
        took = time.monotonic() - started
        assert [str(results[ns]).split(" (")[0] for ns in THREE] == [
            f"no answer to CONNECT {ns} within 1 s" for ns in THREE]
        assert len(rec.find(kind="error")) == 3
        # each timer ran from the connect, not after the previous namespace gave up
        assert timeout <= took < 2 * timeout, f"{took:.2f} s for three {timeout} s timeouts"
        await session.disconnect()
    run(scenario())


def test_opening_an_open_namespace_again_sends_no_second_connect(node_server):
    server = node_server()

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket"))
        rec = Recorder(session)
        session.set_raw_capture(True)
        [first] = (await session.connect(namespaces=["/chat"])).values()
        again = await session.open_namespace("/chat")
        assert again["sid"] == first["sid"] and session.ns_state["/chat"] == "connected"
        out = [e.args[0] for e in rec.find(kind="packet", dir="out")
               if isinstance(e.args[0], str) and e.args[0].startswith("40")]
        assert out == ["40/chat,"]
        await session.disconnect()
    run(scenario())
