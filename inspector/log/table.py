"""LogColumns: a session's log held compactly in memory, for a table of a million rows.

A list of a million LogEntry objects with their argument lists costs well over
a gigabyte; here a row costs about 60 bytes of numpy columns plus its argument
text cut to TEXT_CAP characters.  The argument texts of 65,536 rows are joined
into one string (a "block"), so a text or regex filter is one scan of a few
big strings with `re.finditer` (C speed), not a Python call per row, and the
structured filters (direction, namespace, event, flags) are numpy operations.

The text of a row is its arguments as compact JSON without the outer
brackets, bytes shown as "<n bytes>"; the display, the text filter and the
rebuilding of the entry all use it.  A row whose text was cut, or that holds
bytes, cannot be rebuilt from it: its whole entry comes from `fetch` (the
session file) or, without one, is kept whole in memory.  The most recent rows
are kept whole too (the session file commits every 0.2 s).
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
from json.encoder import c_make_encoder, encode_basestring

from inspector.log.entry import DIRECTIONS, FLAGS, KINDS, LogEntry
from inspector.log.filter import LogFilter
from inspector.wire.payload import from_jsonable
from inspector.store.reader import dumps

TEXT_CAP = 200           # characters of argument text kept per row (display and text filter)
BLOCK_ROWS = 1 << 16
RECENT_ROWS = 10_000    # the newest entries kept whole...
RECENT_BYTES = 64 << 20  # ...while their wire size stays under this
RECENT_SLACK = 2_000     # trimmed in steps this big, not at every batch

DIR_CODE = {d: i for i, d in enumerate(DIRECTIONS)}
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
FLAG_BIT = {f: 1 << i for i, f in enumerate(FLAGS)}
CUT = 1 << 12         # the text was cut at TEXT_CAP
WHOLE = 1 << 13       # the entry cannot be rebuilt from its text (cut, bytes, odd values)
ARGS_NONE = 1 << 14   # args is None (not an empty list)
KNOWN_FLAGS = (1 << len(FLAGS)) - 1


def _placeholder(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    raise TypeError


_BYTES_MARK = ' bytes>"'


def args_text(args, cap: int | None = TEXT_CAP) -> tuple[str, int]:
    """(the row text of `args`, cut at `cap`, and its extra flag bits)."""
    cap = cap if cap is not None else 1 << 62
    if args is None:
        return "", ARGS_NONE
    try:
        text = json.dumps(args, ensure_ascii=False, separators=(",", ":"), default=_placeholder)[1:-1]
    except (TypeError, ValueError):
        text = repr(args).replace("\n", "\\n")
        return (text[:cap], WHOLE | CUT) if len(text) > cap else (text, WHOLE)
    bits = WHOLE if _BYTES_MARK in text else 0
    if len(text) > cap:
        return text[:cap], bits | CUT | WHOLE
    return text, bits


def full_text(args_json: str) -> str:
    """The whole row text (not cut) of the `args` column of a session file."""
    if '"_bytes"' not in args_json:
        return args_json[1:-1]
    return json.dumps(from_jsonable(json.loads(args_json)), ensure_ascii=False,
                      separators=(",", ":"), default=_placeholder)[1:-1]


_flag_cache: dict[tuple, tuple[int, bool]] = {(): (0, True)}
_canonical_masks: dict[tuple, int] = {(): 0}      # flag tuples whose bitmask gives them back


def _flag_mask(flags: tuple) -> tuple[int, bool]:
    """(bitmask of the known flags, whether the bitmask gives the tuple back as it was)."""
    got = _flag_cache.get(flags)
    if got is None:
        mask = 0
        for f in flags:
            mask |= FLAG_BIT.get(f, 0)
        canonical = tuple(f for f in FLAGS if mask & FLAG_BIT[f]) == tuple(flags)
        got = (mask, canonical)
        if len(_flag_cache) < 4096:
            _flag_cache[flags] = got
            if canonical:
                _canonical_masks[flags] = mask
    return got


@dataclass
class Chunk:
    """Rows in columns, ready to append; built off the GUI thread when loading a file."""

    seq: list
    t: list
    dir: list
    kind: list
    ns: list
    event: list
    text: list
    flags: list
    size: list
    ack_id: list
    rtt: list
    detail: dict = field(default_factory=dict)        # index -> detail JSON text
    odd_flags: dict = field(default_factory=dict)     # index -> flags tuple (unknown or reordered)
    entries: list | None = None                       # the LogEntry objects, when built from them

    def __len__(self) -> int:
        return len(self.seq)


# One C encoder, reused: json.dumps() with options builds a JSONEncoder per call, five
# times the cost of the encoding itself on small arguments (the GUI thread does this
# for every entry of a burst).
_encode = c_make_encoder(None, _placeholder, encode_basestring, None, ":", ",", False, False, True) \
    if c_make_encoder is not None else None
_join = "".join


C_SLICE = 500       # items per C-speed call (about a millisecond)


def _texts(args_list: list) -> tuple[list[str], list[int]] | None:
    """The row texts and bits of many argument lists at C speed; None if one cannot be."""
    if _encode is None:
        return None
    has_none = None in args_list
    items = [a if a is not None else () for a in args_list] if has_none else args_list
    full: list[str] = []
    try:
        # in slices: one C call over a whole batch would keep the GIL (and so the GUI
        # thread) waiting for its whole length; between slices other threads get a turn
        for i in range(0, len(items), C_SLICE):
            full.extend(map(_join, map(_encode, items[i:i + C_SLICE], itertools.repeat(0))))
    except (TypeError, ValueError, RecursionError):
        return None
    texts = [t[1:-1] for t in full]
    bits = [ARGS_NONE if a is None else 0 for a in args_list] if has_none else [0] * len(args_list)
    if max(map(len, texts), default=0) > TEXT_CAP:
        for i, t in enumerate(texts):
            if len(t) > TEXT_CAP:
                texts[i] = t[:TEXT_CAP]
                bits[i] |= CUT | WHOLE
    if _BYTES_MARK in "\n".join(texts):
        for i, t in enumerate(texts):
            if _BYTES_MARK in t:
                bits[i] |= WHOLE
    return texts, bits


_PACKET = KIND_CODE["packet"]


def _packet_texts(texts: list, bits: list, kinds: list, args_list: list) -> None:
    """A raw packet row shows the packet as it was encoded, not as a JSON string."""
    if _PACKET not in kinds:
        return
    for i, k in enumerate(kinds):
        args = args_list[i]
        if k == _PACKET and args and isinstance(args[0], str):
            text = args[0].replace("\n", "\\n")
            texts[i] = text[:TEXT_CAP]
            bits[i] |= WHOLE | (CUT if len(text) > TEXT_CAP else 0)


def chunk_from_entries(entries: list[LogEntry]) -> Chunk:
    args_list = [e.args for e in entries]
    done = _texts(args_list)
    if done is None:
        pairs = [args_text(a) for a in args_list]
        texts, bits = [p[0] for p in pairs], [p[1] for p in pairs]
    else:
        texts, bits = done
    kinds = [KIND_CODE[e.kind] for e in entries]
    _packet_texts(texts, bits, kinds, args_list)
    flag_tuples = [e.flags for e in entries]
    masks = list(map(_canonical_masks.get, flag_tuples))
    odd: dict[int, tuple] = {}
    if None in masks:
        for i, m in enumerate(masks):
            if m is None:
                m, canonical = _flag_mask(flag_tuples[i])
                masks[i] = m
                if not canonical:
                    odd[i] = flag_tuples[i]
    flags = [m | b for m, b in zip(masks, bits)] if any(bits) else masks
    detail = {i: dumps(e.detail) for i, e in enumerate(entries) if e.detail is not None}
    return Chunk(
        seq=[e.seq for e in entries], t=[e.t for e in entries],
        dir=[DIR_CODE[e.dir] for e in entries], kind=kinds,
        ns=[e.ns for e in entries], event=[e.event for e in entries], text=texts, flags=flags,
        size=[-1 if e.bytes is None else e.bytes for e in entries],
        ack_id=[-1 if e.ack_id is None else e.ack_id for e in entries],
        rtt=[np.nan if e.rtt_ms is None else e.rtt_ms for e in entries],
        detail=detail, odd_flags=odd, entries=entries)


def chunk_from_rows(rows: list[tuple]) -> Chunk:
    """From session-file rows (store.COLUMNS order), without parsing the JSON of most of them."""
    texts, flags = [], []
    odd: dict[int, tuple] = {}
    detail: dict[int, str] = {}
    for i, r in enumerate(rows):
        args = r[6]
        if args is None:
            text, bits = "", ARGS_NONE
        elif '"_bytes"' in args:
            text, bits = args_text(from_jsonable(json.loads(args)))
            bits |= WHOLE
        else:
            text, bits = args[1:-1], 0
            if len(text) > TEXT_CAP:
                text, bits = text[:TEXT_CAP], CUT | WHOLE
        texts.append(text)
        if r[10]:
            ftuple = tuple(json.loads(r[10]))
            mask, canonical = _flag_mask(ftuple)
            if not canonical:
                odd[i] = ftuple
            bits |= mask
        flags.append(bits)
        if r[11] is not None:
            detail[i] = r[11]
    kinds = [KIND_CODE[r[3]] for r in rows]
    if _PACKET in kinds:
        _packet_texts(texts, flags, kinds, [json.loads(r[6]) if k == _PACKET and r[6] else None
                                            for k, r in zip(kinds, rows)])
    return Chunk(
        seq=[r[0] for r in rows], t=[r[1] for r in rows],
        dir=[DIR_CODE[r[2]] for r in rows], kind=kinds,
        ns=[r[4] for r in rows], event=[r[5] for r in rows], text=texts, flags=flags,
        size=[-1 if r[9] is None else r[9] for r in rows],
        ack_id=[-1 if r[7] is None else r[7] for r in rows],
        rtt=[np.nan if r[8] is None else r[8] for r in rows],
        detail=detail, odd_flags=odd)


class Column:
    """A growable numpy column (amortised doubling)."""

    __slots__ = ("a", "n")

    def __init__(self, dtype, capacity: int = 1024):
        self.a = np.empty(capacity, dtype)
        self.n = 0

    def extend(self, values) -> None:
        k = len(values)
        need = self.n + k
        if need > len(self.a):
            bigger = np.empty(max(need, 2 * len(self.a)), self.a.dtype)
            bigger[:self.n] = self.a[:self.n]
            self.a = bigger
        self.a[self.n:need] = values
        self.n = need

    def view(self) -> np.ndarray:
        return self.a[:self.n]

    def clear(self) -> None:
        self.a = np.empty(1024, self.a.dtype)
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


class LogColumns:
    """The whole log of a session, row per entry, in columns."""

    def __init__(self, fetch: Callable[[list[int]], dict[int, LogEntry]] | None = None):
        self.fetch = fetch
        self.seq = Column(np.int64)
        self.t = Column(np.float64)
        self.dir = Column(np.int8)
        self.kind = Column(np.int8)
        self.ns = Column(np.int32)
        self.event = Column(np.int32)
        self.flags = Column(np.uint16)
        self.size = Column(np.int64)
        self.ack_id = Column(np.int64)
        self.rtt = Column(np.float64)
        self.texts = TextBlocks()
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

    def _columns(self) -> tuple[Column, ...]:
        return (self.seq, self.t, self.dir, self.kind, self.ns, self.event, self.flags,
                self.size, self.ack_id, self.rtt)

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
        mask = int(self.flags.a[row]) & KNOWN_FLAGS
        if not mask:
            return ()
        return tuple(f for f in FLAGS if mask & FLAG_BIT[f])

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
                args = json.loads("[" + text + "]")
            except ValueError:
                args = [text + "…"]
        detail = self.detail.get(row)
        size, ack_id, rtt = int(self.size.a[row]), int(self.ack_id.a[row]), float(self.rtt.a[row])
        return LogEntry(
            int(self.seq.a[row]), float(self.t.a[row]), DIRECTIONS[self.dir.a[row]],
            KINDS[self.kind.a[row]], self.ns_names.values[self.ns.a[row]],
            self.event_names.values[self.event.a[row]], args,
            None if ack_id < 0 else ack_id, None if rtt != rtt else rtt,
            None if size < 0 else size, self.flag_names(row),
            None if detail is None else from_jsonable(json.loads(detail)))

    # -- filtering -----------------------------------------------------------------
    def match(self, f: LogFilter, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The rows in start..stop-1 that pass `f`, ascending (int64). Raises FilterError.

        A row whose text was cut is judged on its first TEXT_CAP characters here;
        long_candidates() names those the rest of their text may still let in."""
        mask = self._mask(f, start, stop)
        return np.flatnonzero(mask) + start if mask is not None else np.zeros(0, np.int64)

    def long_candidates(self, f: LogFilter, matched: np.ndarray, start: int = 0,
                        stop: int | None = None) -> np.ndarray:
        """Rows in start..stop-1 that pass all of `f` but its text, were not `matched`, and
        whose text was cut: only their whole arguments can tell."""
        if not f.text:
            return np.zeros(0, np.int64)
        stop = len(self) if stop is None else min(stop, len(self))
        if start >= stop:
            return np.zeros(0, np.int64)
        mask = self._mask(LogFilter(f.dirs, f.namespaces, f.events, f.flags), start, stop)
        mask &= (self.flags.a[start:stop] & CUT) != 0
        rows = np.flatnonzero(mask) + start
        return rows[~np.isin(rows, matched)]

    def _mask(self, f: LogFilter, start: int, stop: int | None) -> np.ndarray | None:
        stop = len(self) if stop is None else min(stop, len(self))
        if start >= stop:
            return None
        pattern, lowered = f.compiled()
        mask = np.ones(stop - start, bool)
        if f.dirs is not None:
            mask &= np.isin(self.dir.a[start:stop], [DIR_CODE[d] for d in f.dirs if d in DIR_CODE])
        if f.namespaces is not None:
            ids = [self.ns_names.id_of(n) for n in f.namespaces]
            mask &= np.isin(self.ns.a[start:stop], [i for i in ids if i is not None])
        if f.events is not None:
            ids = [self.event_names.id_of(n) for n in f.events]
            mask &= np.isin(self.event.a[start:stop], [i for i in ids if i is not None])
        if f.flags:
            bits = 0
            for name in f.flags:
                bits |= FLAG_BIT.get(name, 0)
            mask &= (self.flags.a[start:stop] & bits) != 0
        if pattern is not None and mask.any():
            mask &= self._text_mask(pattern, lowered, f.regex, start, stop, mask)
        return mask

    def _text_mask(self, pattern: re.Pattern, lowered: bool, regex: bool, start: int, stop: int,
                   candidates: np.ndarray) -> np.ndarray:
        hits = np.zeros(stop - start, bool)
        for first, text, starts, low in self.texts.pieces(start, stop):
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
                found = self._regex_starts(pat, target, starts, a, b)
            if not len(found):
                continue
            rows = np.searchsorted(starts, found, side="right") - 1
            hits[rows + first - start] = True
        return hits

    @staticmethod
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
        for s0, e0 in zip(begin[over], end[over]):
            r0 = int(np.searchsorted(starts, s0, side="right")) - 1
            r1 = int(np.searchsorted(starts, e0, side="left"))
            for r in range(r0, min(r1 + 1, len(starts) - 1)):
                lo_, hi_ = int(starts[r]), int(starts[r + 1]) - 1
                if lo_ >= a and hi_ <= b and pat.search(target, lo_, hi_) is not None:
                    found.append(lo_)
        return np.unique(np.asarray(found, np.int64))
