"""The bridge between the GUI thread and the network thread.

The network runs on its own plain asyncio loop (uvloop where there is one) in
one worker thread, so heartbeats are answered and bursts are taken whatever
the GUI is doing.  The window's handlers await calls there with `call()` and
`call_fn()` (from the GUI thread's qasync loop); `run()` hands back a
concurrent future instead.  LogEntry objects come back through a thread-safe
deque, and each state the session publishes through another, as one (state,
last seq logged before it) pair: a state is shown once the entries logged
before it are, never before.  A preparation thread turns the entries into
ready rows (log.chunk.Chunk: the cell texts, the flags, built in Python), so
the GUI thread's turn is only the insert and the paint; a QTimer hands the
ready chunks over, one insert per chunk.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import sys
import threading
import time
from collections import deque
from typing import Any, Awaitable, Callable, Coroutine

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from inspector.log.chunk import Chunk, chunk_from_entries
from inspector.log.entry import LogEntry
from inspector.session.session import Session
from inspector.session.state import SessionState
from inspector.wire.loop import courtesy, new_network_loop

FLUSH_MS = 30
# While entries pour in, the next batch waits BUSY_FLUSH_MS: each insert makes the table
# lay out and repaint (hundreds of calls into the Python model), so 10 inserts a second
# instead of 33 leave that much more of the GIL to the network thread.
BUSY_FLUSH_MS = 100
BUSY_BATCH = 300
# Python's cyclic GC walks every live container each time enough new ones survive: in a
# burst every entry survives a while (queued, shown, written), so collections come often
# and last tens of milliseconds, all threads stopped, a third of the throughput (measured).
# A burst makes no cycles (measured: 2 unreachable objects after 100,000 events), so the
# collector is paused while entries pour in and resumed once they stop; a storm that does
# not stop still gets a full collection every GC_MAX_PAUSE_S.
GC_RESUME_IDLE_S = 1.0
GC_MAX_PAUSE_S = 30.0
_gc_pausers: set = set()


def _pause_gc(owner) -> None:
    if not _gc_pausers and not gc.isenabled():
        return              # someone else turned it off: not ours to manage
    _gc_pausers.add(owner)
    gc.disable()


def _resume_gc(owner) -> None:
    if owner in _gc_pausers:
        _gc_pausers.discard(owner)
        if not _gc_pausers:
            gc.enable()
# While the network thread is busy (a burst), every time the GUI thread needs the GIL it
# waits until the holder is asked to drop it: one switch interval, 5 ms by default.  A
# Qt event that calls into Python costs that wait; at 0.2 ms the window stays responsive
# during a burst, and the network thread is not slower for it (measured: benchmarks/).
SWITCH_INTERVAL_S = 0.0002
# At most this many entries per insert: a bigger backlog goes in several inserts, one per
# turn of the event loop, so no single slot holds the GUI thread for long.
MAX_BATCH = 5000


class NetworkThread:
    """One daemon thread running one asyncio loop until stop()."""

    def __init__(self, name: str = "inspector-network"):
        self.loop = new_network_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "NetworkThread":
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
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

    def settle(self, coro: Coroutine[Any, Any, Any], timeout: float) -> BaseException | None:
        """Run `coro` on the network loop and wait up to `timeout` s: None when it ended
        well, else what went wrong (TimeoutError when it did not end in time).  For the
        goodbyes of a shutdown, where a failure is logged and the shutdown goes on."""
        fut = self.submit(coro)
        done, _ = concurrent.futures.wait([fut], timeout)
        if not done:
            fut.cancel()
            return TimeoutError(f"it did not end within {timeout:g} s")
        if fut.cancelled():
            return concurrent.futures.CancelledError("it was cancelled")
        return fut.exception()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)


class SessionBridge(QObject):
    """Hands a Session's entries and state to the GUI thread, and intent back."""

    entriesReady = Signal(object)      # a Chunk, in order; its .entries are the LogEntry objects
    stateChanged = Signal(object)      # SessionState
    callDone = Signal(object, object, object)   # (on_done, result, error)

    def __init__(self, session: Session, network: NetworkThread, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.network = network
        self._queue: deque[LogEntry] = deque()
        self._ready: deque[Chunk] = deque()
        self._busy = False
        self._stopping = threading.Event()
        # (state, the last seq logged before it), appended on the network thread, taken on
        # the GUI thread: one append, one popleft, so a state never comes apart from its seq
        self._states: deque[tuple[SessionState, int]] = deque()
        self._state: SessionState | None = None     # the last one shown (GUI thread)
        self._delivered_seq = 0                      # the last entry handed to the GUI (GUI thread)
        self._busy_since: float | None = None     # the GC is paused for a burst since
        self._last_busy = 0.0
        # queued even from the GUI thread: a call that ended before run() added its callback
        # is still delivered after run() returned (its caller keeps the future)
        self.callDone.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._preparer = threading.Thread(target=self._prepare, name="inspector-rows", daemon=True)
        self._preparer.start()
        network.run_sync(self._attach)

    def _attach(self) -> None:
        self._unsubs = [self.session.subscribe(self._queue.append),
                        self.session.subscribe_state(self._set_state)]

    def _set_state(self, state: SessionState) -> None:
        # network thread; shown once the entries logged before it are (a namespace listed
        # as connected before its connect row would be a lie)
        self._states.append((state, self.session.last_seq))

    def _prepare(self) -> None:
        """The preparation thread: entries -> ready rows, a batch per interval."""
        q = self._queue
        while not self._stopping.is_set():
            n = len(q)
            if n:
                if courtesy.wanted:
                    courtesy.step_aside()
                take = min(n, MAX_BATCH)
                self._ready.append(chunk_from_entries([q.popleft() for _ in range(take)]))
                if n > take:
                    continue
            self._busy = n >= BUSY_BATCH
            self._stopping.wait((BUSY_FLUSH_MS if self._busy else FLUSH_MS) / 1000.0)

    def flush(self) -> None:
        """Hand the ready rows to the GUI (called every FLUSH_MS): one chunk per turn of
        the event loop, so no single slot holds the GUI thread for long."""
        if self._ready:
            self._hand_over()
            if self._ready:
                QTimer.singleShot(0, self._flush_more)
        busy = self._busy
        interval = BUSY_FLUSH_MS if busy else FLUSH_MS
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)
        self._gc_policy(busy)
        self._show_state()

    def _hand_over(self) -> None:
        chunk = self._ready.popleft()
        with courtesy:
            self.entriesReady.emit(chunk)
        self._delivered_seq = chunk.seq[-1]

    def _show_state(self) -> None:
        """Show the newest state whose entries are all shown (the ones before it are stale)."""
        states, newest = self._states, None
        while states and states[0][1] <= self._delivered_seq:
            newest = states.popleft()[0]
        if newest is not None:
            self._state = newest
            self.stateChanged.emit(newest)

    def _flush_more(self) -> None:
        if self._ready:
            self._hand_over()
            if self._ready:
                QTimer.singleShot(0, self._flush_more)
            else:
                self._show_state()

    def _gc_policy(self, busy: bool) -> None:
        now = time.monotonic()
        if busy:
            self._last_busy = now
            if self._busy_since is None:
                self._busy_since = now
                _pause_gc(self)
            elif now - self._busy_since > GC_MAX_PAUSE_S:
                gc.collect()
                self._busy_since = now
        elif self._busy_since is not None and now - self._last_busy > GC_RESUME_IDLE_S:
            self._busy_since = None
            _resume_gc(self)

    @property
    def state(self) -> SessionState | None:
        """The state the window shows (the last one handed to it)."""
        return self._state

    def run(self, coro: Awaitable, on_done: Callable[[Any, BaseException | None], None] | None = None
            ) -> concurrent.futures.Future:
        """Run a Session coroutine on the network loop; on_done(result, error) on the GUI thread."""
        fut = self.network.submit(coro)
        if on_done is not None:
            def done(f: concurrent.futures.Future) -> None:
                # the outcome, delivered (not raised) on the GUI thread
                error = concurrent.futures.CancelledError() if f.cancelled() else f.exception()
                self.callDone.emit(on_done, None if error is not None else f.result(), error)
            fut.add_done_callback(done)
        return fut

    async def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Await a Session coroutine from the GUI thread's (qasync) loop: it runs on the
        network loop; its result or its exception comes back here."""
        try:
            fut = self.network.submit(coro)
        except RuntimeError:             # the network loop is closed (the app is ending)
            coro.close()
            raise
        return await asyncio.wrap_future(fut)

    async def call_fn(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Await a plain Session call (a setting, say) made on the network loop."""
        async def on_network_loop() -> Any:
            return fn(*args)
        return await self.call(on_network_loop())

    def _deliver(self, on_done, result, error) -> None:
        on_done(result, error)

    def close(self) -> None:
        self._timer.stop()
        self._stopping.set()
        self._busy_since = None
        _resume_gc(self)
        try:
            self.network.run_sync(lambda: [u() for u in self._unsubs], timeout=2.0)
        except (RuntimeError, TimeoutError):
            pass        # the network loop is closed or stopped: nothing more can arrive
