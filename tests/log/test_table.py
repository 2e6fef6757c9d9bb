"""The compact log and its filter: every answer checked against the plain per-row one."""
from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest

from inspector.log import table as C
from inspector.log.chunk import chunk_from_entries, chunk_from_rows
from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.log.filter import FilterError, LogFilter, validate
from inspector.log.row_text import TEXT_CAP, WHOLE
from inspector.log.table import LogTable
from inspector.store.rows import row_of

WORDS = ["alice", "Bob", "CAROL", "dave", "é", "日本", "x[y]", "a.b", "line\nbreak", "tab\t", "İstanbul"]


def random_entries(n: int, seed: int = 1) -> list[LogEntry]:
    rng = random.Random(seed)
    out = []
    for seq in range(1, n + 1):
        kind = rng.choice([Kind.EVENT] * 6 + [Kind.ACK, Kind.CONNECT, Kind.GAP])
        d = SYS if kind in (Kind.CONNECT, Kind.GAP) else rng.choice([IN, OUT])
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))
        args = None if d == SYS else rng.choice([
            [], [words], [{"user": words, "n": seq}], [seq, words, {"deep": [words, {"k": words}]}],
            ["z" * rng.randint(TEXT_CAP - 5, TEXT_CAP + 50) + words],       # cut rows
            [{"blob": bytes([seq % 256, 1, 2])}, words],                   # bytes rows
        ])
        flags = tuple(f for f in ("late", "recovered", "binary") if rng.random() < 0.1)
        out.append(LogEntry(seq, 1700000000 + seq / 10, d, kind, rng.choice(["/", "/chat", None]),
                            rng.choice(["chat", "tick", "x y", None]), args,
                            rng.choice([None, seq % 7]), rng.choice([None, 1.5]),
                            rng.choice([None, 10, 0]), flags,
                            rng.choice([None, {"for_seq": 1}, {"offset": "abc"}])))
    return out


def load(entries, batch=37, fetch=None) -> LogTable:
    cols = LogTable(fetch)
    for i in range(0, len(entries), batch):
        cols.append(chunk_from_entries(entries[i:i + batch]))
    return cols


def visible_text(e: LogEntry) -> str:
    """The row text a user can filter on: the arguments as compact JSON (bytes as <n bytes>)."""
    if e.args is None:
        return ""
    t = json.dumps(e.args, ensure_ascii=False, separators=(",", ":"),
                   default=lambda v: f"<{len(v)} bytes>")[1:-1]
    return t[:TEXT_CAP]


def reference(entries, f: LogFilter) -> list[int]:
    rows = []
    for i, e in enumerate(entries):
        if f.dirs is not None and e.dir not in f.dirs:
            continue
        if f.namespaces is not None and e.ns not in f.namespaces:
            continue
        if f.events is not None and e.event not in f.events:
            continue
        if f.flags and not set(f.flags) & set(e.flags):
            continue
        if f.text:
            text = visible_text(e)
            if f.regex:
                if not re.search(f.text, text, 0 if f.match_case else re.IGNORECASE):
                    continue
            elif f.match_case:
                if f.text not in text:
                    continue
            elif not re.search(re.escape(f.text), text, re.IGNORECASE):
                continue
        rows.append(i)
    return rows


def test_rows_rebuild_to_the_entries_they_came_from():
    entries = random_entries(800)
    cols = load(entries)                  # without a session file: odd rows are kept whole
    assert len(cols) == 800
    assert [cols.entry(i) for i in range(800)] == entries
    for i, e in enumerate(entries):
        assert cols.row_of_seq(e.seq) == i
    assert cols.row_of_seq(10**9) is None


def test_rows_that_cannot_be_rebuilt_come_from_the_session_file():
    entries = random_entries(300)
    asked = []

    def fetch(seqs):
        asked.extend(seqs)
        return {s: entries[s - 1] for s in seqs}
    old = C.RECENT_ROWS, C.RECENT_SLACK
    C.RECENT_ROWS = C.RECENT_SLACK = 0            # nothing kept whole in memory
    try:
        cols = load(entries, fetch=fetch)
        got = [cols.entry(i) for i in range(300)]
    finally:
        C.RECENT_ROWS, C.RECENT_SLACK = old
    assert got == entries
    whole = [e.seq for e in entries if e.args and (len(visible_text(e)) >= TEXT_CAP
                                                  or "bytes>" in visible_text(e))]
    assert whole and set(whole) <= set(asked)
    # what was not asked for was rebuilt from the columns
    assert len(asked) < 300


def test_rows_from_the_session_file_match_rows_from_entries():
    entries = random_entries(400, seed=3)
    a = load(entries)
    b = LogTable()
    b.append(chunk_from_rows([row_of(e) for e in entries]))
    assert [a.text(i) for i in range(400)] == [b.text(i) for i in range(400)]
    assert [b.rebuild(i) for i in range(400) if not b.flags.a[i] & WHOLE] == \
           [e for i, e in enumerate(entries) if not b.flags.a[i] & WHOLE]


FILTERS = [
    LogFilter(text="alice"), LogFilter(text="ALICE"), LogFilter(text="Bob", match_case=True),
    LogFilter(text="bob", match_case=True), LogFilter(text="日本"), LogFilter(text="istanbul"),
    LogFilter(text="x[y]"), LogFilter(text="a.b"), LogFilter(text=r"a\.b", regex=True),
    LogFilter(text=r"^\"", regex=True), LogFilter(text=r"\}$", regex=True),
    LogFilter(text=r"CAROL.*dave", regex=True), LogFilter(text=r"carol.*dave", regex=True),
    LogFilter(text=r"carol.*dave", regex=True, match_case=True),
    LogFilter(text=r"a[^x]*b", regex=True),           # can run across a row's end
    LogFilter(text=r"\\n", regex=True), LogFilter(text="<3 bytes>"),
    LogFilter(text=r"\d{3}", regex=True), LogFilter(text=r"(?P<Name>dave)", regex=True),
    LogFilter(dirs=frozenset({OUT})), LogFilter(dirs=frozenset({SYS})),
    LogFilter(namespaces=frozenset({"/chat"})), LogFilter(namespaces=frozenset({None})),
    LogFilter(events=frozenset({"tick", "x y"})), LogFilter(events=frozenset({"never"})),
    LogFilter(flags=frozenset({"late"})), LogFilter(flags=frozenset({"late", "recovered"})),
    LogFilter(dirs=frozenset({IN}), events=frozenset({"chat"}), text="alice"),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: repr(f.text or f.dirs or f.namespaces or f.events or f.flags))
def test_the_filter_finds_what_a_row_by_row_search_finds(f, monkeypatch):
    monkeypatch.setattr(C, "BLOCK_ROWS", 64)       # many blocks and a tail, with few rows
    entries = random_entries(1000, seed=7)
    cols = load(entries)
    assert len(cols.texts.blocks) > 5
    assert cols.match(f).tolist() == reference(entries, f)
    # and piece by piece, as rows arrive
    parts = np.concatenate([cols.match(f, a, a + 97) for a in range(0, 1000, 97)])
    assert parts.tolist() == reference(entries, f)


def test_an_invalid_expression_says_why_and_never_raises_anything_else():
    assert validate(LogFilter(text="(unclosed", regex=True)).startswith(
        "invalid regular expression: missing ), unterminated subpattern at position 0")
    assert validate(LogFilter(text="(unclosed")) is None          # plain text: any text is fine
    assert validate(LogFilter(text="a{2,1}", regex=True)).startswith("invalid regular expression")
    with pytest.raises(FilterError):
        load(random_entries(10)).match(LogFilter(text="[", regex=True))


def test_the_newest_entries_are_kept_whole_and_the_rest_let_go(monkeypatch):
    monkeypatch.setattr(C, "RECENT_ROWS", 100)
    monkeypatch.setattr(C, "RECENT_SLACK", 50)
    entries = [LogEntry(i, float(i), IN, Kind.EVENT, "/", "e", [i], bytes=10) for i in range(1, 3001)]
    cols = load(entries, batch=500)
    assert len(cols._recent) <= 100 + 50 + 500
    assert cols.entry(2999) is entries[2999]           # identity for the newest
    assert cols.entry(0) == entries[0] and cols.entry(0) is not entries[0]   # rebuilt


def test_clear_forgets_everything():
    cols = load(random_entries(50))
    cols.clear()
    assert len(cols) == 0 and cols.match(LogFilter(text="a")).tolist() == []
    cols.append(chunk_from_entries(random_entries(5)))
    assert len(cols) == 5


def test_a_raw_packet_row_shows_the_packet_as_encoded():
    packets = [LogEntry(1, 1.0, IN, Kind.PACKET, args=['42["chat",{"n":1}]'], bytes=19),
               LogEntry(2, 2.0, OUT, Kind.PACKET, args=[b"\x04\x01"], bytes=2, flags=(Flag.BINARY,))]
    a = load(packets)
    b = LogTable()
    b.append(chunk_from_rows([row_of(e) for e in packets]))
    for cols in (a, b):
        assert cols.text(0) == '42["chat",{"n":1}]' and cols.text(1) == '"<2 bytes>"'
        assert cols.match(LogFilter(text='42["chat"')).tolist() == [0]
    assert [a.entry(i) for i in range(2)] == packets      # kept whole: no session file here


def rebuilt(entries) -> list[LogEntry]:
    """Every row rebuilt from the columns (nothing kept whole, no session file)."""
    old = C.RECENT_ROWS, C.RECENT_SLACK
    C.RECENT_ROWS = C.RECENT_SLACK = 0
    try:
        cols = load(entries, batch=3)
        return [cols.rebuild(i) for i in range(len(cols))]
    finally:
        C.RECENT_ROWS, C.RECENT_SLACK = old


def test_a_burst_row_costs_under_25_bytes_of_columns():
    cols = load([LogEntry(seq, 1.7e9 + seq, IN, Kind.EVENT, "/", "tick", [seq], None, None, 12)
                 for seq in range(1, 20_001)], batch=1000)
    held = sum(c.n * c.a.itemsize for c in cols._columns() if isinstance(c, C.Column) and c.held)
    sparse = sum(c.rows.a.nbytes + c.values.a.nbytes for c in (cols.ack_id, cols.rtt))
    assert held / len(cols) < 25
    assert sparse <= 2 * 1024 * 16            # their first allocation: no row held a value


def test_values_beyond_the_narrow_columns_widen_them_and_come_back_exact():
    big = [LogEntry(1, 1.5, IN, Kind.EVENT, "/", "tick", [1], None, None, 10),
           LogEntry(2**40, 2.5, IN, Kind.ACK, "/", "tick", [2], 2**40, 12.345, 3 * 2**30),
           LogEntry(2**40 + 1, 3.5, OUT, Kind.EVENT, "/", "tick", [3], 7, None, None)]
    assert rebuilt(big) == big
    many = [LogEntry(i + 1, float(i), IN, Kind.EVENT, f"/ns{i % 40_000}", f"e{i}", [i], None, None, 1)
            for i in range(70_000)]                # beyond int16 names, namespaces too
    got = rebuilt(many)
    assert [e.event for e in got] == [e.event for e in many]
    assert [e.ns for e in got] == [e.ns for e in many]


def test_a_numpy_array_beyond_a_narrow_column_widens_it_not_wraps():
    col = C.Column(np.int32, wide=np.int64)
    col.extend([1, 2])
    col.extend(np.array([2**33, -2**33], np.int64))
    assert col.view().tolist() == [1, 2, 2**33, -2**33]
    col.clear()
    col.extend([5])
    assert col.a.dtype == np.int32                 # narrow again once cleared


def test_ack_ids_and_round_trips_are_kept_for_the_rows_that_hold_them():
    entries = random_entries(500, seed=3)
    cols = load(entries)
    for i, e in enumerate(entries):
        assert cols.ack_id.get(i) == (-1 if e.ack_id is None else e.ack_id)
        rtt = cols.rtt.get(i)
        assert (rtt != rtt) if e.rtt_ms is None else rtt == e.rtt_ms


def test_a_column_of_one_value_costs_nothing_until_another_comes():
    col = C.Column(np.int16, wide=np.int32, same=0)
    for _ in range(100):
        col.extend([0] * 10_000)
    assert col.view().strides == (0,)               # one element, not a million
    assert len(col.view()) == 1_000_000 and not col.view().any()
    col.extend([0, 3, 70_000])
    assert col.view()[-4:].tolist() == [0, 0, 3, 70_000] and len(col.view()) == 1_000_003
    col.clear()
    col.extend([0, 0])
    assert col.view().strides == (0,)


def test_rows_of_several_clients_after_many_of_one_keep_their_names():
    one = [LogEntry(i, float(i), IN, Kind.EVENT, "/", "tick", [i], None, None, 1) for i in range(1, 5001)]
    two = [LogEntry(i, float(i), IN, Kind.EVENT, "/", "tick", [i], None, None, 1, client=c)
           for i, c in zip(range(5001, 5005), ["bob", None, "carol", "bob"], strict=True)]
    got = rebuilt(one + two)
    assert [e.client for e in got] == [None] * 5000 + ["bob", None, "carol", "bob"]
