"""One heartbeat watchdog per connection.

python-engineio (and the inspector until this module) read every websocket frame
with `ws.receive(timeout=pingInterval + pingTimeout)`: aiohttp then builds an
asyncio timeout around each read, which measured ~30% of the network thread in a
burst.  The deadline only moves forward, so one timer is enough: each batch of
frames read off the socket stores when it came (the engine's `last_rx`, a float
it keeps anyway; wire/read_ahead.py reads the frames), and the
timer, when it fires, looks at that time and sets itself again for the rest of
the interval.  A burst of 100,000 packets costs a handful of timer callbacks.

Before it calls a connection dead, it lets the loop run a few passes: a frame
that reached the socket before the deadline may still be waiting for the read
loop (on uvloop the timers run before the poll of the same pass, so a timer can
fire while the data it is waiting for is already in the kernel).
"""
from __future__ import annotations

import asyncio
import time
from typing import Callable

GRACE_PASSES = 3     # loop passes a deadline waits for what may already have arrived


class Watchdog:
    """Calls `expired()` once, when `last_rx()` (time.monotonic) is older than `limit`
    seconds; `cancel()` when the connection ends first."""

    __slots__ = ("_limit", "_last_rx", "_expired", "_loop", "_handle", "_confirming", "fired", "checks")

    def __init__(self, limit: float, last_rx: Callable[[], float], expired: Callable[[], None],
                 loop: asyncio.AbstractEventLoop | None = None):
        self._limit = limit
        self._last_rx = last_rx
        self._expired = expired
        self._loop = loop or asyncio.get_running_loop()
        self._confirming: asyncio.Task | None = None
        self.fired = False
        self.checks = 0      # timer callbacks so far (tests: a handful per burst, not one per packet)
        self._handle: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        delay = self._last_rx() + self._limit - time.monotonic()
        self._handle = self._loop.call_later(max(0.0, delay), self._check)

    def _check(self) -> None:
        self.checks += 1
        if time.monotonic() < self._last_rx() + self._limit:
            self._arm()
            return
        self._handle = None
        self._confirming = self._loop.create_task(self._confirm())

    async def _confirm(self) -> None:
        for _ in range(GRACE_PASSES):
            await asyncio.sleep(0)
        if time.monotonic() < self._last_rx() + self._limit:
            self._confirming = None
            self._arm()
            return
        self._confirming = None
        self.fired = True
        self._expired()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        task, self._confirming = self._confirming, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
