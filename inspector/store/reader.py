"""The session file: every LogEntry of a session, on disk, as it happens (SQLite).

One file per session, in WAL mode with synchronous=NORMAL: a commit is in the
write-ahead log as soon as it returns, so a crash or `kill -9` of the
inspector loses nothing committed (only a power cut can lose the last
commits).  Entries are appended in batches by store_writer.StoreWriter, a thread
of its own fed through a deque by a Session subscriber on the network loop,
so neither the network loop nor the GUI thread ever waits on the disk.  The
writer commits every FLUSH_S (0.2 s), which is what "everything up to the
last second" rests on.

The columns mirror LogEntry; `args`, `flags` and `detail` are JSON text with
bytes as {"_bytes": base64} (the JSON Lines form), NULL when absent (flags:
when empty).  Nothing secret is in a LogEntry (auth and header values never
are), so nothing secret is in the file.

A batch goes to SQLite as one JSON document that SQLite takes apart itself
(json_each): the writer thread's Python work is one C-speed json.dumps per
batch, and the insert runs with the GIL released.  executemany() would take
the GIL back for every row, and every take is a wait while the network
thread is busy (see ui/bridge.py).

Here: the schema, rows to and from LogEntry and JSON Lines, SessionStore (a
reader, with export), import_jsonl, Fetcher, and where files live.
"""
from __future__ import annotations

import json
import operator
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from inspector.log.entry import LogEntry, check_json
from inspector.log.json_form import dumps
from inspector.wire.payload import from_jsonable

FORMAT = "socketio-inspector-session/1"
FLUSH_S = 0.2

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    t REAL NOT NULL,
    dir TEXT NOT NULL,
    kind TEXT NOT NULL,
    ns TEXT,
    event TEXT,
    args TEXT,
    ack_id INTEGER,
    rtt_ms REAL,
    bytes INTEGER,
    flags TEXT,
    detail TEXT
);
"""
COLUMNS = "seq, t, dir, kind, ns, event, args, ack_id, rtt_ms, bytes, flags, detail"
INSERT = f"INSERT OR REPLACE INTO entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
INSERT_JSON = (f"INSERT OR REPLACE INTO entries ({COLUMNS}) SELECT "
               + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(10))
               + ", nullif(json_extract(value, '$[10]'), '[]'), json_extract(value, '$[11]')"
               " FROM json_each(?)")
_FIELDS = operator.attrgetter("seq", "t", "dir", "kind", "ns", "event", "args", "ack_id",
                              "rtt_ms", "bytes", "flags", "detail")
SUB_BATCH = 500      # rows per json.dumps: a C call that keeps the GIL, kept to about a millisecond


class StoreError(Exception):
    """A session file that cannot be read or written; the message says why."""


def row_of(e: LogEntry) -> tuple:
    """The row of one entry (the column order of INSERT)."""
    return (e.seq, e.t, e.dir, e.kind, e.ns, e.event,
            None if e.args is None else dumps(e.args),
            e.ack_id, e.rtt_ms, e.bytes,
            dumps(list(e.flags)) if e.flags else None,
            None if e.detail is None else dumps(e.detail))


def entry_of(row: tuple) -> LogEntry:
    """The LogEntry of one row (the column order of COLUMNS)."""
    seq, t, d, kind, ns, event, args, ack_id, rtt_ms, size, flags, detail = row
    return LogEntry(seq, t, d, kind, ns, event,
                    None if args is None else from_jsonable(json.loads(args)),
                    ack_id, rtt_ms, size,
                    tuple(json.loads(flags)) if flags else (),
                    None if detail is None else from_jsonable(json.loads(detail)))


def jsonl_of(row: tuple) -> str:
    """One row in the JSON Lines form (LogEntry.to_jsonl's), without parsing its JSON columns."""
    seq, t, d, kind, ns, event, args, ack_id, rtt_ms, size, flags, detail = row
    parts = [f'{{"seq":{seq},"t":{json.dumps(t)},"dir":{json.dumps(d)},"kind":{json.dumps(kind)}']
    if ns is not None:
        parts.append(f',"ns":{json.dumps(ns, ensure_ascii=False)}')
    if event is not None:
        parts.append(f',"event":{json.dumps(event, ensure_ascii=False)}')
    if args is not None:
        parts.append(f',"args":{args}')
    if ack_id is not None:
        parts.append(f',"ack_id":{ack_id}')
    if rtt_ms is not None:
        parts.append(f',"rtt_ms":{json.dumps(rtt_ms)}')
    if size is not None:
        parts.append(f',"bytes":{size}')
    if flags:
        parts.append(f',"flags":{flags}')
    if detail is not None:
        parts.append(f',"detail":{detail}')
    parts.append("}")
    return "".join(parts)


def row_of_json(obj) -> tuple:
    """The row of one JSON Lines object, checked as LogEntry.from_json checks it."""
    check_json(obj)
    args, flags, detail = obj.get("args"), obj.get("flags") or (), obj.get("detail")
    return (obj["seq"], float(obj["t"]), obj["dir"], obj["kind"], obj.get("ns"), obj.get("event"),
            None if args is None else dumps(args), obj.get("ack_id"), obj.get("rtt_ms"),
            obj.get("bytes"), dumps(list(flags)) if flags else None,
            None if detail is None else dumps(detail))


def _connect(path: str | Path, *, create: bool) -> sqlite3.Connection:
    path = Path(path)
    if not create and not path.is_file():
        raise StoreError(f"{path}: no such session file")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        if create:
            conn.executescript(SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (repr(time.time()),))
            conn.commit()
        else:
            fmt = conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if fmt is None or not str(fmt[0]).startswith("socketio-inspector-session/"):
                conn.close()
                raise StoreError(f"{path}: not a socketio-inspector session file")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from None
    return conn


class SessionStore:
    """Reads a session file (one connection; use one SessionStore per thread)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._conn = _connect(self.path, create=False)

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

    def export_jsonl(self, path: str | Path, seqs: Iterable[int] | None = None,
                     progress: Callable[[int, int], bool] | None = None) -> int:
        """Write the session (or the entries `seqs`) as JSON Lines; returns how many.
        `progress(done, total)` may return False to stop (the partial file is removed)."""
        seqs = None if seqs is None else list(seqs)
        total = self.count() if seqs is None else len(seqs)
        done = 0
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                for rows in self.rows(seqs):
                    f.write("\n".join(jsonl_of(r) for r in rows))
                    f.write("\n")
                    done += len(rows)
                    if progress is not None and progress(done, total) is False:
                        raise _Stopped
            os.replace(tmp, path)
        except _Stopped:
            tmp.unlink(missing_ok=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return done


class _Stopped(Exception):
    pass


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def import_jsonl(src: str | Path, dest: str | Path,
                 progress: Callable[[int, int], bool] | None = None) -> int:
    """Read a JSON Lines file into a new session file `dest`; returns how many entries.
    Raises ValueError naming the first bad line (nothing is left behind then)."""
    src, dest = Path(src), Path(dest)
    total = src.stat().st_size or 1
    if dest.exists():
        raise StoreError(f"{dest} exists already")
    conn = _connect(dest, create=True)
    n = 0
    try:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('imported_from', ?)", (src.name,))
        with open(src, "rb") as f:
            batch: list[tuple] = []
            done = 0
            for lineno, raw in enumerate(f, 1):
                done += len(raw)
                line = raw.strip()
                if not line:
                    continue
                try:
                    batch.append(row_of_json(json.loads(line)))
                except (ValueError, UnicodeDecodeError) as exc:
                    raise ValueError(f"{src.name}, line {lineno}: {exc}") from None
                if len(batch) >= 20000:
                    conn.executemany(INSERT, batch)
                    n += len(batch)
                    batch.clear()
                    if progress is not None and progress(done, total) is False:
                        raise _Stopped
            conn.executemany(INSERT, batch)
            n += len(batch)
        conn.commit()
        conn.close()
    except BaseException as exc:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(dest) + suffix).unlink(missing_ok=True)
        if isinstance(exc, _Stopped):
            return 0
        raise
    return n


class Fetcher:
    """Whole entries by seq from a session file, for one thread (the GUI's); the file is
    opened when first needed (a live session's file appears with its first entry) and
    again when `path()` names another one (the recording was moved)."""

    def __init__(self, path: Callable[[], Path] | Path):
        self._path = path if callable(path) else (lambda: path)
        self._store: SessionStore | None = None

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
        if self._store is not None:
            self._store.close()
            self._store = None


def default_session_path(directory: str | Path, now: float | None = None) -> Path:
    """A new file name in `directory`, after the local time: session-2024-05-01_12-30-05.sqlite."""
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime(now if now is not None else time.time()))
    return free_name(directory, f"session-{stamp}")


def free_name(directory: str | Path, stem: str, suffix: str = ".sqlite") -> Path:
    """directory/stem.sqlite, or stem-2, stem-3... when that name is taken."""
    directory = Path(directory)
    path, n = directory / f"{stem}{suffix}", 2
    while path.exists():
        path, n = directory / f"{stem}-{n}{suffix}", n + 1
    return path


def user_sessions_dir() -> Path:
    """Where session files live by default: the platform's per-user data directory."""
    import platformdirs
    return Path(platformdirs.user_data_dir("socketio-inspector", appauthor=False)) / "sessions"
