"""PagedTexts: the row texts of a log whose rows are in a session file, read from it a
page at a time as they are shown, so the window's memory does not grow with the text.

A row's text (log/row_text.py) is the biggest part of a row in memory (its first
TEXT_CAP characters, often a copy lowered for the filter).  With a session file
the table keeps only the newest texts (the file commits every 0.2 s, and may be
behind in a burst): a text leaves memory once the file holds its row.  Older rows
are read back by seq, PAGE_ROWS at a time, at most CACHE_PAGES pages kept.  The
text filter over those rows runs in SQLite (store/pages.py), not over a copy here.

`pages` is the file's side, duck-typed so this layer needs no store import:
texts(lo_seq, hi_seq) -> {seq: text}, committed_seq() -> int,
matching_seqs(filter, lo_seq, hi_seq) -> list[int] | None, opened_again() -> another
pages over the same file (a connection of its own, for another thread), close().
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Iterable

import numpy as np

PAGE_ROWS = 64             # small: a filter's rows are far apart, one page each
CACHE_PAGES = 256           # at most 16,384 paged texts in memory
TAIL_ROWS = 50_000          # the newest texts, kept whatever the file holds...
TAIL_SLACK = 10_000         # ...trimmed in steps this big


class PagedTexts:
    def __init__(self, pages, seq_column):
        self.pages = pages
        self._seq = seq_column
        self.tail: list[str] = []
        self.base = 0                       # the row of tail[0]: rows before it are in the file
        self._cache: OrderedDict[int, list[str]] = OrderedDict()

    def __len__(self) -> int:
        return self.base + len(self.tail)

    def extend(self, texts: list[str]) -> None:
        """The texts of rows just appended (after their seqs: the seq column is read here)."""
        self.tail.extend(texts)
        if len(self.tail) > TAIL_ROWS + TAIL_SLACK:
            self.trim()

    def trim(self, keep: int = TAIL_ROWS) -> None:
        """Let go of the oldest tail texts whose rows the file holds (at least `keep` stay)."""
        if len(self.tail) <= keep:
            return
        committed = self.pages.committed_seq()
        seqs = self._seq.a[self.base:self.base + len(self.tail) - keep]
        drop = int(np.searchsorted(seqs, committed, side="right"))
        if drop:
            del self.tail[:drop]
            self.base += drop

    def get(self, row: int) -> str:
        if row >= self.base:
            return self.tail[row - self.base]
        p = row // PAGE_ROWS
        page = self._cache.get(p)
        if page is None:
            page = self._load(p)
        else:
            self._cache.move_to_end(p)
        return page[row - p * PAGE_ROWS]

    def _load(self, p: int) -> list[str]:
        lo, hi = p * PAGE_ROWS, min((p + 1) * PAGE_ROWS, self.base)
        seqs = self._seq.a[lo:hi].tolist()
        found = self.pages.texts(seqs[0], seqs[-1])
        page = [found.get(s) for s in seqs]
        if None in page:                    # the file could not be read: asked again next time
            return ["" if t is None else t for t in page]
        if len(page) == PAGE_ROWS:          # a page cut short by the tail is not kept
            self._cache[p] = page
            if len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        return page

    def snapshot(self, seq_column) -> "PagedTexts":
        """The texts as they are now, for a filter on another thread (its own connection to
        the file, its own copy of the tail): close() it when done."""
        copy = PagedTexts(self.pages.opened_again(), seq_column)
        copy.tail, copy.base = list(self.tail), self.base
        return copy

    def close(self) -> None:
        self.pages.close()

    def cached_rows(self) -> int:
        return len(self.tail) + sum(map(len, self._cache.values()))

    def clear(self) -> None:
        self.tail.clear()
        self.base = 0
        self._cache.clear()

    def pieces(self, start: int, stop: int) -> Iterable[tuple[int, str, np.ndarray, str | None]]:
        """TextBlocks.pieces of the tail's rows (start >= base)."""
        from inspector.log.table import _seal
        lo = max(start - self.base, 0)
        if stop - self.base > lo:
            text, starts, low = _seal(self.tail[lo:stop - self.base])
            yield self.base + lo, text, starts, low
