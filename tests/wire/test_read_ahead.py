"""The websocket is read ahead of the read loop (wire/read_ahead.py): a PING that arrives
behind N frames is answered before those N frames are handled, the raw packet rows say so,
and the log keeps wire order (the PING's row after the N frames' rows)."""
from __future__ import annotations

import re
from collections import deque
from types import SimpleNamespace

import aiohttp

from inspector.log.entry import Direction, Kind
from inspector.session.session import Session
from inspector.session.state import ConnectionState, SessionState
from inspector.wire.options import ConnectionOptions, Transport
from inspector.wire.packets import summary
from inspector.wire.read_ahead import FRAME_COST, Answered, ReadAhead
from tests.faults.eio_server import CLOSE, ScriptedEioServer
from tests.helpers import Recorder, run

N = 3000


class PongWatchingServer(ScriptedEioServer):
    """Notes how many of the burst the client had handled when the client's PONG came."""

    handled_at_pong: list[int]
    count_handled = staticmethod(lambda: -1)

    def _replies(self, session, text):
        if text == "3":
            self.handled_at_pong.append(self.count_handled())
        return super()._replies(session, text)


def test_a_ping_behind_n_frames_is_answered_before_they_are_handled():
    async def scenario():
        script = [f'42["burst",{{"i":{i}}}]' for i in range(N)] + ["2"] + ['42["after",{}]']
        async with PongWatchingServer(script) as server:
            server.handled_at_pong = []
            session = Session(ConnectionOptions(url=server.url, transport=Transport.WEBSOCKET,
                                                reconnection=False))
            session.set_raw_capture(True)
            rec = Recorder(session)
            server.count_handled = lambda: len(rec.find(kind=Kind.EVENT, event="burst"))
            try:
                await session.connect()
                await rec.wait_for(1, kind=Kind.EVENT, event="after", timeout=60)
                await rec.wait_for(1, timeout=10, where=lambda e: e.kind == Kind.PACKET
                                   and e.dir == Direction.OUT and e.detail.get("eio") == "pong")
            finally:
                await session.disconnect()
        # what crossed the wire: the PONG reached the server before the client had handled
        # the frames queued ahead of the PING (in order, it would have handled all N first)
        assert len(server.handled_at_pong) == 1 and server.handled_at_pong[0] < N, server.handled_at_pong
        packets = [e for e in rec.entries if e.kind == Kind.PACKET]
        ping = next(e for e in packets if e.dir == Direction.IN and e.detail.get("eio") == "ping")
        pong = next(e for e in packets if e.dir == Direction.OUT and e.detail.get("eio") == "pong")
        bursts = [e for e in rec.entries if e.kind == Kind.EVENT and e.event == "burst"]
        # the PONG's row when it was sent, with the note; the PING's where it came in the stream
        assert bursts[0].seq < pong.seq < bursts[-1].seq < ping.seq
        assert "answered on arrival" in pong.detail["note"] and "still queued ahead of it" in pong.detail["note"]
        assert summary(pong.detail).startswith("pong (answered on arrival, ")   # the Event column
        assert "answered on arrival" in ping.detail["note"]
        assert [e.args[0]["i"] for e in bursts] == list(range(N))
    run(scenario())


def message(data) -> aiohttp.WSMessage:
    kind = aiohttp.WSMsgType.TEXT if isinstance(data, str) else aiohttp.WSMsgType.BINARY
    return aiohttp.WSMessage(kind, data, None)


def test_the_read_ahead_is_bounded_in_bytes_and_keeps_wire_order():
    """It takes from aiohttp's queue while it holds less than its limit, then leaves the rest
    there (aiohttp then stops reading the socket, as it does without it)."""
    async def scenario():
        sent = [f"4{i:03d}" + "x" * 97 for i in range(50)]
        sent.insert(20, "2")
        queued = deque((message(text), len(text)) for text in sent)

        async def receive():
            return queued.popleft()[0]
        heartbeats = []
        ahead = ReadAhead(receive, queued, lambda m: m.data == "2",
                          lambda m, n: heartbeats.append(n) or f"{n} ahead", limit=10 * (FRAME_COST + 101))
        await ahead.fill()
        assert len(ahead) == 10 and len(queued) == 41        # the bound: ten frames' worth
        handled = []
        while not heartbeats:
            handled.append(ahead.pop().data)
            await ahead.fill()
            assert ahead.size <= 10 * (FRAME_COST + 101) + FRAME_COST + 101
        # read with 9 frames ahead of it still to handle (11 had been handled)
        assert heartbeats == [9] and len(handled) == 11
        while ahead or queued:
            item = ahead.pop()
            handled.append(item.msg.data if type(item) is Answered else item.data)
            await ahead.fill()
        assert handled == sent and ahead.size == 0
    run(scenario())


def test_a_lone_websocket_control_frame_is_left_for_the_wait():
    """aiohttp's receive() answers a websocket PING itself and reads on: with nothing after
    it, taking it while frames are queued would hold them until the next frame came."""
    async def scenario():
        queued = deque([(aiohttp.WSMessage(aiohttp.WSMsgType.PING, b"", None), 0)])

        async def receive():
            raise AssertionError("receive() called for a lone control frame")
        ahead = ReadAhead(receive, queued, lambda m: False, lambda m, n: None)
        ahead.frames.append(SimpleNamespace(type=aiohttp.WSMsgType.TEXT, data="4x"))
        await ahead.fill()
        assert len(queued) == 1
    run(scenario())


BURST_BEFORE_CLOSE = 20_000


def test_the_websocket_s_end_behind_a_backlog_is_said_before_the_backlog_is_handled():
    """The server writes a burst and closes: the close frame is read ahead of the burst's
    frames still queued, and an ahead state says the connection is lost at once (with how
    many packets came before it), while the log keeps wire order: every burst row, then the
    disconnect, then the reconnect."""
    async def scenario():
        script = [f'42["burst",{{"i":{i}}}]' for i in range(BURST_BEFORE_CLOSE)] + [CLOSE]
        async with ScriptedEioServer(script, ['42["back",{}]']) as server:
            session = Session(ConnectionOptions(url=server.url, transport=Transport.WEBSOCKET,
                                                reconnection_delay=0.05, reconnection_delay_max=0.05))
            rec = Recorder(session)
            ahead: list[tuple[SessionState, int, int]] = []     # (state, bursts logged, last seq)
            session.subscribe_ahead(lambda st: ahead.append(
                (st, len(rec.find(kind=Kind.EVENT, event="burst")), session.last_seq)))
            try:
                await session.connect()
                await rec.wait_for(1, kind=Kind.EVENT, event="back", timeout=60)
            finally:
                await session.disconnect()
        assert len(ahead) == 1, ahead
        st, logged, last_seq = ahead[0]
        assert st.state == ConnectionState.RECONNECTING       # where the connection is going
        queued = int(re.search(r"— ([\d,]+) packets? received before it", st.status)[1].replace(",", ""))
        assert st.status == (f"Connection lost (transport close) — {queued:,} packets received before it "
                             "still being shown")
        # said while the burst was still being handled; what was queued is what followed (but
        # the frame the read loop held, popped, when it read on)
        assert logged < BURST_BEFORE_CLOSE and queued in (BURST_BEFORE_CLOSE - logged - 1, BURST_BEFORE_CLOSE - logged)
        bursts = rec.find(kind=Kind.EVENT, event="burst")
        assert [e.args[0]["i"] for e in bursts] == list(range(BURST_BEFORE_CLOSE))
        drop = rec.find(kind=Kind.DISCONNECT)[0]
        assert drop.detail["reason"] == "transport close" and last_seq < bursts[-1].seq < drop.seq
        assert drop.seq < rec.find(kind=Kind.EVENT, event="back")[0].seq
    run(scenario())


def test_the_end_is_reported_once_when_frames_are_queued_before_it():
    """ReadAhead's on_end: the close (or the socket's end, aiohttp's queue at eof) with frames
    still queued is told as it is read, with their count; with none queued it is not (the
    read loop gets to it at once)."""
    closing = aiohttp.WSMessage(aiohttp.WSMsgType.CLOSE, 1000, "")
    closed = aiohttp.WSMessage(aiohttp.WSMsgType.CLOSED, None, None)

    async def ended_behind(frames: int, close_frame: bool) -> list:
        queued = deque((message(f"4{i}"), 2) for i in range(frames))
        if close_frame:
            queued.append((closing, 0))
        ends = []

        async def receive():
            return queued.popleft()[0] if queued else closed      # at eof: aiohttp's CLOSED
        ahead = ReadAhead(receive, queued, lambda m: False, lambda m, n: None,
                          is_eof=lambda: not close_frame, on_end=lambda what, n: ends.append((what.type, n)))
        if frames:
            await ahead.fill()
        else:
            await ahead.wait()
        assert ahead.ended and len(ahead) == frames + 1
        await ahead.fill()
        return ends
    assert run(ended_behind(5, close_frame=True)) == [(aiohttp.WSMsgType.CLOSE, 5)]
    assert run(ended_behind(5, close_frame=False)) == [(aiohttp.WSMsgType.CLOSED, 5)]
    assert run(ended_behind(0, close_frame=True)) == []
