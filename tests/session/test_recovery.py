"""Reconnect gaps: connection state recovery against the official Node.js socket.io
server, and sequence-gap detection and room re-joining against the bundled python one."""
from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from inspector.log.entry import IN, OUT, Flag, Kind
from inspector.session.sequence_gaps import SequenceRule
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions, Transport
from tests.conftest import NODE_DIR
from tests.helpers import Recorder, demo_session, run, until


def node_session(server, **options) -> tuple[Session, Recorder]:
    opts = dict(url=server.url, transport=Transport.WEBSOCKET, reconnection_delay=0.2,
                reconnection_delay_max=0.5, randomization_factor=0.0)
    opts.update(options)
    session = Session(ConnectionOptions(**opts))
    return session, Recorder(session)


async def drop_with_events(session, rec, count):
    joined = await session.join_room("/", "numbers")
    await joined.answer
    await session.emit("/", "drop_and_emit", [{"room": "numbers", "count": count}])
    [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/")
    [gap] = await rec.wait_for(kind=Kind.GAP, ns="/", timeout=15)
    return down, gap


async def room_marker(session, rec):
    """Once the room is joined again, a broadcast to it: it arrives after anything the server
    sent the room before, so events missed in the gap that were going to come have come."""
    await rec.wait_for(2, kind="ack", dir="in", event="join")
    sent = await session.emit("/", "broadcast", [{"room": "numbers", "event": "marker"}], ack=True)
    await sent.answer
    await rec.wait_for(kind="event", dir="in", event="marker")


@pytest.mark.node
def test_recovery_replays_every_missed_event_marked_recovered(node_server):
    server = node_server("--recovery")

    async def scenario():
        session, rec = node_session(server)
        await session.connect()
        down, gap = await drop_with_events(session, rec, 5)
        numbers = await rec.wait_for(5, kind=Kind.EVENT, event="number")
        assert [e.args for e in numbers] == [[{"seq": n}] for n in range(1, 6)]
        assert all(Flag.RECOVERED in e.flags for e in numbers)
        assert all(isinstance(e.detail["offset"], str) for e in numbers)   # stripped, kept
        [_, reconnect] = rec.find(kind=Kind.CONNECT, ns="/")
        assert reconnect.detail["recovered"] is True
        assert gap.detail["recovered"] is True and gap.detail["recovered_events"] == 5
        assert reconnect.seq < gap.seq < numbers[0].seq
        assert "/ back after" in session.status and "recovered (5 missed events replayed)" in session.status
        # recovered: the server restored the room, so nothing is joined again
        assert len(rec.find(kind=Kind.EVENT, dir=OUT, event="join")) == 1
        await session.disconnect()
        return [[e.event, e.args] for e in rec.find(kind=Kind.EVENT, dir=IN) if e.event == "number"]

    ours = run(scenario())
    # the official JS client, through the same drop on the same server
    js = subprocess.run(["node", "js_client.js", server.url, "numbers", "5"], cwd=NODE_DIR,
                        capture_output=True, text=True, timeout=60)
    assert js.returncode == 0, js.stderr
    theirs = json.loads(js.stdout)
    assert theirs["recovered"] is True
    assert ours == [e for e in theirs["events"] if e[0] == "number"]


@pytest.mark.node
def test_with_recovery_off_the_gap_events_are_missed_and_rooms_rejoined(node_server):
    server = node_server("--recovery")

    async def scenario():
        session, rec = node_session(server, recovery=False)
        await session.connect()
        down, gap = await drop_with_events(session, rec, 5)
        assert gap.detail["recovered"] is False
        assert gap.detail["why_not_recovered"] == "recovery is turned off"
        [_, reconnect] = rec.find(kind=Kind.CONNECT, ns="/")
        assert reconnect.detail["recovered"] is False
        joins = await rec.wait_for(2, kind=Kind.EVENT, dir=OUT, event="join")
        assert joins[1].args == ["numbers"] and joins[1].seq > gap.seq
        await room_marker(session, rec)
        assert rec.find(kind="event", event="number") == []
        await session.disconnect()
    run(scenario())


@pytest.mark.node
def test_offset_argument_is_stripped_from_every_event(node_server):
    server = node_server("--recovery")

    async def scenario():
        session, rec = node_session(server)
        await session.connect()
        [welcome] = await rec.wait_for(kind=Kind.EVENT, event="welcome")
        assert len(welcome.args) == 1 and isinstance(welcome.args[0], dict)
        assert isinstance(welcome.detail["offset"], str)
        r = await session.emit("/", "echo", ["x"], ack=True)   # acks carry no offset
        assert (await r.answer).args == ["x"]
        await session.disconnect()
    run(scenario())


@pytest.mark.node
def test_an_expired_server_session_is_not_recovered_and_says_why(node_server):
    server = node_server("--recovery", "--max-disconnection", "200")

    async def scenario():
        session, rec = node_session(server, reconnection_delay=1.2, reconnection_delay_max=1.2)
        await session.connect()
        down, gap = await drop_with_events(session, rec, 3)
        assert gap.detail["recovered"] is False
        assert gap.detail["why_not_recovered"] == "the server no longer had the session (expired or restarted)"
        assert session.status.endswith("not recovered: the server no longer had the session (expired or restarted)")
        await rec.wait_for(2, kind="event", dir="out", event="join")        # the room joined again
        await room_marker(session, rec)
        assert rec.find(kind="event", event="number") == []
        await session.disconnect()
    run(scenario())


@pytest.mark.node
def test_ping_timeout_is_named_as_such(node_server):
    server = node_server("--ping-interval", "300", "--ping-timeout", "300")

    async def scenario():
        session, rec = node_session(server, reconnection_delay=0.3)
        await session.connect()
        os.kill(server.proc.pid, signal.SIGSTOP)       # the server stops answering
        try:
            [down] = await rec.wait_for(kind=Kind.DISCONNECT, ns="/", timeout=10)
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        assert down.detail["reason"] == "ping timeout"
        [gap] = await rec.wait_for(kind=Kind.GAP, ns="/", timeout=20)
        assert gap.detail["reason"] == "ping timeout"
        await session.disconnect()
    run(scenario())


def test_sequence_checks_name_the_exact_missing_numbers():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.set_sequence_rules([SequenceRule("number", "seq")])
            await (await session.join_room("/", "numbers")).answer
            await session.emit("/", "emit_numbers", [{"start": 1, "count": 3, "interval": 0.01}])
            await rec.wait_for(3, kind=Kind.EVENT, event="number")
            await session.emit("/", "emit_numbers", [{"start": 7, "count": 2, "interval": 0.01}])
            await rec.wait_for(5, kind=Kind.EVENT, event="number")
            [gap] = rec.find(kind=Kind.GAP)
            assert gap.ns == "/" and gap.event == "number"
            assert gap.detail["missing"] == [4, 5, 6] and gap.detail["missing_count"] == 3
            assert (gap.detail["after"], gap.detail["before"]) == (3, 7)
            assert gap.detail["field"] == "seq"
    run(scenario())


def test_numbers_missed_during_a_drop_are_reported_exactly_and_rooms_rejoined():
    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.set_sequence_rules([SequenceRule("number", "seq", ns="/")])
            await (await session.join_room("/", "numbers")).answer
            await session.emit("/", "emit_numbers", [{"start": 1, "count": 150, "interval": 0.01}])
            await rec.wait_for(10, kind=Kind.EVENT, event="number")
            await session.drop_transport()
            [conn_gap] = await rec.wait_for(kind=Kind.GAP, where=lambda e: "duration_s" in e.detail)
            joins = await rec.wait_for(2, kind=Kind.EVENT, dir=OUT, event="join")
            assert joins[1].args == ["numbers"] and joins[1].seq > conn_gap.seq
            await until(lambda: any(e.args[0]["seq"] == 150 for e in rec.find(kind=Kind.EVENT, event="number")),
                        timeout=15, what="the last number")
            got = [e.args[0]["seq"] for e in rec.find(kind=Kind.EVENT, event="number")]
            missed = sorted(set(range(1, 151)) - set(got))
            assert missed, "the drop should have lost some numbers"
            seq_gaps = [e for e in rec.find(kind=Kind.GAP) if e.detail.get("check") == "sequence"]
            reported = [n for g in seq_gaps for n in g.detail["missing"]]
            assert reported == missed
    run(scenario())
