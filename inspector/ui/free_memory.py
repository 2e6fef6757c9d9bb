"""The window's C heap: one for all its threads, and its free pages handed back.

A burst or a file read makes and drops millions of small Python objects and numpy
buffers, many of them on worker threads.  glibc gives each thread that allocates an
arena of its own, and keeps what is freed there; opening a ten-million-entry file left
the window at 481-565 MiB (five runs), 90-170 MiB of it freed rows in the loader's and
the stats thread's arenas.  With one arena for every thread (`one_heap`, at start, before
any thread) and `malloc_trim(0)` once a load or a burst is over (`give_back`): 392-395 MiB.
The threads hold the GIL while they allocate, so sharing one arena costs no waiting.
Where there is no glibc, both do nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import time

M_ARENA_MAX = -8          # glibc's mallopt parameter (malloc.h)

_trim = _mallopt = None
try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _trim, _mallopt = _libc.malloc_trim, _libc.mallopt
    _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
    _mallopt.argtypes, _mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
except (OSError, AttributeError):     # not glibc (macOS, Windows, musl without them)
    _trim = _mallopt = None


def one_heap() -> bool:
    """From now on, threads allocate from the arenas there are (the main one, before any
    thread has made its own); False where it cannot be set."""
    return bool(_mallopt is not None and _mallopt(M_ARENA_MAX, 1))


def give_back() -> float:
    """Return the heap's free pages to the system; the seconds it took (0 without glibc)."""
    if _trim is None:
        return 0.0
    t = time.perf_counter()
    _trim(0)
    return time.perf_counter() - t
