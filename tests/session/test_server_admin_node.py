"""The server's own view against the official Node server with @socket.io/admin-ui:
clients joining and leaving rooms appear in the server's socket and room tables, the
server-side commands work (and are refused when read-only), handshake secrets are masked,
production mode says why it shows no sockets, and two nodes sharing a Redis adapter
aggregate in the stats."""
from __future__ import annotations

import pytest

from inspector.log.entry import SYS, Kind
from inspector.session.server_view.admin import AdminRefused, ServerAdmin
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from inspector.wire.packets import MASK
from tests import admin_servers
from tests.helpers import Recorder, run, until

admin_node = admin_servers.admin_node          # a fixture
redis_url = admin_servers.redis_url          # a fixture

pytestmark = pytest.mark.node


def _session(url: str, **kw) -> Session:
    return Session(ConnectionOptions(url=url, reconnection=False, **kw))


async def _client(url: str, **kw) -> tuple[Session, str]:
    s = _session(url, **kw)
    info = await s.connect()
    return s, info["/"]["sid"]


async def _admin(url: str, username=None, password=None) -> tuple[ServerAdmin, Recorder]:
    session = _session(url)
    rec = Recorder(session)
    admin = ServerAdmin(session)
    await session.connect(namespaces=["/"])
    await admin.attach(username, password)
    return admin, rec


def test_clients_and_their_rooms_appear_and_disappear_in_the_servers_tables(admin_node):
    server = admin_node("--auth", "admin:s3cret")

    async def go():
        admin, rec = await _admin(server.url, "admin", "s3cret")
        view = admin.view
        alice, alice_id = await _client(server.url, headers={"Authorization": "Bearer abc", "X-Team": "red"},
                                        query={"token": "t0k", "room": "r"})
        await until(lambda: view.socket("/", alice_id) is not None, what="alice in the socket table")
        sock = view.socket("/", alice_id)
        assert sock.headers["authorization"] == MASK and sock.headers["x-team"] == "red"
        assert sock.query["token"] == MASK and sock.query["room"] == "r"
        assert "t0k" not in (sock.url or "") and sock.address and sock.connected_at
        await (await alice.join_room("/", "room1")).answer
        await until(lambda: view.rooms("/").get(("/", "room1")) == [alice_id], what="room1 = [alice]")
        await alice.leave_room("/", "room1")
        await until(lambda: ("/", "room1") not in view.rooms("/"), what="room1 gone")
        await alice.disconnect()
        await until(lambda: view.socket("/", alice_id) is None, what="alice gone from the table")
        # the password went out as the namespace's auth only: no entry carries it
        assert not any("s3cret" in e.to_jsonl() for e in rec.entries)
        await admin.session.disconnect()
    run(go())


def test_server_side_join_leave_emit_and_disconnect_reach_the_client(admin_node):
    server = admin_node()

    async def go():
        admin, rec = await _admin(server.url)
        bob, bob_id = await _client(server.url)
        bob_log = Recorder(bob)
        await until(lambda: admin.view.socket("/", bob_id) is not None, what="bob listed")
        answer = await admin.join("/", "room1", bob_id)
        assert answer["confirmed"] == [bob_id] and "room_joined for 1 socket" in answer["answer"]
        assert admin.view.rooms("/")[("/", "room1")] == [bob_id]
        sent = await admin.emit("/", "news", [{"n": 1}], to="room1")
        assert sent["confirmed"] == [bob_id]
        await bob_log.wait_for(kind=Kind.EVENT, event="news", where=lambda e: e.args == [{"n": 1}])
        left = await admin.leave("/", "room1", bob_id)
        assert left["confirmed"] == [bob_id]
        gone = await admin.disconnect("/", bob_id)
        assert gone["confirmed"] == [bob_id]
        await bob_log.wait_for(kind=Kind.DISCONNECT, ns="/")
        notes = rec.find(dir=SYS, kind=Kind.SERVER)
        assert [n.event for n in notes] == ["join", "emit", "leave", "_disconnect"]
        assert all(n.detail["missing"] == [] for n in notes)
        await bob.disconnect()
        await admin.session.disconnect()
    run(go())


def test_a_read_only_server_refuses_with_its_config_words(admin_node):
    server = admin_node("--readonly")

    async def go():
        admin, rec = await _admin(server.url)
        assert admin.view.read_only
        with pytest.raises(AdminRefused, match="does not take `join`: its config lists AGGREGATED_EVENTS, ALL_EVENTS"):
            await admin.join("/", "room1", None)
        with pytest.raises(AdminRefused, match="does not take `emit`"):
            await admin.emit("/", "news", [])
        refused = rec.find(dir=SYS, kind=Kind.SERVER)
        assert [n.detail["command"] for n in refused] == ["join", "emit"] and "refused" in refused[0].detail
        assert not rec.find(dir="out", ns="/admin")      # nothing was sent
        await admin.session.disconnect()
    run(go())


def test_production_mode_lists_no_sockets_and_says_so(admin_node):
    server = admin_node("--mode", "production")

    async def go():
        admin, _ = await _admin(server.url)
        assert not admin.view.development and "production mode" in admin.view.events_note
        await until(lambda: admin.view.latest(), what="a server_stats")
        assert admin.view.sockets == {}
        answer = await admin.join("/", "room1", None)       # taken, but its effect is not reported
        assert "production mode" in answer["answer"]
        await admin.session.disconnect()
    run(go())


@pytest.mark.parametrize("given,words", [(("admin", "wrong"), "refused the admin username or password"),
                                          ((None, None), "refused the admin username or password")])
def test_wrong_credentials_are_said_as_such(admin_node, given, words):
    server = admin_node("--auth", "admin:right")

    async def go():
        session = _session(server.url)
        admin = ServerAdmin(session)
        await session.connect(namespaces=["/"])
        with pytest.raises(AdminRefused, match=words):
            await admin.attach(*given)
        await session.disconnect()
    run(go())


def test_a_server_without_the_admin_namespace_is_said_as_such(admin_node):
    server = admin_node("--namespace", "/elsewhere")

    async def go():
        session = _session(server.url)
        admin = ServerAdmin(session)
        await session.connect(namespaces=["/"])
        with pytest.raises(AdminRefused, match="has no /admin namespace .Invalid namespace."):
            await admin.attach()
        other = ServerAdmin(session, "/elsewhere")
        assert (await other.attach())["features"]
        await session.disconnect()
    run(go())


def test_two_nodes_on_a_redis_adapter_aggregate_in_the_stats(admin_node, redis_url):
    a = admin_node("--redis", redis_url, "--server-id", "node-a")
    b = admin_node("--redis", redis_url, "--server-id", "node-b")

    async def go():
        admin, _ = await _admin(a.url)
        carol, carol_id = await _client(b.url)          # on the other node
        await until(lambda: set(admin.view.nodes()) == {"node-a", "node-b"}, 15, "stats of both nodes")
        await until(lambda: admin.view.latest()["node-b"].clients == 1, 15, "node-b counts carol")
        assert admin.view.total_clients() == 2          # the inspector's admin on a, carol on b
        await until(lambda: admin.view.socket("/", carol_id) is not None, what="carol, on node b, listed")
        carol_log = Recorder(carol)
        answer = await admin.join("/", "room9", carol_id)    # through the adapter to node b
        assert answer["confirmed"] == [carol_id]
        await admin.emit("/", "hello", ["from a"], to="room9")
        await carol_log.wait_for(kind=Kind.EVENT, event="hello")
        await carol.disconnect()
        await admin.session.disconnect()
    run(go())
