"""Statistics of a session's log: rates over time, per-event counts, ack round trips.

Computed from the log's columns (log.table) with numpy in a few
milliseconds at a million rows, so the panel can redo it every second
instead of keeping running totals in step with every entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inspector.log.entry import IN, OUT, Kind
from inspector.log.row_text import DIR_CODE, KIND_CODE
from inspector.log.table import LogTable

_IN, _OUT = DIR_CODE[IN], DIR_CODE[OUT]
_EVENT, _ACK = KIND_CODE[Kind.EVENT], KIND_CODE[Kind.ACK]


@dataclass
class Stats:
    t0: float                       # start of the first bucket
    bucket_s: float
    events_in: np.ndarray           # events per second in each bucket
    events_out: np.ndarray
    bytes_in: np.ndarray            # bytes per second in each bucket (every entry with a size)
    bytes_out: np.ndarray
    total_in: int = 0               # events over the whole log
    total_out: int = 0
    total_bytes_in: int = 0
    total_bytes_out: int = 0
    per_event: list[tuple[str, int, int]] = field(default_factory=list)   # (event, in, out)
    rtt_count: int = 0
    rtt_p50: float | None = None
    rtt_p95: float | None = None
    rtt_p99: float | None = None

    @property
    def buckets(self) -> int:
        return len(self.events_in)


def percentiles(values: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """p50, p95, p99 (linear interpolation between the closest ranks, numpy's default)."""
    if not len(values):
        return None, None, None
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return float(p50), float(p95), float(p99)


def compute(cols: LogTable, t_end: float, window_s: float = 60.0, buckets: int = 60,
            t0: float | None = None) -> Stats:
    """Rates in `buckets` buckets over the `window_s` seconds before `t_end` (from `t0` when
    given); totals, per-event counts and round-trip percentiles over the whole log."""
    n = len(cols)
    bucket_s = window_s / buckets
    t0 = t_end - window_s if t0 is None else t0
    t = cols.t.view()
    d = cols.dir.view()
    k = cols.kind.view()
    size = cols.size.view()
    # rows in the window (t is in seq order, nearly sorted: a clock step back is tolerated
    # by taking every row whose time falls in, not a searchsorted cut)
    lo = 0
    if n and t[0] < t0:
        lo = int(np.searchsorted(t, t0, side="left"))
        lo = max(lo - 1000, 0)
    tw, dw, kw, sw = t[lo:], d[lo:], k[lo:], size[lo:]
    idx = np.floor((tw - t0) / bucket_s).astype(np.int64)
    inside = (idx >= 0) & (idx < buckets)
    ev = inside & (kw == _EVENT)

    def rate(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        counts = np.bincount(idx[mask], weights=None if weights is None else weights[mask],
                             minlength=buckets)[:buckets]
        return counts.astype(np.float64) / bucket_s

    has_size = inside & (sw >= 0)
    stats = Stats(
        t0=t0, bucket_s=bucket_s,
        events_in=rate(ev & (dw == _IN)), events_out=rate(ev & (dw == _OUT)),
        bytes_in=rate(has_size & (dw == _IN), sw.astype(np.float64)),
        bytes_out=rate(has_size & (dw == _OUT), sw.astype(np.float64)))
    events = k == _EVENT
    stats.total_in = int(np.count_nonzero(events & (d == _IN)))
    stats.total_out = int(np.count_nonzero(events & (d == _OUT)))
    sized = size >= 0
    stats.total_bytes_in = int(size[sized & (d == _IN)].sum())
    stats.total_bytes_out = int(size[sized & (d == _OUT)].sum())
    names = cols.event_names.values
    ev_ids = cols.event.view()
    n_names = len(names)
    per_in = np.bincount(ev_ids[events & (d == _IN)], minlength=n_names)
    per_out = np.bincount(ev_ids[events & (d == _OUT)], minlength=n_names)
    order = np.argsort(-(per_in + per_out), kind="stable")
    stats.per_event = [(names[i], int(per_in[i]), int(per_out[i]))
                       for i in order.tolist() if per_in[i] + per_out[i] and names[i] is not None]
    rows, rtt = cols.rtt.held(n)
    acks = rtt[(k[rows] == _ACK) & (d[rows] == _IN)]
    stats.rtt_count = len(acks)
    stats.rtt_p50, stats.rtt_p95, stats.rtt_p99 = percentiles(acks)
    return stats


def compute_whole(cols: LogTable, buckets: int = 120) -> Stats:
    """Over the whole log (an old session): from its first entry to its last."""
    if not len(cols):
        return compute(cols, 0.0)
    t = cols.t.view()
    first, last = float(t.min()), float(t.max())
    span = max(last - first, 1.0)
    buckets = max(1, min(buckets, int(np.ceil(span))))
    # the last bucket ends a hair past the last entry, so that it falls in
    window = span * (1 + 1e-9) + 1e-6
    return compute(cols, first + window, window_s=window, buckets=buckets, t0=first)
