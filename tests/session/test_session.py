"""Session end to end against the bundled demo server (a real python-socketio server
on 127.0.0.1:0, in the test's own loop so the server's record can be read)."""
from __future__ import annotations

import asyncio

import pytest

from inspector.demo.server import DemoServer
from inspector.log.entry import IN, OUT, SYS, Flag, Kind
from inspector.session.acks import AckTimeout
from inspector.session.server_acks import AckReply
from inspector.session.session import EmitOutcome, NotConnected, Session
from inspector.session.state import ConnectionState, NamespaceState
from inspector.wire.options import ConnectionOptions, Transport
from inspector.wire.sio import ConnectError
from tests.helpers import Recorder, demo_session, run, until


def test_connect_logs_the_namespace_and_the_status_says_so():
    async def scenario():
        async with demo_session() as (session, rec, server, results):
            assert results["/"]["sid"]
            [connect] = rec.find(kind=Kind.CONNECT, ns="/")
            assert connect.dir == SYS and connect.detail["sid"] == results["/"]["sid"]
            assert session.state == ConnectionState.CONNECTED
            assert session.status.startswith(f"Connected to {server.url} over")
    run(scenario())


def test_unreachable_url_is_a_clear_error_and_a_connect_error_entry():
    # reconnection off: the first failure is the answer, at once
    async def scenario():
        session = Session(ConnectionOptions(url="http://127.0.0.1:1", connect_timeout=3,
                                            reconnection=False))
        rec = Recorder(session)
        with pytest.raises(ConnectError, match="cannot connect to http://127.0.0.1:1"):
            await session.connect()
        [entry] = rec.find(kind=Kind.CONNECT_ERROR)
        assert "cannot connect" in entry.detail["message"]
        assert not rec.find(kind=Kind.RECONNECT_ATTEMPT)
        assert session.state == ConnectionState.DISCONNECTED and session.status.startswith("Connection failed")
    run(scenario())


def test_a_failed_first_connection_is_retried_then_given_up():
    # reconnection on (the default): socket.io-client's Manager retries the first connection;
    # connect() raises once the series gave up, and the status line told each attempt
    async def scenario():
        session = Session(ConnectionOptions(url="http://127.0.0.1:1", connect_timeout=3,
                                            reconnection_attempts=2, reconnection_delay=0.05,
                                            randomization_factor=0))
        rec = Recorder(session)
        statuses = []
        session.subscribe_state(lambda st: statuses.append((st.state, st.status)))
        with pytest.raises(ConnectError, match=r"gave up reconnecting after 2 attempt\(s\); "
                                               r"the last error: cannot connect to http://127.0.0.1:1"):
            await session.connect()
        [first] = rec.find(kind=Kind.CONNECT_ERROR)
        assert "cannot connect" in first.detail["message"]
        assert [e.detail["attempt"] for e in rec.find(kind=Kind.RECONNECT_ATTEMPT)] == [1, 2]
        [gave_up] = rec.find(kind=Kind.DISCONNECT)
        assert gave_up.detail == {"reason": "gave up reconnecting", "attempts": 2}
        assert (ConnectionState.RECONNECTING, "Reconnecting (attempt 1)…") in statuses
        assert (ConnectionState.RECONNECTING, "Reconnecting (attempt 2)…") in statuses
        assert session.state == ConnectionState.DISCONNECTED
        assert session.status.startswith("Connection failed: gave up reconnecting after 2 attempt(s)")
    run(scenario())


def test_two_namespaces_at_once_and_closing_one_keeps_the_other():
    async def scenario():
        async with demo_session(namespaces=["/", "/chat"]) as (session, rec, server, results):
            assert set(results) == {"/", "/chat"} and not any(isinstance(r, Exception) for r in results.values())
            r1 = await session.emit("/chat", "echo", ["on chat"], ack=True)
            r2 = await session.emit("/", "echo", ["on root"], ack=True)
            assert (await r1.answer).args == ["on chat"]
            assert (await r2.answer).args == ["on root"]
            await session.close_namespace("/chat")
            [bye] = rec.find(kind=Kind.DISCONNECT, ns="/chat")
            assert bye.detail["reason"] == "client disconnect"
            r3 = await session.emit("/", "echo", ["still here"], ack=True)
            assert (await r3.answer).args == ["still here"]
            assert session.ns_state.get("/") == NamespaceState.CONNECTED and "/chat" not in session.ns_state
            assert not rec.find(kind=Kind.DISCONNECT, ns="/")
            # the server saw what went to each namespace
            assert ("/chat", "echo", ["on chat"]) in server.received
            assert ("/", "echo", ["still here"]) in server.received
    run(scenario())


def test_open_namespace_after_connect_with_its_own_auth():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            refused = await session.open_namespace("/admin")
            assert "unauthorized" in str(refused)
            [err] = rec.find(kind=Kind.CONNECT_ERROR, ns="/admin")
            assert err.args == [{"message": "unauthorized",
                                 "data": {"hint": "send auth {\"token\": \"demo-token\"}"}}]
            assert session.ns_state["/admin"] == NamespaceState.REFUSED
            info = await session.open_namespace("/admin", {"token": "demo-token"})
            assert info["sid"]
            await rec.wait_for(kind=Kind.EVENT, ns="/admin", event="admin_welcome")
            assert session.ns_state == {"/admin": NamespaceState.CONNECTED, "/": NamespaceState.CONNECTED}
    run(scenario())


def test_join_room_shows_the_ack_and_receives_the_room_broadcast():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            joined = await session.join_room("/", "lobby")
            answer = await joined.answer
            assert answer.args == [{"room": "lobby", "joined": True, "members": 1}]
            await until(lambda: session.snapshot().namespace("/").rooms == (
                ("lobby", "joined", '{"room":"lobby","joined":true,"members":1}'),), what="the room joined")
            await session.emit("/", "broadcast", [{"room": "lobby", "data": {"hello": 1}}])
            [msg] = await rec.wait_for(kind=Kind.EVENT, event="room_message")
            assert msg.args[0]["room"] == "lobby" and msg.args[0]["data"] == {"hello": 1}
            left = await session.leave_room("/", "lobby")
            assert session.snapshot().namespace("/").rooms == ()
            assert (await left.answer).args == [{"room": "lobby", "left": True}]
            assert server.received[-1] == ("/", "leave", ["lobby"])
    run(scenario())


def test_join_event_name_is_configurable():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.rooms.join_event = "enter"
            await session.join_room("/", "r1")
            await rec.wait_for(kind=Kind.ACK, event="enter")
            assert ("/", "enter", ["r1"]) in server.received
    run(scenario())


def test_ack_round_trip_has_its_rtt_and_points_at_its_emit():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            result = await session.emit("/", "echo", [{"a": 1}, "two"], ack=True, timeout=5)
            answer = await result.answer
            [out] = rec.find(kind=Kind.EVENT, dir=OUT, event="echo")
            [ack] = rec.find(kind=Kind.ACK, dir=IN)
            assert out.ack_id == ack.ack_id == result.ack_id
            assert ack.args == [{"a": 1}, "two"] and answer.args == ack.args
            assert ack.rtt_ms is not None and 0 <= ack.rtt_ms < 5000
            assert ack.detail["for_seq"] == out.seq and ack.event == "echo"
            assert out.bytes == len('42' + '0["echo",{"a":1},"two"]') and ack.bytes > 0
    run(scenario())


def test_missing_ack_times_out_and_a_late_one_is_marked_late():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            result = await session.emit("/", "slow_echo", [{"delay": 0.6, "data": "zzz"}],
                                        ack=True, timeout=0.2)
            with pytest.raises(AckTimeout):
                await result.answer
            [timeout] = rec.find(kind=Kind.ACK, flag=Flag.TIMEOUT)
            assert timeout.dir == SYS and timeout.ack_id == result.ack_id
            [late] = await rec.wait_for(kind=Kind.ACK, dir=IN, flag=Flag.LATE)
            assert late.args == ["zzz"] and late.rtt_ms >= 500
    run(scenario())


def test_server_ack_is_answered_with_an_empty_answer_by_default():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            await session.emit("/", "ask", ["Ready?"])
            [question] = await rec.wait_for(kind=Kind.EVENT, dir=IN, event="question")
            assert question.ack_id is not None and question.args == ["Ready?"]
            [reply] = await rec.wait_for(kind=Kind.ACK, dir=OUT)
            assert reply.ack_id == question.ack_id and reply.args == []
            [got] = await rec.wait_for(kind=Kind.EVENT, event="answer_received")
            assert got.args == [{"question": "Ready?", "answer": []}]
    run(scenario())


def test_server_ack_answer_per_event_and_by_hand():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.server_acks.set("question", AckReply(["Ada", {"age": 36}]))
            await session.emit("/", "ask", ["Name?"])
            [got] = await rec.wait_for(kind=Kind.EVENT, event="answer_received")
            assert got.args[0]["answer"] == ["Ada", {"age": 36}]
            # turned off: held until answered by hand
            session.server_acks.set("question", AckReply(enabled=False))
            await session.emit("/", "ask", ["Later?"])
            [q] = await rec.wait_for(kind="event", event="question", where=lambda e: e.args == ["Later?"])
            # an echo's answer comes after any answer_received an automatic reply would cause
            # (the server handles an ack before it starts the next event's handler)
            marker = await session.emit("/", "echo", ["marker"], ack=True)
            assert (await marker.answer).args == ["marker"]
            assert len(rec.find(kind="event", event="answer_received")) == 1
            assert not [a for a in rec.find(kind="ack", dir="out") if a.ack_id == q.ack_id]
            assert session.answer_server_ack("/", q.ack_id, ["by hand"])
            [_, got2] = await rec.wait_for(2, kind=Kind.EVENT, event="answer_received")
            assert got2.args[0]["answer"] == ["by hand"]
            assert not session.answer_server_ack("/", q.ack_id, ["twice"])
    run(scenario())


def test_server_drop_reconnects_and_logs_the_gap():
    async def scenario():
        async with demo_session(namespaces=["/", "/chat"]) as (session, rec, server, _):
            await session.emit("/", "drop", [])
            [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
            assert down.detail["reason"] in ("transport close", "transport error")
            [again] = await rec.wait_for(kind=Kind.RECONNECT)
            gaps = await rec.wait_for(2, kind=Kind.GAP)
            by_ns = {g.ns: g for g in gaps}
            assert set(by_ns) == {"/", "/chat"}
            gap = by_ns["/"]
            assert gap.detail["reason"] == down.detail["reason"]
            assert gap.detail["attempts"] >= 1
            assert 0 < gap.detail["duration_s"] < 10
            assert gap.detail["from"] == down.t and gap.detail["to"] > gap.detail["from"]
            assert gap.seq > again.seq > down.seq
            result = await session.emit("/chat", "echo", ["back"], ack=True)
            assert (await result.answer).args == ["back"]
    run(scenario())


def test_reconnect_attempts_are_logged_while_the_server_is_down():
    async def scenario():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        port = server.port
        session = Session(ConnectionOptions(url=url, reconnection_delay=0.05,
                                            reconnection_delay_max=0.1, randomization_factor=0,
                                            connect_timeout=2))
        rec = Recorder(session)
        await session.connect()
        await server.stop()
        failed = await rec.wait_for(2, kind=Kind.RECONNECT_ATTEMPT, timeout=20)
        assert [f.detail["attempt"] for f in failed[:2]] == [1, 2]
        assert all(f.detail["error"] for f in failed)
        assert session.state == ConnectionState.RECONNECTING
        server2 = DemoServer(port=port, tick_interval=0)
        await server2.start()
        try:
            [back] = await rec.wait_for(kind=Kind.RECONNECT, timeout=20)
            [gap] = await rec.wait_for(kind=Kind.GAP)
            assert gap.detail["attempts"] == back.detail["attempt"] >= 3
            assert session.state == ConnectionState.CONNECTED
        finally:
            await session.disconnect()
            await server2.stop()
    run(scenario())


def test_reconnection_off_stays_disconnected():
    async def scenario():
        async with demo_session(reconnection=False) as (session, rec, server, _):
            await session.emit("/", "drop", [])
            await rec.wait_for(kind="disconnect", ns="/")
            # the client decided when the transport closed: disconnected, no reconnect loop
            await until(lambda: session.state == "disconnected", what="disconnected")
            assert not session.client.reconnecting
            assert not rec.find(kind="reconnect_attempt") and not rec.find(kind="reconnect")
            assert session.status.startswith("Disconnected: transport")
    run(scenario())


def test_server_side_disconnect_is_not_reconnected():
    async def scenario():
        async with demo_session(namespaces=["/", "/admin"],
                                auth={"/admin": {"token": "demo-token"}}) as (session, rec, server, _):
            await session.emit("/admin", "kick", [])
            [bye] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
            assert bye.detail["reason"] == "server disconnect"
            # the connection stays up (a round trip on /admin) and nothing reconnects /
            marker = await session.emit("/admin", "echo", ["still here"], ack=True)
            assert (await marker.answer).args == ["still here"]
            assert not session.client.reconnecting
            assert not rec.find(kind="reconnect") and not rec.find(kind="reconnect_attempt")
            assert session.ns_state["/"] == "disconnected"
            assert session.ns_state["/admin"] == "connected"
    run(scenario())


def test_volatile_emit_is_dropped_while_down_and_others_are_held_then_sent_in_order():
    async def scenario():
        async with demo_session(server_kwargs={}) as (session, rec, server, _):
            session.options.reconnection_delay = 0.5
            session.client.options.reconnection_delay = 0.5
            await session.emit("/", "drop", [])
            await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
            v = await session.emit("/", "vol", [1], volatile=True)
            assert v.outcome == EmitOutcome.DROPPED
            [dropped] = rec.find(kind=Kind.DROPPED)
            assert dropped.event == "vol" and dropped.flags == ("volatile",)
            assert "disconnected" in dropped.detail["reason"]
            held = [await session.emit("/", "held", [i]) for i in range(3)]
            assert [h.outcome for h in held] == ["buffered"] * 3
            assert session.snapshot().buffered == 3
            sent = await rec.wait_for(3, kind=Kind.EVENT, dir=OUT, event="held", timeout=15)
            assert [e.args for e in sent] == [[0], [1], [2]]
            assert all(Flag.BUFFERED in e.flags and e.detail["held_ms"] > 0 for e in sent)
            [connect] = rec.find(kind=Kind.CONNECT, ns="/")[-1:]
            assert all(e.seq > connect.seq for e in sent)
            await until(lambda: len([1 for _, ev, _ in server.received if ev == "held"]) == 3)
            assert [a for ns, ev, a in server.received if ev == "held"] == [[0], [1], [2]]
            assert not [1 for ns, ev, a in server.received if ev == "vol"]
            assert session.snapshot().buffered == 0
    run(scenario())


def test_offline_buffer_off_refuses_with_a_clear_message():
    async def scenario():
        async with demo_session(buffer_offline=False, reconnection=False) as (session, rec, server, _):
            await session.emit("/", "drop", [])
            await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
            with pytest.raises(NotConnected, match="offline buffer is off"):
                await session.emit("/", "held", [1])
    run(scenario())


def test_emit_before_connect_is_a_clear_error():
    async def scenario():
        with pytest.raises(NotConnected):
            await Session().emit("/", "x", [])
    run(scenario())


def test_binary_arguments_and_binary_ack():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            result = await session.emit("/", "binary", [64], ack=True)
            answer = await result.answer
            assert answer.args == [b"\x01\x02\x03"]
            [data] = await rec.wait_for(kind=Kind.EVENT, event="binary_data")
            assert data.args[0]["data"] == bytes(range(64))
            assert data.args[0]["nested"] == {"header": b"\x89PNG", "parts": [b"\x00\xff", "text"]}
            assert Flag.BINARY in data.flags
            echo = await session.emit("/", "echo", [{"blob": b"\xde\xad", "n": [b"\x00"]}], ack=True)
            assert (await echo.answer).args == [{"blob": b"\xde\xad", "n": [b"\x00"]}]
            [out] = rec.find(kind=Kind.EVENT, dir=OUT, event="echo")
            assert Flag.BINARY in out.flags
            # the size counts the attachments too
            assert out.bytes == len('451-0["echo",{"blob":{"_placeholder":true,"num":0},'
                                    '"n":[{"_placeholder":true,"num":1}]}]') + 2 + 1
    run(scenario())


def test_query_headers_and_auth_reach_the_server():
    async def scenario():
        async with demo_session(query={"room": "a b", "v": "1"}, headers={"X-Trace": "t-42"},
                                auth={"/": {"token": "tok"}}) as (session, rec, server, _):
            result = await session.emit("/", "whoami", [], ack=True)
            seen = (await result.answer).args[0]
            assert seen["query"]["room"] in ("a b", "a+b", "a%20b") and seen["query"]["v"] == "1"
            assert seen["headers"]["X-Trace"] == "t-42"
            assert seen["auth"] == {"token": "tok"}
            logged = "\n".join(e.to_jsonl() for e in rec.entries if e.event != "whoami")
            assert "t-42" not in logged and "tok" not in logged
    run(scenario())


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET, Transport.POLLING, Transport.UPGRADE])
def test_custom_handshake_path_and_each_transport(transport):
    async def scenario():
        async with demo_session(server_kwargs={"path": "/custom/io"}, path="/custom/io",
                                transport=transport) as (session, rec, server, results):
            assert results["/"]["sid"]
            result = await session.emit("/", "echo", [transport], ack=True)
            assert (await result.answer).args == [transport]
            expected = Transport.POLLING if transport == Transport.POLLING else Transport.WEBSOCKET
            assert session.client.transport_name == expected
        wrong = Session(ConnectionOptions(url=server.url, path="/socket.io", connect_timeout=3,
                                          transport=transport, reconnection=False))
        await server.start()
        try:
            with pytest.raises(ConnectError):
                await wrong.connect()
        finally:
            await server.stop()
    run(scenario())


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET, Transport.POLLING])
def test_drop_transport_simulates_a_network_failure_and_reconnects(transport):
    async def scenario():
        async with demo_session(transport=transport) as (session, rec, server, _):
            await session.drop_transport()
            [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
            assert down.detail["reason"] == "transport close"
            [gap] = await rec.wait_for(kind=Kind.GAP, ns="/", timeout=15)
            assert gap.detail["reason"] == "transport close"
            result = await session.emit("/", "echo", ["back"], ack=True)
            assert (await result.answer).args == ["back"]
            await session.disconnect()
            with pytest.raises(NotConnected):
                await session.drop_transport()
    run(scenario())


BIG = {"blob": "x" * 5_000_000, "bytes": b"\x01" * 1_000_000}


def test_a_five_megabyte_event_crosses_both_ways():
    async def scenario():
        async with demo_session(transport=Transport.WEBSOCKET) as (session, rec, server, _):
            r = await session.emit("/", "echo", [BIG], ack=True, timeout=30)
            assert (await r.answer).args == [BIG]
            assert not rec.find(kind=Kind.DISCONNECT)
    run(scenario())


@pytest.mark.node
@pytest.mark.parametrize("transport", [Transport.WEBSOCKET, Transport.POLLING])
def test_a_five_megabyte_event_against_node(node_server, transport):
    # (python-engineio's aiohttp server reads a long-polling POST body with one
    # partial read, so over polling it is the server that breaks on such a body)
    server = node_server()

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport))
        rec = Recorder(session)
        await session.connect()
        r = await session.emit("/", "echo", [BIG], ack=True, timeout=30)
        assert (await r.answer).args == [BIG]
        assert not rec.find(kind=Kind.DISCONNECT)
        await session.disconnect()
    run(scenario())


def test_emit_on_a_namespace_that_is_not_open_says_so():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            with pytest.raises(NotConnected, match="/nope is not open: open the namespace first"):
                await session.emit("/nope", "x", [])
            await session.open_namespace("/admin")          # refused
            with pytest.raises(NotConnected, match="/admin is refused"):
                await session.emit("/admin", "stats", [])
            assert not rec.find(dir=OUT, kind=Kind.EVENT)
    run(scenario())


def test_a_server_that_dies_mid_burst_leaves_a_clear_record_and_no_hang():
    from tests.conftest import start_demo
    server = start_demo()

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, reconnection_delay=0.1,
                                            reconnection_delay_max=0.2, connect_timeout=2))
        rec = Recorder(session)
        await session.connect()
        await session.emit("/", "burst", [{"count": 200000}])
        await rec.wait_for(2000, kind=Kind.EVENT, dir=IN, event="burst", timeout=30)
        server.proc.kill()
        [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/", timeout=15)
        assert down.detail["reason"] in ("transport close", "transport error")
        failed = await rec.wait_for(2, kind=Kind.RECONNECT_ATTEMPT, timeout=20)
        assert "cannot connect" in failed[0].detail["error"]
        got = [e.args[0]["i"] for e in rec.find(kind=Kind.EVENT, dir=IN, event="burst")]
        assert got == list(range(len(got)))             # what arrived, arrived whole and in order
        assert session.state == ConnectionState.RECONNECTING
        await asyncio.wait_for(session.disconnect(), 5)
        assert session.state == ConnectionState.DISCONNECTED
    try:
        run(scenario())
    finally:
        server.stop()


def test_a_server_kick_after_a_reconnect_is_a_plain_disconnect():
    async def scenario():
        async with demo_session(namespaces=["/", "/admin"],
                                auth={"/admin": {"token": "demo-token"}}) as (session, rec, server, _):
            await session.drop_transport()
            await rec.wait_for(2, kind=Kind.GAP, where=lambda e: "duration_s" in e.detail)
            await session.emit("/admin", "kick", [])
            [_, bye] = await rec.wait_for(2, kind=Kind.DISCONNECT, ns="/")
            assert bye.detail["reason"] == "server disconnect"
            await until(lambda: session.ns_state["/"] == NamespaceState.DISCONNECTED, what="/ disconnected")
            assert "/" not in session.gaps.open
            assert session.status == "/ disconnected by the server"
    run(scenario())


def test_disconnecting_while_reconnecting_closes_the_namespaces_and_their_gaps():
    async def scenario():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        session = Session(ConnectionOptions(url=url, reconnection_delay=0.05,
                                            reconnection_delay_max=0.1, connect_timeout=1))
        rec = Recorder(session)
        await session.connect(namespaces=["/", "/chat"])
        await server.stop()
        await rec.wait_for(1, kind=Kind.RECONNECT_ATTEMPT, timeout=15)
        await session.disconnect()
        closing = [e for e in rec.find(kind=Kind.DISCONNECT) if e.detail["reason"] == "client disconnect"]
        assert {e.ns for e in closing} == {"/", "/chat"}
        assert session.ns_state == {"/": NamespaceState.CLOSED, "/chat": NamespaceState.CLOSED}
        assert not session.gaps.open
        assert session.state == ConnectionState.DISCONNECTED
    run(scenario())


def test_emits_queued_when_the_connection_dies_go_back_to_the_buffer_and_arrive():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.client.options.reconnection_delay = 0.3
            # emitted and accepted, but the transport is cut before the write loop runs
            results = [await session.emit("/", "held", [i]) for i in range(50)]
            assert {r.outcome for r in results} == {EmitOutcome.SENT}
            await session.drop_transport()
            sent = await rec.wait_for(50, kind=Kind.EVENT, dir=OUT, event="held", timeout=20)
            assert [e.args for e in sent] == [[i] for i in range(50)]
            assert not rec.find(kind=Kind.DROPPED)
            await until(lambda: len([1 for _, ev, _ in server.received if ev == "held"]) == 50)
            assert [a for _, ev, a in server.received if ev == "held"] == [[i] for i in range(50)]
    run(scenario())


def test_held_emits_that_can_no_longer_go_are_reported_dropped():
    async def scenario():
        async with demo_session(namespaces=["/", "/chat"]) as (session, rec, server, _):
            session.client.options.reconnection_delay = 5
            await session.drop_transport()
            await rec.wait_for(kind=Kind.DISCONNECT, ns="/chat")
            await session.emit("/chat", "later", [1], ack=True)
            await session.close_namespace("/chat")
            [dropped] = rec.find(kind=Kind.DROPPED)
            assert dropped.event == "later" and dropped.detail["reason"] == "/chat was closed before it could be sent"
            assert len(session.acks) == 0
    run(scenario())


def test_reconnect_delays_stay_within_the_maximum_for_ever():
    import random

    from inspector.wire.sio import InspectorClient, WantedNamespace

    class Probe:
        def __init__(self):
            self.delays = []

        def reconnect_attempt(self, attempt, delay):
            self.delays.append(delay)

        def reconnect_error(self, attempt, error):
            pass

        def reconnect_failed(self, attempts, why=None):
            pass

    async def scenario():
        probe = Probe()
        client = InspectorClient(probe, ConnectionOptions(
            url="http://127.0.0.1:1", reconnection_delay=0.0001, reconnection_delay_max=0.001,
            reconnection_attempts=1100, connect_timeout=0.2))
        async def fail():
            from inspector.wire.sio import ConnectError
            raise ConnectError("down")
        client._open_engine = fail          # the server stays down: every attempt fails
        client.ns = {"/": WantedNamespace()}     # a namespace is still wanted
        await client._reconnect_loop()
        return probe.delays
    random.seed(1)
    delays = run(scenario())
    assert len(delays) == 1100 and max(delays) <= 0.001
