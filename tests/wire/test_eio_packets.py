"""engine.io-parser's decodePacket (wire/eio_packets.py): what it reads as its "error" packet,
and a message kept as its text."""
from __future__ import annotations

import pytest
from engineio import packet as eio_packet

from inspector.wire.eio_packets import BadPacket, decode_packet
from inspector.wire.parsers import JsonPacket


@pytest.mark.parametrize("text, why", [("", "an empty Engine.IO packet"),
                                       ("9", "unknown Engine.IO packet type '9'"),
                                       ("x" * 100, "unknown Engine.IO packet type 'x': 'xxxx"),
                                       ("bA", "a base64 message that does not decode")])
def test_what_engine_io_parser_makes_an_error_packet_is_a_bad_packet_named(text, why):
    with pytest.raises(BadPacket, match=why):
        decode_packet(text)


def test_a_quoted_packet_is_cut_at_40_characters():
    with pytest.raises(BadPacket) as caught:
        decode_packet("z" * 100)
    assert str(caught.value).endswith("'" + "z" * 40 + "…'")


@pytest.mark.parametrize("text, ptype, data", [
    ('4["a"]', eio_packet.MESSAGE, '["a"]'),          # text as it came (no JSON attempt)
    ('4{"a":1}', eio_packet.MESSAGE, '{"a":1}'),
    ("2probe", eio_packet.PING, "probe"),
    ("6", eio_packet.NOOP, ""),
    ("bAAE=", eio_packet.MESSAGE, b"\x00\x01"),
])
def test_the_seven_types_decode(text, ptype, data):
    pkt = decode_packet(text)
    assert (pkt.packet_type, pkt.data) == (ptype, data)


def test_engine_io_3_base64_has_the_type_after_the_b():
    assert decode_packet("b4AAE=", eio3_framing=True).data == b"\x00\x01"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_the_json_parser_reads_as_json_parse_does(constant):
    with pytest.raises(ValueError, match=f"{constant} is not JSON"):
        JsonPacket(encoded_packet=f'2["x",[{constant}]]')
    assert JsonPacket(encoded_packet='2["x","NaN",1e999]').data == ["x", "NaN", float("inf")]
