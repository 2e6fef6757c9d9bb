"""User text <-> emit arguments.

The emit composer takes its arguments as JSON values written one after the
other (separated by white space or new lines): `"lobby" {"n": 1}` is two
arguments, an empty text is none.  Bytes can stand anywhere inside a value as
`{"_bytes": "<base64>"}`, `{"_hex": "de ad be ef"}` or `{"_file": "path"}`;
the JSON Lines form of a log entry uses `{"_bytes": ...}` for every bytes
value, so what the log shows can be pasted back into the composer.
"""
from __future__ import annotations

import base64
import binascii
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector.wire import deep_json


class _NotJson(ValueError):
    """A number Python's decoder takes and JSON has not (NaN, Infinity, 1e999)."""

    def __init__(self, message: str, token: str):
        super().__init__(message)
        self.token = token


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON (JSON has no NaN or Infinity; send null or a string)", name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotJson(f"{text} is out of the range of a JSON number (it would become "
                       f"{'-' if value < 0 else ''}Infinity)", text)
    return value


def _finite_int(text: str) -> int:
    value = int(text)       # over 4,300 digits: Python's own ValueError, caught by parse_args
    if len(text.lstrip("-")) > 308 and abs(value) > sys.float_info.max:
        raise _NotJson(f"{text[:12]}… ({len(text.lstrip('-')):,} digits) is out of the range of a JSON number (a "
                       "JavaScript server reads it as Infinity, python-socketio refuses it)", text[:12])
    return value


# Python's decoder takes NaN, Infinity and 1e999 (as inf), and integers past a double's range,
# which no JSON parser on the other side does (a socket.io server drops the connection or
# reads Infinity): refused here, before the wire
_decoder = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float,
                            parse_int=_finite_int)
_WS = " \t\r\n"
BYTES_KEYS = ("_bytes", "_hex", "_file")


@dataclass
class PayloadError(ValueError):
    """Why a text is not a list of arguments, and where (1-based line and column)."""

    message: str
    line: int = 1
    col: int = 1
    pos: int = 0

    def __str__(self) -> str:
        return f"line {self.line}, column {self.col}: {self.message}"


def decode_error_text(exc: Exception) -> str:
    """Why a received text could not be decoded, in words (the JSON decoder's RecursionError
    says nothing of JSON)."""
    if isinstance(exc, RecursionError):
        return (f"nested deeper than the JSON decoder accepts (about {deep_json.decoder_depth()} "
                "levels, Python's recursion limit)")
    return str(exc)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


# How deep arguments that are sent may nest: python-socketio's encoder walks them with two
# Python frames a level (packet.data_is_binary), so ~470 levels reach the recursion limit on
# the network loop; 900 levels raised RecursionError there (a bug report, not a refusal)
MAX_SEND_DEPTH = 400


def parse_args(text: str, *, base_dir: Path | None = None, read_files: bool = True) -> list[Any]:
    """Parse the composer's text into a list of arguments (bytes markers resolved).

    With read_files=False a {"_file": path} is only checked to exist (as the user
    types), and stands as b"" in the result."""
    args: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _WS:
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = _decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            line, col = _line_col(text, exc.pos)
            raise PayloadError(exc.msg, line, col, exc.pos) from None
        except _NotJson as exc:
            at = max(text.find(exc.token, pos), pos)
            line, col = _line_col(text, at)
            raise PayloadError(str(exc), line, col, at) from None
        except RecursionError:
            # what python-socketio could not encode either: refused here, not on the wire
            line, col = _line_col(text, pos)
            raise PayloadError(f"nested too deep (JSON here nests at most about "
                               f"{deep_json.decoder_depth()} levels)", line, col, pos) from None
        except ValueError as exc:       # an integer of more digits than Python converts
            line, col = _line_col(text, pos)
            raise PayloadError(str(exc).split(";")[0], line, col, pos) from None
        if pos < end and text[pos] not in _WS:
            line, col = _line_col(text, pos)
            raise PayloadError(
                "expected white space or a new line between arguments", line, col, pos
            )
        try:
            args.append(resolve_bytes(value, base_dir, read_files))
        except PayloadError as exc:
            exc.line, exc.col = _line_col(text, pos)
            exc.pos = pos
            raise
    return args


def parse_sendable(text: str, *, base_dir: Path | None = None, read_files: bool = True) -> list[Any]:
    """parse_args, refusing what python-socketio cannot encode (nested past MAX_SEND_DEPTH)."""
    args = parse_args(text, base_dir=base_dir, read_files=read_files)
    # counting brackets is one C call: the walk (pure Python) only for text that could be deep
    if text.count("[") + text.count("{") > MAX_SEND_DEPTH and deep_json.depth(args) > MAX_SEND_DEPTH + 1:
        raise PayloadError(f"nested too deep to send ({deep_json.depth(args) - 1:,} levels; "
                           f"python-socketio encodes at most about {MAX_SEND_DEPTH})", 1, 1, 0)
    return args


def parse_value(text: str) -> Any:
    """Exactly one JSON value (used for auth objects and ack replies)."""
    values = parse_args(text)
    if len(values) != 1:
        raise PayloadError(f"expected one JSON value, found {len(values)}")
    return values[0]


def resolve_bytes(value: Any, base_dir: Path | None = None, read_files: bool = True) -> Any:
    """Replace {"_bytes"|"_hex"|"_file": ...} markers by bytes, at any depth."""
    try:
        return _resolve_bytes(value, base_dir, read_files)
    except RecursionError:
        def convert(v: Any) -> Any:
            if isinstance(v, dict) and len(v) == 1 and next(iter(v)) in BYTES_KEYS:
                key = next(iter(v))
                return _marker_bytes(key, v[key], base_dir, read_files)
            return deep_json.DESCEND if isinstance(v, (dict, list)) else v
        return deep_json.rebuild(value, convert)


def _resolve_bytes(value: Any, base_dir: Path | None = None, read_files: bool = True) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            key = next(iter(value))
            if key in BYTES_KEYS:
                return _marker_bytes(key, value[key], base_dir, read_files)
        return {k: _resolve_bytes(v, base_dir, read_files) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_bytes(v, base_dir, read_files) for v in value]
    return value


def _marker_bytes(key: str, spec: Any, base_dir: Path | None, read_files: bool = True) -> bytes:
    if not isinstance(spec, str):
        raise PayloadError(f"{key} needs a string")
    if key == "_bytes":
        try:
            return base64.b64decode(spec, validate=True)
        except binascii.Error:
            raise PayloadError("_bytes is not valid base64") from None
    if key == "_hex":
        try:
            return bytes.fromhex(spec.replace(":", " "))
        except ValueError:
            raise PayloadError("_hex is not valid hexadecimal") from None
    path = Path(spec).expanduser()
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    if not read_files:
        if not path.is_file():
            raise PayloadError(f"cannot read _file {spec!r}: no such file")
        return b""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PayloadError(f"cannot read _file {spec!r}: {exc.strerror or exc}") from None


def to_jsonable(value: Any) -> Any:
    """bytes -> {"_bytes": base64}, at any depth; values without bytes come back as they are
    (unless nested deeper than a recursive walk goes: those come back as a copy)."""
    try:
        return _to_jsonable(value)
    except RecursionError:
        return deep_json.rebuild(value, _jsonable_node)


def _jsonable_node(v: Any) -> Any:
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"_bytes": base64.b64encode(bytes(v)).decode("ascii")}
    return deep_json.DESCEND if isinstance(v, (list, tuple, dict)) else v


def _to_jsonable(value: Any) -> Any:
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    if t is bytes or t is bytearray or t is memoryview:
        return {"_bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if t is list or t is tuple:
        out = None
        for i, item in enumerate(value):
            conv = _to_jsonable(item)
            if conv is not item and out is None:
                out = list(value[:i])
            if out is not None:
                out.append(conv)
        return out if out is not None else (value if t is list else list(value))
    if t is dict:
        out_d = None
        for k, item in value.items():
            conv = _to_jsonable(item)
            if conv is not item and out_d is None:
                out_d = {}
                for k2, v2 in value.items():
                    if k2 == k:
                        break
                    out_d[k2] = v2
            if out_d is not None:
                out_d[k] = conv
        return out_d if out_d is not None else value
    return value


def from_jsonable(value: Any) -> Any:
    """{"_bytes": base64} -> bytes, at any depth (the inverse of to_jsonable)."""
    try:
        return _from_jsonable(value)
    except RecursionError:
        return deep_json.rebuild(value, _from_jsonable_node)


def _from_jsonable_node(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1 and isinstance(v.get("_bytes"), str):
        try:
            return base64.b64decode(v["_bytes"], validate=True)
        except binascii.Error:
            return v
    return deep_json.DESCEND if isinstance(v, (dict, list)) else v


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "_bytes" in value and isinstance(value["_bytes"], str):
            try:
                return base64.b64decode(value["_bytes"], validate=True)
            except binascii.Error:
                return value
        return {k: _from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    return value


def _short(value: Any) -> Any:
    """json `default` of the preview form: bytes as a short placeholder instead of base64."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def preview(args: list | None, limit: int = 160) -> str:
    """One line, at most `limit` characters, of the arguments (any size, any depth: only
    what is shown is encoded)."""
    if not args:
        return ""
    try:
        text = ", ".join(deep_json.bounded(a, limit + 1, default=_short)[0] for a in args[:limit])
    except (TypeError, ValueError):
        text = repr(args) if deep_json.depth(args) < 100 else "<nested too deep to show>"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\n", "\\n")


def pretty(value: Any) -> str:
    """Multi-line JSON, bytes in their {"_bytes": ...} form (any depth)."""
    return deep_json.dumps(to_jsonable(value), indent=2)


def parse_optional_object(text: str) -> dict | None:
    """An auth payload: empty for none, else one JSON object."""
    if not text.strip():
        return None
    value = parse_value(text)
    if not isinstance(value, dict):
        raise PayloadError("expected a JSON object, like {\"token\": \"...\"}")
    return value


def parse_pairs(text: str, sep: str) -> dict[str, str]:
    """'name<sep>value' per line (query parameters with '=', headers with ':')."""
    pairs: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, found, value = line.partition(sep)
        if not found or not name.strip():
            raise PayloadError(f"expected name{sep}value", n, 1)
        pairs[name.strip()] = value.strip()
    return pairs
