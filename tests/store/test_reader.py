"""The session file: what goes in comes back, as the JSON Lines schema says."""
from __future__ import annotations

import json
import sqlite3
import sys

import pytest

from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.store.jsonl import export_jsonl, import_jsonl
from inspector.store.paths import user_sessions_dir
from inspector.store.reader import SessionStore
from inspector.store.rows import StoreError
from inspector.store.writer import StoreWriter


def sample() -> list[LogEntry]:
    return [
        LogEntry(1, 1700000000.125, SYS, Kind.CONNECT, "/", detail={"sid": "abc", "transport": "websocket"}),
        LogEntry(2, 1700000000.5, OUT, Kind.EVENT, "/chat", "echo", ["ping", {"n": 1, "é": [1.5, None, True]}],
                 ack_id=0, bytes=31),
        LogEntry(3, 1700000000.75, IN, Kind.ACK, "/chat", "echo", ["ping", {"n": 1}], ack_id=0, rtt_ms=2.25,
                 bytes=20, flags=(Flag.LATE,), detail={"for_seq": 2}),
        LogEntry(4, 1700000001.0, IN, Kind.EVENT, "/", "binary_data", [{"blob": b"\x00\xffhello", "n": 3}],
                 bytes=44, flags=(Flag.BINARY,)),
        LogEntry(5, 1700000001.25, IN, Kind.EVENT, "/", "nothing", [], bytes=12),
        LogEntry(6, 1700000002.0, SYS, Kind.DISCONNECT, None, detail={"reason": "ping timeout"}),
    ]


def write(path, entries) -> StoreWriter:
    w = StoreWriter(path)
    for e in entries:
        w.submit(e)
    assert w.flush(10)
    return w


def test_what_is_written_comes_back_whole(tmp_path):
    w = write(tmp_path / "s.sqlite", sample())
    with SessionStore(w.path) as store:
        assert store.entries() == sample()
        assert store.count() == 6 and store.last_seq() == 6
        assert store.get(4).args[0]["blob"] == b"\x00\xffhello"
        assert store.get_many([3, 1, 99]) == {1: sample()[0], 3: sample()[2]}
    w.close()


def test_the_file_is_wal_synchronous_normal_and_made_at_the_first_entry(tmp_path):
    path = tmp_path / "deep" / "s.sqlite"
    w = StoreWriter(path)
    assert w.flush(5) and not path.exists()          # no entry, no file
    w.submit(sample()[0])
    assert w.flush(5) and path.exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = [r[1] for r in conn.execute("PRAGMA table_info(entries)")]
    assert columns == ["seq", "t", "dir", "kind", "ns", "event", "args", "ack_id", "rtt_ms", "bytes",
                       "flags", "detail", "client"]
    conn.close()
    w.close()
    assert w._conn is None


def test_values_json_cannot_carry_fall_back_row_by_row(tmp_path):
    odd = [LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", [float("nan"), float("inf")]),
           LogEntry(2, 2.0, IN, Kind.EVENT, "/", "e", [1])]
    w = write(tmp_path / "s.sqlite", odd)
    with SessionStore(w.path) as store:
        got = store.entries()
    assert got[0].args[0] != got[0].args[0] and got[0].args[1] == float("inf")
    assert got[1] == odd[1]
    w.close()


def test_export_is_the_json_lines_schema_and_imports_back(tmp_path):
    w = write(tmp_path / "s.sqlite", sample())
    out = tmp_path / "all.jsonl"
    with SessionStore(w.path) as store:
        assert export_jsonl(store, out) == 6
        assert export_jsonl(store, tmp_path / "some.jsonl", seqs=[3, 5]) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    # line for line what LogEntry.to_jsonl() prints (the CLI's form)
    assert lines == [e.to_jsonl() for e in sample()]
    assert json.loads(lines[3])["args"][0]["blob"] == {"_bytes": "AP9oZWxsbw=="}
    assert [LogEntry.from_jsonl(x).seq for x in (tmp_path / "some.jsonl").read_text().splitlines()] == [3, 5]
    back = tmp_path / "back.sqlite"
    assert import_jsonl(out, back) == 6
    with SessionStore(back) as store:
        assert store.entries() == sample()
        assert store.meta()["imported_from"] == "all.jsonl"
        # when its entries were recorded, beside when the file was made (the import)
        assert float(store.meta()["recorded"]) == sample()[0].t
    w.close()


def test_import_names_the_bad_line_and_leaves_nothing(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text(sample()[0].to_jsonl() + "\n\n" + '{"seq": 2, "t": 1, "dir": "up", "kind": "event"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl, line 3: unknown dir 'up'"):
        import_jsonl(src, tmp_path / "x.sqlite")
    assert not list(tmp_path.glob("x.sqlite*"))
    src.write_text("not json\n")
    with pytest.raises(ValueError, match="line 1: not JSON|line 1: Expecting value"):
        import_jsonl(src, tmp_path / "y.sqlite")


def test_opening_what_is_not_a_session_file_says_so(tmp_path):
    with pytest.raises(StoreError, match="no such session file"):
        SessionStore(tmp_path / "missing.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"definitely not sqlite" * 100)
    with pytest.raises(StoreError):
        SessionStore(junk)


def test_moving_the_recording_keeps_what_was_written(tmp_path):
    w = write(tmp_path / "a.sqlite", sample()[:3])
    w.move_to(tmp_path / "moved" / "b.sqlite")
    assert not (tmp_path / "a.sqlite").exists()
    w.submit(sample()[3])
    assert w.flush(5)
    with SessionStore(tmp_path / "moved" / "b.sqlite") as store:
        assert [e.seq for e in store.entries()] == [1, 2, 3, 4]
    w.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux location is checked")
def test_session_files_live_in_the_per_user_data_directory(monkeypatch, tmp_path):
    """Where the README says they are, on Linux: $XDG_DATA_HOME, else ~/.local/share."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_sessions_dir() == tmp_path / "xdg" / "socketio-inspector" / "sessions"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_sessions_dir() == tmp_path / "home" / ".local" / "share" / "socketio-inspector" / "sessions"


def test_a_session_file_is_never_overwritten(tmp_path):
    from inspector.store.writer import StoreWriter
    taken = tmp_path / "s.sqlite"
    taken.write_text("not mine")
    writer = StoreWriter(taken)
    writer.submit(LogEntry(1, 1.0, SYS, Kind.CONNECT, "/"))
    assert not writer.flush(5)
    assert "exists already" in writer.error and taken.read_text() == "not mine"
    writer.close()
    renamed = StoreWriter(taken, rename_if_taken=True)      # a default name taken meanwhile
    renamed.submit(LogEntry(1, 1.0, SYS, Kind.CONNECT, "/"))
    assert renamed.flush(5)
    assert renamed.path == tmp_path / "s-2.sqlite" and taken.read_text() == "not mine"
    renamed.close()


def test_an_export_is_json_even_with_nan_in_the_file(tmp_path):
    odd = [LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", [float("nan"), "Infinity"], flags=(Flag.LATE,)),
           LogEntry(2, 2.0, SYS, Kind.ERROR, detail={"x": float("inf")}),
           LogEntry(3, 3.0, IN, Kind.EVENT, "/", "e", ["NaN and Infinity, in words"])]
    w = write(tmp_path / "s.sqlite", odd)
    with SessionStore(w.path) as store:
        export_jsonl(store, tmp_path / "out.jsonl")
    w.close()
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [e.to_jsonl() for e in odd]
    got = [json.loads(line, parse_constant=lambda name: pytest.fail(name)) for line in lines]
    assert got[0]["args"] == ["NaN", "Infinity"] and got[0]["flags"] == ["late", "nonfinite"]
    assert got[1]["detail"] == {"x": "Infinity"} and got[1]["flags"] == ["nonfinite"]
    assert "flags" not in got[2]
