"""The session file's format: its schema, opening it, and rows to and from LogEntry.

One SQLite file per session, in WAL mode with synchronous=NORMAL: a commit is in
the write-ahead log as soon as it returns, so a crash or `kill -9` of the
inspector loses nothing committed (only a power cut can lose the last commits).

The columns mirror LogEntry; `args`, `flags` and `detail` are JSON text with
bytes as {"_bytes": base64} (the JSON Lines form, log/json_form.py), NULL when
absent (flags: when empty).  Nothing secret is in a LogEntry (auth and header
values never are), so nothing secret is in the file.  A row is a tuple in the
order of COLUMNS.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from inspector.log.entry import Flag, LogEntry, check_json
from inspector.log.json_form import dumps, escape_surrogates, finite, sliced_dumps
from inspector.store import text_index
from inspector.wire import deep_json
from inspector.wire.payload import from_jsonable

FORMAT = "socketio-inspector-session/1"

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
    detail TEXT,
    client TEXT
);
"""
COLUMNS = "seq, t, dir, kind, ns, event, args, ack_id, rtt_ms, bytes, flags, detail, client"
INSERT = f"INSERT OR REPLACE INTO entries ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"


class StoreError(Exception):
    """A session file that cannot be read or written; the message says why."""


def open_file(path: str | Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the session file `path` (made, with its schema, when `create`);
    raises StoreError when it is not one."""
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
            text_index.create(conn)         # a new file's text index (none: the filter scans)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (repr(time.time()),))
            conn.commit()
        else:
            fmt = conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if fmt is None or not str(fmt[0]).startswith("socketio-inspector-session/"):
                conn.close()
                raise StoreError(f"{path}: not a socketio-inspector session file")
        add_client_column(conn)         # (both ways: a writer may append to an old file)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from None
    return conn


def add_client_column(conn: sqlite3.Connection) -> None:
    """A file written before workspaces had no `client` column: added (NULL, the one client);
    a file that cannot be written gets a temporary view with it instead, shadowing the table."""
    if any(r[1] == "client" for r in conn.execute("PRAGMA table_info(entries)")):
        return
    try:
        conn.execute("ALTER TABLE entries ADD COLUMN client TEXT")
        conn.commit()
    except sqlite3.OperationalError:
        conn.execute("CREATE TEMP VIEW entries AS SELECT *, NULL AS client FROM main.entries")


def row_of(e: LogEntry, sliced: bool = False) -> tuple:
    """The row of one entry (the column order of INSERT); `sliced`: its args encoded a piece
    at a time (a large one), letting other threads run between the pieces."""
    encode = sliced_dumps if sliced else dumps
    return (e.seq, e.t, e.dir, e.kind, e.ns, e.event,
            None if e.args is None else encode(e.args),
            e.ack_id, e.rtt_ms, e.bytes,
            dumps(list(e.flags)) if e.flags else None,
            None if e.detail is None else dumps(e.detail), e.client)


_JSON_COLUMNS = (6, 10, 11)          # args, flags, detail: JSON text (in row_of's order)


def storable(row: tuple) -> tuple:
    """A row SQLite can take when one of its strings holds a lone surrogate: in the JSON
    columns as its escape (read back the same), in the plain ones (ns, event) as U+FFFD."""
    def fix(i: int, v):
        if not isinstance(v, str) or v.isascii():
            return v
        if i in _JSON_COLUMNS:
            return escape_surrogates(v)
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in v)   # short
    return tuple(fix(i, v) for i, v in enumerate(row))


def entry_of(row: tuple) -> LogEntry:
    """The LogEntry of one row (the column order of COLUMNS)."""
    seq, t, d, kind, ns, event, args, ack_id, rtt_ms, size, flags, detail, client = row
    return LogEntry(seq, t, d, kind, ns, event,
                    None if args is None else from_jsonable(deep_json.loads(args)),
                    ack_id, rtt_ms, size,
                    tuple(json.loads(flags)) if flags else (),
                    None if detail is None else from_jsonable(deep_json.loads(detail)), client)


def _finite_text(text: str | None) -> tuple[str | None, bool]:
    """A JSON column's text with NaN/Infinity as strings (LogEntry.to_jsonl's way), and
    whether it had any: parsed only when those words are in it at all."""
    if text is None or ("NaN" not in text and "Infinity" not in text):
        return text, False
    value = deep_json.loads(text)
    try:
        deep_json.dumps(value, allow_nan=False)
        return text, False               # the words were inside strings
    except ValueError:
        return dumps(finite(value)), True


def jsonl_of(row: tuple) -> str:
    """One row in the JSON Lines form (LogEntry.to_jsonl's), without parsing its JSON columns
    (but those that hold NaN or Infinity, which JSON Lines writes as strings)."""
    seq, t, d, kind, ns, event, args, ack_id, rtt_ms, size, flags, detail, client = row
    args, odd_args = _finite_text(args)
    detail, odd_detail = _finite_text(detail)
    if odd_args or odd_detail:
        flags = dumps([*(json.loads(flags) if flags else ()), Flag.NONFINITE])
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
    if client is not None:
        parts.append(f',"client":{json.dumps(client, ensure_ascii=False)}')
    parts.append("}")
    return "".join(parts)


def row_of_json(obj) -> tuple:
    """The row of one JSON Lines object, checked as LogEntry.from_json checks it."""
    check_json(obj)
    args, flags, detail = obj.get("args"), obj.get("flags") or (), obj.get("detail")
    return (obj["seq"], float(obj["t"]), obj["dir"], obj["kind"], obj.get("ns"), obj.get("event"),
            None if args is None else dumps(args), obj.get("ack_id"), obj.get("rtt_ms"),
            obj.get("bytes"), dumps(list(flags)) if flags else None,
            None if detail is None else dumps(detail), obj.get("client"))
