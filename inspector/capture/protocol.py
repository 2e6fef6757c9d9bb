"""The window-capture protocol: what crosses the local socket between the window and
the capture process, and how it is framed.

Framing: every message is one frame, a 4-byte big-endian length followed by that many
bytes of msgpack (a map).  msgpack, not JSON: measured here (`benchmarks/capture_codec.py`,
2 shared cores), a batch of event entries as lists packs 2.4-7.6x faster than json.dumps
of the same lists (0.31 against 0.74 ms for 300 entries, 4.4 against 33 ms for 5,000),
unpacks into LogEntry objects 1.2-1.4x faster (1.1 / 1.3 ms, 15 / 21 ms), is half the size
(94 against 168 bytes an entry), and carries bytes without base64.  A frame longer
than MAX_FRAME is refused (the stream is then out of step, so the connection is closed);
a frame that is not a msgpack map, or names no known command, is answered with an
`error` message naming what was wrong, and the connection goes on.

The whole protocol, with the commands, is in capture/PROTOCOL.md.  In short (window ->
capture on the left, capture -> window on the right; calls, batches and states carry a
"client" name, "default" when absent):

    {"hello": TOKEN, "v": VERSION}          {"welcome": {"pid": N, "session_file": PATH|None}}
                                            (or {"error": ...} and the connection closes)
    {"id": N, "call": NAME, "args": [...], "kw": {...}}
                                            {"id": N, "ok": RESULT}
                                            {"id": N, "error": ERROR}
                                            {"entries": [ENTRY, ...]}     (in seq order)
                                            {"state": STATE, "seq": LAST_SEQ}
                                            {"ahead": STATE}   (out of order: see below)
                                            {"answer": TOKEN, "ok": ACK_ANSWER}
                                            {"answer": TOKEN, "error": ERROR}

- ENTRY is a LogEntry as a list, its fields in declaration order (entry_to_wire).
- STATE is a SessionState (state_to_wire); LAST_SEQ is the last entry logged before it, so
  the window shows a state only once the entries before it are shown.  Both travel on the
  one stream, entries first, so that order holds by construction.
- an ahead STATE is known before the entries logged ahead of it (the websocket's end read
  ahead of a backlog, Session.transport_gone): sent at once, for the status line only.
- ERROR is {"type": the exception's class name, "message": its text}; the client raises
  the same class where it is one of ERRORS, else RemoteError.
- an emit (and join_room/leave_room) that asked for an ack replies with
  {"outcome", "ack_id", "answer": TOKEN}; the ack's answer (or its timeout) comes later as
  an `answer` message with that TOKEN.
- an entry whose arguments are over LARGE_ARGS bytes carries ext EXT_BLOB (an index) in
  their place, its batch message says `"blobs": N`, and the N frames after it are those
  arguments, raw: their JSON text, or a skeleton and its long strings (PROTOCOL.md); read
  as bytes, decoded off the window's GUI thread.
- Values inside results, arguments and entries are msgpack values; an exception inside a
  result (connect's per-namespace refusals) is {"__error__": ERROR}; a tuple arrives as a
  list.  An integer msgpack cannot hold (beyond 64 bits) travels as ext type EXT_BIGINT
  (its decimal text).

The commands are the Session methods the window calls, under their own names (see
capture/host.py COMMANDS), plus a few of the capture process's own (`snapshot`,
`session_file`, `move_session_file`, `flush`, `ping`).
"""
from __future__ import annotations

import asyncio
import struct
from dataclasses import fields
from typing import Any

import msgpack

from inspector.capture.ascii_text import ascii_text
from inspector.log.entry import LogEntry
from inspector.session.state import (
    ConnectionState,
    NamespaceState,
    NamespaceView,
    RoomState,
    SessionState,
)

VERSION = 2              # 2: calls, batches and states name their client
DEFAULT_CLIENT = "default"     # the client a call without a "client" acts on
MAX_FRAME = 512 * 1024 * 1024     # a 50 MB event, hex-heavy, with its raw packet, fits
EXT_BIGINT = 1
EXT_LARGE_ARGS = 2
EXT_BLOB = 3           # an entry's large arguments: the Nth raw frame after its batch
EXT_LONG_STR = 4       # inside a blob's skeleton: a long string, (offset, length, ascii) of its UTF-8
# an entry's arguments this large cross as their JSON text in a bin (one memcpy to unpack)
# and are decoded in slices off the window's GUI thread (resolve_large): one msgpack str of
# 50 MB is one C call of tens of milliseconds holding the window's GIL
LARGE_ARGS = 1 << 20
# Large arguments whose bulk is long strings (a log dump, base64 text) cross as a skeleton
# and those strings' UTF-8, so that the window makes each string with one decode: their JSON
# text cost it two 50 MB calls holding the GIL (the decode, then joining the slices the JSON
# decoder read it in), 35-40 ms each here.  Strings this long are cut out:
LONG_STR = 1 << 16
SKELETON_MAX = 1 << 16     # a skeleton longer than this (many small values): JSON text instead
_SKELETON_NODES, _SKELETON_DEPTH = 10_000, 256
_PARTS = b"\x00"           # a blob that is a skeleton and strings (JSON text starts with "[")
_SPAN = struct.Struct(">QQ?")
TOKEN_ENV = "INSPECTOR_CAPTURE_TOKEN"
_HEADER = struct.Struct(">I")
_ENTRY_FIELDS = [f.name for f in fields(LogEntry)]


class ProtocolError(Exception):
    """A frame that breaks the protocol (too long, not msgpack, not a map, unknown command)."""


class RemoteError(Exception):
    """An error raised in the capture process whose class the window does not rebuild."""

    def __init__(self, type_name: str, message: str):
        self.type_name = type_name
        super().__init__(f"{type_name}: {message}" if message else type_name)


class CaptureLost(ConnectionError):
    """The capture process is gone (it crashed or was killed); the call cannot complete."""


# -- values --------------------------------------------------------------------------
def _default(value: Any) -> Any:
    if isinstance(value, int):          # only reached for ints beyond 64 bits
        return msgpack.ExtType(EXT_BIGINT, str(value).encode())
    if isinstance(value, BaseException):
        return {"__error__": error_to_wire(value)}
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"cannot send a {type(value).__name__} to the window")


class LargeArgs:
    """An entry's large arguments as they crossed: JSON text (bytes, or any buffer), not
    decoded yet."""
    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def _ext_hook(code: int, data: bytes) -> Any:
    if code == EXT_BIGINT:
        return int(data.decode())
    if code == EXT_LARGE_ARGS:
        return LargeArgs(data)
    if code == EXT_BLOB:
        return BlobRef(int(data.decode()))
    return msgpack.ExtType(code, data)


class BlobRef:
    """Where an entry's large arguments are: the index of a raw frame after its batch."""
    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


def raw_frame(data: bytes) -> bytes:
    """A frame whose body is not msgpack: a blob announced by the message before it."""
    if len(data) > MAX_FRAME:
        raise ProtocolError(f"a blob of {len(data):,} bytes is over the {MAX_FRAME:,}-byte limit")
    return _HEADER.pack(len(data)) + data


def pack(message: dict) -> bytes:
    """One frame: the length, then the msgpack body."""
    body = msgpack.packb(message, default=_default, use_bin_type=True, datetime=False)
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"a message of {len(body):,} bytes is over the {MAX_FRAME:,}-byte limit")
    return _HEADER.pack(len(body)) + body


def unpack(body: bytes) -> dict:
    """The message in one frame's body; ProtocolError when it is not a msgpack map."""
    try:
        message = msgpack.unpackb(body, raw=False, strict_map_key=False, ext_hook=_ext_hook,
                                  max_bin_len=MAX_FRAME, max_str_len=MAX_FRAME)
    except (ValueError, msgpack.UnpackException, TypeError) as exc:
        raise ProtocolError(f"a frame that is not msgpack ({type(exc).__name__}: {exc})") from None
    if not isinstance(message, dict):
        raise ProtocolError(f"a frame that is not a map but a {type(message).__name__}")
    return message


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next frame's body; None at a clean end of the stream (between frames)."""
    try:
        header = await reader.readexactly(_HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise ProtocolError("the stream ended inside a frame's length") from None
    (length,) = _HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ProtocolError(f"a frame of {length:,} bytes is over the {MAX_FRAME:,}-byte limit")
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        raise ProtocolError(f"the stream ended inside a frame of {length:,} bytes") from None


# -- errors --------------------------------------------------------------------------
def error_to_wire(error: BaseException) -> dict:
    out = {"type": type(error).__name__, "message": str(error)}
    if type(error).__name__ == "NamespaceRefused":
        out["ns"], out["data"] = error.ns, error.data
    return out


def _error_classes() -> dict[str, type[BaseException]]:
    from inspector.session.errors import ConnectError
    from inspector.session.sequence_gaps import PathError
    from inspector.session.server_view.admin import AdminRefused
    from inspector.session.session import NotConnected
    from inspector.wire.options import OptionsError
    return {c.__name__: c for c in (
        ConnectError, NotConnected, OptionsError, PathError, ValueError, TypeError, KeyError,
        TimeoutError, RuntimeError, LookupError, ProtocolError, AdminRefused)}


ERRORS = _error_classes()


def error_from_wire(obj: dict) -> BaseException:
    """The exception an ERROR stands for: the same class where the window knows it (so
    `except NotConnected` works as before), else RemoteError naming it."""
    name, message = str(obj.get("type", "Error")), str(obj.get("message", ""))
    if name == "CancelledError":      # the call was cancelled there (a disconnect ends a connect)
        return asyncio.CancelledError(message)
    if name == "NamespaceRefused" and "ns" in obj:
        from inspector.session.errors import NamespaceRefused
        return NamespaceRefused(obj["ns"], obj.get("data"))
    cls = ERRORS.get(name)
    if cls is not None:
        return cls(message)
    return RemoteError(name, message)


def revive(value: Any) -> Any:
    """A result with its {"__error__": ...} markers turned back into exceptions."""
    if isinstance(value, dict):
        if len(value) == 1 and "__error__" in value:
            return error_from_wire(value["__error__"])
        return {k: revive(v) for k, v in value.items()}
    return value


# -- entries and states --------------------------------------------------------------
def _skeleton(value: Any) -> tuple[Any, list[bytes]] | None:
    """(value with each long string an EXT_LONG_STR, those strings' UTF-8), walked without
    recursion; None when there is no long string or the rest is too large or deep."""
    strings: list[bytes] = []
    offset = nodes = 0

    def copy(v: Any) -> Any:
        nonlocal offset
        if type(v) is str and len(v) >= LONG_STR:
            data = v.encode("utf-8", "surrogatepass")
            strings.append(data)
            offset += len(data)
            # isascii() reads a flag: the window can then make it without the GIL (ascii_text.py)
            return msgpack.ExtType(EXT_LONG_STR, _SPAN.pack(offset - len(data), len(data), v.isascii()))
        if type(v) is list:
            return [None] * len(v)
        if type(v) is dict:
            return dict.fromkeys(v)
        return v
    root = copy(value)
    stack = [(value, root, 0)] if isinstance(root, (list, dict)) else []
    while stack:
        src, dst, depth = stack.pop()
        nodes += len(src)
        if nodes > _SKELETON_NODES or depth > _SKELETON_DEPTH:
            return None
        for k, v in (src.items() if type(src) is dict else enumerate(src)):
            dst[k] = c = copy(v)
            if type(c) is list or type(c) is dict:
                stack.append((v, c, depth + 1))
    return (root, strings) if strings else None


def large_args_to_wire(args: Any) -> bytes:
    """A blob of large arguments: a skeleton and its long strings, or else their JSON text."""
    from inspector.wire.payload import to_jsonable
    jsonable = to_jsonable(args)
    cut = _skeleton(jsonable)
    if cut is not None:
        try:
            skeleton = msgpack.packb(cut[0], default=_default, use_bin_type=True)
        except (ValueError, TypeError, UnicodeEncodeError, OverflowError):
            skeleton = None            # (a lone surrogate outside the long strings, say)
        if skeleton is not None and len(skeleton) <= SKELETON_MAX:
            return b"".join([_PARTS, _HEADER.pack(len(skeleton)), skeleton, *cut[1]])
    from inspector.wire import deep_json
    return deep_json.dumps(jsonable).encode()


def large_args_from_wire(data) -> Any:
    """The jsonable arguments in a blob (any buffer); each long string made in one call."""
    if data[:1] != _PARTS:
        from inspector.wire import deep_json
        # str(buffer, "utf-8"): the data may be any buffer (bytes, or the map reader.py receives into)
        return deep_json.loads_sliced(str(data, "utf-8"))
    view = memoryview(data)
    (n,) = _HEADER.unpack(view[1:5])
    base = 5 + n

    def hook(code: int, ext: bytes) -> Any:
        if code == EXT_LONG_STR:
            at, length, ascii = _SPAN.unpack(ext)
            if ascii:
                return ascii_text(data, base + at, length)
            return str(view[base + at:base + at + length], "utf-8", "surrogatepass")
        return _ext_hook(code, ext)
    return msgpack.unpackb(view[5:base], raw=False, strict_map_key=False, ext_hook=hook)


def entry_to_wire(e: LogEntry) -> list:
    args = e.args
    if args is not None and (e.bytes or 0) > LARGE_ARGS:
        args = msgpack.ExtType(EXT_LARGE_ARGS, large_args_to_wire(args))
    return [e.seq, e.t, e.dir, e.kind, e.ns, e.event, args, e.ack_id, e.rtt_ms, e.bytes,
            e.flags, e.detail, e.client]


def resolve_large(e: LogEntry) -> LogEntry:
    """The entry with its large arguments decoded (in slices: call it off the GUI thread)."""
    if not isinstance(e.args, LargeArgs):
        return e
    from dataclasses import replace

    from inspector.wire.payload import from_jsonable
    return replace(e, args=from_jsonable(large_args_from_wire(e.args.data)))


def entry_from_wire(row: list) -> LogEntry:
    if not isinstance(row, list) or len(row) != len(_ENTRY_FIELDS):
        raise ProtocolError(f"an entry that is not a list of {len(_ENTRY_FIELDS)} fields")
    row[10] = tuple(row[10] or ())
    return LogEntry(*row)


def state_to_wire(s: SessionState) -> dict:
    return {"state": str(s.state), "status": s.status, "url": s.url, "transport": s.transport,
            "deflate": s.deflate, "verify_tls": s.verify_tls,
            "namespaces": [[v.name, str(v.state), [[r, str(st), a] for r, st, a in v.rooms], v.buffered]
                           for v in s.namespaces],
            "pending_acks": s.pending_acks, "buffered": s.buffered, "attempt": s.attempt,
            "raw_capture": s.raw_capture}


def state_from_wire(obj: dict) -> SessionState:
    namespaces = tuple(
        NamespaceView(name, NamespaceState(state), tuple((r, RoomState(st), a) for r, st, a in rooms), buffered)
        for name, state, rooms, buffered in obj["namespaces"])
    return SessionState(
        state=ConnectionState(obj["state"]), status=obj["status"], url=obj["url"],
        transport=obj["transport"], deflate=obj["deflate"], verify_tls=obj["verify_tls"],
        namespaces=namespaces, pending_acks=obj["pending_acks"], buffered=obj["buffered"],
        attempt=obj["attempt"], raw_capture=obj["raw_capture"])
