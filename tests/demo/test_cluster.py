"""The demo cluster: two nodes on a real redis-server (started here on a free loopback
port), three clients placed on either node; io.local stops at its node, io.emit reaches
both, rooms span the nodes."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from inspector.demo.cluster import DemoCluster, RedisServer
from inspector.log.entry import IN, Kind
from inspector.session.errors import ConnectError
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.cheatsheet_clients import NS, receivers, sid_of, three_clients
from tests.helpers import run, until

pytestmark = pytest.mark.cluster

# alice (the sender) and bob on node A, carol on node B
EXPECTED = {
    "broadcast": {"bob", "carol"},
    "to_room": {"bob"},
    "to_rooms": {"bob", "carol"},
    "in_room": {"alice", "bob"},
    "to_socket": {"carol"},             # a socket on the other node, by its id
    "local": {"alice", "bob"},          # io.local: node A only
    "all": {"alice", "bob", "carol"},   # io.emit: both nodes
}


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer()
    url = server.start()
    yield url
    server.stop()


def test_io_local_stops_at_its_node_and_io_emit_reaches_both(redis_url):
    async def scenario():
        cluster = DemoCluster(redis_url, tick_interval=0)
        a, b = await cluster.start()
        ws, entries = await three_clients({"alice": a, "bob": a, "carol": b})
        try:
            assert [c.node for c in ws.clients()] == [a.split("://")[1]] * 2 + [b.split("://")[1]]
            nodes = {e.client: e.args[0]["node"] for e in entries if e.event == "hello"}
            assert nodes == {"alice": "A", "bob": "A", "carol": "B"}
            carol = sid_of(entries, "carol")
            alice = ws["alice"].session
            for line, want in EXPECTED.items():
                spec = {"data": line, **({"to": carol} if line == "to_socket" else {})}
                await (await alice.emit(NS, line, [spec], ack=True)).answer
                await until(lambda want=want, line=line: receivers(entries, line) >= want, 5,
                            f"{line} to reach {sorted(want)}")
            # a marker through both nodes: whatever else was on its way is in by then
            await alice.emit(NS, "all", [{"data": "marker"}])
            await until(lambda: sum(1 for e in entries if e.dir == IN and e.kind == Kind.EVENT and e.event == "all"
                                    and e.args[0]["data"] == "marker") == 3, 5)
            for line, want in EXPECTED.items():
                assert receivers(entries, line) == want, line
            froms = {e.args[0]["node"] for e in entries if e.dir == IN and e.kind == Kind.EVENT and e.event == "local"}
            assert froms == {"A"}
        finally:
            await ws.disconnect_all()
            await cluster.stop()
    run(scenario())


async def round_robin(upstreams: list[str]) -> tuple[web.AppRunner, str]:
    """A load balancer without sticky sessions: each request to the next node in turn."""
    turn = {"n": 0}
    http = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.Response:
        base = upstreams[turn["n"] % len(upstreams)]
        turn["n"] += 1
        async with http.request(request.method, base + request.path_qs, data=await request.read(),
                                headers={k: v for k, v in request.headers.items()
                                         if k.lower() not in ("host", "content-length")}) as r:
            return web.Response(status=r.status, body=await r.read(),
                                content_type=r.content_type)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    app.on_cleanup.append(lambda _app: http.close())
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def test_polling_behind_a_balancer_without_sticky_sessions_is_explained(redis_url):
    async def scenario():
        cluster = DemoCluster(redis_url, tick_interval=0)
        urls = await cluster.start()
        runner, url = await round_robin(urls)
        session = Session(ConnectionOptions(url=url, transport="polling", reconnection=False,
                                            connect_timeout=5))
        try:
            got = (await session.connect())["/"]
            assert isinstance(got, ConnectError)
            assert str(got).startswith("Session ID unknown: ") and "without sticky sessions" in str(got)
            assert "Session ID unknown" in session.status
        finally:
            await session.disconnect()
            await runner.cleanup()
            await cluster.stop()
    run(scenario())
