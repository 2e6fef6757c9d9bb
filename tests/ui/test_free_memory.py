"""The heap's free pages go back to the system after a load (glibc's malloc_trim)."""
from __future__ import annotations

import sys

import psutil
import pytest

from inspector.ui import free_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_freed_heap_pages_are_given_back():
    rss = lambda: psutil.Process().memory_info().rss      # noqa: E731
    before = rss()
    # 100 KB pieces come from the heap (below glibc's mmap threshold); the last one kept
    # pins the heap's top, so freeing the rest does not shrink it by itself
    pieces = [bytearray(100_000) for _ in range(2_000)]
    for p in pieces:
        p[::4096] = b"x" * len(p[::4096])                   # touched: resident
    keep = pieces[-1]
    del pieces
    held = rss()
    assert held - before > 150 << 20
    took = free_memory.give_back()
    assert held - rss() > 150 << 20
    assert took < 0.5
    assert keep[0] == ord("x")
