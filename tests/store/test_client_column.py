"""The `client` of each entry in session files and JSON Lines, and files written before it."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from inspector.log.entry import LogEntry
from inspector.store.jsonl import export_jsonl, import_jsonl
from inspector.store.reader import SessionStore
from inspector.store.rows import COLUMNS, INSERT, add_client_column, entry_of, open_file, row_of
from inspector.store.writer import StoreWriter

# the schema as files were written before workspaces (no `client` column)
OLD_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entries (seq INTEGER PRIMARY KEY, t REAL NOT NULL, dir TEXT NOT NULL,
    kind TEXT NOT NULL, ns TEXT, event TEXT, args TEXT, ack_id INTEGER, rtt_ms REAL,
    bytes INTEGER, flags TEXT, detail TEXT);
INSERT INTO meta VALUES ('format', 'socketio-inspector-session/1');
INSERT INTO entries VALUES (1, 10.0, 'sys', 'connect', '/', NULL, NULL, NULL, NULL, NULL, NULL, '{"sid":"a"}');
INSERT INTO entries VALUES (2, 11.0, 'in', 'event', '/', 'said', '["hi"]', NULL, NULL, 12, NULL, NULL);
"""


def old_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    conn.commit()
    conn.close()
    return path


def test_entries_with_a_client_round_trip_through_file_and_json_lines(tmp_path):
    writer = StoreWriter(tmp_path / "s.sqlite")
    writer.submit(LogEntry(1, 1.0, "in", "event", "/", "said", ["hi"], client="alice"))
    writer.submit(LogEntry(2, 2.0, "in", "event", "/", "said", ["hi"], bytes=5, client="bob-2"))
    writer.submit(LogEntry(3, 3.0, "sys", "connect", "/"))
    writer.close()
    with SessionStore(tmp_path / "s.sqlite") as store:
        assert [e.client for e in store.entries()] == ["alice", "bob-2", None]
        export_jsonl(store, tmp_path / "s.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert [x.get("client") for x in lines] == ["alice", "bob-2", None]
    assert "client" not in lines[2]            # the one client of before: the old form exactly
    assert LogEntry.from_jsonl(json.dumps(lines[1])).client == "bob-2"
    import_jsonl(tmp_path / "s.jsonl", tmp_path / "back.sqlite")
    with SessionStore(tmp_path / "back.sqlite") as store:
        assert [e.client for e in store.entries()] == ["alice", "bob-2", None]


def test_a_session_file_written_before_workspaces_reads_and_exports(tmp_path):
    path = old_file(tmp_path / "old.sqlite")
    with SessionStore(path) as store:
        entries = store.entries()
        assert [(e.seq, e.event, e.args, e.client) for e in entries] == [
            (1, None, None, None), (2, "said", ["hi"], None)]
        export_jsonl(store, tmp_path / "old.jsonl")
    assert json.loads((tmp_path / "old.jsonl").read_text().splitlines()[1]) == {
        "seq": 2, "t": 11.0, "dir": "in", "kind": "event", "ns": "/", "event": "said",
        "args": ["hi"], "bytes": 12}


def test_an_old_file_that_cannot_be_written_reads_through_a_view(tmp_path):
    path = old_file(tmp_path / "ro.sqlite")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    add_client_column(conn)
    rows = conn.execute(f"SELECT {COLUMNS} FROM entries ORDER BY seq").fetchall()
    assert [entry_of(r).client for r in rows] == [None, None]
    conn.close()
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(entries)")]
    assert "client" not in columns              # the file itself untouched


def test_an_old_file_opened_for_writing_takes_entries_with_clients(tmp_path):
    path = old_file(tmp_path / "old.sqlite")
    conn = open_file(path, create=True)
    conn.executemany(INSERT, [row_of(LogEntry(3, 12.0, "in", "event", "/", "said", ["x"], client="carol"))])
    conn.commit()
    conn.close()
    with SessionStore(path) as store:
        assert [e.client for e in store.entries()] == [None, None, "carol"]


def test_an_old_json_lines_file_imports(tmp_path):
    src = tmp_path / "old.jsonl"
    src.write_text('{"seq":1,"t":1.5,"dir":"in","kind":"event","ns":"/","event":"e","args":[1]}\n')
    import_jsonl(src, tmp_path / "o.sqlite")
    with SessionStore(tmp_path / "o.sqlite") as store:
        assert [(e.event, e.client) for e in store.entries()] == [("e", None)]


def test_a_client_that_is_not_a_string_is_refused():
    with pytest.raises(ValueError, match="client must be a string"):
        LogEntry.from_json({"seq": 1, "t": 1, "dir": "in", "kind": "event", "client": 3})
