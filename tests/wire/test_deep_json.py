"""deep_json: the same text and values as CPython's json, at any depth."""
from __future__ import annotations

import json
import random

import pytest

from inspector.wire import deep_json


def random_value(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth > 4 or r < 0.3:
        return rng.choice([None, True, False, 0, -3, 1.5, 1e300, 2.5e-7, 10 ** 20, "a\"é\n\u2028",
                           "", "x" * (deep_json.STR_SLICE + 3), float("nan"), float("-inf")])
    if r < 0.65:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "b", "é", 'k"', ""]): random_value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def test_text_and_values_are_json_s():
    rng = random.Random(15)
    for _ in range(500):
        value = random_value(rng)
        for indent in (None, 2):
            want = json.dumps(value, ensure_ascii=False, indent=indent,
                              separators=(",", ":") if indent is None else None)
            assert "".join(deep_json.iterencode(value, indent=indent)) == want
            assert deep_json.bounded(value, 50, indent=indent) == (want[:50], len(want) > 50)
            assert json.dumps(deep_json._parse(want, None)) == json.dumps(json.loads(want))


@pytest.mark.parametrize("text", ["[1,]", "{", "[1 2]", '{"a" 1}', "tru", "[]x", "", '{"a":1,}', "01"])
def test_what_json_refuses_is_refused(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        deep_json._parse(text, None)


def test_a_hundred_thousand_levels_go_both_ways():
    text = "[" * 100_000 + '{"k":"v"}' + "]" * 100_000
    with pytest.raises(RecursionError):
        json.loads(text)
    value = deep_json.loads(text)
    assert deep_json.depth(value) == 100_001
    assert deep_json.dumps(value) == text
    assert deep_json.bounded(value, 12, indent=2) == ("[\n  [\n    [\n", True)
    assert deep_json.loads(text, object_hook=lambda d: tuple(d)) is not None


def test_a_long_string_is_cut_without_encoding_it_all():
    text, cut = deep_json.bounded(["é\n" * 10_000_000], 9)
    assert (text, cut) == ('["é\\né\\né', True)


def test_bytes_come_as_base64_a_slice_at_a_time():
    from inspector.log.json_form import bytes_to_json
    value = [b"abc", {"x": bytearray(range(256)) * 500}, b""]
    for indent in (None, 2):
        want = json.dumps(value, ensure_ascii=False, indent=indent, default=bytes_to_json,
                          separators=(",", ":") if indent is None else None)
        pieces = list(deep_json.iterencode(value, indent=indent, bytes_b64=True))
        assert "".join(pieces) == want
        assert max(map(len, pieces)) <= deep_json.B64_SLICE * 4 // 3


def test_a_large_text_is_decoded_in_slices_to_the_same_values_and_errors():
    from inspector.wire.large_packets import SlicedPacket, _safe_int
    rng = random.Random(5)
    tricky = "".join(rng.choice('ab"\\\n\t\u00e9\U0001f600\x01/') for _ in range(600_000))
    values = [{"s": tricky, "many": [[i, str(i), i / 3] for i in range(40_000)], "k": [True, None]},
              ["x" * 3_000_000, {"é": "é" * 100_000}]]
    for value in values:
        for ensure_ascii in (True, False):
            text = json.dumps(value, ensure_ascii=ensure_ascii)
            assert len(text) > deep_json.LARGE_TEXT
            assert deep_json.loads_sliced(text, parse_int=_safe_int) == value
    pad = " " * deep_json.LARGE_TEXT
    for bad in ['["abc' + pad, '[1,2' + pad, '{"a":"\x01' + "x" * deep_json.LARGE_TEXT + '"}',
                '["a" "b"]' + pad]:
        with pytest.raises(json.JSONDecodeError):
            deep_json.loads_sliced(bad)
    with pytest.raises(ValueError, match="Integer is too large"):
        deep_json.loads_sliced("[" + "1" * 101 + "]" + pad, parse_int=_safe_int)
    packet = '2["big",' + json.dumps(values[1]) + "]"
    assert SlicedPacket(encoded_packet=packet).data == ["big", values[1]]
