"""python-socketio's Packet, with a large text decoded a slice at a time.

A Socket.IO packet is decoded by one json.loads: for a 50 MB event, one C call of
about 80 ms that holds the GIL, and so freezes the window (its thread waits for the
GIL) although the decoding happens on the network thread.  SlicedPacket decodes
texts from deep_json.LARGE_TEXT up with deep_json.loads_sliced: the same values and
errors, in many short C calls.
"""
from __future__ import annotations

import json

from inspector.wire import deep_json
from inspector.wire.parsers import JsonPacket, refuse_constant


def _safe_int(text: str) -> int:
    """python-engineio's json.loads parse_int: an integer of more than 100 digits is refused.
    Packets are no longer read with it (wire/parsers.py says why); kept for loads_sliced's
    callers that want python-engineio's limit."""
    if len(text) > 100:
        raise ValueError("Integer is too large")
    return int(text)


class _SlicedJson:
    """The json module python-socketio's Packet calls, loads in slices for a large text."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text, **kwargs):
        if isinstance(text, str) and len(text) >= deep_json.LARGE_TEXT and not kwargs:
            return deep_json.loads_sliced(text, parse_constant=refuse_constant)
        return JsonPacket.json.loads(text, **kwargs)


class SlicedPacket(JsonPacket):
    """JsonPacket (JSON.parse's grammar: no NaN or Infinity), a large text in slices."""

    json = _SlicedJson
