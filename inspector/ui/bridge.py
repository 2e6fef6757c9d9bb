"""The bridge between the window and the capture process.

Capture runs in a process of its own (inspector/capture/, as Wireshark's dumpcap
does): the network loop, the Session and the session-file writer are there, so
the window never holds their GIL, and a frozen or crashed window never delays a
PONG or loses an entry.  The window talks to it over a local socket on its own
qasync loop (capture/client.py): `bridge.session` has the Session's method
names (`await bridge.call(bridge.session.emit(...))`, as before the split;
`call_fn(fn, *args)` awaits a plain call or a coroutine's), `run()` hands back
the task instead.  Entries come in batches, in order, and each state the
session publishes as one (state, last seq logged before it) pair: a state is
shown once the entries logged before it are, never before.  The status line alone
does not wait behind a backlog (`statusLine`): a state with AHEAD_ROWS or more rows
still to show before it is said there at once, with how many ("— 12,345 rows before it
still being shown"), and so is the capture's ahead state (the websocket's end read ahead
of the packets before it, capture/PROTOCOL.md) until a state that is not connected comes
in behind it; the log and the panels stay in order.  A preparation
thread turns the entries into ready rows (log.chunk.Chunk: the cell texts, the
flags, built in Python), so the GUI thread's turn is only the insert and the
paint; a QTimer hands the ready chunks over, one insert per chunk.  When the
capture process is gone, `captureLost` says why, once, after the entries it
sent, with a `sys` error row and a status line saying so.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import replace
from typing import Any, Awaitable, Callable, Coroutine

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from inspector.capture.client import CaptureClient, RemoteSession
from inspector.capture.protocol import resolve_large
from inspector.log.chunk import Chunk, chunk_from_entries
from inspector.log.entry import SYS, Kind, LogEntry
from inspector.log.words import plural
from inspector.session.state import ConnectionState, SessionState
from inspector.ui import free_memory
from inspector.wire.loop import new_network_loop

FLUSH_MS = 30
STATE_WAIT_S = 2.0     # a call's answer waits at most this long for the states sent before it
# While entries pour in, the next batch waits BUSY_FLUSH_MS: each insert makes the table
# lay out and repaint (hundreds of calls into the Python model), so 10 inserts a second
# instead of 33 keep the window's own thread free for the user.
BUSY_FLUSH_MS = 100
BUSY_BATCH = 300
# At most this many entries per insert: a bigger backlog goes in several inserts, one per
# turn of the event loop, so no single slot holds the GUI thread for long.
MAX_BATCH = 5000
# While the row-preparing thread is busy (a burst), every time the GUI thread needs the GIL
# it waits until the holder is asked to drop it: one switch interval, 5 ms by default.  At
# 0.2 ms the window stays responsive (the capture process, with the network, is not
# affected: it has a GIL of its own).
SWITCH_INTERVAL_S = 0.0002
# A state with at least this many rows before it still to be shown is said on the status line
# at once (a few hundred rows are shown within one insert, so the line waits for them)
AHEAD_ROWS = 1000
# Python's cyclic GC walks every live container each time enough new ones survive: in a
# burst every entry the window is handed survives (queued, shown), so collections come
# often and last tens of milliseconds with the window stopped.  A burst makes no cycles
# (measured: 2 unreachable objects after 100,000 events), so the window's collector is
# paused while entries pour in and resumed once they stop; a storm that does not stop
# still gets a full collection every GC_MAX_PAUSE_S.  (The capture process keeps its
# collector: it holds an entry only until it is written and sent.)
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


class NetworkThread:
    """One daemon thread running one asyncio loop until stop(): what the window's process
    still serves itself (the bundled demo server of --demo and of the GUI tests)."""

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
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    def submit(self, coro: Awaitable):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def settle(self, coro: Coroutine[Any, Any, Any], timeout: float) -> BaseException | None:
        """Run `coro` on this loop and wait up to `timeout` s: None when it ended well, else
        what went wrong (TimeoutError when it did not end in time).  For shutdowns."""
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


def wait_for(coro: Coroutine[Any, Any, Any], timeout: float, loop: asyncio.AbstractEventLoop | None = None
             ) -> Any:
    """The result of a coroutine run on the window's (qasync) loop, for a caller that cannot
    await: on the GUI thread a nested Qt event loop runs until it ends (as pytest-qt's waits
    do), on another thread (a worker's job) that thread waits.  TimeoutError after `timeout`."""
    loop = loop or asyncio.get_event_loop()
    if threading.current_thread() is not threading.main_thread():
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout:g} s") from None
    task = asyncio.ensure_future(coro, loop=loop)
    if not task.done():
        wait = QEventLoop()
        task.add_done_callback(lambda _t: wait.quit())
        QTimer.singleShot(int(timeout * 1000), wait.quit)
        wait.exec()
    if not task.done():
        task.cancel()
        raise TimeoutError(f"no answer within {timeout:g} s")
    return task.result()


def start_capture(session_file: str | None = None, timeout: float = 30.0) -> CaptureClient:
    """Start the capture process and attach to it, on the window's (qasync) loop, from
    outside its handlers (the app's bootstrap, a test's set-up)."""
    return wait_for(CaptureClient.spawn(session_file), timeout)


class SessionBridge(QObject):
    """Hands the capture's entries and states to the GUI thread, and intent back."""

    entriesReady = Signal(object)      # a Chunk, in order; its .entries are the LogEntry objects
    stateChanged = Signal(object)      # SessionState
    statusLine = Signal(object)        # the SessionState the status line shows (ahead of rows)
    captureLost = Signal(str)          # why the capture process is gone (once)
    clientStateChanged = Signal(str, object)   # a client's key, its SessionState (every client's)
    clientsChanged = Signal(object)    # the client list (capture/clients.py rows), when it changes

    def __init__(self, client: CaptureClient, parent: QObject | None = None):
        super().__init__(parent)
        self.client = client
        self.session = RemoteSession(client)
        self.sessions: dict[str, RemoteSession] = {self.session.key: self.session}   # by client key
        self.client_states: dict[str, SessionState] = {}     # the last shown, by client key
        self._client_states: deque[tuple[str, SessionState, int]] = deque()
        self.client_rows: list[dict] = []
        client.on_client_state = lambda key, st, seq: self._client_states.append((key, st, seq))
        client.on_clients = self._clients
        self._queue: deque[LogEntry] = deque()
        self._ready: deque[Chunk] = deque()
        self._busy = False
        self._stopping = threading.Event()
        self._states: deque[tuple[SessionState, int]] = deque()
        self._states_in = self._states_out = 0      # states received / shown, counted
        self._state_waiters: list[tuple[int, asyncio.Future]] = []
        self._state: SessionState | None = None     # the last one shown
        self._delivered_seq = 0                      # the last entry handed to the GUI
        self._received_seq = 0
        self.lost: str | None = None
        self._closed = False
        self._busy_since: float | None = None     # the GC is paused for a burst since
        self._last_busy = 0.0
        self._lost_seq: int | None = None
        # the status line ahead of the rows: a state received, not yet shown in order, and the
        # seq it comes after (None: an ahead state, said until a not-connected state comes)
        self._early: SessionState | None = None
        self._early_seq: int | None = None
        self._line: SessionState | None = None     # what the status line shows
        client.on_ahead = self._ahead
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        client.defer_large = True
        client.attach_handlers(self._entries, self._set_state, self._lost)
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._preparer = threading.Thread(target=self._prepare, name="inspector-rows", daemon=True)
        self._preparer.start()

    # -- from the capture (the GUI thread's loop) -----------------------------------------
    def _entries(self, entries: list[LogEntry]) -> None:
        self._received_seq = entries[-1].seq
        self._queue.extend(entries)

    def _set_state(self, state: SessionState, seq: int) -> None:
        self._states.append((state, seq))
        self._states_in += 1
        self._consider(state, seq)

    def _consider(self, state: SessionState, seq: int) -> None:
        """A state for the status line ahead of its rows: in order, or the capture's copy."""
        early, early_seq = self._early, self._early_seq
        if early is not None and early_seq is None:
            # an ahead state stands until the session's own word that the connection is not
            # up (a connected state now is one published while the backlog before the close
            # is handled); then that word, shown ahead of its rows too
            if state.state == ConnectionState.CONNECTED:
                return
        elif early is not None:
            if seq < early_seq:
                return          # older than the one said (its copy came first)
        elif seq - self._delivered_seq < AHEAD_ROWS:
            return              # shown in order soon enough
        self._early, self._early_seq = state, seq       # once ahead, the newer ones too
        self._show_line()

    def _ahead(self, key: str, state: SessionState, seq: int | None = None) -> None:
        """The capture's ahead state (PROTOCOL.md): the transport's end (seq None), said now;
        or the copy of a state sent while the window is behind, said as `_set_state` would."""
        if key != self.session.key or self._closed:
            return          # the status line is the first client's
        if seq is not None:
            self._consider(state, seq)
            return
        self._early, self._early_seq = state, None
        self._show_line()

    def _show_line(self) -> None:
        """The status line: the ahead state or the early one (with the rows before it still
        to show), else the state shown in order; said when it changes."""
        st = self._early
        if st is not None and self._early_seq is not None:
            behind = self._early_seq - self._delivered_seq
            if behind > 0:
                st = replace(st, status=f"{st.status} — {plural(behind, 'row')} before it still being shown")
        if st is None:
            st = self._state
        if st is not None and st != self._line:
            self._line = st
            self.statusLine.emit(st)

    def _lost(self, reason: str) -> None:
        """The capture process is gone: said in a row of the log and on the status line, after
        the entries it sent; the window stays, with what the user typed."""
        if self._stopping.is_set():
            return
        self.lost = reason
        seq = self._received_seq + 1
        message = (f"Capture stopped: {reason}. Nothing more is received or sent; the log above "
                   "is what was captured (and the session file has it). Restart the inspector to "
                   "capture again.")
        self._queue.append(LogEntry(seq, time.time(), SYS, Kind.ERROR, detail={"message": message,
                                                                               "capture": "lost"}))
        self._received_seq = seq
        self._lost_seq = seq
        self._set_state(SessionState(state=ConnectionState.DISCONNECTED, status=f"Capture stopped: {reason}"),
                        seq)

    # -- rows ---------------------------------------------------------------------------------
    def _prepare(self) -> None:
        """The preparation thread: entries -> ready rows, a batch per interval."""
        q = self._queue
        while not self._stopping.is_set():
            n = len(q)
            if n:
                take = min(n, MAX_BATCH)
                # a large event's arguments are decoded here, in slices, not on the GUI thread
                self._ready.append(chunk_from_entries([resolve_large(q.popleft()) for _ in range(take)]))
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
            free_memory.give_back()      # what the burst freed (a few ms at a million rows)

    def _hand_over(self) -> None:
        chunk = self._ready.popleft()
        self.entriesReady.emit(chunk)
        self._delivered_seq = chunk.seq[-1]
        self.session.heard(last_seq=self._delivered_seq)

    def _show_state(self) -> None:
        """Show the newest state whose entries are all shown (the ones before it are stale)."""
        states, newest, newest_seq = self._states, None, 0
        while states and states[0][1] <= self._delivered_seq:
            newest, newest_seq = states.popleft()
            self._states_out += 1
        if newest is not None and self._early_seq is not None and newest_seq >= self._early_seq:
            self._early = self._early_seq = None     # it (or a newer one) is shown in order
        if newest is not None:
            self._state = newest
            self._show_line()           # first: a window showing `state` reads `status_line`
            self.session.heard(state=newest)
            self.stateChanged.emit(newest)
            self._wake_state_waiters()
        elif self._early is not None:
            self._show_line()
        shown: dict[str, SessionState] = {}
        while self._client_states and self._client_states[0][2] <= self._delivered_seq:
            key, st, _seq = self._client_states.popleft()
            shown[key] = st
        for key, st in shown.items():
            self.client_states[key] = st
            if key in self.sessions and key != self.session.key:
                self.sessions[key].heard(state=st)
            self.clientStateChanged.emit(key, st)
        if self._lost_seq is not None and self._delivered_seq >= self._lost_seq:
            self._lost_seq = None
            self.captureLost.emit(self.lost)

    def _flush_more(self) -> None:
        if self._ready:
            self._hand_over()
            if self._ready:
                QTimer.singleShot(0, self._flush_more)
            else:
                self._show_state()

    def _clients(self, rows: list[dict]) -> None:
        """The capture's client list changed: a RemoteSession for each client, by key."""
        keys = [r["key"] for r in rows]
        for key in keys:
            if key not in self.sessions:
                self.sessions[key] = RemoteSession(self.client, key)
                if key in self.client_states:
                    self.sessions[key].heard(state=self.client_states[key])
        for key in [k for k in self.sessions if k not in keys]:
            del self.sessions[key]
            self.client_states.pop(key, None)
        self.client_rows = list(rows)
        self.clientsChanged.emit(self.client_rows)

    @property
    def state(self) -> SessionState | None:
        """The state the window shows (the last one handed to it)."""
        return self._state

    @property
    def status_line(self) -> SessionState | None:
        """The state the status line shows: `state`, or one ahead of the rows still to show."""
        return self._line

    # -- intent ---------------------------------------------------------------------------------
    def run(self, coro: Awaitable, on_done: Callable[[Any, BaseException | None], None] | None = None
            ) -> asyncio.Future:
        """Start a capture call; on_done(result, error) when it ends (on the GUI thread)."""
        task = asyncio.ensure_future(coro)
        if on_done is not None:
            def done(t: asyncio.Future) -> None:
                error = asyncio.CancelledError() if t.cancelled() else t.exception()
                on_done(None if error is not None else t.result(), error)
            task.add_done_callback(done)
        return task

    async def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Await a capture call (a `bridge.session` method's coroutine); it comes back once
        the window shows the states the capture sent before its answer, so that what the
        caller then says ("/admin refused: ...") is never judged against an older state."""
        try:
            return await coro
        finally:
            await self._states_shown(self._states_in)

    async def _states_shown(self, n: int, timeout: float = STATE_WAIT_S) -> None:
        if self._states_out >= n or self.lost is not None or self._closed:
            return
        future = asyncio.get_running_loop().create_future()
        self._state_waiters.append((n, future))
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass          # a window far behind a burst: the answer is not held longer

    def _wake_state_waiters(self, everyone: bool = False) -> None:
        keep = []
        for n, future in self._state_waiters:
            if everyone or self._states_out >= n:
                if not future.done():
                    future.set_result(None)
            else:
                keep.append((n, future))
        self._state_waiters = keep

    async def call_fn(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Await a plain call, or the coroutine it makes (a `bridge.session` setting, say)."""
        result = fn(*args)
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            result = await result
        return result

    # -- the end ----------------------------------------------------------------------------------
    def close(self, timeout: float = 15.0) -> int | None:
        """Detach from the capture process and wait (blocking: the window is going) until it
        has disconnected, finished the session file and ended; its exit status."""
        if self._closed:
            return self.client.process.returncode if self.client.process else None
        self._closed = True
        self._wake_state_waiters(everyone=True)
        self._timer.stop()
        self._stopping.set()
        self._busy_since = None
        _resume_gc(self)
        client = self.client
        if client.lost is None:
            client._fail_pending("the window closed")
        sock = client.writer.get_extra_info("socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)     # now, not at the loop's next turn
            except OSError:
                pass
        client.writer.close()
        if client.process is None:
            return None
        try:
            return client.process.wait(timeout)
        except subprocess.TimeoutExpired:
            client.process.kill()
            return client.process.wait()
