"""The network loop: uvloop where the platform has it (about 1.5x the standard
loop's event rate measured here), the standard loop elsewhere."""
from __future__ import annotations

import asyncio


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
