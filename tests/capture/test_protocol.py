"""The window-capture protocol end to end: a real capture process (python -m
inspector.capture), a real demo server on 127.0.0.1:0, every command round trip."""
from __future__ import annotations

import asyncio
import struct

import msgpack
import pytest

from inspector.capture import protocol as P
from inspector.capture.client import AckAnswer, CaptureClient, RemoteSession
from inspector.log.entry import IN, Kind
from inspector.session.sequence_gaps import SequenceRule
from inspector.session.server_acks import AckReply
from inspector.session.session import EmitOutcome, NotConnected
from inspector.session.state import ConnectionState, NamespaceState
from inspector.store.reader import SessionStore
from inspector.wire.options import ConnectionOptions
from tests.helpers import run, until


class Seen:
    """What the window side was handed: entries in order, states with their seq."""

    def __init__(self, client: CaptureClient):
        self.entries, self.states, self.lost = [], [], []
        client.attach_handlers(self.entries.extend, lambda state, seq: self.states.append((state, seq)),
                               self.lost.append)

    def find(self, **match):
        return [e for e in self.entries if all(getattr(e, k) == v for k, v in match.items())]


def test_every_command_round_trips_through_the_capture_process(demo_server, tmp_path):
    path = tmp_path / "s.sqlite"

    async def scenario():
        client = await CaptureClient.spawn(session_file=str(path))
        seen = Seen(client)
        session = RemoteSession(client)
        assert client.welcome["pid"] == client.process.pid
        assert await client.call("ping") == "pong"
        result = await session.connect(ConnectionOptions(url=demo_server.url), ["/"])
        assert result["/"]["sid"]
        await until(lambda: seen.states and seen.states[-1][0].state == ConnectionState.CONNECTED)
        state, seq = seen.states[-1]
        assert seq <= seen.entries[-1].seq          # a state comes after the entries before it
        assert (await session.snapshot()).state == ConnectionState.CONNECTED

        # emit with an ack: the reply now, the answer later
        sent = await session.emit("/", "echo", [{"n": 1}, b"\x00\x01"], ack=True, timeout=5)
        assert sent.outcome == EmitOutcome.SENT and sent.ack_id is not None
        answer = await sent.answer
        assert isinstance(answer, AckAnswer) and answer.args == [{"n": 1}, b"\x00\x01"]
        await until(lambda: seen.find(kind=Kind.ACK, dir=IN, ack_id=sent.ack_id))

        info = await session.open_namespace("/chat")
        assert info["sid"]
        await session.set_room_events("join", "leave")
        joined = await session.join_room("/chat", "lobby")
        await joined.answer
        await until(lambda: seen.states[-1][0].namespace("/chat").rooms)
        left = await session.leave_room("/chat", "lobby")
        await left.answer
        await session.close_namespace("/chat")
        await until(lambda: seen.states[-1][0].namespace("/chat") is None
                    or seen.states[-1][0].namespace("/chat").state == NamespaceState.CLOSED)

        await session.set_raw_capture(True)
        await until(lambda: seen.states[-1][0].raw_capture)
        await session.set_raw_capture(False)
        await session.set_sequence_rules([SequenceRule("tick", "n")])
        await session.set_ack_replies(AckReply(["auto"]), {"question": AckReply(["Ada"])})
        await session.emit("/", "ask", ["name?"])
        await until(lambda: seen.find(kind=Kind.EVENT, event="answer_received"))
        assert seen.find(event="answer_received")[-1].args[0]["answer"] == ["Ada"]
        assert await session.answer_server_ack("/", 999, []) is False

        # a Session error comes back as the same class, with its words
        with pytest.raises(ValueError, match="event name"):
            await session.emit("/", "", [])
        with pytest.raises(NotConnected, match="/nowhere"):
            await session.emit("/nowhere", "x", [])

        await session.drop_transport()
        await until(lambda: seen.find(kind=Kind.RECONNECT), timeout=15)
        assert await client.call("flush") is True
        assert (await client.call("info"))["session_file"] == str(path)
        await session.disconnect()
        await until(lambda: seen.states[-1][0].state == ConnectionState.DISCONNECTED)
        assert await client.close() == 0
        seqs = [e.seq for e in seen.entries]
        assert seqs == list(range(1, len(seqs) + 1))     # every entry, in order, once
        return seqs[-1]

    last = run(scenario())
    with SessionStore(path) as store:
        assert store.count() == last


def test_a_burst_arrives_whole_and_in_order(demo_server):
    async def scenario():
        client = await CaptureClient.spawn()
        seen = Seen(client)
        session = RemoteSession(client)
        await session.connect(ConnectionOptions(url=demo_server.url), ["/"])
        await session.emit("/", "burst", [{"count": 20000}])
        await until(lambda: len(seen.find(event="burst", dir=IN)) == 20000, timeout=60)
        assert [e.args[0]["i"] for e in seen.find(event="burst", dir=IN)] == list(range(20000))
        seqs = [e.seq for e in seen.entries]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        await client.close()
    run(scenario(), timeout=120)


async def _raw_attach():
    ours, theirs = __import__("socket").socketpair()
    import os
    import subprocess
    import sys
    token = "t0ken"
    process = subprocess.Popen([sys.executable, "-m", "inspector.capture", "--fd", str(theirs.fileno())],
                               pass_fds=[theirs.fileno()], env={**os.environ, P.TOKEN_ENV: token})
    theirs.close()
    reader, writer = await asyncio.open_connection(sock=ours)
    return process, reader, writer, token


async def _next(reader) -> dict:
    return P.unpack(await P.read_frame(reader))


def test_a_malformed_frame_is_refused_with_a_clear_error_and_the_capture_goes_on():
    async def scenario():
        process, reader, writer, token = await _raw_attach()
        writer.write(P.pack({"hello": token, "v": P.VERSION}))
        assert "welcome" in await _next(reader)
        assert "state" in await _next(reader)
        body = b"\xc1not msgpack"
        writer.write(struct.pack(">I", len(body)) + body)
        error = await _next(reader)
        assert error["error"]["type"] == "ProtocolError" and "not msgpack" in error["error"]["message"]
        writer.write(P.pack({"id": 7, "call": "no_such_thing"}))
        error = await _next(reader)
        assert error["id"] == 7 and "no command named 'no_such_thing'" in error["error"]["message"]
        body = msgpack.packb([1, 2, 3])
        writer.write(struct.pack(">I", len(body)) + body)
        assert "not a map" in (await _next(reader))["error"]["message"]
        writer.write(P.pack({"id": 8, "call": "ping"}))        # still serving
        assert await _next(reader) == {"id": 8, "ok": "pong"}
        writer.write(struct.pack(">I", P.MAX_FRAME + 1))       # out of step: refused, then closed
        assert "over the" in (await _next(reader))["error"]["message"]
        assert await P.read_frame(reader) is None
        writer.close()
        assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 20) == 0
    run(scenario())


def test_calls_batches_and_states_name_their_client(demo_server):
    """One client today, named "default"; a call without a name acts on it, a call naming
    another is refused with the names there are, and what is pushed says whose it is."""
    async def scenario():
        process, reader, writer, token = await _raw_attach()
        writer.write(P.pack({"hello": token, "v": P.VERSION}))
        assert (await _next(reader))["welcome"]["clients"] == [P.DEFAULT_CLIENT]
        first = await _next(reader)
        assert first["client"] == P.DEFAULT_CLIENT and first["ns_auth"] == {}
        writer.write(P.pack({"id": 1, "call": "ping", "client": "bob"}))
        error = await _next(reader)
        assert error["id"] == 1 and "no client named 'bob'" in error["error"]["message"]
        writer.write(P.pack({"id": 2, "call": "connect", "client": P.DEFAULT_CLIENT,
                             "args": [{"url": demo_server.url}, ["/"], {"/": {"token": "t"}}]}))
        pushed = []
        while not any(m.get("id") == 2 for m in pushed):
            pushed.append(await _next(reader))
        assert "error" not in pushed[-1], pushed[-1]
        batches = [m for m in pushed if "entries" in m]
        states = [m for m in pushed if "state" in m]
        assert batches and all(m["client"] == P.DEFAULT_CLIENT for m in batches + states)
        # with the state, what the window reads without a call
        assert states[-1]["ns_auth"] == {"/": {"token": "t"}}
        assert states[-1]["options"]["url"] == demo_server.url
        writer.close()
        assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 20) == 0
    run(scenario())


def test_a_hello_without_the_token_is_refused():
    async def scenario():
        process, reader, writer, _ = await _raw_attach()
        writer.write(P.pack({"hello": "wrong", "v": P.VERSION}))
        assert "token" in (await _next(reader))["error"]["message"]
        assert await P.read_frame(reader) is None
        writer.close()
        assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 20) == 0
    run(scenario())


def test_values_that_msgpack_cannot_hold_natively_still_travel():
    row = P.unpack(P.pack({"v": [2 ** 70, -(2 ** 80), {"k": (1, 2)}, float("nan")]})[4:])["v"]
    assert row[:3] == [2 ** 70, -(2 ** 80), {"k": [1, 2]}] and row[3] != row[3]


def test_large_arguments_cross_as_raw_frames_after_their_batch_and_arrive_whole(demo_server):
    big = {"text": "é" + "x" * (3 << 20), "b": b"\x00\xff"}      # over protocol.LARGE_ARGS

    async def scenario():
        client = await CaptureClient.spawn()
        seen = Seen(client)
        session = RemoteSession(client)
        await session.connect(ConnectionOptions(url=demo_server.url), ["/"])
        sent = await session.emit("/", "echo", [big, 1], ack=True, timeout=30)
        assert (await sent.answer).args == [big, 1]
        await until(lambda: seen.find(kind=Kind.ACK, dir=IN, ack_id=sent.ack_id), timeout=30)
        [out] = seen.find(kind=Kind.EVENT, event="echo")
        [back] = seen.find(kind=Kind.ACK, dir=IN, ack_id=sent.ack_id)
        assert out.bytes > P.LARGE_ARGS and out.args == [big, 1] and back.args == [big, 1]
        assert await client.call("ping") == "pong"          # the stream is still in step
        await client.close()
    run(scenario(), timeout=120)


def test_an_ack_answer_in_the_same_run_of_messages_as_its_calls_reply_is_not_lost():
    """The reading thread hands the loop whole runs of messages: a join's reply and the
    server's ack to it can come in one run, before the caller resumes and asks for the
    answer's future (seen as a join whose answer never came, one run in three)."""
    async def scenario():
        client = CaptureClient(None, None)
        call = asyncio.get_running_loop().create_future()
        client._calls[7] = call
        client._delivered({"id": 7, "ok": {"outcome": "sent", "ack_id": 1, "answer": 3}})
        client._delivered({"answer": 3, "ok": {"args": ["ok"], "rtt_ms": 1.5, "late": False}})
        reply = await call
        answer = await asyncio.wait_for(client.answer_future(reply["answer"]), 1)
        return answer

    assert run(scenario()) == AckAnswer(["ok"], 1.5, False)


def test_a_window_that_reads_behind_a_burst_hears_the_connection_s_states_ahead_of_it():
    """The capture keeps at most WINDOW_HIGH bytes in its socket for the window and holds the
    rest of a backlog itself: a window that has not read the burst yet still hears, ahead of
    it, the drop and the reconnect (copies of those states with their seq), and then every
    entry and the states themselves in order."""
    from inspector.capture.host import options_to_wire
    from tests.faults.eio_server import CLOSE, ScriptedEioServer

    burst = 20_000

    async def scenario():
        script = [f'42["burst",{{"i":{i}}}]' for i in range(burst)] + [CLOSE]
        async with ScriptedEioServer(script, ['42["back",{}]']) as server:
            process, reader, writer, token = await _raw_attach()
            writer.write(P.pack({"hello": token, "v": P.VERSION}))
            assert "welcome" in await _next(reader)
            options = ConnectionOptions(url=server.url, transport="websocket", reconnection_delay=0.05,
                                        reconnection_delay_max=0.05)
            writer.write(P.pack({"id": 1, "call": "connect", "args": [options_to_wire(options)]}))
            # the window reads nothing while the burst comes, the drop, the reconnect
            await until(lambda: server.received.count("40") >= 2, 30, "the client to come back")
            ahead, in_order, last_entry, back = [], [], 0, None
            while back is None:
                message = await _next(reader)
                if "entries" in message:
                    for row in message["entries"]:
                        entry = P.entry_from_wire(list(row))
                        last_entry = entry.seq
                        if entry.event == "back":
                            back = entry
                elif "ahead" in message and message.get("seq") is not None:
                    ahead.append((P.state_from_wire(message["ahead"]).state, message["seq"], last_entry))
                elif "state" in message:
                    in_order.append((P.state_from_wire(message["state"]).state, message["seq"], last_entry))
            writer.close()
            assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 20) == 0
        # heard before the entries logged ahead of them had been read (thousands of them)
        early = {st for st, seq, read in ahead if seq - read > 1000}
        assert {ConnectionState.RECONNECTING, ConnectionState.CONNECTED} <= early, ahead
        # and each in order too, after its entries
        assert all(read >= seq for _st, seq, read in in_order)
        states = [st for st, _seq, _read in in_order]
        assert ConnectionState.CONNECTED in states[states.index(ConnectionState.RECONNECTING):], states
    run(scenario(), timeout=90)
