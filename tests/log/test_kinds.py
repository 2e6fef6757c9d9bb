"""The schema's words are enums, and the strings on disk stay what they were."""
import json

from inspector.log.chunk import chunk_from_entries
from inspector.log.entry import DIRECTIONS, FLAGS, IN, KINDS, OUT, SYS, Direction, Flag, Kind, LogEntry
from inspector.log.table import LogTable

# lines as the inspector wrote them before the enums existed (JSON Lines export, `listen`)
OLD_LINES = [
    '{"seq":1,"t":1700000000.125,"dir":"sys","kind":"connect","ns":"/","detail":{"sid":"abc","transport":"websocket"}}',
    '{"seq":2,"t":1700000000.5,"dir":"out","kind":"event","ns":"/chat","event":"echo","args":["ping"],"ack_id":0,'
    '"bytes":30,"flags":["compressed","volatile"]}',
    '{"seq":3,"t":1700000000.75,"dir":"in","kind":"ack","ns":"/chat","event":"echo","args":["ping"],"ack_id":0,'
    '"rtt_ms":2.25,"bytes":20,"flags":["late"],"detail":{"for_seq":2}}',
    '{"seq":4,"t":1700000001.0,"dir":"sys","kind":"gap","ns":"/","detail":{"duration_s":1.5,"recovered":true}}',
    '{"seq":5,"t":1700000001.5,"dir":"in","kind":"event","ns":"/","event":"n","args":[1],"flags":["recovered"]}',
]

NEW_ENTRIES = [
    LogEntry(1, 1700000000.125, SYS, Kind.CONNECT, "/", detail={"sid": "abc", "transport": "websocket"}),
    LogEntry(2, 1700000000.5, OUT, Kind.EVENT, "/chat", "echo", ["ping"], ack_id=0, bytes=30,
             flags=(Flag.COMPRESSED, Flag.VOLATILE)),
    LogEntry(3, 1700000000.75, IN, Kind.ACK, "/chat", "echo", ["ping"], ack_id=0, rtt_ms=2.25, bytes=20,
             flags=(Flag.LATE,), detail={"for_seq": 2}),
    LogEntry(4, 1700000001.0, SYS, Kind.GAP, "/", detail={"duration_s": 1.5, "recovered": True}),
    LogEntry(5, 1700000001.5, IN, Kind.EVENT, "/", "n", [1], flags=(Flag.RECOVERED,)),
]


def test_an_old_line_reads_back_equal_to_the_entry_made_with_the_enums():
    assert [LogEntry.from_jsonl(line) for line in OLD_LINES] == NEW_ENTRIES


def test_the_enums_write_the_same_bytes_as_before():
    assert [e.to_jsonl() for e in NEW_ENTRIES] == OLD_LINES
    # and as plain strings: nothing downstream sees an enum's repr
    obj = json.loads(NEW_ENTRIES[1].to_jsonl())
    assert type(obj["dir"]) is str and obj["flags"] == ["compressed", "volatile"]
    assert f"{Kind.CONNECT_ERROR} {Direction.SYS}" == "connect_error sys"


def test_the_table_gives_back_what_it_was_given():
    cols = LogTable()
    cols.append(chunk_from_entries([LogEntry.from_jsonl(line) for line in OLD_LINES]))
    assert [cols.entry(r) for r in range(len(cols))] == NEW_ENTRIES


def test_the_code_order_of_the_table_is_kept():
    # log.table stores each as its index in these tuples: new words go at the end
    assert DIRECTIONS == ("in", "out", "sys")
    assert KINDS == ("event", "ack", "connect", "disconnect", "connect_error", "reconnect_attempt",
                     "reconnect", "gap", "dropped", "error", "packet", "server")
    assert FLAGS == ("compressed", "volatile", "binary", "buffered", "recovered", "late", "timeout",
                     "nonfinite")
    assert all(isinstance(k, Kind) for k in KINDS)
