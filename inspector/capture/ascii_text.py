"""A long ASCII `str` made from a buffer with the GIL released while its bytes are copied.

`str(buffer, "utf-8")` of 50 MB is one C call that holds the GIL for all of it: the copy and,
above all, the faults of 12,000 fresh pages (35-40 ms on this machine when it is quiet,
100 ms under load), and the window's GUI thread waits that long for the GIL.  Here the
string is allocated as CPython does it (`PyUnicode_New`, which touches only its header) and
filled by `ctypes.memmove`, a foreign call during which ctypes releases the GIL: the copy
and its page faults happen while the GUI thread runs.  The string is nobody else's until it
is returned, and filled exactly as `PyUnicode_New`'s callers fill it.  Only for text the
sender says is ASCII (one byte a character, no check needed by CPython's compact layout);
checked once at import, and `str()` is used wherever this does not hold.
"""
from __future__ import annotations

import ctypes
import sys

_new = ctypes.pythonapi.PyUnicode_New
_new.restype = ctypes.py_object
_new.argtypes = (ctypes.c_ssize_t, ctypes.c_uint32)
# a compact ASCII string's characters follow its header: the empty string is the header and
# its terminating NUL
_DATA = sys.getsizeof("") - 1


def _filled(buffer, start: int, length: int) -> str:
    text = _new(length, 127)
    src = (ctypes.c_char * length).from_buffer(buffer, start)
    ctypes.memmove(id(text) + _DATA, src, length)
    del src
    return text


def _works() -> bool:
    try:
        probe = bytearray(b"ascii text, made by hand")
        made = _filled(probe, 6, len(probe) - 6)
    except (AttributeError, TypeError, ValueError, OSError):
        return False
    return (sys.implementation.name == "cpython" and made == "text, made by hand"
            and hash(made) == hash("text, made by hand") and made.isascii())


WORKS = _works()


def ascii_text(buffer, start: int, length: int) -> str:
    """The ASCII text in buffer[start:start + length] (the caller knows it is ASCII); without
    holding the GIL for the copy when the buffer is writable (an anonymous map, a bytearray)."""
    if WORKS and length:
        try:
            return _filled(buffer, start, length)
        except TypeError:           # a read-only buffer (bytes): the plain way
            pass
    return str(memoryview(buffer)[start:start + length], "ascii")
