"""The Socket.IO parsers: how a packet becomes what crosses the wire, and back.

- json: socket.io-parser's text form (`2/chat,3["echo",…]`), binary arguments as separate
  attachment frames: python-socketio's own `Packet`.
- msgpack: socket.io-msgpack-parser (Node) and python-socketio's msgpack serializer: every
  packet one msgpack map {type, nsp, data, id} in one binary frame (over long-polling,
  Engine.IO 4 carries it as base64, `b…`), binary arguments as msgpack bin, no attachments.

The choice is made once per connection (`packet_class`), so the JSON path costs what it did.
Raw capture reads a msgpack frame back into its fields (`describe_msgpack`).
"""
from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import msgpack
from socketio import packet as sio_packet

from inspector.wire.options import Parser
from inspector.wire.packets import MASK, SIO_TYPES, describe_packet, mask_connect_auth

__all__ = ["JsonPacket", "MsgPackPacket", "packet_class", "raw_reader", "describe_msgpack", "mask_msgpack_connect",
           "contains_bytes", "other_parser", "parser_mismatch", "PARSER_NAMES"]

EVENT, ACK = sio_packet.EVENT, sio_packet.ACK
BINARY_EVENT, BINARY_ACK = sio_packet.BINARY_EVENT, sio_packet.BINARY_ACK
# the packet types socket.io-msgpack-parser knows (no BINARY_*: bin travels inside the map)
MSGPACK_TYPES = range(sio_packet.CONNECT, sio_packet.CONNECT_ERROR + 1)


def contains_bytes(value: Any) -> bool:
    """Whether bytes are anywhere in a packet's data (lists and dicts, nested)."""
    if isinstance(value, (bytes, bytearray)):
        return True
    if isinstance(value, list):
        return any(contains_bytes(v) for v in value)
    if isinstance(value, dict):
        return any(contains_bytes(v) for v in value.values())
    return False


def _notepack_ext(code: int, data: bytes) -> Any:
    """notepack.io (socket.io-msgpack-parser's msgpack) writes three JavaScript values as
    extension type 0: `undefined` (fixext 1, one zero byte: the `pid` of a server without
    connection state recovery), a Date (fixext 8: milliseconds since the epoch, shown as
    its ISO text, as the JSON parser would send it) and an ArrayBuffer (ext 8/16/32: its
    bytes).  msgpack-python hands over only (code, data), so an ArrayBuffer of exactly 1
    or 8 bytes is read as undefined or a Date; any other extension is kept as its code and
    bytes."""
    if code == 0:
        if len(data) == 1 and data == b"\x00":
            return None
        if len(data) == 8:
            hi = int.from_bytes(data[:4], "big", signed=True)
            ms = hi * 2 ** 32 + int.from_bytes(data[4:], "big")
            when = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) \
                + datetime.timedelta(milliseconds=ms)
            return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return bytes(data)
    return {"_ext": code, "data": bytes(data)}


def unpack(frame: bytes | bytearray) -> dict:
    """One msgpack frame -> its packet map, checked as socket.io-msgpack-parser's decoder
    checks it (ValueError otherwise, which the Socket.IO half reports as undecodable)."""
    decoded = msgpack.unpackb(frame, ext_hook=_notepack_ext, raw=False)
    if not isinstance(decoded, dict):
        raise ValueError(f"a msgpack {type(decoded).__name__}, not a packet map")
    ptype = decoded.get("type")
    if type(ptype) is not int or ptype not in MSGPACK_TYPES:
        raise ValueError(f"invalid packet type {ptype!r}")
    if not isinstance(decoded.get("nsp"), str):
        raise ValueError(f"invalid namespace {decoded.get('nsp')!r}")
    ack_id = decoded.get("id")
    if ack_id is not None and type(ack_id) is not int:
        raise ValueError(f"invalid packet id {ack_id!r}")
    return decoded


class MsgPackPacket(sio_packet.Packet):
    """A Socket.IO packet as socket.io-msgpack-parser writes and reads it.

    Not python-socketio's MsgPackPacket as it is: that one writes `data: nil` and `nsp: nil`
    where the Node decoder wants them absent (it refuses a CONNECT or DISCONNECT whose data
    is null) and reads notepack's `undefined` as an ExtType.  An event or ack that carries
    bytes is typed BINARY_EVENT / BINARY_ACK here, with no attachments, as python-socketio
    types the JSON parser's, so the Socket.IO half flags it binary the same way; on the wire
    it is EVENT / ACK, as the msgpack parser knows no other."""

    uses_binary_events = True

    @classmethod
    def data_is_binary(cls, data) -> bool:
        return contains_bytes(data)

    def encode(self) -> bytes:
        ptype = self.packet_type
        if ptype == BINARY_EVENT:
            ptype = EVENT
        elif ptype == BINARY_ACK:
            ptype = ACK
        d: dict = {"type": ptype, "nsp": self.namespace or "/"}
        if self.data is not None:
            d["data"] = self.data
        if self.id is not None:
            d["id"] = self.id
        return msgpack.packb(d)

    def decode(self, encoded_packet) -> int:
        if not isinstance(encoded_packet, (bytes, bytearray)):
            raise ValueError(f"a text frame ({str(encoded_packet)[:40]!r}) where the msgpack "
                             "parser sends binary ones")
        decoded = unpack(encoded_packet)
        self.packet_type = decoded["type"]
        self.namespace = decoded["nsp"]
        self.data = decoded.get("data")
        self.id = decoded.get("id")
        if self.packet_type in (EVENT, ACK) and contains_bytes(self.data):
            self.packet_type = BINARY_EVENT if self.packet_type == EVENT else BINARY_ACK
        return 0


def refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON (socket.io-client's JSON.parse refuses it: invalid payload)")


# Made once: json.loads with any keyword builds a JSONDecoder (and its scanner) per call, and
# python-engineio's loads passes a Python parse_int, called for every integer; together they
# were ~15% of the network thread in a burst.  Integers are the C scanner's: Python's own limit
# (4,300 digits, ValueError past it) guards against the slow conversion python-engineio's
# 100-digit parse_int was there for, and JSON.parse reads any integer too.
_DECODER = json.JSONDecoder(parse_constant=refuse_constant)


class _StrictJson:
    """The json python-socketio's Packet reads with: JSON.parse's grammar, which has no NaN,
    Infinity or -Infinity (Python's decoder takes them, and the log could not write them as
    JSON).  A number too large for a double (1e999) is JSON: JavaScript reads Infinity."""

    dumps = staticmethod(sio_packet.Packet.json.dumps)

    @staticmethod
    def loads(text, **kwargs):
        if kwargs:
            return json.loads(text, parse_constant=refuse_constant, **kwargs)
        return _DECODER.decode(text)


class JsonPacket(sio_packet.Packet):
    """python-socketio's Packet (socket.io-parser's text form), read as JSON.parse reads."""

    json = _StrictJson


def packet_class(parser: str) -> type[sio_packet.Packet]:
    """The packet class python-socketio's client is given as its serializer."""
    return MsgPackPacket if parser == Parser.MSGPACK else JsonPacket


def other_parser(parser: str) -> Parser:
    """The parser a server that refuses ours probably uses."""
    return Parser.JSON if parser == Parser.MSGPACK else Parser.MSGPACK


PARSER_NAMES = {Parser.JSON: "JSON", Parser.MSGPACK: "msgpack"}


def parser_mismatch(ours: str, evidence: str | None = None, data: Any = None) -> str | None:
    """The one message for a server whose parser is not ours, naming the one it probably
    uses: from what happened (`evidence`), or from a frame it sent (`data`: None when the
    frame is not the other parser's packet)."""
    theirs = other_parser(ours)
    if evidence is None:
        if ours == Parser.MSGPACK and looks_like_json_packet(data):
            evidence = (f"the server sent a JSON-parser packet ({_clip(data)}) where the msgpack "
                        "parser sends binary frames")
        elif ours == Parser.JSON and looks_like_msgpack_packet(data):
            evidence = "the server sent a msgpack packet (a binary frame that is no attachment)"
        else:
            return None
        return f"{evidence}: it uses the {PARSER_NAMES[theirs]} parser (set Parser: {theirs})"
    return f"{evidence}: it probably uses the {PARSER_NAMES[theirs]} parser (set Parser: {theirs})"


def _clip(text: str, n: int = 40) -> str:
    return repr(text if len(text) <= n else text[:n] + "…")


def looks_like_msgpack_packet(data: Any) -> bool:
    """A binary frame that decodes as a msgpack packet map (a JSON client got it where it
    expected no binary frame: the server speaks msgpack)."""
    if not isinstance(data, (bytes, bytearray)):
        return False
    try:
        unpack(data)
    except (ValueError, TypeError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
        return False
    return True


def looks_like_json_packet(data: Any) -> bool:
    """A text frame in socket.io-parser's form (`0…`–`6…`): a msgpack client got it, the
    server speaks JSON."""
    return isinstance(data, str) and data[:1].isdigit() and int(data[0]) < len(SIO_TYPES)


# -- raw capture -------------------------------------------------------------------------
def _frame_bytes(data: Any) -> tuple[bytes | None, bool]:
    """The msgpack bytes of an Engine.IO message as raw capture has it (a binary frame, or
    long-polling's `b<base64>`), and whether it came as base64."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data), False
    if isinstance(data, str) and data[:1] == "b":
        try:
            return base64.b64decode(data[1:], validate=True), True
        except ValueError:
            return None, True
    return None, False


def describe_msgpack(data: str | bytes, transport: str) -> dict:
    """describe_packet for the msgpack parser: a binary message is a whole Socket.IO packet,
    read into "sio", "ns", "id" and "msgpack" (the decoded map: type, nsp, data, id); one
    that does not decode says why ("msgpack_error").  Text packets (Engine.IO's own) are
    read as describe_packet reads them."""
    frame, b64 = _frame_bytes(data)
    if frame is None and not b64:
        return describe_packet(data, transport)
    out: dict = {"transport": transport, "eio": "message", "parser": "msgpack"}
    if b64:
        out["base64"] = True
    try:
        if frame is None:
            raise ValueError("not base64")
        decoded = unpack(frame)
    except (ValueError, TypeError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        out["msgpack_error"] = str(exc)
        return out
    out["sio"] = SIO_TYPES[decoded["type"]]
    out["ns"] = decoded["nsp"] or "/"
    if decoded.get("id") is not None:
        out["id"] = decoded["id"]
    out["msgpack"] = decoded
    return out


def mask_msgpack_connect(data: str | bytes, info: dict) -> str | bytes:
    """mask_connect_auth for the msgpack parser: an outgoing CONNECT's auth values masked
    (keys, the recovery pid and offset kept), in the decoded map and in the frame itself."""
    decoded = info.get("msgpack")
    if info.get("sio") != "CONNECT" or decoded is None or "data" not in decoded:
        return data
    auth = decoded["data"]
    masked = ({k: (v if k in ("pid", "offset") else MASK) for k, v in auth.items()}
              if isinstance(auth, dict) else MASK)
    info["msgpack"] = {**decoded, "data": masked}
    frame = msgpack.packb(info["msgpack"])
    return "b" + base64.b64encode(frame).decode("ascii") if isinstance(data, str) else frame


def raw_reader(parser: str):
    """(describe, mask) for raw capture with this parser."""
    if parser == Parser.MSGPACK:
        return describe_msgpack, mask_msgpack_connect
    return describe_packet, mask_connect_auth
