"""Engine.IO 3's framing (socket.io 2.x servers), as engine.io-parser 2.x writes it.

What differs from Engine.IO 4, which python-engineio speaks:
- a long-polling payload is `<length>:<packet>` repeated (Engine.IO 4 separates packets
  with \\x1e); the length is the packet's JavaScript string length, in UTF-16 code units
  (an emoji counts 2, an "é" 1), not bytes;
- with `b64=1` in the query the server sends binary over long-polling as `b4<base64>`
  (the packet type after the `b`; Engine.IO 4 writes `b<base64>`), and expects the same;
- a websocket binary frame starts with the packet type byte, 0x04 for a message;
- the client sends the pings (`2`) and the server answers (`3`); in Engine.IO 4 it is
  the other way round.
"""
from __future__ import annotations

import base64
import re

from engineio import packet as eio_packet

MESSAGE_BYTE = b"\x04"
_LENGTH = re.compile(r"\d+:")


class FramingError(ValueError):
    """A long-polling payload that is not Engine.IO 3's `length:packet` framing."""


def js_length(text: str) -> int:
    """A string's length as JavaScript counts it (UTF-16 code units)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _js_cut(text: str, start: int, units: int) -> int:
    """The index in `text` that is `units` UTF-16 code units after `start`."""
    i = start
    while units > 0:
        if i >= len(text):
            raise FramingError("a packet's length runs past the end of the payload")
        units -= 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    if units < 0:
        raise FramingError("a packet's length splits a character")
    return i


def is_eio3_payload(body: str) -> bool:
    """Whether a long-polling body is framed the Engine.IO 3 way (`97:0{"sid"...`): an
    Engine.IO 4 body starts with a packet type digit followed by its data, never `N:`."""
    return _LENGTH.match(body) is not None


def split_payload(body: str) -> list[str]:
    """A long-polling body -> the encoded packets in it."""
    packets: list[str] = []
    i = 0
    while i < len(body):
        colon = body.find(":", i)
        if colon == -1 or not body[i:colon].isdigit():
            raise FramingError(f"expected `length:` at offset {i} of the payload, got {body[i:i + 12]!r}")
        end = _js_cut(body, colon + 1, int(body[i:colon]))
        packets.append(body[colon + 1:end])
        i = end
    return packets


def decode_packet(encoded: str) -> eio_packet.Packet:
    """One text packet of a long-polling payload; `b4<base64>` is a binary message."""
    if encoded[:1] == "b":
        if encoded[1:2] != str(eio_packet.MESSAGE):
            raise FramingError(f"a base64 packet that is not a message: {encoded[:12]!r}")
        return eio_packet.Packet(eio_packet.MESSAGE, data=base64.b64decode(encoded[2:], validate=True))
    return eio_packet.Packet(encoded_packet=encoded)


def decode_payload(body: str) -> list[eio_packet.Packet]:
    return [decode_packet(p) for p in split_payload(body)] if body else []


def encode_packet(pkt: eio_packet.Packet) -> str:
    """A packet as long-polling text (binary as `b4<base64>`)."""
    if isinstance(pkt.data, (bytes, bytearray)):
        return f"b{eio_packet.MESSAGE}" + base64.b64encode(pkt.data).decode("ascii")
    return pkt.encode()


def frame(encoded: str) -> str:
    return f"{js_length(encoded)}:{encoded}"


def encode_payload(packets: list[eio_packet.Packet]) -> str:
    return "".join(frame(encode_packet(p)) for p in packets)


def ws_binary(data: bytes) -> bytes:
    """A binary message as a websocket frame: the type byte first."""
    return MESSAGE_BYTE + bytes(data)


def ws_unbinary(frame_data: bytes) -> bytes:
    """A websocket binary frame -> the message's bytes."""
    if frame_data[:1] != MESSAGE_BYTE:
        raise FramingError(f"a binary frame whose type byte is not 4 (message): {frame_data[:1]!r}")
    return frame_data[1:]
