"""The bridge between the GUI thread and the network thread.

The network runs on its own plain asyncio loop (uvloop where there is one) in
one worker thread, so heartbeats are answered and bursts are taken whatever
the GUI is doing.  Calls go there with `run()` (result back on the GUI
thread) or `call()` (awaitable from qasync); LogEntry objects come back
through a thread-safe deque drained by a QTimer, one batch per tick.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections import deque
from typing import Any, Awaitable, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.entries import LogEntry
from ..core.loop import new_network_loop
from ..core.session import Session
from ..core.state import SessionState

FLUSH_MS = 30


class NetworkThread:
    """One daemon thread running one asyncio loop until stop()."""

    def __init__(self, name: str = "inspector-network"):
        self.loop = new_network_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "NetworkThread":
        self._thread.start()
        self._ready.wait()
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()
        # let cancelled tasks finish their clean-up
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    def submit(self, coro: Awaitable) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run_sync(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run a plain function on the network loop and wait for its result."""
        async def wrapper():
            return fn()
        return self.submit(wrapper()).result(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)


class SessionBridge(QObject):
    """Hands a Session's entries and state to the GUI thread, and intent back."""

    entriesReady = Signal(list)        # list[LogEntry], in order
    stateChanged = Signal(object)      # SessionState
    callDone = Signal(object, object, object)   # (on_done, result, error)

    def __init__(self, session: Session, network: NetworkThread, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.network = network
        self._queue: deque[LogEntry] = deque()
        self._state: SessionState | None = None
        self._state_dirty = False
        self.callDone.connect(self._deliver)
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        network.run_sync(self._attach)

    def _attach(self) -> None:
        self._unsubs = [self.session.subscribe(self._queue.append),
                        self.session.subscribe_state(self._set_state)]

    def _set_state(self, state: SessionState) -> None:
        self._state = state          # only the latest matters
        self._state_dirty = True

    def flush(self) -> None:
        """Drain what the network thread queued (called every FLUSH_MS)."""
        q = self._queue
        if q:
            n = len(q)
            batch = [q.popleft() for _ in range(n)]
            self.entriesReady.emit(batch)
        if self._state_dirty:
            self._state_dirty = False
            self.stateChanged.emit(self._state)

    @property
    def state(self) -> SessionState | None:
        return self._state

    def run(self, coro: Awaitable, on_done: Callable[[Any, BaseException | None], None] | None = None
            ) -> concurrent.futures.Future:
        """Run a Session coroutine on the network loop; on_done(result, error) on the GUI thread."""
        fut = self.network.submit(coro)
        if on_done is not None:
            def done(f: concurrent.futures.Future) -> None:
                try:
                    result, error = f.result(), None
                except BaseException as exc:  # delivered, not raised, on the GUI thread
                    result, error = None, exc
                self.callDone.emit(on_done, result, error)
            fut.add_done_callback(done)
        return fut

    def call_soon(self, fn: Callable, *args) -> None:
        """A plain Session call (no result wanted), run on the network loop."""
        self.network.loop.call_soon_threadsafe(fn, *args)

    async def call(self, coro: Awaitable) -> Any:
        """Await a Session coroutine from the GUI thread's (qasync) loop."""
        return await asyncio.wrap_future(self.network.submit(coro))

    def _deliver(self, on_done, result, error) -> None:
        on_done(result, error)

    def close(self) -> None:
        self._timer.stop()
        try:
            self.network.run_sync(lambda: [u() for u in self._unsubs], timeout=2.0)
        except Exception:
            pass
