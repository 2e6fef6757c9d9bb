"""The filter's scan over a LogTable: which rows pass a LogFilter.

The structured parts (direction, namespace, event, flags) are numpy operations
on the table's columns.  The text part is one `re.finditer` (C speed) over each
block of joined row texts (TextBlocks: 65,536 rows to a string), not a Python
call per row; a match start is turned back into its row with a binary search
of the block's row starts.  A plain text filter that ignores case scans the
block's lowered copy.  A row whose text was cut is judged on its first TEXT_CAP
characters here; long_candidates() names those the rest of their text may
still let in (ui/log/deep_search.py checks them against the session file).

match_in_steps() is the same scan a few thousand rows at a time, for a worker
thread (over a TableSnapshot): between steps it reports progress, sees a cancel,
and lets the GIL go to the window's thread.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

import numpy as np

from inspector.log.filter import LogFilter
from inspector.log.row_text import CUT, DIR_CODE, FLAG_BIT

if TYPE_CHECKING:
    from inspector.log.table import LogTable, TableSnapshot

STEP_ROWS = 8192        # rows per step: a few ms of scanning, the GIL held for no longer
FILE_STEP_ROWS = 1 << 20  # rows whose text is in the session file: SQLite's work, the GIL let go (each
                         # step scanned in two halves at once: store/pages.py)


def match(table: LogTable, f: LogFilter, start: int = 0, stop: int | None = None) -> np.ndarray:
    """The rows in start..stop-1 that pass `f`, ascending (int64). Raises FilterError."""
    mask = _mask(table, f, start, stop)
    return np.flatnonzero(mask) + start if mask is not None else np.zeros(0, np.int64)


def match_in_steps(table: LogTable | TableSnapshot, f: LogFilter,
                   report: Callable[[int, int], bool], step: int = STEP_ROWS) -> np.ndarray | None:
    """match() over every row, `step` rows at a time; report(done, total) after each step,
    None once it returns False (cancelled)."""
    total = len(table)
    paged = getattr(table.texts, "base", 0)
    parts = []
    start = 0
    while start < total:
        stop = min(start + (FILE_STEP_ROWS if start < paged else step), total)
        if start < paged:
            stop = min(stop, paged)
        parts.append(match(table, f, start, stop))
        if not report(stop, total):
            return None
        start = stop
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def long_candidates(table: LogTable, f: LogFilter, matched: np.ndarray, start: int = 0,
                    stop: int | None = None) -> np.ndarray:
    """Rows in start..stop-1 that pass all of `f` but its text, were not `matched`, and
    whose text was cut: only their whole arguments can tell."""
    if not f.text:
        return np.zeros(0, np.int64)
    stop = len(table) if stop is None else min(stop, len(table))
    start = max(start, getattr(table.texts, "base", 0))   # paged rows: judged on their whole text
    if start >= stop:
        return np.zeros(0, np.int64)
    mask = _mask(table, LogFilter(f.dirs, f.namespaces, f.events, f.flags, clients=f.clients), start, stop)
    mask &= (table.flags.a[start:stop] & CUT) != 0
    rows = np.flatnonzero(mask) + start
    if not len(rows) or not len(matched):
        return rows
    # both ascending: a binary search (np.isin hashes all of `matched`: 2 s for a million)
    at = np.minimum(np.searchsorted(matched, rows), len(matched) - 1)
    return rows[matched[at] != rows]


def _mask(table: LogTable, f: LogFilter, start: int, stop: int | None) -> np.ndarray | None:
    stop = len(table) if stop is None else min(stop, len(table))
    if start >= stop:
        return None
    pattern, lowered = f.compiled()
    mask = np.ones(stop - start, bool)
    if f.dirs is not None:
        mask &= np.isin(table.dir.a[start:stop], [DIR_CODE[d] for d in f.dirs if d in DIR_CODE])
    if f.namespaces is not None:
        ids = [table.ns_names.id_of(n) for n in f.namespaces]
        mask &= np.isin(table.ns.a[start:stop], [i for i in ids if i is not None])
    if f.events is not None:
        ids = [table.event_names.id_of(n) for n in f.events]
        mask &= np.isin(table.event.a[start:stop], [i for i in ids if i is not None])
    if f.clients is not None:
        ids = [table.client_names.id_of(n) for n in f.clients]
        mask &= np.isin(table.client.a[start:stop], [i for i in ids if i is not None])
    if f.flags:
        bits = 0
        for name in f.flags:
            bits |= FLAG_BIT.get(name, 0)
        mask &= (table.flags.a[start:stop] & bits) != 0
    if pattern is not None and mask.any():
        paged = getattr(table.texts, "base", 0)      # rows before it: their text is in the file
        if start < paged:
            split = min(stop, paged)
            mask[:split - start] &= _file_mask(table, f, start, split)
        if stop > max(start, paged):
            lo = max(start, paged)
            mask[lo - start:] &= _text_mask(table, pattern, lowered, f.regex, lo, stop, mask[lo - start:])
    return mask


def _file_mask(table: LogTable, f: LogFilter, start: int, stop: int) -> np.ndarray:
    """The text part over rows the session file holds, judged there on their whole text."""
    seqs = table.seq.a[start:stop]
    found = table.texts.pages.matching_seqs(f, int(seqs[0]), int(seqs[-1]))
    if found is None:       # the file cannot be read: judge the texts it gave before, if any
        matches = f.text_matcher()
        return np.fromiter((matches(table.texts.get(r)) for r in range(start, stop)), bool, stop - start)
    hits = np.zeros(stop - start, bool)
    if found:
        found_a = np.asarray(found, np.int64)
        i = np.searchsorted(seqs, found_a)
        ok = i < len(seqs)
        ok[ok] = seqs[i[ok]] == found_a[ok]
        hits[i[ok]] = True
    return hits


def _text_mask(table: LogTable, pattern: re.Pattern, lowered: bool, regex: bool, start: int, stop: int,
               candidates: np.ndarray) -> np.ndarray:
    hits = np.zeros(stop - start, bool)
    for first, text, starts, low in table.texts.pieces(start, stop):
        n = len(starts) - 1
        lo, hi = max(start - first, 0), min(stop - first, n)
        if not candidates[first + lo - start:first + hi - start].any():
            continue
        target = text
        pat = pattern
        if lowered:
            if low is None:         # lengths changed when lowered: scan with re.I
                pat = re.compile(pattern.pattern, pattern.flags | re.IGNORECASE)
            else:
                target = low
        a, b = int(starts[lo]), int(starts[hi])
        if not regex:
            found = np.fromiter((m.start() for m in pat.finditer(target, a, b)), np.int64)
        else:
            found = _regex_starts(pat, target, starts, a, b)
        if not len(found):
            continue
        rows = np.searchsorted(starts, found, side="right") - 1
        hits[rows + first - start] = True
    return hits


def _regex_starts(pat: re.Pattern, target: str, starts: np.ndarray, a: int, b: int) -> np.ndarray:
    """Match starts, one per matching row: a user's regex may run across a row's end
    (`[^x]*` takes new lines too); the rows such a match covered are searched one by one."""
    spans = np.fromiter((x for m in pat.finditer(target, a, b) for x in m.span()), np.int64)
    begin, end = spans[0::2], spans[1::2]
    row_end = starts[np.searchsorted(starts, begin, side="right")]
    over = end > row_end
    if not over.any():
        return begin
    found = list(begin[~over])
    for s0, e0 in zip(begin[over], end[over], strict=True):
        r0 = int(np.searchsorted(starts, s0, side="right")) - 1
        r1 = int(np.searchsorted(starts, e0, side="left"))
        for r in range(r0, min(r1 + 1, len(starts) - 1)):
            lo_, hi_ = int(starts[r]), int(starts[r + 1]) - 1
            if lo_ >= a and hi_ <= b and pat.search(target, lo_, hi_) is not None:
                found.append(lo_)
    return np.unique(np.asarray(found, np.int64))
