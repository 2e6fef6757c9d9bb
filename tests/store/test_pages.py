"""The window's rows paged from the session file: texts read back a page at a time, the
text filter run in SQLite, and the same answers as the scan in memory and the fallback."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from inspector.log import paged_texts as P
from inspector.log.chunk import chunk_from_entries
from inspector.log.entry import IN, Kind, LogEntry
from inspector.log.filter import LogFilter
from inspector.log.row_text import TEXT_CAP, whole_row_text
from inspector.log.table import LogTable
from inspector.store import text_index
from inspector.store.pages import connect_read_only, matching_seqs
from inspector.store.reader import Fetcher, SessionStore
from inspector.store.rows import INSERT, open_file, row_of
from inspector.store.writer import StoreWriter
from tests.helpers import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "log"))
from test_table import random_entries  # noqa: E402

FILTERS = [LogFilter(text=t, match_case=c) for t in ("alice", "bob", "CAROL", "é", "日本", "x[y]",
                                                        "istanbul", "İ", "bytes", "z" * 30 + "a",
                                                        "\\n", '"user"', "{", "k") for c in (False, True)]
FILTERS += [LogFilter(text=r"al\w+e", regex=True), LogFilter(text="CAROL|dave", regex=True),
            LogFilter(text="İSTANBUL"), LogFilter(text="ı")]
# texts a scan reads in one pass (no brackets; no case: digits, punctuation) or with LIKE,
# whose wildcards and escape must be taken as plain characters
FILTERS += [LogFilter(text=t, match_case=c) for t in ("99", "7,", "50%", "%", "a_b", "_", "\\", "[1", "7]",
                                                        "*", "a?b", "[x", "x]y", "[\"", "Off", "日本")
            for c in (False, True)]
# what the text index finds (3 characters or more) and where SQL and Python could differ:
# characters Python folds to an ASCII letter, a quote in the text, bytes, raw packets
INDEXED = [LogFilter(text=t, match_case=c) for t in ("kelvin k", "KELVIN", "long s", "istanbul",
                                                       "dotless i", 'r": "', '"_bytes"', "chat",
                                                       "Alice\\n", "aliCE", "never there")
           for c in (False, True)]


def written(path: Path, entries: list[LogEntry]) -> Path:
    w = StoreWriter(path)
    for e in entries:
        w.submit(e)
    assert w.flush(30)
    w.close()
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    entries = random_entries(3000, seed=7)
    entries.append(LogEntry(3001, 1.0, IN, Kind.PACKET, None, None, ['42["chat","Alice\\nCAROL"]'], bytes=20))
    entries.append(LogEntry(3002, 1.0, IN, Kind.EVENT, "/", "k", ["\u212a and K"], bytes=20))
    entries += [LogEntry(3003 + i, 1.0, IN, Kind.EVENT, "/", "k", [text], bytes=20) for i, text in enumerate(
        ("\u212aELVIN \u212a", "long \u017f", "\u0130STANBUL", "dotless \u0131", "Kelvin k",
         {"user": "x"}, {"_bytes": "aGk="}, b"chat", "50% OFF", "a_b", "aXb", "x\\y", "1990",
         "a*b", "a?b", "aQb", "[x", "x]y", "\u212a 99", [1, 7]))]
    return entries, written(tmp_path_factory.mktemp("pages") / "s.sqlite", entries)


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f"{f.text}-{f.regex}-{f.match_case}")
def test_sqlite_finds_the_rows_python_finds_on_their_whole_text(session, f):
    entries, path = session
    conn = connect_read_only(path)
    by_sql = matching_seqs(conn, f, 1, len(entries))
    by_python = matching_seqs(conn, f, 1, len(entries), sql=False)
    conn.close()
    with SessionStore(path) as store:
        rows = [r for part in store.rows() for r in part]
    matches = f.text_matcher()
    expected = [r[0] for r in rows if r[6] is not None and matches(whole_row_text(r[3], r[6]))]
    assert by_sql == by_python == expected
    assert expected or f.match_case or not f.text.isascii()     # something to compare


def paged_table(entries, path: Path) -> LogTable:
    fetcher = Fetcher(path)
    table = LogTable(fetcher)
    for i in range(0, len(entries), 250):
        table.append(chunk_from_entries(entries[i:i + 250]))
    table.texts.trim(keep=100)          # as if 50,000 newer rows had come: the file holds these
    return table


def in_memory_table(entries) -> LogTable:
    table = LogTable()
    for i in range(0, len(entries), 250):
        table.append(chunk_from_entries(entries[i:i + 250]))
    return table


def test_texts_leave_memory_once_the_file_holds_them_and_come_back_as_they_were(session):
    entries, path = session
    paged, memory = paged_table(entries, path), in_memory_table(entries)
    assert paged.texts.base == len(entries) - 100
    assert paged.texts.cached_rows() == 100
    middle = len(entries) // 2          # scrolling to the middle pages in the rows there
    for row in list(range(middle - 20, middle + 20)) + [0, len(entries) - 1]:
        assert paged.text(row) == memory.text(row)
        assert paged.entry(row) == entries[row]
    assert paged.texts.cached_rows() <= 100 + 2 * P.PAGE_ROWS
    for row in range(0, len(entries), 7):          # every page, once: at most CACHE_PAGES stay
        paged.text(row)
    assert paged.texts.cached_rows() <= 100 + P.CACHE_PAGES * P.PAGE_ROWS


def test_the_newest_texts_stay_until_the_file_has_their_rows(tmp_path):
    entries = random_entries(600, seed=3)
    path = written(tmp_path / "s.sqlite", entries[:400])
    table = LogTable(Fetcher(path))
    table.append(chunk_from_entries(entries))
    table.texts.trim(keep=10)
    assert table.texts.base == 400              # the 200 not in the file are kept
    assert [table.text(r) for r in range(380, 600)] == [in_memory_table(entries).text(r)
                                                        for r in range(380, 600)]


def shown_in_the_end(table: LogTable, entries, f: LogFilter) -> list[int]:
    """What the filtered model shows once the deep search (ui/log/deep_search.py) is done."""
    from inspector.log.row_text import args_text
    first = table.match(f)
    matches = f.text_matcher()
    deep = {r for r in table.long_candidates(f, first).tolist()
            if matches(args_text(entries[r].args, cap=None)[0])}
    return sorted(set(first.tolist()) | deep)


# not "ı": in memory a block holding an "İ" (whose lowered form is longer) is scanned with
# re.I, where "ı" finds every i; row by row (text_matches, the file) it finds none
@pytest.mark.parametrize("f", FILTERS[:12] + FILTERS[-4:-1], ids=lambda f: f"{f.text}-{f.regex}-{f.match_case}")
def test_the_filter_over_paged_rows_shows_what_the_filter_in_memory_shows(session, f):
    """In memory a cut row is judged on its first TEXT_CAP characters, then on its whole
    text by the deep search; paged, on its whole text at once: the same rows in the end."""
    entries, path = session
    paged, memory = paged_table(entries, path), in_memory_table(entries)
    got, want = shown_in_the_end(paged, entries, f), shown_in_the_end(memory, entries, f)
    # raw packets: in memory their text is the packet, but the deep search reads the JSON
    packets = {r for r, e in enumerate(entries) if e.kind == Kind.PACKET}
    assert [r for r in got if r not in packets] == [r for r in want if r not in packets]
    # only the rows still in memory are left to the deep search
    assert not len(paged.long_candidates(f, paged.match(f), 0, paged.texts.base))
    assert any(len(e.args[0]) > TEXT_CAP for e in entries if e.args and isinstance(e.args[0], str))


@pytest.mark.parametrize("f", INDEXED + FILTERS, ids=lambda f: f"{f.text}-{f.regex}-{f.match_case}")
def test_the_text_index_finds_the_rows_the_scan_finds(session, f):
    entries, path = session
    conn = connect_read_only(path)
    assert text_index.has_index(conn)
    by_index = matching_seqs(conn, f, 1, len(entries))
    by_scan = matching_seqs(conn, f, 1, len(entries), index=False)
    by_python = matching_seqs(conn, f, 1, len(entries), sql=False)
    assert by_index == by_scan == by_python
    assert by_index == matching_seqs(conn, f, 1, 1500) + matching_seqs(conn, f, 1501, len(entries))
    conn.close()


def test_the_odd_rows_are_found_through_the_index(session):
    """The rows whose text Python folds to ASCII are found though SQLite alone would not
    (K and İ; ſ and ı only where the row also holds an İ, which makes Python use re.I)."""
    entries, path = session
    conn = connect_read_only(path)
    seq_of = {str(e.args): e.seq for e in entries}
    assert seq_of["['\u212aELVIN \u212a']"] in matching_seqs(conn, LogFilter(text="kelvin k"), 1, len(entries))
    assert seq_of["['\u0130STANBUL']"] in matching_seqs(conn, LogFilter(text="istanbul"), 1, len(entries))
    assert matching_seqs(conn, LogFilter(text="long s"), 1, len(entries)) == []
    conn.close()


def test_a_file_without_the_index_opens_and_filters_the_same(session, tmp_path):
    """A file written before the index (or by an SQLite without FTS5) scans instead."""
    entries, path = session
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
        dst.executescript("DROP TRIGGER entries_text_insert; DROP TRIGGER entries_text_replace;"
                          " DROP TABLE entries_text; DROP TABLE entries_odd;")
    conn = connect_read_only(old)
    assert not text_index.has_index(conn)
    new = connect_read_only(path)
    for f in INDEXED:
        assert matching_seqs(conn, f, 1, len(entries)) == matching_seqs(new, f, 1, len(entries))
    conn.close()
    new.close()
    table = paged_table(entries, old)
    assert [table.text(r) for r in range(0, 40)] == [in_memory_table(entries).text(r) for r in range(0, 40)]


def test_a_row_written_again_is_found_by_what_it_holds_now(tmp_path):
    path = written(tmp_path / "s.sqlite", [LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", ["first words"]),
                                           LogEntry(2, 1.0, IN, Kind.EVENT, "/", "e", ["\u212aEEP"])])
    again = open_file(path, create=False)          # the same seqs, as the writer's INSERT does
    again.executemany(INSERT, [row_of(LogEntry(1, 2.0, IN, Kind.EVENT, "/", "e", ["second words"])),
                               row_of(LogEntry(2, 1.0, IN, Kind.EVENT, "/", "e", ["plain"]))])
    again.commit()
    again.close()
    conn = connect_read_only(path)
    assert matching_seqs(conn, LogFilter(text="first"), 1, 2) == []
    assert matching_seqs(conn, LogFilter(text="second"), 1, 2) == [1]
    assert matching_seqs(conn, LogFilter(text="words"), 1, 2) == [1]
    assert conn.execute("SELECT count(*) FROM entries_odd").fetchone() == (0,)
    conn.close()


def unindexed(path: Path) -> int:
    conn = connect_read_only(path)
    try:
        return text_index.lag(conn)
    finally:
        conn.close()


def test_a_burst_is_written_before_it_is_indexed_and_found_all_the_while(session, tmp_path):
    """The writer indexes when the session is quiet (indexing halves it in a burst): rows the
    index has not reached are found by a scan, then by the index alone once it caught up."""
    entries, _ = session
    path = tmp_path / "live.sqlite"
    w = StoreWriter(path)
    try:
        for e in entries:
            w.submit(e)
        assert w.flush(30)
        assert unindexed(path) == len(entries)          # written, and not indexed yet
        conn = connect_read_only(path)
        lagging = {f: matching_seqs(conn, f, 1, len(entries)) for f in INDEXED}
        assert lagging == {f: matching_seqs(conn, f, 1, len(entries), sql=False) for f in INDEXED}
        wait_until(lambda: unindexed(path) == 0, 20, "the index caught up once the writer was quiet")
        for f in INDEXED:
            seqs, odd = text_index.candidates(conn, f.text, f.match_case, 1, len(entries))
            found = sorted(seqs + [s for s, args, kind in odd if f.text_matcher()(whole_row_text(kind, args))])
            assert found == lagging[f]                  # through the index alone: the same rows
        conn.close()
    finally:
        w.close()


def test_closing_indexes_what_is_left_and_a_file_from_before_reads_as_indexed(tmp_path):
    path = tmp_path / "s.sqlite"
    w = StoreWriter(path)
    w.submit(LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", ["first words"]))
    assert w.flush(10)
    assert unindexed(path) == 1
    w.close()
    assert unindexed(path) == 0
    conn = connect_read_only(path)
    assert matching_seqs(conn, LogFilter(text="words"), 1, 1) == [1]
    conn.close()
    # a file whose triggers indexed each row as it came has no `entries_text_upto`
    with sqlite3.connect(path) as old:
        old.executescript("DROP TRIGGER entries_text_insert; DROP TRIGGER entries_text_replace;"
                          " DROP TABLE entries_text_upto;"
                          " CREATE TRIGGER entries_text_insert AFTER INSERT ON entries BEGIN"
                          " INSERT INTO entries_text (rowid, body) VALUES (new.seq, new.args); END;")
    old.close()
    conn = connect_read_only(path)
    assert text_index.indexed_upto(conn) is None and text_index.lag(conn) == 0
    assert matching_seqs(conn, LogFilter(text="words"), 1, 1) == [1]
    conn.close()


def test_a_row_written_again_before_the_index_reached_it_is_indexed_as_it_is_now(tmp_path):
    path = tmp_path / "s.sqlite"
    conn = open_file(path, create=True)
    conn.executemany(INSERT, [row_of(LogEntry(1, 1.0, IN, Kind.EVENT, "/", "e", ["first words"])),
                              row_of(LogEntry(2, 1.0, IN, Kind.EVENT, "/", "e", ["other"]))])
    conn.executemany(INSERT, [row_of(LogEntry(1, 2.0, IN, Kind.EVENT, "/", "e", ["second words"]))])
    assert text_index.catch_up(conn, 1) is True and text_index.catch_up(conn, 1) is False
    conn.executemany(INSERT, [row_of(LogEntry(2, 2.0, IN, Kind.EVENT, "/", "e", ["third"]))])  # indexed: the trigger
    conn.commit()
    assert text_index.lag(conn) == 0
    for text, want in (("first", []), ("second", [1]), ("other", []), ("third", [2])):
        seqs, _odd = text_index.candidates(conn, text, False, 1, 2)
        assert seqs == want, text
    conn.close()


@pytest.mark.parametrize("f", [LogFilter(text=t, match_case=c) for t in ("99", "7,", "Off", "a_b", "k", "\\n")
                               for c in (False, True)], ids=lambda f: f"{f.text}-{f.match_case}")
def test_a_scan_in_two_halves_finds_what_python_finds(session, f, monkeypatch):
    """A long scan runs its upper half on a connection of its own (on the other core): in
    steps of 100 rows here, so the 3,000 rows are two halves of many steps."""
    import inspector.store.pages as pages
    monkeypatch.setattr(pages, "STEP", 100)
    entries, path = session
    conn = connect_read_only(path)
    seen: list[tuple[int, int]] = []
    halves = matching_seqs(conn, f, 1, len(entries), index=False, report=lambda d, t: seen.append((d, t)) or True)
    by_python = matching_seqs(conn, f, 1, len(entries), sql=False)
    assert halves == by_python and (halves or f.match_case)
    assert seen and seen[-1][1] == len(entries) and seen[-1][0] >= len(entries) - 200    # progress to the end
    stopped = matching_seqs(conn, f, 1, len(entries), index=False, report=lambda d, t: False)
    assert len(stopped) <= len(halves)          # cancelled at the first step, both halves end
    conn.close()
