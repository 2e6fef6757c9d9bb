"""Disconnect, then Connect: the namespaces and rooms that were open come back (issue 14,
point 3); and the status line says the steady state again once a passing note is old
(point 5). Against the bundled demo server in the test process (tests/demo_thread.py)."""
from __future__ import annotations

from inspector.log.entry import IN, OUT, Kind
from inspector.session.session import Session
from inspector.session.state import NamespaceState, RoomState
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import Recorder, run, until


def joined_in(server, room: str, ns: str) -> bool:
    """The server's own view: someone is in `room` of `ns`."""
    return bool(server.server.sio.manager.rooms.get(ns, {}).get(room))


def test_disconnect_then_connect_reopens_the_namespaces_and_joins_the_rooms_again(demo_server):
    async def scenario():
        session = Session(ConnectionOptions(url=demo_server.url))
        rec = Recorder(session)
        await session.connect()
        assert isinstance(await session.open_namespace("/admin", {"token": "demo-token"}), dict)
        await session.open_namespace("/chat")
        await (await session.join_room("/chat", "lobby")).answer
        await session.close_namespace("/admin")          # closed by hand: stays closed
        await session.open_namespace("/admin", {"token": "demo-token"})
        await session.disconnect()
        assert not joined_in(demo_server, "lobby", "/chat")
        outcome = await session.connect()
        assert set(outcome) == {"/", "/admin", "/chat"}
        assert all(isinstance(v, dict) for v in outcome.values()), outcome
        assert dict(session.ns_state) == {
            "/": NamespaceState.CONNECTED, "/admin": NamespaceState.CONNECTED, "/chat": NamespaceState.CONNECTED}
        await until(lambda: [(name, st) for name, st, _answer in session.snapshot().namespace("/chat").rooms]
                    == [("lobby", RoomState.JOINED)], what="lobby joined again")
        assert joined_in(demo_server, "lobby", "/chat")
        joins = rec.find(kind=Kind.EVENT, dir=OUT, event="join", ns="/chat")
        assert [e.args for e in joins] == [["lobby"], ["lobby"]]
        # /admin came back with the auth it was given (the server refuses it without)
        assert len(rec.find(kind=Kind.EVENT, dir=IN, event="admin_welcome")) == 3     # opened twice, then again
        assert "reopened /chat, /admin and joined 1 room again" in session.status
        await session.disconnect()

    run(scenario())


def test_a_connect_to_another_server_opens_only_its_own_namespace(demo_server):
    from tests.demo_thread import ThreadedDemoServer
    other = ThreadedDemoServer()
    try:
        async def scenario():
            session = Session(ConnectionOptions(url=demo_server.url))
            await session.connect()
            await session.open_namespace("/chat")
            await session.disconnect()
            outcome = await session.connect(ConnectionOptions(url=other.url))
            assert list(outcome) == ["/"]
            assert list(session.ns_state) == ["/"]
            await session.disconnect()
        run(scenario())
    finally:
        other.stop()


def test_a_failed_connect_keeps_what_the_next_one_reopens(demo_server):
    async def scenario():
        session = Session(ConnectionOptions(url=demo_server.url, reconnection=False))
        await session.connect()
        await session.open_namespace("/chat")
        await session.disconnect()
        demo_server.call(demo_server.server.stop())
        try:
            await session.connect()
        except Exception:
            pass
        url = demo_server.call(demo_server.server.start())
        assert url == demo_server.url
        outcome = await session.connect()
        assert set(outcome) == {"/", "/chat"}
        await session.disconnect()
    run(scenario())


def test_a_passing_note_leaves_the_status_line_and_a_closed_refusal_too(demo_server):
    async def scenario():
        session = Session(ConnectionOptions(url=demo_server.url, transport=Transport.WEBSOCKET,
                                            reconnection_delay=0.1, reconnection_delay_max=0.2,
                                            randomization_factor=0.0))
        session.note_seconds = 1.5
        await session.connect()
        await session.drop_transport()
        await until(lambda: " back after " in session.status, what="the back-after note")
        noted = session.status
        await until(lambda: session.status != noted, what="the steady status again")
        steady = session.status
        assert steady.startswith("Connected to") and noted.startswith(steady + " — / back after ")
        refused = await session.open_namespace("/admin")           # no auth: refused
        assert isinstance(refused, Exception)
        assert session.status.startswith("/admin refused")
        await session.close_namespace("/admin")
        assert session.status == steady
        await session.disconnect()
    run(scenario())
