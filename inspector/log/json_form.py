"""The JSON text of a log entry's values, as JSON Lines and the session file hold them:
compact, not ASCII-escaped, and bytes anywhere as {"_bytes": "<base64>"} (LogEntry.to_json's
form, without a Python walk of the values that hold no bytes)."""
from __future__ import annotations

import base64
import json
import re
from json.encoder import c_make_encoder, encode_basestring

from inspector.wire import deep_json


def bytes_to_json(value):
    """json.dumps `default`: bytes anywhere become {"_bytes": base64} without a Python walk
    of the values that have none."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"_bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """JSON text with each lone surrogate (a server's "\\ud800": JSON and Python take it,
    UTF-8 has not) written as that escape, as JavaScript's JSON.stringify writes it: text any
    UTF-8 file or pipe takes, read back the same."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _c_encoder(allow_nan: bool):
    """The C encoder json.dumps(ensure_ascii=False, separators=(",", ":"), default=bytes_to_json)
    builds on every call (most of its cost for a log entry's few values), made once.  No
    circular-reference check: the values come from JSON text, which cannot hold a cycle."""
    if c_make_encoder is None:        # pragma: no cover (an interpreter without the C codec)
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=bytes_to_json,
                                   allow_nan=allow_nan)
        return lambda value, _level: (encoder.encode(value),)
    return c_make_encoder(None, bytes_to_json, encode_basestring, None, ":", ",", False, False, allow_nan)


_ANY, _FINITE = _c_encoder(True), _c_encoder(False)


def compact(value, allow_nan: bool = True) -> str:
    """dumps(value) in the C encoder only: RecursionError when the value is nested deeper
    than it goes, ValueError for NaN or Infinity unless allow_nan."""
    return "".join((_ANY if allow_nan else _FINITE)(value, 0))


def dumps(value) -> str:
    """`value` as compact JSON text, bytes as {"_bytes": base64} (any depth)."""
    try:
        return "".join(_ANY(value, 0))
    except RecursionError:
        return deep_json.dumps(value, default=bytes_to_json)


def sliced_dumps(value) -> str:
    """dumps(value) a piece at a time (a long string in slices), for a large value: between
    the pieces other threads run, where one C call would hold the GIL for all of it."""
    return "".join(deep_json.iterencode(value, bytes_b64=True))


def _finite_node(v):
    if type(v) is float and (v != v or v in (_INF, -_INF)):
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    return deep_json.DESCEND if isinstance(v, (list, tuple, dict)) else v


_INF = float("inf")


def finite(value):
    """`value` with NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity": what a
    server may send (Python's decoder and socket.io's JavaScript take them) but JSON has not."""
    return deep_json.rebuild(value, _finite_node)
