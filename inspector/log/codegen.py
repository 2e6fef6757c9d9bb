"""Copy as code: the python-socketio and socket.io-client calls that send an outgoing emit again.

Only what the log knows goes in: the namespace, the event, the arguments
(bytes included, as bytes.fromhex(...) / Uint8Array.from([...])), whether an
ack was asked (and its timeout when the entry says), compression and the
volatile flag.  The connection itself (URL, auth) is left to the reader: the
log never holds auth values.
"""
from __future__ import annotations

import json
import math
from typing import Any

from inspector.log.entry import OUT, Flag, Kind, LogEntry


def can_reproduce(e: LogEntry | None) -> bool:
    return e is not None and e.dir == OUT and e.kind in (Kind.EVENT, Kind.DROPPED) and bool(e.event)


def _timeout_s(e: LogEntry) -> float | None:
    t = (e.detail or {}).get("timeout_s")
    return float(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else None


def _compress_asked(e: LogEntry) -> bool:
    return Flag.COMPRESSED in e.flags or "compress" in (e.detail or {})


# -- Python -------------------------------------------------------------------------------
def py_literal(v: Any) -> str:
    if v is None:
        return "None"
    if v is True:
        return "True"
    if v is False:
        return "False"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return f'bytes.fromhex("{bytes(v).hex()}")'
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else 'float("-inf")'
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(py_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(x)}" for k, x in v.items()) + "}"
    return py_literal(str(v))


def python_snippet(e: LogEntry) -> str:
    """`await sio.emit(...)` (or `sio.call` when an ack was asked) on a python-socketio AsyncClient."""
    if not can_reproduce(e):
        raise ValueError("only an outgoing event can be copied as code")
    args = list(e.args or [])
    parts = [py_literal(e.event)]
    if len(args) == 1:
        parts.append(py_literal(args[0]))
    elif len(args) > 1:
        # python-socketio sends a tuple as several arguments
        parts.append("(" + ", ".join(py_literal(a) for a in args) + ")")
    if e.ns and e.ns != "/":
        parts.append(f"namespace={py_literal(e.ns)}")
    notes = []
    if not _compress_asked(e):
        notes.append("# sent without compression asked: python-socketio's client compresses per its own setting")
    if Flag.VOLATILE in e.flags:
        notes.append("# sent volatile: python-socketio's client has no volatile emit")
    if e.ack_id is not None:
        timeout = _timeout_s(e)
        if timeout is not None:
            parts.append(f"timeout={timeout:g}")
        call = f"answer = await sio.call({', '.join(parts)})"
    else:
        call = f"await sio.emit({', '.join(parts)})"
    return "\n".join(notes + [call])


# -- JavaScript -----------------------------------------------------------------------------
def js_literal(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "Uint8Array.from([" + ", ".join(str(b) for b in bytes(v)) + "])"
    if isinstance(v, str):
        # JSON strings are JS strings, except that U+2028/U+2029 end a line in older engines
        return json.dumps(v, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(js_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{js_literal(str(k))}: {js_literal(x)}" for k, x in v.items()) + "}"
    return js_literal(str(v))


def js_snippet(e: LogEntry) -> str:
    """`socket.emit(...)` on a socket.io-client socket of the entry's namespace."""
    if not can_reproduce(e):
        raise ValueError("only an outgoing event can be copied as code")
    chain = "socket"
    # socket.io-client compresses unless told not to (so does the inspector): say when it was not
    if not _compress_asked(e):
        chain += ".compress(false)"
    if Flag.VOLATILE in e.flags:
        chain += ".volatile"
    args = ", ".join([js_literal(e.event)] + [js_literal(a) for a in (e.args or [])])
    lines = []
    if e.ns and e.ns != "/":
        lines.append(f"// socket = io(URL + {js_literal(e.ns)})")
    if e.ack_id is not None:
        timeout = _timeout_s(e)
        if timeout is not None:
            lines.append(f"const answer = await {chain}.timeout({round(timeout * 1000)}).emitWithAck({args});")
        else:
            lines.append(f"{chain}.emit({args}, (...answer) => console.log(answer));")
    else:
        lines.append(f"{chain}.emit({args});")
    return "\n".join(lines)


def snippet(e: LogEntry, language: str) -> str:
    if language == "python":
        return python_snippet(e)
    if language == "javascript":
        return js_snippet(e)
    raise ValueError(f"unknown language {language!r}")
