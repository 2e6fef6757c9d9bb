"""A lone surrogate ("\\ud800" in a JSON string: JSON and Python take it, UTF-8 has not), from the
server or typed in the composer.  Found by the window fuzz (tests/faults/test_window_fuzz.py):
the session file's writer thread died on it (UnicodeEncodeError: nothing after it was recorded)
and `emit`/`listen` stopped printing with exit 0 (the printer took the encoding error for a
closed pipe).  Now: JSON lines and JSON columns hold its escape, as JavaScript's JSON.stringify
writes it, and read back the same; a plain column (ns, event) holds U+FFFD."""
from __future__ import annotations

import json
import subprocess
import sys

from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.session.session import Session
from inspector.store.jsonl import export_jsonl
from inspector.store.reader import SessionStore
from inspector.store.writer import StoreWriter
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import Recorder, run

LONE = ["a\ud800b", {"k\udc00": "\udfff"}, "🙂"]


def test_a_lone_surrogate_is_stored_printed_and_exported_as_its_escape(shared_demo_server, tmp_path):
    path = tmp_path / "lone.sqlite"
    printed: list[str] = []

    async def main():
        session = Session(ConnectionOptions(url=shared_demo_server.url, transport=Transport.WEBSOCKET))
        rec = Recorder(session)
        writer = StoreWriter(path)
        writer.attach(session)
        session.subscribe(lambda e: printed.append(e.to_jsonl()))
        await session.connect()
        answer = await (await session.emit("/", "echo", LONE, ack=True)).answer
        assert answer.args == LONE                       # the server sent it back as it went
        await session.emit("/", "echo", ["after"], ack=True)
        await rec.wait_for(2, kind=Kind.ACK, dir=IN)
        await session.disconnect()
        assert writer.flush(10)
        writer.close()
        return rec.entries

    entries = run(main())
    sent = next(e for e in entries if e.dir == OUT and e.kind == Kind.EVENT)
    for line in printed:
        line.encode("utf-8")                             # strict: a file or pipe takes it
        assert LogEntry.from_jsonl(line) == next(e for e in entries if e.seq == json.loads(line)["seq"])
    assert '"a\\ud800b"' in printed[sent.seq - 1]
    with SessionStore(path) as store:                     # every entry, the ones after it too
        assert store.entries() == entries
        assert export_jsonl(store, tmp_path / "lone.jsonl") == len(entries)
    lines = (tmp_path / "lone.jsonl").read_text(encoding="utf-8").splitlines()
    assert [LogEntry.from_jsonl(x) for x in lines] == entries


def test_a_lone_surrogate_in_an_event_name_is_stored_as_the_replacement_character(tmp_path):
    path = tmp_path / "name.sqlite"
    writer = StoreWriter(path)
    entry = LogEntry(seq=1, t=1.0, dir=IN, kind=Kind.EVENT, ns="/", event="e\ud800", args=["\ud800"])
    writer.submit(entry)
    assert writer.flush(10)
    writer.close()
    with SessionStore(path) as store:
        [again] = store.entries()
    assert again.event == "e\ufffd" and again.args == ["\ud800"]


def test_emit_prints_a_lone_surrogate_as_its_escape_and_the_lines_go_on(shared_demo_server):
    done = subprocess.run([sys.executable, "-m", "inspector", "emit", shared_demo_server.url, "echo",
                           '"\\ud800"', "--ack"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert [json.loads(x)["kind"] for x in lines] == ["event", "ack"]
    assert all(json.loads(x)["args"] == ["\ud800"] for x in lines)
