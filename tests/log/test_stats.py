"""Statistics of the log: rates per second, per-event counts, round-trip percentiles."""
from __future__ import annotations

import numpy as np

from inspector.log.chunk import chunk_from_entries
from inspector.log.entry import IN, OUT, SYS, Kind, LogEntry
from inspector.log.stats import compute, compute_whole, percentiles
from inspector.log.table import LogTable


def cols_of(entries) -> LogTable:
    cols = LogTable()
    cols.append(chunk_from_entries(entries))
    return cols


def test_rates_counts_and_percentiles():
    t0 = 1000.0
    entries, seq = [], 1
    for second in range(10):             # 10 s: 5 events in and 2 out each second
        for k in range(5):
            entries.append(LogEntry(seq, t0 + second + k / 10, IN, Kind.EVENT, "/", "tick", [k], bytes=100))
            seq += 1
        for k in range(2):
            entries.append(LogEntry(seq, t0 + second + 0.5 + k / 10, OUT, Kind.EVENT, "/", "order", [k],
                                    ack_id=seq, bytes=40))
            seq += 1
    rtts = [float(x) for x in range(1, 101)]     # acks with round trips 1..100 ms
    for r in rtts:
        entries.append(LogEntry(seq, t0 + 9.9, IN, Kind.ACK, "/", "order", [], ack_id=1, rtt_ms=r, bytes=10))
        seq += 1
    entries.append(LogEntry(seq, t0 + 9.95, SYS, Kind.DISCONNECT, detail={"reason": "x"}))
    s = compute(cols_of(entries), t_end=t0 + 10, window_s=10, buckets=10)
    assert s.events_in.tolist() == [5.0] * 10
    assert s.events_out.tolist() == [2.0] * 10
    assert s.bytes_in[:9].tolist() == [500.0] * 9 and s.bytes_in[9] == 500.0 + 100 * 10
    assert s.bytes_out.tolist() == [80.0] * 10
    assert (s.total_in, s.total_out) == (50, 20)
    assert s.per_event == [("tick", 50, 0), ("order", 0, 20)]
    assert s.rtt_count == 100
    assert (s.rtt_p50, s.rtt_p95, s.rtt_p99) == tuple(np.percentile(rtts, [50, 95, 99]).tolist())
    assert round(s.rtt_p99, 2) == 99.01


def test_a_window_that_ends_now_shows_only_its_own_seconds():
    entries = [LogEntry(i + 1, 100.0 + i, IN, Kind.EVENT, "/", "e", []) for i in range(100)]
    s = compute(cols_of(entries), t_end=200.0, window_s=60, buckets=60)
    assert s.events_in.sum() == 60 and s.total_in == 100


def test_an_old_session_is_shown_whole_and_an_empty_one_is_zero():
    entries = [LogEntry(i + 1, 50.0 + i * 2, IN, Kind.EVENT, "/", "e", []) for i in range(30)]
    s = compute_whole(cols_of(entries))
    assert s.events_in.sum() * s.bucket_s == 30
    empty = compute_whole(LogTable())
    assert empty.total_in == 0 and empty.rtt_p50 is None
    assert percentiles(np.array([])) == (None, None, None)
