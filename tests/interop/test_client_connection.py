"""socket.io-client's test/connection.ts, ported: the inspector's Session against a port
of socket.io-client's own test server (tests/node/support_server.js).

Upstream: packages/socket.io-client/test/connection.ts of the socket.io monorepo, commit
d2d753fed4435015c2d83fe62e676b44e07fa3f7 (socket.io-client 4.8).  Each test names its case.
A `Manager` with several sockets is one Session with several namespaces; the Manager's
`reconnect_attempt` / `reconnect_error` / `reconnect_failed` events are the session's
`attempt` and its `reconnect_attempt` entries (one per failed attempt) and its "gave up
reconnecting" disconnect entry; `packetCreate` is what raw capture shows going out.

Adapted, and why (as in test_client_socket.py):
- `timeout: 0` is 5 ms (ConnectionOptions refuses 0; below the server's 10 ms allowRequest
  delay, so every attempt times out, which is what those cases rely on).
- `socket.io.engine.close()` / `manager.engine.close()`: Session.drop_transport().
- `http://localhost:9823` (nothing listens there): a port on 127.0.0.1 kept bound and not
  listening.
- The binary payloads are the bytes upstream's `base64-arraybuffer` decode() makes of
  "asdfasdf", "howdy" and "abuff1".

Cases of connection.ts LEFT OUT (about the JS API's shape only):
- "should not connect when autoConnect option set to false": the autoConnect option (a
  Session connects when told to).
- "should start two connections with same path", "... with same path and different
  querystrings", "... with different paths", "should start a single connection with
  different namespaces": the `io()` factory's Manager cache.
- "should emit a connect_error event when reaching a Socket.IO server in v2.x": calls the
  private `socket.onpacket` with a hand-made packet; against a real 2.x server this is
  issue 10's 2.x row, where the inspector connects instead of refusing (test_servers.py).
- "reconnect timeout / should use overridden setTimeout by default", "... should use
  native setTimeout with useNativeSetTimers": JS fake timers and the useNativeTimers option.
- "should get base64 data as a last resort": browsers without ArrayBuffer.
- "should send binary data (as a Blob)", "... (as a Blob) mixed with json", "should send
  events with Blobs in the correct order": browser-only (Blob).
- "should reopen a cached socket": `manager.socket()` returning its cached Socket object.
Every other case of connection.ts is ported here and passes.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools

import pytest

from inspector.session.server_acks import AckReply
from inspector.session.session import Session
from inspector.wire.sio import ConnectError
from tests.helpers import Recorder, run, until
from tests.interop.support import client_options, out_packets, session_on

pytestmark = [pytest.mark.node, pytest.mark.interop]

UTF8 = ["てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string", "utf8 — string"]


def is_iso_date(value) -> bool:
    return isinstance(value, str) and len(value) == 24 and value.endswith("Z") and value[10] == "T"


def test_connect_to_localhost(support_server):
    # "should connect to localhost"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "hi", [])
            [hi] = await rec.wait_for(kind="event", dir="in", event="hi")
            assert hi.args == []
    run(scenario())


def test_acks_both_ways(support_server):
    # "should work with acks": the server asks for an ack, the client answers (5, {test: true})
    async def scenario():
        async with session_on(support_server, connect=False) as (session, rec):
            session.server_acks.set("ack", AckReply([5, {"test": True}]))
            await session.connect()
            await session.emit("/", "ack", [])
            await rec.wait_for(kind="event", dir="in", event="got it")
            [asked] = rec.find(kind="event", dir="in", event="ack")
            [answer] = rec.find(kind="ack", dir="out")
            assert answer.ack_id == asked.ack_id and answer.args == [5, {"test": True}]
    run(scenario())


def test_receive_a_date_with_an_ack(support_server):
    # "should receive date with ack"
    async def scenario():
        async with session_on(support_server) as (session, _rec):
            r = await session.emit("/", "getAckDate", [{"test": True}], ack=True)
            [date] = (await r.answer).args
            assert is_iso_date(date)
    run(scenario())


def test_false_crosses(support_server):
    # "should work with false"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "false", [])
            [got] = await rec.wait_for(kind="event", dir="in", event="false")
            assert got.args == [False]
    run(scenario())


def test_receive_utf8_multibyte_characters(support_server):
    # "should receive utf8 multibyte characters"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "getUtf8", [])
            got = await rec.wait_for(5, kind="event", dir="in", event="takeUtf8")
            assert [e.args for e in got] == [[text] for text in UTF8]
    run(scenario())


def test_connect_to_a_namespace_after_the_connection_is_established(support_server):
    # "should connect to a namespace after connection established"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            info = await session.open_namespace("/foo")
            [connect] = rec.find(kind="connect", ns="/foo")
            assert connect.detail["sid"] == info["sid"]
            [seen] = await support_server.wait_saw(kind="connection", ns="/foo")
            assert seen["id"] == info["sid"]
            assert session.ns_state == {"/": "connected", "/foo": "connected"}
    run(scenario())


def test_reconnect_by_default(support_server):
    # "should reconnect by default"
    async def scenario():
        async with session_on(support_server, reconnection_delay=0.01) as (session, rec):
            await session.drop_transport()
            [reconnect] = await rec.wait_for(kind="reconnect")
            assert reconnect.detail["attempt"] == 1
            await until(lambda: session.ns_state["/"] == "connected", what="/ back")
    run(scenario())


def test_reconnect_manually(support_server):
    # "should reconnect manually"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.disconnect()
            await session.connect()
            assert len(rec.find(kind="connect", ns="/")) == 2
            assert session.state == "connected"
            assert len(await support_server.wait_saw(2, kind="connection", ns="/")) == 2
    run(scenario())


def test_reconnect_automatically_after_reconnecting_manually(support_server):
    # "should reconnect automatically after reconnecting manually"
    async def scenario():
        async with session_on(support_server, reconnection_delay=0.01) as (session, rec):
            await session.disconnect()
            await session.connect()
            await session.drop_transport()
            await rec.wait_for(kind="reconnect")
            await rec.wait_for(3, kind="connect", ns="/")
    run(scenario())


def test_force_close_after_the_first_error_stops_reconnection(support_server):
    # "should not reconnect when force closed"
    async def scenario():
        session = Session(client_options(support_server, "/invalid", connect_timeout=0.005,
                                         reconnection_delay=0.01))
        rec = Recorder(session)
        connecting = asyncio.ensure_future(session.connect())
        await rec.wait_for(kind="connect_error")
        await session.disconnect()
        with contextlib.suppress(ConnectError, asyncio.CancelledError):
            await connecting
        assert session.state == "disconnected" and not session.client.reconnecting
        assert not rec.find(kind="reconnect_attempt") and session.attempt == 0
    run(scenario())


def test_closing_one_namespace_while_reconnecting_keeps_the_other(support_server):
    # "should stop reconnecting on a socket and keep to reconnect on another"
    async def scenario():
        async with session_on(support_server, namespaces=["/", "/asd"],
                              reconnection_delay=0.1) as (session, rec):
            sids = {e.ns: e.detail["sid"] for e in rec.find(kind="connect")}
            await session.drop_transport()
            await until(lambda: session.state == "reconnecting", what="reconnecting")
            await session.close_namespace("/")
            await rec.wait_for(kind="reconnect")
            [_, _again] = await rec.wait_for(2, kind="connect", ns="/asd")
            assert len(rec.find(kind="connect", ns="/")) == 1
            assert "/" not in session.ns_state and session.ns_state["/asd"] == "connected"
            connections = await support_server.wait_saw(3, kind="connection")
            assert [c["ns"] for c in connections] in (["/", "/asd", "/asd"], ["/asd", "/", "/asd"])
            assert {c["id"] for c in connections[:2]} == set(sids.values())
    run(scenario())


def test_no_reconnect_when_the_connection_is_made_with_the_default_timeout(support_server):
    # "should not try to reconnect and should form a connection when connecting to correct
    # port with default timeout"
    async def scenario():
        async with session_on(support_server, "/valid", reconnection_delay=0.01) as (session, rec):
            assert session.ns_state == {"/valid": "connected"}
            assert not rec.find(kind="reconnect_attempt") and session.attempt == 0
            assert not session.client.reconnecting
    run(scenario())


def test_connect_a_namespace_while_disconnecting_another(support_server):
    # "should connect while disconnecting another socket"
    async def scenario():
        async with session_on(support_server, "/foo") as (session, rec):
            opening = asyncio.ensure_future(session.open_namespace("/asd"))
            await asyncio.sleep(0)          # open_namespace() has sent the CONNECT
            assert session.ns_state["/asd"] == "connecting"
            await session.close_namespace("/foo")
            info = await opening
            assert info["sid"] and session.ns_state == {"/asd": "connected"}
            [bye] = rec.find(kind="disconnect", ns="/foo")
            assert bye.detail["reason"] == "client disconnect"
    run(scenario())


def test_disconnecting_one_namespace_keeps_the_connection(support_server):
    # "should not close the connection when disconnecting a single socket"
    async def scenario():
        async with session_on(support_server, "/foo") as (session, rec):
            await session.open_namespace("/asd")
            await session.close_namespace("/foo")
            assert session.state == "connected" and session.ns_state == {"/asd": "connected"}
            assert not rec.find(kind="disconnect", ns="/asd")
            r = await session.emit("/asd", "anything", [], ack=True, timeout=0.2)
            assert r.outcome == "sent"
            await session.close_namespace("/asd")
            await until(lambda: session.state == "disconnected", what="the connection to close")
            assert not session.client.engine_connected
    run(scenario())


def test_opening_a_namespace_that_is_opening_sends_one_connect(support_server):
    # "should not reopen a cached but active socket" (issue 10, behaviour 8): upstream asks
    # twice for "/" once the connection is open; here "/foo" opens the connection, then "/"
    # is asked for twice before its CONNECT is answered
    async def scenario():
        async with session_on(support_server, "/foo", raw=True) as (session, rec):
            one, two = await asyncio.gather(session.open_namespace("/"),
                                            session.open_namespace("/"))
            assert one["sid"] == two["sid"]
            await session.disconnect()
            assert out_packets(rec) == ["0/foo,", "0", "1/foo,", "1"]
            assert len(await support_server.wait_saw(kind="connection", ns="/")) == 1
    run(scenario())


def test_connect_and_disconnect_packets_one_per_namespace(support_server):
    # "should not reopen an already active socket" (issue 10, behaviour 1): what went out
    # is one CONNECT per namespace, then one DISCONNECT per namespace
    async def scenario():
        async with session_on(support_server, raw=True, namespaces=["/", "/foo"]) as (session, rec):
            await session.disconnect()
            assert out_packets(rec) == ["0", "0/foo,", "1", "1/foo,"]
    run(scenario())


def test_disconnect_reaches_the_server_as_a_namespace_disconnect(support_server):
    # "should not reopen an already active socket", what the server saw (issue 10,
    # behaviour 1): the DISCONNECT packets arrive before the transport closes
    async def scenario():
        async with session_on(support_server, namespaces=["/", "/foo"]) as (session, _rec):
            await session.disconnect()
            gone = await support_server.wait_saw(2, kind="disconnect")
            assert {(g["ns"], g["reason"]) for g in gone} == {
                ("/", "client namespace disconnect"), ("/foo", "client namespace disconnect")}
    run(scenario())


def test_no_reconnect_to_an_incorrect_port_when_reconnection_is_off(closed_port):
    # "should not try to reconnect with incorrect port when reconnection disabled"
    port = closed_port

    async def scenario():
        session = Session(client_options(None, "/invalid", url=f"http://127.0.0.1:{port}/invalid",
                                         reconnection=False, reconnection_delay=0.01))
        rec = Recorder(session)
        with pytest.raises(ConnectError, match="cannot connect"):
            await session.connect()
        assert session.state == "disconnected" and not session.client.reconnecting
        assert not rec.find(kind="reconnect_attempt") and session.attempt == 0
    run(scenario())


# -- the first connection is retried too, and a closed connection reopens (issue 10,
# behaviour 7); an undecodable packet closes the engine (behaviour 9) ------------------

GAVE_UP = "gave up reconnecting"


async def wait_gave_up(rec: Recorder, count: int = 1, timeout: float = 10.0) -> list:
    return await rec.wait_for(count, kind="disconnect", timeout=timeout,
                              where=lambda e: e.detail.get("reason") == GAVE_UP)


def attempts(rec: Recorder, since: int = 0) -> list[int]:
    return [e.detail["attempt"] for e in rec.find(kind="reconnect_attempt") if e.seq > since]


def timing_out(server, path: str, **options) -> Session:
    """A session whose every attempt times out (5 ms, below the server's 10 ms delay)."""
    defaults = {"connect_timeout": 0.005, "reconnection_delay": 0.01}
    defaults.update(options)
    return Session(client_options(server, path, **defaults))


def test_open_a_namespace_after_the_connection_was_closed(support_server):
    # "should open a new namespace after connection gets closed" (issue 10, behaviour 7)
    async def scenario():
        async with session_on(support_server) as (session, _rec):
            await session.disconnect()
            info = await session.open_namespace("/foo")
            assert info["sid"] and session.ns_state["/foo"] == "connected"
            [seen] = await support_server.wait_saw(kind="connection", ns="/foo")
            assert seen["id"] == info["sid"]
    run(scenario())


def test_connect_after_giving_up_starts_a_fresh_series(support_server):
    # "should attempt reconnects after a failed reconnect" (issue 10, behaviour 7)
    async def scenario():
        session = timing_out(support_server, "/timeout", reconnection_attempts=2)
        rec = Recorder(session)
        first = asyncio.ensure_future(session.connect())
        [end] = await wait_gave_up(rec)
        with contextlib.suppress(ConnectError):
            await first
        assert attempts(rec) == [1, 2]
        second = asyncio.ensure_future(session.connect())
        await wait_gave_up(rec, 2)
        with contextlib.suppress(ConnectError):
            await second
        assert attempts(rec, since=end.seq) == [1, 2]
        await session.disconnect()
    run(scenario())


def test_reconnect_delay_increases_every_time(support_server):
    # "reconnect delay should increase every time" (issue 10, behaviour 7)
    async def scenario():
        session = timing_out(support_server, "/timeout", reconnection_attempts=3,
                             reconnection_delay=0.1, randomization_factor=0.2,
                             reconnection_delay_max=5.0)
        rec = Recorder(session)
        connecting = asyncio.ensure_future(session.connect())
        await wait_gave_up(rec)
        with contextlib.suppress(ConnectError):
            await connecting
        errors = rec.find(kind="connect_error")[:1] + rec.find(kind="reconnect_attempt")
        assert [e.detail.get("attempt") for e in errors] == [None, 1, 2, 3]
        delays = [b.t - a.t for a, b in itertools.pairwise(errors)]
        assert delays == sorted(delays) and len(set(delays)) == 3, delays
        await session.disconnect()
    run(scenario())


async def disconnect_at_the_first_attempt(session) -> None:
    """Connect to a server that never answers, then Disconnect once the reconnect series
    has made its first attempt (the connect call ends either way)."""
    connecting = asyncio.ensure_future(session.connect())
    await until(lambda: session.attempt >= 1, what="a first reconnect attempt")
    await session.disconnect()
    with contextlib.suppress(ConnectError, asyncio.CancelledError):
        await connecting


def test_disconnect_at_the_first_attempt_stops_reconnection(support_server):
    # "should stop reconnecting when force closed" (issue 10, behaviour 7)
    async def scenario():
        session = timing_out(support_server, "/invalid")
        rec = Recorder(session)
        await disconnect_at_the_first_attempt(session)
        assert session.state == "disconnected" and not session.client.reconnecting
        assert session.attempt == 1 and len(rec.find(kind="reconnect_attempt")) <= 1
    run(scenario())


def test_connect_after_stopping_reconnection_reconnects(support_server):
    # "should reconnect after stopping reconnection" (issue 10, behaviour 7)
    async def scenario():
        session = timing_out(support_server, "/invalid")
        rec = Recorder(session)
        await disconnect_at_the_first_attempt(session)
        mark = rec.entries[-1].seq
        second = asyncio.ensure_future(session.connect())
        await rec.wait_for(kind="reconnect_attempt", where=lambda e: e.seq > mark)
        await session.disconnect()
        with contextlib.suppress(ConnectError, asyncio.CancelledError):
            await second
    run(scenario())


async def two_attempts_then_give_up(server, path: str) -> None:
    session = timing_out(server, path, reconnection_attempts=2)
    rec = Recorder(session)
    connecting = asyncio.ensure_future(session.connect())
    try:
        [end] = await wait_gave_up(rec)
        with contextlib.suppress(ConnectError):
            await connecting
        assert attempts(rec) == [1, 2] and end.detail["attempts"] == 2
        assert session.state == "disconnected"
    finally:
        await session.disconnect()


def test_two_attempts_with_an_immediate_timeout_then_give_up(support_server):
    # "should try to reconnect twice and fail when requested two attempts with immediate
    # timeout and reconnect enabled" (issue 10, behaviour 7)
    run(two_attempts_then_give_up(support_server, "/timeout"))


def test_reconnect_events_with_their_attempt_numbers(support_server):
    # "should fire reconnect_* events on manager" (issue 10, behaviour 7)
    run(two_attempts_then_give_up(support_server, "/timeout_socket"))


def test_reconnecting_twice_with_attempt_numbers(support_server):
    # "should fire reconnecting (on manager) with attempts number when reconnecting twice"
    # (the same case as the one above, upstream too; issue 10, behaviour 7)
    run(two_attempts_then_give_up(support_server, "/timeout_socket"))


def test_reconnection_turned_off_while_reconnecting_stops_at_once(closed_port):
    # "should stop trying to reconnect" (issue 10, behaviour 7)
    port = closed_port

    async def scenario():
        session = Session(client_options(None, url=f"http://127.0.0.1:{port}",
                                         reconnection_delay=0.01))
        rec = Recorder(session)
        connecting = asyncio.ensure_future(session.connect())
        await rec.wait_for(kind="reconnect_attempt")          # a reconnect_error
        session.options.reconnection = False
        await until(lambda: session.state == "disconnected", what="reconnection to stop")
        assert not session.client.reconnecting
        assert len(rec.find(kind="reconnect_attempt")) == 1
        await session.disconnect()
        with contextlib.suppress(ConnectError, asyncio.CancelledError):
            await connecting
    run(scenario())


def test_two_attempts_to_an_incorrect_address_then_give_up(closed_port):
    # "should try to reconnect twice and fail when requested two attempts with incorrect
    # address and reconnect enabled" (issue 10, behaviour 7)
    port = closed_port

    async def scenario():
        session = Session(client_options(None, url=f"http://127.0.0.1:{port}/asd",
                                         reconnection_attempts=2, reconnection_delay=0.01))
        rec = Recorder(session)
        connecting = asyncio.ensure_future(session.connect())
        await wait_gave_up(rec)
        with contextlib.suppress(ConnectError):
            await connecting
        assert attempts(rec) == [1, 2]
        await session.disconnect()
    run(scenario())


def test_still_two_attempts_after_opening_another_namespace_meanwhile(closed_port):
    # "should still try to reconnect twice after opening another socket asynchronously"
    # (issue 10, behaviour 7)
    port = closed_port

    async def scenario():
        session = Session(client_options(None, url=f"http://127.0.0.1:{port}/room1",
                                         reconnection_attempts=2, reconnection_delay=0.05))
        rec = Recorder(session)
        connecting = asyncio.ensure_future(session.connect())
        await rec.wait_for(kind="connect_error")
        await session.open_namespace("/room2")        # while it is reconnecting
        await wait_gave_up(rec)
        with contextlib.suppress(ConnectError):
            await connecting
        assert attempts(rec) == [1, 2]
        await session.disconnect()
    run(scenario())


@pytest.mark.expect_error(r"undecodable Socket.IO packet")
def test_an_undecodable_packet_closes_the_engine_and_reconnects(support_server):
    # "should close the engine upon decoding exception" (issue 10, behaviour 9): upstream
    # injects "bad" into the engine; here the server writes it (support_server.js)
    async def scenario():
        async with session_on(support_server, raw=True, reconnection_delay=0.05) as (session, rec):
            [first] = rec.find(kind="connect", ns="/")
            await session.emit("/", "_send_undecodable", [])
            [down] = await rec.wait_for(kind="disconnect", ns="/")
            [error] = rec.find(kind="error")
            assert error.args == ["bad"]
            await rec.wait_for(kind="reconnect")
            [_, again] = await rec.wait_for(2, kind="connect", ns="/")
            assert again.detail["sid"] != first.detail["sid"]
            assert down.seq > error.seq
    run(scenario())


def test_a_date_is_emitted_as_a_string(support_server):
    # "should emit date as string"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "getDate", [])
            [got] = await rec.wait_for(kind="event", dir="in", event="takeDate")
            assert is_iso_date(got.args[0])
    run(scenario())


def test_a_date_in_an_object(support_server):
    # "should emit date in object"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "getDateObj", [])
            [got] = await rec.wait_for(kind="event", dir="in", event="takeDateObj")
            assert isinstance(got.args[0], dict) and is_iso_date(got.args[0]["date"])
    run(scenario())


def test_get_binary_data(support_server):
    # "should get binary data (as an ArrayBuffer)"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "doge", [])
            [got] = await rec.wait_for(kind="event", dir="in", event="doge")
            assert got.args == [b"asdfasdf"] and "binary" in got.flags
    run(scenario())


def test_send_binary_data(support_server):
    # "should send binary data (as an ArrayBuffer)"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "buffa", [bytes.fromhex("6ac75f6ac75f")])
            await rec.wait_for(kind="event", dir="in", event="buffack")
            [out] = rec.find(kind="event", dir="out", event="buffa")
            assert "binary" in out.flags
    run(scenario())


def test_send_binary_data_mixed_with_json(support_server):
    # "should send binary data (as an ArrayBuffer) mixed with json"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "jsonbuff", [
                {"hello": "lol", "message": bytes.fromhex("868c1d"), "goodbye": "gotcha"}])
            await rec.wait_for(kind="event", dir="in", event="jsonbuff-ack")
    run(scenario())


def test_events_with_binary_data_arrive_in_order(support_server):
    # "should send events with ArrayBuffers in the correct order"
    async def scenario():
        async with session_on(support_server) as (session, rec):
            await session.emit("/", "abuff1", [bytes.fromhex("69bb9f7f")])
            await session.emit("/", "abuff2", ["please arrive second"])
            await rec.wait_for(kind="event", dir="in", event="abuff2-ack")
            seen = await support_server.wait_saw(2, kind="event")
            assert [e["event"] for e in seen] == ["abuff1", "abuff2"]
    run(scenario())
