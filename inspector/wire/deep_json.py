"""JSON text of any depth, without recursion.

CPython's json codec (C and pure Python alike) recurses once per level of
nesting and gives up at the interpreter's recursion limit, counted from
wherever it is called: a value the network thread decoded 975 levels deep
cannot be encoded again from a Qt slot, or decoded again from a session file
on a thread with a deeper stack.  `loads` and `dumps` here take the C codec's
fast path and, only when it raises RecursionError, do the same work with a
stack of their own.  `iterencode` yields the text in pieces, so a caller that
wants only the start of a huge value (`bounded`) stops early.

Raising the recursion limit instead was measured and refused: 100,000 levels
take more than 4 MB of C stack in the C codec and crash (SIGSEGV) a thread
with a 4 MB stack.
"""
from __future__ import annotations

import base64
import itertools
import json
import re
import sys
from json.decoder import JSONDecodeError, scanstring
from json.encoder import encode_basestring
from json.scanner import NUMBER_RE
from typing import Any, Callable, Iterator

_WS = re.compile(r"[ \t\n\r]*")
_CONSTANTS = {"null": None, "true": True, "false": False,
              "NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_END = object()
STR_SLICE = 1 << 16     # characters of a long string encoded per piece
B64_SLICE = 3 << 14     # bytes of a long bytes value encoded per piece (a multiple of 3)


def decoder_depth() -> int:
    """About how deep the JSON decoder (Python's, used by python-socketio) nests: its limit
    is the interpreter's recursion limit, less the frames of whoever calls it."""
    return sys.getrecursionlimit()


def loads(text: str, object_hook: Callable[[dict], Any] | None = None) -> Any:
    """json.loads at any depth (JSONDecodeError, a ValueError, when it is not JSON)."""
    try:
        return json.loads(text, object_hook=object_hook)
    except RecursionError:
        return _parse(text, object_hook)


def dumps(value: Any, *, default: Callable[[Any], Any] | None = None, indent: int | None = None,
          allow_nan: bool = True) -> str:
    """json.dumps(value, ensure_ascii=False) at any depth, compact unless `indent`."""
    try:
        if indent is None:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default,
                              allow_nan=allow_nan)
        return json.dumps(value, ensure_ascii=False, indent=indent, default=default,
                          allow_nan=allow_nan)
    except RecursionError:
        return "".join(iterencode(value, default=default, indent=indent, allow_nan=allow_nan))


def bounded(value: Any, limit: int, *, default: Callable[[Any], Any] | None = None,
            indent: int | None = None) -> tuple[str, bool]:
    """(the first `limit` characters of the JSON text of `value`, whether it was cut), in
    time that grows with `limit`, not with the value (a long string is encoded in slices)."""
    pieces, size = [], 0
    for piece in iterencode(value, default=default, indent=indent, budget=limit):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            return "".join(pieces)[:limit], True
    return "".join(pieces), False


def _float_text(v: float, allow_nan: bool) -> str:
    if v != v or v in (float("inf"), float("-inf")):
        if not allow_nan:
            raise ValueError(f"Out of range float values are not JSON compliant: {v!r}")
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    return float.__repr__(v)


def _key_text(k: Any, allow_nan: bool) -> str:
    if isinstance(k, str):
        return encode_basestring(k)
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return '"' + int.__repr__(k) + '"'
    if isinstance(k, float):
        return '"' + _float_text(k, allow_nan) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def iterencode(value: Any, *, default: Callable[[Any], Any] | None = None,
               indent: int | None = None, allow_nan: bool = True,
               budget: int | None = None, bytes_b64: bool = False) -> Iterator[str]:
    """The JSON text of `value` in pieces (json.dumps's text, ensure_ascii=False), with a
    stack of its own; a long string comes in slices.  With `budget`, the pieces stop once
    more than `budget` characters were given: the start of the text.  With `bytes_b64`,
    bytes are {"_bytes": base64} (as log/json_form.py's default makes them), encoded a
    slice at a time: a page of a 50 MB value does not wait for all of its base64."""
    item_sep, key_sep = (",", ":") if indent is None else (",", ": ")
    stack: list[list] = []          # [iterator, is dict, items so far]
    spent = 0
    pending, have = value, True
    while True:
        if have:
            have = False
            v = pending
            if isinstance(v, str):
                if len(v) <= STR_SLICE:
                    piece = encode_basestring(v)
                else:       # in slices: one C call over 50 MB would hold the GIL for it all
                    for i in range(0, len(v), STR_SLICE):
                        piece = encode_basestring(v[i:i + STR_SLICE])
                        piece = ('"' if i == 0 else "") + piece[1:-1] + (
                            '"' if i + STR_SLICE >= len(v) else "")
                        yield piece
                        spent += len(piece)
                        if budget is not None and spent > budget:
                            return
                    piece = ""
            elif v is None:
                piece = "null"
            elif v is True:
                piece = "true"
            elif v is False:
                piece = "false"
            elif isinstance(v, int):
                piece = int.__repr__(v)
            elif isinstance(v, float):
                piece = _float_text(v, allow_nan)
            elif bytes_b64 and isinstance(v, (bytes, bytearray, memoryview)):
                inner = "" if indent is None else "\n" + " " * (indent * (len(stack) + 1))
                outer = "" if indent is None else "\n" + " " * (indent * len(stack))
                view = memoryview(v).cast("B")
                pieces = itertools.chain(
                    ["{" + inner + '"_bytes"' + key_sep + '"'],
                    (base64.b64encode(view[i:i + B64_SLICE]).decode("ascii")
                     for i in range(0, len(view), B64_SLICE)),
                    ['"' + outer + "}"])
                for piece in pieces:
                    yield piece
                    spent += len(piece)
                    if budget is not None and spent > budget:
                        return
                piece = ""
            elif isinstance(v, (list, tuple)):
                if v:
                    stack.append([iter(v), False, 0])
                    piece = "["
                else:
                    piece = "[]"
            elif isinstance(v, dict):
                if v:
                    stack.append([iter(v.items()), True, 0])
                    piece = "{"
                else:
                    piece = "{}"
            else:
                if default is None:
                    raise TypeError(f"Object of type {type(v).__name__} is not JSON serializable")
                pending, have = default(v), True
                continue
            yield piece
            spent += len(piece)
            if budget is not None and spent > budget:
                return
        while stack:
            frame = stack[-1]
            nxt = next(frame[0], _END)
            if nxt is _END:
                stack.pop()
                close = "}" if frame[1] else "]"
                piece = close if indent is None else "\n" + " " * (indent * len(stack)) + close
            else:
                piece = item_sep if frame[2] else ""
                if indent is not None:
                    piece += "\n" + " " * (indent * len(stack))
                frame[2] += 1
                if frame[1]:
                    piece += _key_text(nxt[0], allow_nan) + key_sep
                    pending = nxt[1]
                else:
                    pending = nxt
                have = True
            yield piece
            spent += len(piece)
            if budget is not None and spent > budget:
                return
            if have:
                break
        else:
            if not have:
                return


LARGE_TEXT = 1 << 20    # loads_sliced: texts this long are decoded a slice at a time
PROBE = 4096            # loads_sliced: a value that ends within this many characters is C's


def loads_sliced(text: str, parse_int: Callable[[str], Any] | None = None,
                 parse_constant: Callable[[str], Any] | None = None) -> Any:
    """json.loads(text, parse_int=parse_int) for a large text (a 50 MB event) in many short
    C calls instead of one long one, which would hold the GIL (and so the window, whatever
    thread decodes) for all of it: values that end within PROBE characters are the C
    scanner's, long strings are decoded in slices, the containers around them here."""
    if len(text) < LARGE_TEXT:
        return json.loads(text, parse_int=parse_int, parse_constant=parse_constant)
    decoder = json.JSONDecoder(parse_int=parse_int, parse_constant=parse_constant)
    return _parse(text, None, probe=decoder.scan_once, parse_int=parse_int,
                  parse_constant=parse_constant)


def _long_string(s: str, start: int) -> tuple[str, int]:
    """scanstring(s, start) (start: just after the opening quote) in slices of STR_SLICE."""
    end = start
    while True:
        q = s.find('"', end)
        if q < 0:
            raise JSONDecodeError("Unterminated string starting at", s, start - 1)
        b = q - 1
        while b >= start and s[b] == "\\":
            b -= 1
        if (q - 1 - b) % 2 == 0:        # not an escaped quote
            break
        end = q + 1
    if q - start < STR_SLICE:
        return scanstring(s, start)
    parts, i = [], start
    while i < q:
        j = min(i + STR_SLICE, q)
        # cut where no escape can be open: the 6 characters before the cut hold no backslash
        while j < q and "\\" in s[j - 6:j]:
            j -= 1
            if j <= i + 6:              # all escapes: no cut (rare), one call for the rest
                j = q
        piece, _ = scanstring(s[i:j] + '"', 0)
        parts.append(piece)
        i = j
    return "".join(parts), q + 1


def _parse(s: str, object_hook: Callable[[dict], Any] | None, probe=None,
           parse_int: Callable[[str], Any] | None = None,
           parse_constant: Callable[[str], Any] | None = None) -> Any:
    """json.loads's result and errors, with a stack of its own (no recursion); with `probe`
    (a C scan_once), what ends within PROBE characters is decoded by it (loads_sliced)."""
    ws = _WS.match
    stack: list[list] = []          # [container, is dict, the key its next value goes to]
    pos = ws(s, 0).end()
    while True:
        # a value at pos
        c = s[pos:pos + 1]
        value = _END
        if probe is not None and c != '"':
            window = s[pos:pos + PROBE]
            try:
                got, end = probe(window, 0)
            except (StopIteration, ValueError, RecursionError):
                pass
            else:
                if end < len(window) or pos + len(window) >= len(s):   # it ended in the window
                    value, pos = got, pos + end
        if value is not _END:
            pass
        elif c == "[" or c == "{":
            pos = ws(s, pos + 1).end()
            if s[pos:pos + 1] == ("]" if c == "[" else "}"):
                pos += 1
                value = [] if c == "[" else ({} if object_hook is None else object_hook({}))
            elif c == "[":
                stack.append([[], False, None])
                continue
            else:
                key, pos = _key(s, pos, ws)
                stack.append([{}, True, key])
                continue
        elif c == '"':
            value, pos = (_long_string if probe is not None else scanstring)(s, pos + 1)
        else:
            m = NUMBER_RE.match(s, pos)
            if m is not None and m.end() > pos:
                integer, frac, exp = m.groups()
                value = float(integer + (frac or "") + (exp or "")) if frac or exp else (
                    int(integer) if parse_int is None else parse_int(integer))
                pos = m.end()
            else:
                for name, const in _CONSTANTS.items():
                    if s.startswith(name, pos):
                        if parse_constant is not None and const is not None and not isinstance(const, bool):
                            const = parse_constant(name)        # NaN, Infinity, -Infinity
                        value, pos = const, pos + len(name)
                        break
                else:
                    raise JSONDecodeError("Expecting value", s, pos)
        # the value goes into its container; then a comma (the next value) or the end of it
        while True:
            if not stack:
                pos = ws(s, pos).end()
                if pos != len(s):
                    raise JSONDecodeError("Extra data", s, pos)
                return value
            frame = stack[-1]
            if frame[1]:
                frame[0][frame[2]] = value
            else:
                frame[0].append(value)
            pos = ws(s, pos).end()
            c = s[pos:pos + 1]
            if c == ",":
                pos = ws(s, pos + 1).end()
                if frame[1]:
                    frame[2], pos = _key(s, pos, ws)
                break
            if c == ("}" if frame[1] else "]"):
                pos += 1
                stack.pop()
                value = frame[0]
                if frame[1] and object_hook is not None:
                    value = object_hook(value)
                continue
            raise JSONDecodeError("Expecting ',' delimiter", s, pos)


def _key(s: str, pos: int, ws) -> tuple[str, int]:
    """An object's key and its colon at pos; the position of its value."""
    if s[pos:pos + 1] != '"':
        raise JSONDecodeError("Expecting property name enclosed in double quotes", s, pos)
    key, pos = _long_string(s, pos + 1)
    pos = ws(s, pos).end()
    if s[pos:pos + 1] != ":":
        raise JSONDecodeError("Expecting ':' delimiter", s, pos)
    return key, ws(s, pos + 1).end()


def depth(value: Any) -> int:
    """How many containers deep `value` nests (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, tuple)):
            deepest = max(deepest, d)
            stack.extend((x, d + 1) for x in v)
        elif isinstance(v, dict):
            deepest = max(deepest, d)
            stack.extend((x, d + 1) for x in v.values())
    return deepest


DESCEND = object()      # rebuild(): a container to rebuild from its converted items


def rebuild(value: Any, convert: Callable[[Any], Any]) -> Any:
    """A copy of `value` with `convert` applied from the top down, without recursion:
    convert(node) returns the node's replacement, or DESCEND for a list, tuple or dict to
    be rebuilt (tuples as lists) from its converted items."""
    def start(v: Any) -> list:
        if isinstance(v, dict):
            return [iter(v.items()), {}, True]
        return [iter(v), [], False]
    root = convert(value)
    if root is not DESCEND:
        return root
    first = start(value)
    stack = [first]
    while stack:
        frame = stack[-1]
        nxt = next(frame[0], _END)
        if nxt is _END:
            stack.pop()
            continue
        key, v = nxt if frame[2] else (None, nxt)
        out = convert(v)
        if out is DESCEND:
            child = start(v)
            out = child[1]
            stack.append(child)
        if frame[2]:
            frame[1][key] = out
        else:
            frame[1].append(out)
    return first[1]
