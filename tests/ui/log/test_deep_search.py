"""A text filter finds what lies past the cut of long rows: the newest from memory at once,
the others read from the session file in the background."""
from __future__ import annotations

from inspector.log import table as C
from inspector.log.entry import IN, Kind, LogEntry
from inspector.log.filter import LogFilter
from inspector.log.row_text import TEXT_CAP, full_text
from inspector.store.reader import Fetcher
from inspector.store.rows import row_of
from inspector.store.writer import StoreWriter
from inspector.ui.log.filter_model import FilteredLogModel
from inspector.ui.log.model import LogModel


def long_entry(seq: int, needle: str | None) -> LogEntry:
    text = "x" * (TEXT_CAP + 400) + (needle or "nothing")
    return LogEntry(seq, float(seq), IN, Kind.EVENT, "/", "big", [{"blob": b"\x01", "text": text}])


def test_the_whole_text_of_a_cut_row_is_its_arguments_as_shown():
    e = long_entry(1, "NEEDLE")
    assert full_text(row_of(e)[6]) == '{"blob":"<1 bytes>","text":"' + "x" * (TEXT_CAP + 400) + 'NEEDLE"}'


def test_rows_matching_past_the_cut_are_found(qtbot, tmp_path, monkeypatch, qtmodeltester):
    monkeypatch.setattr(C, "RECENT_ROWS", 5)
    monkeypatch.setattr(C, "RECENT_SLACK", 0)
    entries = []
    for seq in range(1, 61):
        if seq % 10 == 0:
            entries.append(long_entry(seq, "NEEDLE"))          # only past the cut
        elif seq % 10 == 5:
            entries.append(LogEntry(seq, float(seq), IN, Kind.EVENT, "/", "small", ["a needle here"]))
        else:
            entries.append(long_entry(seq, None))
    writer = StoreWriter(tmp_path / "s.sqlite")
    for e in entries:
        writer.submit(e)
    assert writer.flush(10)
    model = LogModel(fetch=Fetcher(tmp_path / "s.sqlite"))
    for i in range(0, 60, 20):
        model.append(entries[i:i + 20])
    filtered = FilteredLogModel(model)
    filtered.set_filter(LogFilter(text="needle"))
    # the short rows at once, and the newest long one (kept whole in memory)
    first = [filtered.entry(r).seq for r in range(filtered.rowCount())]
    assert first == [5, 15, 25, 35, 45, 55, 60]
    # the long rows are read in batches, not in order: done once none is pending
    qtbot.waitUntil(lambda: filtered.deep.pending == 0, timeout=10000)
    assert [filtered.entry(r).seq for r in range(filtered.rowCount())] == [
        5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
    qtmodeltester.check(filtered)
    # a filter that matches no long row finds none of them
    filtered.set_filter(LogFilter(text="needle", match_case=True))
    qtbot.waitUntil(lambda: filtered.deep.pending == 0, timeout=5000)   # the long rows were read
    assert [filtered.entry(r).seq for r in range(filtered.rowCount())] == [5, 15, 25, 35, 45, 55]
    writer.close()
