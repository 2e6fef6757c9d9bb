"""The session file writer's move and path, used from several threads at once."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from inspector.log.entry import LogEntry
from inspector.store.reader import SessionStore
from inspector.store.rows import StoreError
from inspector.store.writer import StoreWriter


def entry(seq: int) -> LogEntry:
    return LogEntry(seq, float(seq), "in", "event", "/", "tick", [seq])


def concurrently(writer: StoreWriter, held_file: Path, *moves: Path) -> tuple[dict, set]:
    """Ask for `moves` from a thread each while the writer is held up on a locked file, with
    a reader of `writer.path` running all along; returns (path -> what move_to raised or
    None, the paths the reader saw)."""
    results: dict[Path, BaseException | None] = {}
    seen: set[Path] = set()
    ready = threading.Barrier(len(moves) + 1)
    stop_reading = threading.Event()

    def move(dest: Path) -> None:
        ready.wait()
        try:
            writer.move_to(dest, timeout=20)
            results[dest] = None
        except StoreError as exc:
            results[dest] = exc

    def read() -> None:
        while not stop_reading.is_set():
            seen.add(writer.path)
        seen.add(writer.path)   # and once after: under load it may not have run since the last move

    blocker = sqlite3.connect(str(held_file))
    blocker.execute("BEGIN EXCLUSIVE")           # the writer's next commit waits for this
    writer.submit(entry(100))
    movers = [threading.Thread(target=move, args=(m,)) for m in moves]
    reader = threading.Thread(target=read)
    reader.start()
    for t in movers:
        t.start()
    ready.wait()                                  # every mover is about to ask
    blocker.rollback()
    blocker.close()
    for t in movers:
        t.join(30)
    stop_reading.set()
    reader.join(5)
    return results, seen


def test_two_moves_at_once_are_both_done_in_turn_and_the_path_is_always_a_real_one(tmp_path):
    first = tmp_path / "first.sqlite"
    writer = StoreWriter(first)
    for seq in range(1, 51):
        writer.submit(entry(seq))
    assert writer.flush(10)
    a, b = tmp_path / "a" / "a.sqlite", tmp_path / "b" / "b.sqlite"
    results, seen = concurrently(writer, first, a, b)
    assert results == {a: None, b: None}          # each caller waited for its own move
    final = writer.path
    assert final in (a, b) and seen <= {first, a, b} and final in seen
    assert [p for p in (first, a, b) if p.exists()] == [final]
    writer.submit(entry(101))
    assert writer.flush(10)
    with SessionStore(final) as store:
        assert store.seqs() == [*range(1, 51), 100, 101]
    writer.close()


def test_a_failed_move_is_told_to_its_own_caller_only(tmp_path):
    first = tmp_path / "first.sqlite"
    writer = StoreWriter(first)
    writer.submit(entry(1))
    assert writer.flush(10)
    taken, free = tmp_path / "taken.sqlite", tmp_path / "free.sqlite"
    taken.write_text("someone else's")
    results, _seen = concurrently(writer, first, taken, free)
    assert isinstance(results[taken], StoreError) and "exists already" in str(results[taken])
    assert results[free] is None and writer.path == free
    assert taken.read_text() == "someone else's"
    writer.close()


def test_a_move_after_the_writer_is_closed_says_so(tmp_path):
    writer = StoreWriter(tmp_path / "s.sqlite")
    writer.close()
    with pytest.raises(StoreError, match="closed"):
        writer.move_to(tmp_path / "t.sqlite", timeout=5)


def test_a_checkpoint_puts_what_was_written_into_the_file_itself(tmp_path):
    """What a file dialog shows is the file's size: after checkpoint() it is the session's,
    not the few pages before the write-ahead log (SQLite moves it only every 4 MB)."""
    path = tmp_path / "live.sqlite"
    writer = StoreWriter(path)
    try:
        for i in range(1, 201):
            writer.submit(LogEntry(i, 1700000000.0 + i, "in", "event", "/", "e", ["x" * 1000]))
        assert writer.flush()
        before = path.stat().st_size
        assert writer.checkpoint()
        assert path.stat().st_size > 200_000 > before
    finally:
        writer.close()


def test_a_batch_is_written_whole_in_multi_row_inserts_odd_rows_and_all(tmp_path, monkeypatch):
    """1,235 rows in one batch: inserts of 499 (its large row apart), 500 and 235 rows.  The
    first holds a lone surrogate (that insert goes row by row, made storable), NaN and bytes;
    the last writes row 5 again.  Every row reads back as it was given."""
    import math

    from inspector.log.entry import IN, Kind
    from inspector.log.row_text import LARGE_ROW
    from inspector.store import writer as W
    from inspector.store.rows import entry_of
    writer = StoreWriter(tmp_path / "s.sqlite", flush_s=60)       # one batch: nothing until flush
    given = [LogEntry(i, 1.5 + i, IN, Kind.EVENT, "/", "tick", [i, {"k": "v"}], None, None, 9)
             for i in range(1, 1235)]
    given[10] = LogEntry(11, 2.0, IN, Kind.EVENT, "/", "odd", ["lone \ud800 surrogate"], bytes=9)
    given[20] = LogEntry(21, 2.0, IN, Kind.EVENT, "/", "odd", [float("nan"), b"\x00\x01"], 3, 1.25, 9,
                         ("binary",))
    given[30] = LogEntry(31, 2.0, IN, Kind.EVENT, "/", "big", ["x" * (LARGE_ROW + 1)], bytes=LARGE_ROW + 10)
    again = LogEntry(5, 9.0, IN, Kind.EVENT, "/", "again", ["now"], bytes=3)
    inserts: list[int] = []
    many = W._insert_many
    monkeypatch.setattr(W, "_insert_many", lambda n: inserts.append(n) or many(n))
    for e in given + [again]:
        writer.submit(e)
    assert writer.flush(30)
    writer.close()
    with SessionStore(tmp_path / "s.sqlite") as store:
        back = {r[0]: entry_of(r) for part in store.rows() for r in part}
    assert inserts == [499, 500, 235] and len(back) == 1234
    surrogate, odd = back.pop(11), back.pop(21)
    assert surrogate.args == ["lone \ud800 surrogate"]             # stored as its escape
    assert math.isnan(odd.args[0]) and odd.args[1] == b"\x00\x01" and odd.flags == ("binary",)
    assert (odd.ack_id, odd.rtt_ms) == (3, 1.25)
    want = {e.seq: e for e in given if e.seq not in (11, 21)} | {5: again}
    assert back == want
