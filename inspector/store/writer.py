"""StoreWriter: appends a live session's entries to its session file, off the GUI thread
and off the network loop (the file itself is rows.py's).

Entries are appended in batches by a thread of its own, fed through a deque by a
Session subscriber on the network loop, so neither the network loop nor the GUI
thread ever waits on the disk.  The writer commits every FLUSH_S (0.2 s), which is
what "everything up to the last second" rests on.

A batch goes to SQLite as one multi-row INSERT of SUB_BATCH rows: the parameters are bound
at C speed and the rows inserted in one step with the GIL released.  executemany() would
take the GIL back for every row, and every take is a wait while the network loop is busy;
one JSON document taken apart by SQLite (json_each, this writer before) cost SQLite a parse
of each row's JSON per column: 0.75 s of the writer per 100,000 burst rows, 0.49 s this way.

The text index (text_index.py) is filled when the session is quiet: QUIET_S after the
last row written, a step of INDEX_STEP rows at a time, new rows first; in a burst
that goes on, down to MAX_LAG rows behind (the filter scans those meanwhile).
"""
from __future__ import annotations

import functools
import itertools
import os
import sqlite3
import threading
import time
from collections import deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Callable

from inspector.log.entry import LogEntry
from inspector.log.row_text import LARGE_ROW
from inspector.store import text_index
from inspector.store.rows import COLUMNS, INSERT, StoreError, open_file, row_of, storable

FLUSH_S = 0.2
SUB_BATCH = 500      # rows per INSERT: their binding keeps the GIL, kept to about a millisecond
QUIET_S = 0.5        # no row written for this long: the text index catches up
INDEX_STEP = 10_000  # rows indexed in one step (some 60 ms of SQLite): a flush waits at most that
MAX_LAG = 200_000    # rows left unindexed in a burst that goes on, at most (the filter scans them)
CLOSE_INDEX_S = 3.0  # closing: the index catches up for this long at most (the rest is scanned)
_ROW_PLACES = "(" + ",".join("?" * len(COLUMNS.split(","))) + ")"


@functools.lru_cache(maxsize=8)
def _insert_many(n: int) -> str:
    """The INSERT of n rows at once (SUB_BATCH x 13 parameters: within SQLite's 32,766)."""
    return f"INSERT OR REPLACE INTO entries ({COLUMNS}) VALUES " + ",".join([_ROW_PLACES] * n)


class _Checkpoint(threading.Event):
    """A flush marker that also asks for a checkpoint."""


class StoreWriter:
    """Appends entries to a session file from a thread of its own.

    `submit(entry)` is safe from any thread and costs a deque append; the
    file is created at the first entry (no empty files for sessions that saw
    nothing).  `flush()` waits until everything submitted so far is committed.
    `path` and `move_to()` are safe from any thread too: the path is read and
    changed under a lock, and each move request has its own Future, done in
    the order asked.
    """

    def __init__(self, path: str | Path, flush_s: float = FLUSH_S, rename_if_taken: bool = False):
        # a session file is never overwritten: a name taken meanwhile (another
        # inspector started the same second) gets a suffix, or is an error
        self.rename_if_taken = rename_if_taken
        self.flush_s = flush_s
        self.written = 0                  # entries committed
        self.error: str | None = None     # why writing stopped, if it did
        self._queue: deque[LogEntry | threading.Event] = deque()
        self._wake = threading.Event()
        self._lock = threading.Lock()     # guards _path, _moves and _finished
        self._path = Path(path)
        self._moves: deque[tuple[Path, Future]] = deque()
        self._finished = False            # the thread has ended: no move will be done
        self._stop = False
        self._conn: sqlite3.Connection | None = None
        self._last_write = 0.0            # monotonic time of the last rows committed
        self._unindexed = 0               # rows committed past the text index (about)
        self._thread = threading.Thread(target=self._run, name="inspector-store", daemon=True)
        self._thread.start()

    @property
    def path(self) -> Path:
        """The file written to: another after a move, or with a suffix when the name was taken."""
        with self._lock:
            return self._path

    def _set_path(self, path: Path) -> None:
        with self._lock:
            self._path = path

    # -- feeding (any thread) ---------------------------------------------------
    def submit(self, entry: LogEntry) -> None:
        self._queue.append(entry)

    def backlog(self) -> int:
        """Entries submitted and not yet written."""
        return len(self._queue)

    def attach(self, session) -> Callable[[], None]:
        """Record a Session's entries (call on the session's loop); returns the unsubscribe."""
        return session.subscribe(self._queue.append)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every entry submitted before this call is committed."""
        if self.error is not None or not self._thread.is_alive():
            return False
        marker = threading.Event()
        self._queue.append(marker)        # committed in order with the entries before it
        self._wake.set()
        return marker.wait(timeout) and self.error is None

    def checkpoint(self, timeout: float = 10.0) -> bool:
        """flush(), then move the write-ahead log into the file itself, so that the file's
        size on disk (what a file dialog shows) is the session's (SQLite does it by itself
        only every 4 MB)."""
        if self.error is not None or not self._thread.is_alive():
            return False
        marker = _Checkpoint()
        self._queue.append(marker)
        self._wake.set()
        return marker.wait(timeout) and self.error is None

    def move_to(self, path: str | Path, timeout: float = 30.0) -> None:
        """Carry on in another file: what is written so far is copied there first.
        Raises StoreError when the move failed (the recording then goes on where it was),
        or did not start within `timeout` s (it never will then); a move that started is
        waited for to its end, so what the caller is told is what happened."""
        done: Future[None] = Future()
        with self._lock:
            if self._finished:
                raise StoreError(self.error or "the session file is closed")
            self._moves.append((Path(path), done))
        self._wake.set()
        try:
            done.result(timeout)
        except FutureTimeout:
            if done.cancel():
                raise StoreError(f"moving the session file to {path} did not start within "
                                 f"{timeout:g} s") from None
            done.result()

    def close(self, timeout: float = 10.0) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout)

    # -- the writer thread ------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                self._wake.wait(self.flush_s)
                self._wake.clear()
                stop = self._stop
                try:
                    self._write_pending()
                    self._do_moves()
                    self._index(stop)
                except (sqlite3.Error, OSError, StoreError) as exc:
                    self.error = f"the session file {self.path} cannot be written: {exc}"
                    self._release_flushes()
                if stop or self.error:
                    break
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            with self._lock:
                self._finished = True
                left = list(self._moves)
                self._moves.clear()
            for path, done in left:
                if done.set_running_or_notify_cancel():
                    done.set_exception(StoreError(self.error or f"the session file was closed before "
                                                  f"it could be moved to {path}"))

    def _release_flushes(self) -> None:
        """Writing stopped: what was submitted is let go, and whoever waits in flush() is told."""
        q = self._queue
        while q:
            x = q.popleft()
            if isinstance(x, threading.Event):
                x.set()

    def _write_pending(self) -> None:
        q = self._queue
        n = len(q)
        if not n:
            return
        batch = [q.popleft() for _ in range(n)]
        markers = [x for x in batch if isinstance(x, threading.Event)]
        if markers:
            batch = [x for x in batch if not isinstance(x, threading.Event)]
        try:
            if batch:
                if self._conn is None:
                    self._create()
                self._insert(batch)
                self._conn.commit()
                self.written += len(batch)
                self._unindexed += len(batch)
                self._last_write = time.monotonic()
            if self._conn is not None and any(m.__class__ is _Checkpoint for m in markers):
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            for m in markers:
                m.set()

    def _index(self, closing: bool) -> None:
        """Let the text index catch up: while nothing waits to be written and the session has
        been quiet for QUIET_S (closing: for CLOSE_INDEX_S at most), or a step in a long burst."""
        conn = self._conn
        if conn is None or self._unindexed <= 0:
            return
        if not closing and self._unindexed < MAX_LAG and time.monotonic() - self._last_write < QUIET_S:
            return
        end = time.monotonic() + CLOSE_INDEX_S
        while True:
            more = text_index.catch_up(conn, INDEX_STEP) if text_index.has_index(conn) else False
            conn.commit()
            self._unindexed = max(0, self._unindexed - INDEX_STEP) if more else 0
            if not more or (closing and time.monotonic() > end):
                return
            # quiet: new rows go first; a burst: down to MAX_LAG, then the rows again
            if not closing and self._unindexed < MAX_LAG and (
                    self._queue or time.monotonic() - self._last_write < QUIET_S):
                return

    def _create(self) -> None:
        wanted = self.path
        path, n = wanted, 2
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                break
            except FileExistsError:
                if not self.rename_if_taken:
                    raise StoreError(f"{path} exists already: a session file is never overwritten") from None
                path = wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
                n += 1
        self._conn = open_file(path, create=True)
        self._set_path(path)

    def _insert(self, batch: list[LogEntry]) -> None:
        conn = self._conn
        for i in range(0, len(batch), SUB_BATCH):
            part = batch[i:i + SUB_BATCH]
            if any((e.bytes or 0) > LARGE_ROW for e in part):
                # a large entry's JSON in slices: one C call over it would hold the GIL (the
                # window) for all of it (a quarter of a second for 50 MB)
                large = [e for e in part if (e.bytes or 0) > LARGE_ROW]
                self._insert_rows([row_of(e, sliced=True) for e in large])
                part = [e for e in part if (e.bytes or 0) <= LARGE_ROW]
                if not part:
                    continue
            rows = list(map(row_of, part))
            try:
                conn.execute(_insert_many(len(rows)), list(itertools.chain.from_iterable(rows)))
            except (UnicodeEncodeError, sqlite3.OperationalError):
                # a lone surrogate (made storable row by row), or an SQLite that takes fewer
                # parameters in one statement
                self._insert_rows(rows)

    def _insert_rows(self, rows: list[tuple]) -> None:
        try:
            self._conn.executemany(INSERT, rows)
        except UnicodeEncodeError:              # rare: only then are the strings looked through
            self._conn.executemany(INSERT, [storable(r) for r in rows])

    def _do_moves(self) -> None:
        """The moves asked for, in order, each caller told of its own."""
        while True:
            with self._lock:
                if not self._moves:
                    return
                path, done = self._moves.popleft()
            if not done.set_running_or_notify_cancel():
                continue                  # its caller stopped waiting before it started
            try:
                self._move(path)
            except (sqlite3.Error, OSError, StoreError) as exc:
                done.set_exception(StoreError(f"could not move the session file to {path}: {exc}"))
            else:
                done.set_result(None)

    def _move(self, path: Path) -> None:
        """A move that fails leaves the recording where it was, still writing."""
        old = self.path
        if path.resolve() == old.resolve():
            return
        if path.exists():
            raise StoreError(f"{path} exists already: choose a new name "
                             "(a session file is never overwritten)")
        new = open_file(path, create=True)
        if self._conn is None:            # nothing written yet: the file is made at the first entry
            new.close()
            _remove(path)
            self._set_path(path)
            return
        try:
            self._conn.backup(new)
        except BaseException:
            new.close()
            _remove(path)
            raise
        self._conn.close()
        self._conn = new
        self._set_path(path)              # before the old file goes: a reader finds the new one
        _remove(old)


def _remove(path: Path) -> None:
    """A session file and its write-ahead log."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
