"""LogTable: a session's log held compactly in memory, for a table of a million rows.

A list of a million LogEntry objects with their argument lists costs well over
a gigabyte; here a row costs about 24 bytes of numpy columns plus its argument
text cut to TEXT_CAP characters (log/row_text.py).  The argument texts of 65,536
rows are joined into one string (a "block"), so a text or regex filter is one
scan of a few big strings (log/search.py), and the structured filters are numpy
operations.  Rows arrive as Chunks (log/chunk.py), built off the GUI thread.

A row whose text was cut, or that holds bytes, cannot be rebuilt from its text:
its whole entry comes from `fetch` (the session file) or, without one, is kept
whole in memory.  The most recent rows are kept whole too (the session file
commits every 0.2 s).
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from inspector.log import search
from inspector.log.chunk import Chunk
from inspector.log.entry import DIRECTIONS, KINDS, LogEntry
from inspector.log.filter import LogFilter
from inspector.log.paged_texts import PagedTexts
from inspector.log.row_text import ARGS_NONE, CUT, WHOLE, flag_names
from inspector.wire import deep_json
from inspector.wire.payload import from_jsonable

BLOCK_ROWS = 1 << 16
RECENT_ROWS = 10_000    # the newest entries kept whole...
RECENT_BYTES = 64 << 20  # ...while their wire size stays under this
RECENT_SLACK = 2_000     # trimmed in steps this big, not at every batch


class Column:
    """A growable numpy column (amortised doubling).

    With `wide`, the column starts narrow (`dtype`) and becomes `wide`, once, when a value
    does not fit: seqs, sizes and name ids nearly always fit 32 or 16 bits, and at ten
    million rows each byte a row saves is ten megabytes.  With `same`, it costs nothing
    while every row holds that value (`a` is a read-only view of one element: the client
    column of a log with one client), and is filled in the first time another comes."""

    __slots__ = ("a", "n", "narrow", "wide", "same", "held")

    def __init__(self, dtype, capacity: int = 1024, wide=None, same=None):
        self.narrow, self.wide, self.same = np.dtype(dtype), wide, same
        self.n = 0
        self.held = same is None            # False: every row so far holds `same`, none stored
        self.a = self._empty(capacity)

    def _empty(self, capacity: int) -> np.ndarray:
        if self.held:
            return np.empty(capacity, self.narrow)
        return np.broadcast_to(np.array(self.same, self.narrow), (capacity,))

    def extend(self, values) -> None:
        k = len(values)
        need = self.n + k
        if not self.held:
            if (values.count(self.same) if isinstance(values, list) else np.count_nonzero(
                    np.asarray(values) == self.same)) == k:
                if need > len(self.a):
                    self.a = self._empty(max(need, 2 * len(self.a)))
                self.n = need
                return
            self.held = True                     # another value: every row stored from now on
            self.a = np.full(len(self.a), self.same, self.narrow)
        if need > len(self.a):
            bigger = np.empty(max(need, 2 * len(self.a)), self.a.dtype)
            bigger[:self.n] = self.a[:self.n]
            self.a = bigger
        narrow = self.wide is not None and self.a.dtype == self.narrow
        if narrow and k and isinstance(values, np.ndarray) and not np.can_cast(values.dtype, self.narrow):
            info = np.iinfo(self.narrow)        # an array would be cast silently, wrapping
            if values.min() < info.min or values.max() > info.max:
                self.a, narrow = self.a.astype(self.wide), False
        try:
            self.a[self.n:need] = values
        except OverflowError:                   # a Python int beyond the narrow type
            if not narrow:
                raise
            self.a = self.a.astype(self.wide)
            self.a[self.n:need] = values
        self.n = need

    def view(self) -> np.ndarray:
        return self.a[:self.n]

    def clear(self) -> None:
        self.n = 0
        self.held = self.same is None
        self.a = self._empty(1024)


class SparseColumn:
    """A column that most rows leave empty (`missing`: an ack id, a round trip): only the
    rows that hold a value are kept, as (row, value) in row order."""

    __slots__ = ("rows", "values", "n", "missing")

    def __init__(self, dtype, missing):
        self.rows = Column(np.int64)
        self.values = Column(dtype)
        self.n = 0
        self.missing = missing

    def extend(self, values) -> None:
        a = np.asarray(values, self.values.a.dtype)
        held = ~np.isnan(a) if a.dtype.kind == "f" else a != self.missing
        if held.any():
            at = np.flatnonzero(held)
            self.rows.extend(at + self.n)
            self.values.extend(a[at])
        self.n += len(a)

    def get(self, row: int):
        rows = self.rows.view()
        i = int(np.searchsorted(rows, row))
        return self.values.a[i] if i < len(rows) and rows[i] == row else self.missing

    def held(self, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, values) of the rows below `n` (all of them: None) that hold a value."""
        k = self.rows.n if n is None else int(np.searchsorted(self.rows.view(), n))
        return self.rows.a[:k], self.values.a[:k]

    def clear(self) -> None:
        self.rows.clear()
        self.values.clear()
        self.n = 0


class Interned:
    """Strings (and None) as small ints: namespaces and event names repeat."""

    def __init__(self):
        self.values: list[str | None] = [None]
        self.ids: dict[str | None, int] = {None: 0}

    def ids_of(self, values: list) -> list[int]:
        ids = self.ids
        out = list(map(ids.get, values))      # C speed; None marks a name not seen yet
        if None in out:
            for k, v in enumerate(values):
                if out[k] is None:
                    i = ids.get(v)
                    if i is None:
                        i = ids[v] = len(self.values)
                        self.values.append(v)
                    out[k] = i
        return out

    def id_of(self, value) -> int | None:
        return self.ids.get(value)


class TextBlocks:
    """The row texts: joined 65,536 rows to a string once full, a list before."""

    def __init__(self):
        self.blocks: list[tuple[str, np.ndarray, str | None]] = []   # (text, starts, lowered)
        self.tail: list[str] = []

    def __len__(self) -> int:
        return len(self.blocks) * BLOCK_ROWS + len(self.tail)

    def extend(self, texts: list[str]) -> None:
        tail = self.tail
        i = 0
        while i < len(texts):
            room = BLOCK_ROWS - len(tail)
            tail.extend(texts[i:i + room])
            i += room
            if len(tail) == BLOCK_ROWS:
                self.blocks.append(_seal(tail))
                tail.clear()

    def get(self, row: int) -> str:
        b, i = divmod(row, BLOCK_ROWS)
        if b < len(self.blocks):
            text, starts, _low = self.blocks[b]
            return text[starts[i]:starts[i + 1] - 1]
        return self.tail[i]

    def clear(self) -> None:
        self.blocks.clear()
        self.tail.clear()

    def snapshot(self, _seq_column=None) -> "TextBlocks":
        """The texts as they are now, for a scan on another thread while rows are appended
        (sealed blocks are never changed; the open one is copied)."""
        copy = TextBlocks()
        copy.blocks, copy.tail = list(self.blocks), list(self.tail)
        return copy

    def pieces(self, start: int, stop: int) -> Iterable[tuple[int, str, np.ndarray, str | None]]:
        """(first row, text, starts, lowered) covering rows start..stop-1 (maybe more)."""
        first_block, last_block = start // BLOCK_ROWS, (stop - 1) // BLOCK_ROWS
        for b in range(first_block, min(last_block + 1, len(self.blocks))):
            text, starts, low = self.blocks[b]
            yield b * BLOCK_ROWS, text, starts, low
        base = len(self.blocks) * BLOCK_ROWS
        if stop > base:
            lo = max(start - base, 0)
            text, starts, low = _seal(self.tail[lo:stop - base])
            yield base + lo, text, starts, low


def _seal(texts: list[str]) -> tuple[str, np.ndarray, str | None]:
    text = "\n".join(texts) + "\n"
    starts = np.empty(len(texts) + 1, np.int64)
    starts[0] = 0
    np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1, out=starts[1:])
    low = text.lower()
    # lower() can change lengths (e.g. "İ"): then that block is searched with re.I instead
    return text, starts, (low if len(low) == len(text) else None) if low != text else text


class _Values:
    """A column's values up to a row count, read as search.py reads a Column (`.a`)."""

    __slots__ = ("a",)

    def __init__(self, a: np.ndarray):
        self.a = a


class TableSnapshot:
    """What the filter reads of a LogTable, as it is now: a scan on another thread sees
    these rows while the GUI thread appends more (Column.extend never writes below its
    count, and a grown column is a new array: the views here keep the old one)."""

    def __init__(self, table: "LogTable"):
        self.n = n = len(table)
        for name in ("seq", "dir", "ns", "event", "flags", "client"):
            setattr(self, name, _Values(getattr(table, name).a[:n]))
        self.ns_names, self.event_names = table.ns_names, table.event_names
        self.client_names = table.client_names
        self.texts = table.texts.snapshot(self.seq)

    def __len__(self) -> int:
        return self.n

    def close(self) -> None:
        """Let go of what the snapshot opened (paged texts: a connection to the file)."""
        close = getattr(self.texts, "close", None)
        if close is not None:
            close()


class LogTable:
    """The whole log of a session, row per entry, in columns."""

    def __init__(self, fetch: Callable[[list[int]], dict[int, LogEntry]] | None = None):
        self.fetch = fetch
        # about 24 bytes a row (the texts aside): narrow where values nearly always fit
        self.seq = Column(np.int32, wide=np.int64)
        self.t = Column(np.float64)
        self.dir = Column(np.int8)
        self.kind = Column(np.int8)
        self.ns = Column(np.int16, wide=np.int32)        # into ns_names
        self.event = Column(np.int16, wide=np.int32)     # into event_names
        self.flags = Column(np.uint16)
        self.size = Column(np.int32, wide=np.int64)       # -1: none
        self.ack_id = SparseColumn(np.int64, -1)
        self.rtt = SparseColumn(np.float64, np.nan)
        self.client = Column(np.int16, wide=np.int32, same=0)    # into client_names (0: None, the one client)
        self.client_names = Interned()
        # with a session file to read them back from, the texts are paged (log/paged_texts.py)
        pages = getattr(fetch, "pages", None)
        self.texts: TextBlocks | PagedTexts = TextBlocks() if pages is None else PagedTexts(pages, self.seq)
        self.ns_names = Interned()
        self.event_names = Interned()
        self.detail: dict[int, str] = {}
        self.odd_flags: dict[int, tuple] = {}
        self._whole: dict[int, LogEntry] = {}
        self._recent: list[LogEntry] = []
        self._recent_base = 0
        self._recent_bytes = 0

    def __len__(self) -> int:
        return self.seq.n

    def _columns(self) -> tuple[Column | SparseColumn, ...]:
        return (self.seq, self.t, self.dir, self.kind, self.ns, self.event, self.flags,
                self.size, self.ack_id, self.rtt, self.client)

    def append(self, chunk: Chunk) -> None:
        base = len(self)
        self.seq.extend(chunk.seq)
        self.t.extend(chunk.t)
        self.dir.extend(chunk.dir)
        self.kind.extend(chunk.kind)
        self.ns.extend(self.ns_names.ids_of(chunk.ns))
        self.event.extend(self.event_names.ids_of(chunk.event))
        self.flags.extend(chunk.flags)
        self.size.extend(chunk.size)
        self.ack_id.extend(chunk.ack_id)
        self.rtt.extend(chunk.rtt)
        self.client.extend(self.client_names.ids_of(chunk.client) if chunk.client else [0] * len(chunk))
        self.texts.extend(chunk.text)
        if chunk.detail:
            self.detail.update({base + i: d for i, d in chunk.detail.items()})
        if chunk.odd_flags:
            self.odd_flags.update({base + i: f for i, f in chunk.odd_flags.items()})
        entries = chunk.entries
        if entries is None:
            self._recent = []
            self._recent_base = len(self)
            self._recent_bytes = 0
            return
        if self.fetch is None:
            flags = chunk.flags
            self._whole.update({base + i: e for i, e in enumerate(entries) if flags[i] & WHOLE})
        if self._recent_base + len(self._recent) != base:
            self._recent, self._recent_base, self._recent_bytes = [], base, 0
        self._recent.extend(entries)
        self._recent_bytes += sum(s for s in chunk.size if s > 0)
        if len(self._recent) > RECENT_ROWS + RECENT_SLACK or self._recent_bytes > RECENT_BYTES:
            self._trim_recent()

    def _trim_recent(self) -> None:
        keep = min(len(self._recent), RECENT_ROWS)
        sizes = self.size.view()[len(self) - keep:]
        # from the newest back, as many as fit the byte budget
        fit = int(np.searchsorted(np.cumsum(np.maximum(sizes[::-1], 0)), RECENT_BYTES, side="right"))
        keep = max(min(keep, fit), 1)
        drop = len(self._recent) - keep
        del self._recent[:drop]
        self._recent_base += drop
        self._recent_bytes = int(np.maximum(sizes[-keep:], 0).sum())

    def clear(self) -> None:
        for c in self._columns():
            c.clear()
        self.texts.clear()
        self.ns_names = Interned()
        self.event_names = Interned()
        self.client_names = Interned()
        self.detail.clear()
        self.odd_flags.clear()
        self._whole.clear()
        self._recent, self._recent_base, self._recent_bytes = [], 0, 0

    # -- reading rows ------------------------------------------------------------
    def text(self, row: int) -> str:
        return self.texts.get(row)

    def is_cut(self, row: int) -> bool:
        return bool(self.flags.a[row] & CUT)

    def flag_names(self, row: int) -> tuple[str, ...]:
        odd = self.odd_flags.get(row)
        if odd is not None:
            return odd
        return flag_names(int(self.flags.a[row]))

    def row_of_seq(self, seq: int) -> int | None:
        seqs = self.seq.view()
        i = int(np.searchsorted(seqs, seq))
        return i if i < len(seqs) and seqs[i] == seq else None

    def entry(self, row: int) -> LogEntry:
        if row < 0 or row >= len(self):
            raise IndexError(row)
        if row >= self._recent_base and row - self._recent_base < len(self._recent):
            return self._recent[row - self._recent_base]
        whole = self._whole.get(row)
        if whole is not None:
            return whole
        if self.flags.a[row] & WHOLE and self.fetch is not None:
            seq = int(self.seq.a[row])
            found = self.fetch([seq]).get(seq)
            if found is not None:
                return found
        return self.rebuild(row)

    def kept_whole(self, row: int) -> LogEntry | None:
        """The entry of `row` if it is in memory whole (a recent one, or kept for want of a
        session file), else None."""
        if row >= self._recent_base and row - self._recent_base < len(self._recent):
            return self._recent[row - self._recent_base]
        return self._whole.get(row)

    def rebuild(self, row: int) -> LogEntry:
        """The entry from the columns (its args from the row text: exact unless WHOLE)."""
        bits = int(self.flags.a[row])
        if bits & ARGS_NONE:
            args = None
        else:
            text = self.texts.get(row)
            try:
                args = deep_json.loads("[" + text + "]")
            except ValueError:
                args = [text + "…"]
        detail = self.detail.get(row)
        size, ack_id, rtt = int(self.size.a[row]), int(self.ack_id.get(row)), float(self.rtt.get(row))
        return LogEntry(
            int(self.seq.a[row]), float(self.t.a[row]), DIRECTIONS[self.dir.a[row]],
            KINDS[self.kind.a[row]], self.ns_names.values[self.ns.a[row]],
            self.event_names.values[self.event.a[row]], args,
            None if ack_id < 0 else ack_id, None if rtt != rtt else rtt,
            None if size < 0 else size, self.flag_names(row),
            None if detail is None else from_jsonable(deep_json.loads(detail)),
            self.client_names.values[self.client.a[row]])

    # -- filtering (the scan is log/search.py's) ------------------------------------
    def snapshot(self) -> TableSnapshot:
        """The rows as they are now, for search.match on another thread."""
        return TableSnapshot(self)

    def match(self, f: LogFilter, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The rows in start..stop-1 that pass `f`, ascending (int64). Raises FilterError.

        A row whose text was cut is judged on its first TEXT_CAP characters here;
        long_candidates() names those the rest of their text may still let in."""
        return search.match(self, f, start, stop)

    def long_candidates(self, f: LogFilter, matched: np.ndarray, start: int = 0,
                        stop: int | None = None) -> np.ndarray:
        """Rows in start..stop-1 that pass all of `f` but its text, were not `matched`, and
        whose text was cut: only their whole arguments can tell."""
        return search.long_candidates(self, f, matched, start, stop)
