"""The websocket reader keeps one heartbeat watchdog per connection (wire/watchdog.py), not a
timeout per message: a burst sets a handful of timers, not one per packet; a server that goes
quiet is still a ping timeout after pingInterval + pingTimeout."""
from __future__ import annotations

import asyncio
import time

from inspector.log.entry import Kind
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions, Transport
from inspector.wire.watchdog import Watchdog
from tests.faults.eio_server import OPEN, ScriptedEioServer
from tests.helpers import Recorder, run

BURST = 3000


class TimerCount:
    """Counts the timers set on the running (standard asyncio) loop while in the block."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop, self.n = loop, 0

    def __enter__(self) -> "TimerCount":
        real = self.loop.call_at

        def call_at(when, callback, *args, **kwargs):
            self.n += 1
            return real(when, callback, *args, **kwargs)
        self.loop.call_at = call_at       # call_later goes through call_at too
        return self

    def __exit__(self, *exc) -> None:
        del self.loop.call_at


def test_a_burst_sets_a_handful_of_timers_not_one_per_packet():
    """Without the watchdog, aiohttp set a timer for every `ws.receive(timeout=...)`."""
    async def scenario():
        script = [f'42["burst",{{"i":{i}}}]' for i in range(BURST)]
        async with ScriptedEioServer(script) as server:
            session = Session(ConnectionOptions(url=server.url, transport=Transport.WEBSOCKET,
                                                reconnection=False))
            rec = Recorder(session)
            try:
                with TimerCount(asyncio.get_running_loop()) as timers:
                    await session.connect()
                    await rec.wait_for(BURST, kind=Kind.EVENT, event="burst", timeout=60)
                assert timers.n < 100, timers.n
                assert session.client.eio.watchdog.checks < 10
            finally:
                await session.disconnect()
    run(scenario())


def test_a_quiet_server_is_a_ping_timeout_after_interval_plus_timeout(monkeypatch):
    monkeypatch.setitem(OPEN, "pingInterval", 200)
    monkeypatch.setitem(OPEN, "pingTimeout", 200)

    async def scenario():
        async with ScriptedEioServer(['42["hello"]']) as server:      # then silence: no PING ever
            session = Session(ConnectionOptions(url=server.url, transport=Transport.WEBSOCKET,
                                                reconnection=False))
            rec = Recorder(session)
            try:
                await session.connect()
                [hello] = await rec.wait_for(kind=Kind.EVENT, event="hello")
                [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/", timeout=10)
                assert down.detail["reason"] == "ping timeout"
                # not before pingInterval + pingTimeout of silence (0.4 s after the last packet)
                assert down.t - hello.t >= 0.4 - 0.02, down.t - hello.t
            finally:
                await session.disconnect()
    run(scenario())


def test_the_watchdog_waits_while_packets_come_and_fires_once_they_stop():
    async def scenario():
        last = [time.monotonic()]
        fired = asyncio.Event()
        dog = Watchdog(0.15, lambda: last[0], fired.set)
        loop = asyncio.get_running_loop()
        stop_feeding = loop.time() + 0.5
        fed = [0]

        def feed() -> None:          # a packet every 20 ms for 0.5 s, then silence
            last[0] = time.monotonic()
            fed[0] += 1
            if loop.time() < stop_feeding:
                loop.call_later(0.02, feed)
        feed()
        await asyncio.wait_for(fired.wait(), 5)
        quiet_for = time.monotonic() - last[0]
        assert fed[0] >= 10 and dog.fired
        assert quiet_for >= 0.15 - 0.01, quiet_for
        # one timer per interval while fed (about 0.5 / 0.15), not one per packet
        assert dog.checks <= 8, dog.checks
        dog.cancel()
    run(scenario())
