"""The network loop: uvloop where the platform has it (about 1.5x the standard
loop's event rate measured here), the standard loop elsewhere."""
from __future__ import annotations

import asyncio
import time


def new_network_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover (Windows)
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(coro):
    """asyncio.run on a network loop."""
    with asyncio.Runner(loop_factory=new_network_loop) as runner:
        return runner.run(coro)


class Courtesy:
    """Lets the GUI thread ask the other threads to step aside for a moment.

    Two threads that both want the GIL alternate every switch interval, so a
    20 ms paint on the GUI thread takes 40 to 60 ms while another thread is
    busy: the window stutters.  Around such work the GUI thread says so (`with
    courtesy:`); the window's row-preparing thread looks at `wanted` between
    batches and sleeps (releasing the GIL) until it is done, never longer than
    MAX_WAIT_S.  (The network loop and the session-file writer run in the
    capture process, whose GIL the window never holds: they never step aside.)  The total work is the same; the
    GUI's share comes in one piece instead of many.
    """

    MAX_WAIT_S = 0.05

    def __init__(self):
        self.wanted = 0

    def __enter__(self) -> "Courtesy":
        self.wanted += 1
        return self

    def __exit__(self, *exc) -> None:
        self.wanted -= 1

    def step_aside(self) -> None:
        deadline = time.monotonic() + self.MAX_WAIT_S
        while self.wanted and time.monotonic() < deadline:
            time.sleep(0.0005)


courtesy = Courtesy()
