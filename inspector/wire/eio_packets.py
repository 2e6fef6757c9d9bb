"""What engine.io-parser makes of one encoded Engine.IO packet (its decodePacket).

python-engineio's Packet takes any first character that int() reads as the packet type
(`9hello` is a packet of type 9 that its client then ignores) and raises a bare ValueError
on the others; engine.io-parser decodes both as its "error" packet, on which
engine.io-client closes the connection ("transport error") and socket.io-client's Manager
reconnects.  `decode_packet` raises BadPacket for them, with words naming the packet, so
the engine can log it and close the same way.  A message's data is kept as its text:
python-engineio would first try it as JSON, which engine.io-parser never does.
"""
from __future__ import annotations

import base64
import binascii

from engineio import packet as eio_packet

from inspector.wire import eio3

# engine.io-parser's PACKET_TYPES (the same in Engine.IO 3 and 4)
TYPES = "0123456"
SHOWN = 40          # characters of a bad packet quoted in its message


class BadPacket(ValueError):
    """A packet engine.io-parser decodes as its "error" packet."""


def quoted(text: str) -> str:
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "…")


def decode_packet(encoded: str | bytes, eio3_framing: bool = False) -> eio_packet.Packet:
    """One text packet (a websocket frame, or one of a long-polling payload) or binary
    message -> a Packet; BadPacket when engine.io-parser would make it an error packet."""
    if not isinstance(encoded, str):
        return eio_packet.Packet(eio_packet.MESSAGE, data=bytes(encoded))
    if not encoded:
        raise BadPacket("an empty Engine.IO packet")
    code = encoded[0]
    if code == "b":
        try:
            if eio3_framing:
                return eio3.decode_packet(encoded)
            return eio_packet.Packet(eio_packet.MESSAGE, data=base64.b64decode(encoded[1:]))
        except (binascii.Error, ValueError) as exc:
            raise BadPacket(f"a base64 message that does not decode ({exc}): {quoted(encoded)}") from None
    if code not in TYPES:
        raise BadPacket(f"unknown Engine.IO packet type {code!r}: {quoted(encoded)}")
    if code == "4":
        return eio_packet.Packet(eio_packet.MESSAGE, data=encoded[1:])
    return eio_packet.Packet(encoded_packet=encoded)
