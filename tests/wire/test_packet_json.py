"""How a packet's JSON is read (wire/parsers.py): JSON.parse's grammar with the C scanner's
integers, one decoder for every packet."""
from __future__ import annotations

import math

import pytest

from inspector.wire.large_packets import SlicedPacket
from inspector.wire.parsers import JsonPacket


@pytest.mark.parametrize("packet_class", [JsonPacket, SlicedPacket])
def test_an_integer_of_hundreds_of_digits_is_read_as_json_parse_reads_it(packet_class):
    """python-engineio's parse_int refused more than 100 digits (the packet was undecodable and
    the connection closed); socket.io-client reads it.  Past Python's own limit it is refused."""
    big = "1" * 300
    assert packet_class(encoded_packet=f'2["n",{big}]').data == ["n", int(big)]
    with pytest.raises(ValueError, match="4300"):
        packet_class(encoded_packet='2["n",' + "1" * 4301 + "]")


@pytest.mark.parametrize("packet_class", [JsonPacket, SlicedPacket])
def test_the_grammar_is_json_parse_s(packet_class):
    assert math.isinf(packet_class(encoded_packet='2["n",1e999]').data[1])
    assert packet_class(encoded_packet='2["s","\\ud800"]').data == ["s", "\ud800"]
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError, match="not JSON"):
            packet_class(encoded_packet=f'2["n",{constant}]')
