import base64

import pytest

from inspector.wire.payload import (
    PayloadError,
    from_jsonable,
    parse_args,
    parse_optional_object,
    parse_pairs,
    preview,
    to_jsonable,
)


def test_empty_text_is_zero_arguments():
    assert parse_args("") == []
    assert parse_args("  \n\t ") == []


def test_values_one_after_another_are_separate_arguments():
    assert parse_args('"lobby" {"n": 1}\n[1, 2]\nnull true 3.5') == [
        "lobby", {"n": 1}, [1, 2], None, True, 3.5]


def test_a_value_may_span_lines():
    assert parse_args('{\n  "a": [1,\n 2]\n}') == [{"a": [1, 2]}]


def test_invalid_json_says_where():
    with pytest.raises(PayloadError) as err:
        parse_args('"ok"\n{"a": }')
    assert (err.value.line, err.value.col) == (2, 7)
    assert "line 2, column 7" in str(err.value)


def test_values_glued_together_are_refused():
    with pytest.raises(PayloadError) as err:
        parse_args('"a""b"')
    assert "white space" in err.value.message


def test_bytes_markers_anywhere_inside_a_value(tmp_path):
    f = tmp_path / "blob.bin"
    f.write_bytes(b"\x00\x01file")
    args = parse_args('{"a": {"_bytes": "AAEC"}, "b": [{"_hex": "de ad"}], "c": {"_file": "%s"}}' % f)
    assert args == [{"a": b"\x00\x01\x02", "b": [b"\xde\xad"], "c": b"\x00\x01file"}]


def test_bad_bytes_markers_are_errors(tmp_path):
    for text in ('{"_bytes": "@@"}', '{"_hex": "zz"}', '{"_file": "%s"}' % (tmp_path / "missing"),
                 '{"_bytes": 3}'):
        with pytest.raises(PayloadError):
            parse_args(text)


def test_jsonable_round_trip_keeps_nested_bytes():
    value = [{"x": b"\xff\x00", "y": [1, b"ab"], "z": "text"}]
    encoded = to_jsonable(value)
    assert encoded == [{"x": {"_bytes": base64.b64encode(b"\xff\x00").decode()},
                        "y": [1, {"_bytes": "YWI="}], "z": "text"}]
    assert from_jsonable(encoded) == value


def test_to_jsonable_returns_the_same_object_when_there_are_no_bytes():
    value = [{"a": [1, 2, {"b": "c"}]}]
    assert to_jsonable(value) is value


def test_preview_is_one_line_and_bounded():
    text = preview(["line\nbreak", {"k": "v" * 500}, b"\x00" * 10], limit=60)
    assert "\n" not in text and len(text) <= 60 and text.endswith("…")
    assert preview([b"\x00" * 10]) == '"<10 bytes>"'
    assert preview([]) == ""


def test_auth_must_be_an_object():
    assert parse_optional_object("") is None
    assert parse_optional_object('{"token": "x"}') == {"token": "x"}
    with pytest.raises(PayloadError):
        parse_optional_object('["x"]')


def test_pairs():
    assert parse_pairs("a=1\n\nb = 2=3", "=") == {"a": "1", "b": "2=3"}
    assert parse_pairs("Authorization: Bearer x", ":") == {"Authorization": "Bearer x"}
    with pytest.raises(PayloadError) as err:
        parse_pairs("ok=1\nnope", "=")
    assert err.value.line == 2


def test_files_are_only_checked_while_typing(tmp_path):
    f = tmp_path / "f.bin"
    f.write_bytes(b"data")
    assert parse_args('{"_file": "%s"}' % f, read_files=False) == [b""]
    assert parse_args('{"_file": "%s"}' % f) == [b"data"]
    with pytest.raises(PayloadError, match="no such file"):
        parse_args('{"_file": "%s"}' % (tmp_path / "nope"), read_files=False)


@pytest.mark.parametrize("text, message", [
    ("NaN", "line 1, column 1: NaN is not JSON"),
    ('{"a": [1, -Infinity]}', "line 1, column 11: -Infinity is not JSON"),
    ("1 1e999", "line 1, column 3: 1e999 is out of the range of a JSON number"),
    ("[" * 5000 + "]" * 5000, "line 1, column 1: nested too deep"),
    ("1" * 4301, "line 1, column 1: Exceeds the limit (4300 digits)"),
])
def test_what_is_not_json_is_refused_before_the_wire(text, message):
    from inspector.wire.payload import PayloadError, parse_args
    with pytest.raises(PayloadError) as caught:
        parse_args(text)
    assert str(caught.value).startswith(message)
    assert parse_args("1.5e308 -0.0") == [1.5e308, -0.0]


@pytest.mark.parametrize("text, digits", [("2" + "0" * 308, 309), ("-" + "9" * 400, 400), ("9" * 4300, 4300)])
def test_an_integer_past_a_double_is_not_json_for_the_other_side(text, digits):
    with pytest.raises(PayloadError) as err:
        parse_args(f"[{text}]")
    assert f"({digits:,} digits) is out of the range of a JSON number" in err.value.message
    assert parse_args("9" * 308) == [int("9" * 308)]       # what a double holds still goes
