"""An entry is read by four threads (network, row preparation, store, GUI): once handed to
the subscribers, nothing in the session may change it, down to its args and detail."""
from __future__ import annotations

import dataclasses

import pytest

from inspector.demo.server import DemoServer
from inspector.log.entry import LogEntry
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.helpers import Recorder, run


def test_an_entry_cannot_be_changed_only_replaced():
    e = LogEntry(1, 1.0, "in", "event", "/", "chat", ["hi"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.flags = ("late",)
    later = dataclasses.replace(e, flags=("late",))
    assert (e.flags, later.flags, later.args) == ((), ("late",), ["hi"])


def test_no_entry_changes_after_the_subscribers_had_it():
    async def scenario():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        session = Session(ConnectionOptions(url=url, reconnection_delay=0.1, reconnection_delay_max=0.3,
                                            randomization_factor=0.0))
        as_handed: dict[int, str] = {}
        session.subscribe(lambda e: as_handed.setdefault(e.seq, e.to_jsonl()))
        rec = Recorder(session)
        try:
            session.set_raw_capture(True)
            await session.connect(namespaces=["/", "/chat"])
            await (await session.join_room("/chat", "lobby")).answer
            await (await session.emit("/", "echo", ["ping", {"n": 1}], ack=True)).answer
            await (await session.emit("/", "binary", [8], ack=True)).answer
            await session.emit("/", "ask", [])
            await rec.wait_for(kind="event", event="answer_received")
            late = await session.emit("/", "slow_echo", [{"delay": 0.3, "data": 1}], ack=True, timeout=0.05)
            await rec.wait_for(kind="ack", flag="late")
            assert late.ack_id is not None
            await session.drop_transport()
            await rec.wait_for(2, kind="gap")
            await (await session.emit("/chat", "echo", ["back"], ack=True)).answer
        finally:
            await session.disconnect()
            await server.stop()
        kinds = {e.kind for e in rec.entries}
        assert {"connect", "event", "ack", "packet", "disconnect", "gap", "reconnect"} <= kinds
        now = {e.seq: e.to_jsonl() for e in rec.entries}
        assert [seq for seq, line in as_handed.items() if now[seq] != line] == []
        assert len(as_handed) == len(rec.entries)
    run(scenario())
