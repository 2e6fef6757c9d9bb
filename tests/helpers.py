"""Helpers for tests that run core code on a plain asyncio loop."""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Callable

from inspector.demo.server import DemoServer
from inspector.log.entry import LogEntry
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions


def run(coro, timeout: float = 60.0):
    """Run a coroutine on a fresh loop, failing (not hanging) after `timeout`."""
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


class Recorder:
    """Collects a session's entries and waits for the ones a test expects."""

    def __init__(self, session: Session):
        self.entries: list[LogEntry] = []
        self._changed = asyncio.Event()
        session.subscribe(self._add)

    def _add(self, entry: LogEntry) -> None:
        self.entries.append(entry)
        self._changed.set()

    def find(self, **match) -> list[LogEntry]:
        return [e for e in self.entries if matches(e, match)]

    async def wait_for(self, count: int = 1, timeout: float = 10.0,
                       where: Callable[[LogEntry], bool] | None = None, **match) -> list[LogEntry]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [e for e in self.find(**match) if where is None or where(e)]
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"waited {timeout} s for {count} entries matching {match}, found {len(found)}; "
                    f"last: {[e.to_jsonl()[:150] for e in self.entries[-6:]]}")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)


async def until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll a condition (e.g. what a server recorded) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout} s for {what or condition}")
        await asyncio.sleep(0.01)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll a condition from a thread without a loop (e.g. what a subprocess reported)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what or condition}")
        time.sleep(0.001)


def matches(e: LogEntry, match: dict) -> bool:
    """Fields equal to `match`; flag="x" means x is among the entry's flags."""
    for key, want in match.items():
        if key == "flag":
            if want not in e.flags:
                return False
        elif getattr(e, key) != want:
            return False
    return True


@contextlib.asynccontextmanager
async def demo_session(namespaces=None, auth=None, server_kwargs=None, **options):
    """An in-process demo server and a session connected to it."""
    server = DemoServer(tick_interval=0, **(server_kwargs or {}))
    url = await server.start()
    opts = ConnectionOptions(url=url, reconnection_delay=0.1, reconnection_delay_max=0.3,
                             randomization_factor=0.0, **options)
    session = Session(opts)
    rec = Recorder(session)
    try:
        results = await session.connect(namespaces=namespaces, auth=auth)
        yield session, rec, server, results
    finally:
        await session.disconnect()
        await server.stop()
