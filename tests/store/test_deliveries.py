"""The delivery matrix written beside a JSON Lines export of a session with several clients."""
from __future__ import annotations

import json

from inspector.log.entry import LogEntry
from inspector.store.deliveries import deliveries_path, export_deliveries
from inspector.store.jsonl import export_jsonl
from inspector.store.reader import SessionStore
from inspector.store.writer import StoreWriter


def write(path, entries):
    writer = StoreWriter(path)
    for e in entries:
        writer.submit(e)
    writer.close()


def test_a_session_with_several_clients_exports_its_deliveries(tmp_path):
    write(tmp_path / "s.sqlite", [
        LogEntry(1, 1.0, "in", "event", "/", "said", ["hi"], client="alice"),
        LogEntry(2, 1.01, "in", "event", "/", "said", ["hi"], client="bob"),
        LogEntry(3, 1.02, "sys", "connect", "/", client="carol")])
    with SessionStore(tmp_path / "s.sqlite") as store:
        export_jsonl(store, tmp_path / "s.jsonl")
        assert export_deliveries(store, tmp_path / "s.jsonl") == deliveries_path(tmp_path / "s.jsonl")
    doc = json.loads(deliveries_path(tmp_path / "s.jsonl").read_text())
    assert doc["clients"] == ["alice", "bob", "carol"]
    [d] = doc["deliveries"]
    assert d["event"] == "said" and sorted(d["received"]) == ["alice", "bob"] and d["missed"] == ["carol"]


def test_one_client_writes_nothing_beside(tmp_path):
    write(tmp_path / "s.sqlite", [LogEntry(1, 1.0, "in", "event", "/", "said", ["hi"])])
    with SessionStore(tmp_path / "s.sqlite") as store:
        assert export_deliveries(store, tmp_path / "s.jsonl") is None
    assert not deliveries_path(tmp_path / "s.jsonl").exists()
