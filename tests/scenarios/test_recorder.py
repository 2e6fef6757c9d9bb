"""A session's log -> a scenario: what is kept, loosened, captured and left out, and that it replays."""
from __future__ import annotations

import contextlib

import yaml

from inspector.demo.server import DemoServer
from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.scenarios.file import loads
from inspector.scenarios.recorder import RecordingContext, context_of, record
from inspector.scenarios.runner import ScenarioRunner, StepOutcome
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.helpers import Recorder, run


def test_a_recorded_session_keeps_what_matters_leaves_secrets_out_and_replays():
    async def go():
        async with demo_session(token="s3cret-x") as (session, rec, server):
            await (await session.emit("/", "whoami", [], ack=True)).answer
            sid = (await (await session.emit("/", "whoami", [], ack=True)).answer).args[0]["sid"]
            await (await session.emit("/", "echo", [{"me": sid, "literal": "${x}"}], ack=True)).answer
            await (await session.emit("/", "burst", [{"count": 5}], ack=True)).answer
            await rec.wait_for(kind=Kind.EVENT, event="burst", count=5)
            await (await session.join_room("/", "lobby")).answer
            await (await session.emit("/", "drop", [{"after_ms": 10}], ack=True)).answer
            await rec.wait_for(kind=Kind.GAP, ns="/")
            await rec.wait_for(kind=Kind.ACK, event="join", count=2)   # joined again by itself
            await (await session.emit("/", "broadcast", [{"room": "lobby", "data": 1}], ack=True)).answer
            await rec.wait_for(kind=Kind.EVENT, event="room_message")
            recording = record(rec.entries, await context_of(session), name="probe")
            await session.disconnect()      # the replay is alone on the server, as in CI

            replay = Session()
            runner = ScenarioRunner(loads(recording.text, "rec.yaml"), replay, url=server.url,
                                    env={"SIO_AUTH_TOKEN": "s3cret-x"})
            results = await runner.run()
            await runner.close()
            return recording, results, server, sid
    recording, results, server, sid = run(go())
    text = recording.text
    assert "s3cret-x" not in text and sid not in text
    assert recording.secrets == ["SIO_AUTH_TOKEN"]
    doc = yaml.safe_load(text)
    assert doc["connection"]["auth"] == {"token": "${env:SIO_AUTH_TOKEN}"}
    assert doc["connection"]["rejoin_rooms"] is False
    steps = doc["steps"]
    assert steps[0]["expect"] == "welcome" and steps[0]["save_as"] == "welcome"
    assert steps[0]["args"][0]["sid"] == {"$type": "string"}
    whoami = [s for s in steps if s.get("emit") == "whoami"]
    assert whoami[1]["expect_ack"][0]["sid"] == "${welcome.sid}"
    assert whoami[0]["expect_ack"][0]["auth"] == {"token": "${env:SIO_AUTH_TOKEN}"}   # the server's echo
    echo = next(s for s in steps if s.get("emit") == "echo")
    assert echo["args"] == [{"me": "${welcome.sid}", "literal": "$${x}"}]
    # the server's counters (i = 0..4) are matched by type: five alike, merged by count
    assert {"expect": "burst", "args": [{"i": {"$type": "integer"}}], "count": 5, "timeout": 3.0} in steps
    kinds = [next(iter(s)) for s in steps]
    gap = kinds.index("expect_gap")
    # the server greets again (held until its CONNECT answer, as socket.io-client does),
    # then lobby is joined again
    assert kinds[gap:gap + 3] == ["expect_gap", "expect", "join"] and steps[gap + 1]["expect"] == "welcome"
    assert [r.status for r in results] == [StepOutcome.PASSED] * len(results), [r.report() for r in results]
    echoed = [a for ns, e, a in server.received if e == "echo"]
    assert echoed[-1][0]["literal"] == "${x}" and echoed[-1][0]["me"] != sid


@contextlib.asynccontextmanager
async def demo_session(token: str):
    """The demo server in process and a session connected with auth {"token": token}."""
    server = DemoServer(tick_interval=0)
    url = await server.start()
    session = Session(ConnectionOptions(url=url, auth={"token": token}, reconnection_delay=0.1,
                                        reconnection_delay_max=0.2, randomization_factor=0.0))
    rec = Recorder(session)
    try:
        await session.connect()
        yield session, rec, server
    finally:
        await session.disconnect()
        await server.stop()


def entry(seq, dir, kind, ns="/", event=None, args=None, detail=None, ack_id=None, flags=()):
    return LogEntry(seq, 1000.0 + seq, dir, kind, ns, event, args, ack_id, None, None, flags, detail)


def test_only_the_last_connection_is_recorded_greeting_included():
    entries = [
        entry(1, SYS, Kind.CONNECT, detail={"sid": "A"}),
        entry(2, IN, Kind.EVENT, event="old", args=[1]),
        entry(3, SYS, Kind.DISCONNECT, detail={"reason": "client disconnect"}),
        entry(4, IN, Kind.EVENT, event="welcome", args=[{"n": 1}]),   # before its CONNECT answer
        entry(5, SYS, Kind.CONNECT, detail={"sid": "B"}),
        entry(6, OUT, Kind.EVENT, event="ping", args=[], ack_id=0),
        entry(7, IN, Kind.ACK, event="ping", args=["pong"], ack_id=0),
        entry(8, SYS, Kind.CONNECT, ns="/late", detail={"sid": "C"}),
    ]
    ctx = RecordingContext(ConnectionOptions(url="http://h:1"), ns_auth={"/late": {"key": "k3y-value"}})
    rec = record(entries, ctx)
    doc = yaml.safe_load(rec.text)
    assert doc["namespaces"] == ["/"]
    assert doc["steps"] == [{"expect": "welcome", "args": [{"n": {"$type": "integer"}}], "timeout": 3.0},
                            # an emit that did not ask for compression says so (it is the default)
                            {"emit": "ping", "expect_ack": ["pong"], "compress": False, "timeout": 3.0},
                            {"open": "/late", "auth": {"key": "${env:SIO_LATE_AUTH_KEY}"}}]
    assert rec.secrets == ["SIO_LATE_AUTH_KEY"] and "k3y-value" not in rec.text
    assert loads(rec.text).steps[2].kind == "open"


def test_a_timed_out_ack_is_kept_and_named_and_timestamps_are_matched_by_type():
    entries = [
        entry(1, SYS, Kind.CONNECT, detail={"sid": "A"}),
        entry(2, OUT, Kind.EVENT, event="slow", args=[], ack_id=0),
        entry(3, SYS, Kind.ACK, event="slow", ack_id=0, flags=(Flag.TIMEOUT,)),
        entry(4, IN, Kind.EVENT, event="tick", args=[{"i": 3, "t": 1795661261.5, "at": "2026-11-26T02:51:11Z",
                                                     "id": "0f8fad5b-d9cb-469f-a165-70867728950e"}]),
    ]
    doc = yaml.safe_load(record(entries, RecordingContext(ConnectionOptions()), exact=True,
                                unsolicited=True).text)
    assert doc["steps"] == [
        {"name": "emit slow (its ack timed out when recorded)", "emit": "slow", "ack": True,
         "compress": False},
        {"expect": "tick", "args": [{"i": 3, "t": {"$type": "number"}, "at": {"$type": "string"},
                                     "id": {"$type": "string"}}], "timeout": 7.0}]


def test_an_expect_can_require_flags():
    replayed = entry(1, IN, Kind.EVENT, event="n", args=[1], flags=(Flag.RECOVERED,))
    assert ScenarioRunner._why_not(replayed, [1], ["recovered"]) is None
    assert ScenarioRunner._why_not(entry(2, IN, Kind.EVENT, event="n", args=[1]), [1], ["recovered"]) == \
        "without the flag(s) recovered"


def test_a_simulated_network_drop_is_recorded_as_a_drop_step_and_replays():
    async def go():
        async with demo_session(token="t") as (session, rec, server):
            await (await session.emit("/", "echo", ["before"], ack=True)).answer
            await session.drop_transport()
            await rec.wait_for(kind=Kind.GAP, ns="/")
            await (await session.emit("/", "echo", ["after"], ack=True)).answer
            recording = record(rec.entries, await context_of(session), name="drop")
            await session.disconnect()
            replay = Session()
            runner = ScenarioRunner(loads(recording.text, "drop.yaml"), replay, url=server.url,
                                    env={"SIO_AUTH_TOKEN": "t"})
            results = await runner.run()
            await runner.close()
            return recording, results
    recording, results = run(go())
    kinds = [next(iter(s)) for s in yaml.safe_load(recording.text)["steps"]]
    drop = kinds.index("drop")
    assert kinds[drop + 1] == "expect_gap" and kinds[drop - 1] == "emit"
    assert [r.status for r in results] == [StepOutcome.PASSED] * len(results), [r.report() for r in results]


def test_the_parser_is_recorded_when_it_is_not_the_default():
    entries = [entry(1, SYS, Kind.CONNECT, detail={"sid": "A"})]
    doc = yaml.safe_load(record(entries, RecordingContext(ConnectionOptions(parser="msgpack"))).text)
    assert doc["connection"]["parser"] == "msgpack"
    doc = yaml.safe_load(record(entries, RecordingContext(ConnectionOptions())).text)
    assert "parser" not in doc.get("connection", {})


def at(seq, t, dir, kind, rtt_ms=None, **kw):
    e = entry(seq, dir, kind, **kw)
    return LogEntry(e.seq, t, e.dir, e.kind, e.ns, e.event, e.args, e.ack_id, rtt_ms, None,
                    e.flags, e.detail)


def steps_of(entries, **options):
    rec = record(entries, RecordingContext(ConnectionOptions()), **options)
    return yaml.safe_load(rec.text)["steps"], rec.text


def test_periodic_and_unsolicited_events_are_left_out_unless_asked_and_the_header_says_so():
    entries = [at(1, 100.0, SYS, Kind.CONNECT, detail={"sid": "A"})]
    # a tick every 0.2 s all along, emits among them (a tick also falls right after each emit)
    entries += [at(10 + i, 100.05 + 0.2 * i, IN, Kind.EVENT, event="tick", args=[{"i": i}]) for i in range(30)]
    entries += [at(50, 101.01, OUT, Kind.EVENT, event="echo", args=["a"], ack_id=0),
                at(51, 101.02, IN, Kind.ACK, event="echo", args=["a"], ack_id=0, rtt_ms=10.0),
                at(52, 101.03, IN, Kind.EVENT, event="echoed", args=["a"]),        # caused: kept
                at(53, 104.5, IN, Kind.EVENT, event="news", args=["late"]),        # 3.5 s after: unsolicited
                at(54, 105.0, OUT, Kind.EVENT, event="slow", args=[], ack_id=1),
                at(55, 107.5, IN, Kind.EVENT, event="progress", args=[50]),       # before the slow ack: caused
                at(56, 108.0, IN, Kind.ACK, event="slow", args=["done"], ack_id=1, rtt_ms=3000.0)]
    entries.sort(key=lambda e: e.t)
    steps, text = steps_of(entries)
    assert [(next(iter(s)), s[next(iter(s))]) for s in steps] == [
        ("emit", "echo"), ("expect", "echoed"), ("emit", "slow"), ("expect", "progress")]
    assert ("# Left out, as the replay cannot count on them (save with \"Expect periodic and unsolicited "
            "events too\" to keep them): tick ×30 on / (periodic, every 0.20 s), news ×1 on / (unsolicited)"
            ) in text
    kept, text = steps_of(entries, unsolicited=True)
    assert {"expect": "tick", "args": [{"i": {"$type": "integer"}}], "count": 5, "timeout": 4.0} in kept
    assert any(s.get("expect") == "news" for s in kept) and "Left out" not in text


def test_selected_rows_are_kept_even_when_periodic():
    entries = [at(1, 100.0, SYS, Kind.CONNECT, detail={"sid": "A"})]
    entries += [at(10 + i, 100.5 + 2 * i, IN, Kind.EVENT, event="tick", args=[{"i": i}]) for i in range(5)]
    steps, _ = steps_of(entries, events="selected", selected=[12])
    # 4.5 s after the connect: 3 × 4.5 + 1, rounded up
    assert steps == [{"expect": "tick", "args": [{"i": {"$type": "integer"}}], "timeout": 15.0}]


def test_the_servers_numbers_become_types_unless_kept_exact_and_the_users_stay():
    entries = [at(1, 100.0, SYS, Kind.CONNECT, detail={"sid": "A"}),
               at(2, 100.1, OUT, Kind.EVENT, event="add", args=[{"n": 40, "ok": True}], ack_id=0),
               at(3, 100.2, IN, Kind.ACK, event="add", args=[{"n": 40, "total": 17, "avg": 2.5, "ok": True,
                                                              "seen": 1795661261}], ack_id=0, rtt_ms=1500.0)]
    steps, _ = steps_of(entries)
    assert steps == [{"emit": "add", "args": [{"n": 40, "ok": True}], "compress": False,
                      "expect_ack": [{"n": 40, "total": {"$type": "integer"}, "avg": {"$type": "number"},
                                      "ok": True, "seen": {"$type": "number"}}],
                      "timeout": 6.0}]                   # 1.5 s when recorded: 3 × 1.5 + 1, rounded up
    steps, _ = steps_of(entries, exact=True)
    assert steps[0]["expect_ack"] == [{"n": 40, "total": 17, "avg": 2.5, "ok": True, "seen": {"$type": "number"}}]
