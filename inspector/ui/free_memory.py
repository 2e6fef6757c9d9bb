"""Handing the C heap's free pages back to the system after a big load.

A burst or a file read makes and drops millions of small Python objects and numpy
buffers; glibc keeps the freed pages (its heap is only trimmed at the top), so the
window's resident memory stayed ~15 bytes a row above what it holds (measured at ten
million rows: 709 MiB before, 577 MiB after).  `malloc_trim(0)` returns them; where
there is no glibc, this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import time

_trim = None
try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _trim = _libc.malloc_trim
    _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
except (OSError, AttributeError):     # not glibc (macOS, Windows, musl without it)
    _trim = None


def give_back() -> float:
    """Return the heap's free pages to the system; the seconds it took (0 without glibc)."""
    if _trim is None:
        return 0.0
    t = time.perf_counter()
    _trim(0)
    return time.perf_counter() - t
