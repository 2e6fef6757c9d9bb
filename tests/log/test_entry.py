import json

import pytest

from inspector.log.entry import IN, SYS, Flag, Kind, LogEntry


def test_json_form_leaves_out_fields_that_do_not_apply():
    e = LogEntry(1, 1700000000.5, SYS, Kind.CONNECT, ns="/")
    assert e.to_json() == {"seq": 1, "t": 1700000000.5, "dir": "sys", "kind": "connect", "ns": "/"}


def test_round_trip_with_bytes_flags_and_detail():
    e = LogEntry(7, 1.25, IN, Kind.ACK, ns="/chat", event="echo", args=[{"b": b"\x00\xff"}, 2],
                 ack_id=3, rtt_ms=1.5, bytes=42, flags=(Flag.BINARY, Flag.LATE), detail={"for_seq": 5})
    line = e.to_jsonl()
    obj = json.loads(line)
    assert obj["args"] == [{"b": {"_bytes": "AP8="}}, 2]
    assert obj["flags"] == ["binary", "late"]
    assert LogEntry.from_jsonl(line) == e


@pytest.mark.parametrize("line, message", [
    ("not json", "not JSON"),
    ('{"seq": 1, "t": 2, "dir": "up", "kind": "event"}', "unknown dir"),
    ('{"seq": 1, "t": 2, "dir": "in", "kind": "nope"}', "unknown kind"),
    ('{"t": 2, "dir": "in", "kind": "event"}', "without 'seq'"),
    ('{"seq": 1, "t": 2, "dir": "in", "kind": "event", "args": 3}', "args must be a list"),
    ("[1]", "must be a JSON object"),
])
def test_bad_lines_are_refused_with_a_reason(line, message):
    with pytest.raises(ValueError, match=message):
        LogEntry.from_jsonl(line)


def test_a_json_line_is_json_even_with_nan_from_the_server():
    def strict(line):
        return json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in {line}"))
    e = LogEntry(7, 1.5, IN, Kind.EVENT, "/", "m", [float("nan"), {"x": [float("-inf")]}, "NaN"],
                 flags=(Flag.COMPRESSED,))
    obj = strict(e.to_jsonl())
    assert obj["args"] == ["NaN", {"x": ["-Infinity"]}, "NaN"]
    assert obj["flags"] == ["compressed", "nonfinite"]
    plain = LogEntry(8, 1.5, IN, Kind.EVENT, "/", "m", ["NaN", 1.0])
    assert "flags" not in strict(plain.to_jsonl())
