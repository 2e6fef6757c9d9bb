"""The timeline's data: built from real sessions' entries."""
from inspector.log.entry import IN, SYS, Flag, Kind, LogEntry
from inspector.log.timeline import CLOSED, DOWN, REFUSED, UP, Timeline
from inspector.session.sequence_gaps import SequenceRule
from tests.helpers import demo_session, run


def test_periods_attempts_and_counts_from_a_real_drop():
    async def scenario():
        async with demo_session(namespaces=["/", "/chat"]) as (session, rec, server, _):
            session.set_sequence_rules([SequenceRule("number", "seq")])
            await (await session.join_room("/", "numbers")).answer
            await session.emit("/", "emit_numbers", [{"start": 1, "count": 2, "interval": 0.01}])
            await rec.wait_for(2, kind=Kind.EVENT, event="number")
            await session.drop_transport()
            await rec.wait_for(2, kind=Kind.GAP, where=lambda e: "duration_s" in e.detail)
            await session.emit("/", "emit_numbers", [{"start": 6, "count": 1, "interval": 0.01}])
            await rec.wait_for(3, kind=Kind.EVENT, event="number")
            await session.close_namespace("/chat")
            return list(rec.entries)

    entries = run(scenario())
    tl = Timeline()
    assert tl.add(entries)
    assert tl.namespaces() == ["/", "/chat"]
    root = tl.periods["/"]
    assert [p.state for p in root] == [UP, DOWN, UP]
    down = root[1]
    assert down.reason == "transport close"
    assert down.duration > 0 and len(down.attempts) == 1 and down.attempts[0]["error"] is None
    assert down.missed == 3                       # 3, 4, 5 never came
    assert [m.count for m in tl.markers] == [3]
    first, last = down.seq_range()
    by_seq = {e.seq: e for e in entries}
    assert by_seq[first].kind == Kind.DISCONNECT and by_seq[last].kind == Kind.GAP
    assert [p.state for p in tl.periods["/chat"]] == [UP, DOWN, UP, CLOSED]
    assert "transport close" in down.describe() and "3 numbered events known missed" in down.describe()
    assert tl.at("/", down.start + 0.0001) is down


def test_failed_attempts_refusals_and_recovery_counts():
    def e(seq, kind, **kw):
        return LogEntry(seq, float(seq), kw.pop("dir", SYS), kind, **kw)
    tl = Timeline()
    tl.add([
        e(1, Kind.CONNECT, ns="/"),
        e(2, Kind.CONNECT_ERROR, ns="/admin", detail={"message": "unauthorized"}),
        e(3, Kind.DISCONNECT, ns="/", detail={"reason": "ping timeout"}),
        e(4, Kind.RECONNECT_ATTEMPT, detail={"attempt": 1, "error": "cannot connect"}),
        e(5, Kind.RECONNECT, detail={"attempt": 2}),
        e(6, Kind.CONNECT, ns="/", detail={"recovered": True}),
        e(7, Kind.GAP, ns="/", detail={"duration_s": 3.0, "reason": "ping timeout", "recovered": True,
                                    "recovered_events": 2}),
        e(8, Kind.EVENT, ns="/", dir=IN, event="x", flags=(Flag.RECOVERED,)),
        e(9, Kind.EVENT, ns="/", dir=IN, event="x", flags=(Flag.RECOVERED,)),
        e(10, Kind.EVENT, ns="/", dir=IN, event="live"),
    ])
    assert tl.periods["/admin"][0].state == REFUSED
    down = tl.periods["/"][1]
    assert [a["error"] for a in down.attempts] == ["cannot connect", None]
    assert down.recovered is True and down.recovered_events == 2
    assert down.seq_range() == (3, 9)
    assert "recovered: the server replayed 2 events" in down.describe()
    assert "1 failed (last: cannot connect)" in down.describe()


def test_a_strip_per_client_and_namespace_and_a_reconnect_is_its_own_clients():
    """Several clients of a workspace: bob's drop and reconnect attempts are on bob's strip,
    alice's strip stays up; a lone client's entries (client None) keep the bare names."""
    def e(seq, kind, client, ns=None, **detail):
        return LogEntry(seq, float(seq), SYS, kind, ns=ns, detail=detail or None, client=client)

    tl = Timeline()
    tl.add([e(1, Kind.CONNECT, "alice", "/"), e(2, Kind.CONNECT, "bob", "/"),
            e(3, Kind.CONNECT, "bob", "/chat"),
            e(4, Kind.DISCONNECT, "bob", "/", reason="transport close"),
            e(5, Kind.DISCONNECT, "bob", "/chat", reason="transport close"),
            e(6, Kind.RECONNECT_ATTEMPT, "bob", attempt=1, error="refused"),
            e(7, Kind.CONNECT, "bob", "/")])
    assert tl.namespaces() == ["alice /", "bob /", "bob /chat"]
    assert [p.state for p in tl.periods["alice /"]] == [UP]
    assert [p.state for p in tl.periods["bob /"]] == [UP, DOWN, UP]
    assert tl.periods["bob /"][1].attempts == [{"n": 1, "t": 6.0, "error": "refused"}]
    assert tl.periods["bob /chat"][-1].attempts[0]["error"] == "refused"
    assert tl.periods["alice /"][0].attempts == []
    assert "bob / down (transport close)" in tl.periods["bob /"][1].describe()

    lone = Timeline()
    lone.add([e(1, Kind.CONNECT, None, "/")])
    assert lone.namespaces() == ["/"]

    late = Timeline()          # alice opens /chat after bob connected: her strips stay together
    late.add([e(1, Kind.CONNECT, "alice", "/"), e(2, Kind.CONNECT, "bob", "/"), e(3, Kind.CONNECT, "alice", "/chat")])
    assert late.namespaces() == ["alice /", "alice /chat", "bob /"]

    first = Timeline()         # alone, alice's entries name no client; then bob is added
    first.add([e(1, Kind.CONNECT, None, "/")])
    first.name_first("alice")
    first.add([e(2, Kind.CONNECT, "bob", "/"), e(3, Kind.DISCONNECT, None, "/", reason="transport close"),
               e(4, Kind.CONNECT, "alice", "/chat")])
    assert first.namespaces() == ["alice /", "alice /chat", "bob /"]
    assert [p.state for p in first.periods["alice /"]] == [UP, DOWN]
    assert first.periods["alice /"][0].describe().startswith("alice / connected")
