"""Reading a session file: SessionStore (entries by seq, in order, in chunks) and
Fetcher (whole entries for the GUI thread, from the file a live session is writing).

The file and its rows are rows.py's; writing it is writer.py's; JSON Lines, jsonl.py's.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator

from inspector.log.entry import LogEntry
from inspector.store.pages import FilePages
from inspector.store.rows import COLUMNS, StoreError, entry_of, open_file


class SessionStore:
    """Reads a session file (one connection; use one SessionStore per thread)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._conn = open_file(self.path, create=False)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "SessionStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM meta"))

    def count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM entries").fetchone()[0]

    def last_seq(self) -> int:
        return self._conn.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()[0]

    def seqs(self) -> list[int]:
        return [s for (s,) in self._conn.execute("SELECT seq FROM entries ORDER BY seq")]

    def get(self, seq: int) -> LogEntry | None:
        row = self._conn.execute(f"SELECT {COLUMNS} FROM entries WHERE seq=?", (seq,)).fetchone()
        return None if row is None else entry_of(row)

    def get_many(self, seqs: Iterable[int]) -> dict[int, LogEntry]:
        out: dict[int, LogEntry] = {}
        for part in _chunks(list(seqs), 500):
            q = f"SELECT {COLUMNS} FROM entries WHERE seq IN ({','.join('?' * len(part))})"
            for row in self._conn.execute(q, part):
                out[row[0]] = entry_of(row)
        return out

    def rows(self, seqs: Iterable[int] | None = None, chunk: int = 20000) -> Iterator[list[tuple]]:
        """All rows in seq order, or those of `seqs` (in the order given), `chunk` at a time."""
        if seqs is None:
            last = None
            while True:
                if last is None:
                    cur = self._conn.execute(
                        f"SELECT {COLUMNS} FROM entries ORDER BY seq LIMIT ?", (chunk,))
                else:
                    cur = self._conn.execute(
                        f"SELECT {COLUMNS} FROM entries WHERE seq > ? ORDER BY seq LIMIT ?",
                        (last, chunk))
                rows = cur.fetchall()
                if not rows:
                    return
                last = rows[-1][0]
                yield rows
        else:
            for part in _chunks(list(seqs), min(chunk, 900)):
                q = f"SELECT {COLUMNS} FROM entries WHERE seq IN ({','.join('?' * len(part))})"
                found = {row[0]: row for row in self._conn.execute(q, part)}
                yield [found[s] for s in part if s in found]

    def entries(self) -> list[LogEntry]:
        return [entry_of(r) for rows in self.rows() for r in rows]

    def lifecycle(self) -> list[LogEntry]:
        """What the connection timeline is drawn from: lifecycle entries, sequence gaps and
        the events a server replayed (not the bulk of events, acks and packets)."""
        q = (f"SELECT {COLUMNS} FROM entries WHERE kind NOT IN ('event', 'ack', 'packet', 'dropped') "
             "OR (kind = 'event' AND flags LIKE '%recovered%') ORDER BY seq")
        return [entry_of(r) for r in self._conn.execute(q)]


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class Fetcher:
    """Whole entries by seq from a session file, for one thread (the GUI's); the file is
    opened when first needed (a live session's file appears with its first entry) and
    again when `path()` names another one (the recording was moved)."""

    def __init__(self, path: Callable[[], Path] | Path):
        self._path = path if callable(path) else (lambda: path)
        self._store: SessionStore | None = None
        self.pages = FilePages(self._path)     # the row texts the window pages in, its own connection

    def path(self) -> Path:
        return self._path()

    def __call__(self, seqs: list[int]) -> dict[int, LogEntry]:
        path = self._path()
        if self._store is not None and self._store.path != path:
            self.close()
        if self._store is None:
            try:
                self._store = SessionStore(path)
            except StoreError:
                return {}
        try:
            return self._store.get_many(seqs)
        except sqlite3.Error:
            return {}

    def close(self) -> None:
        self.pages.close()
        if self._store is not None:
            self._store.close()
            self._store = None
