"""The official Node server killed (SIGKILL) mid-burst and a new one started on the same port,
KILLS times in one run: the headless client reconnects by itself each time, every event it
logged is there once and in order, each loss is a disconnect row with its reason, and the
status line says "Connected" again within a bound.  Nothing hangs: every wait is bounded."""
from __future__ import annotations

import asyncio
import os
import time

import pytest

from inspector.log.entry import IN, Kind
from inspector.session.session import Session
from inspector.session.state import ConnectionState
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import Recorder, run, until

KILLS = int(os.environ.get("SERVER_KILLS", "10"))
BURST = 200_000              # a flood: more than the loopback's socket buffers hold
COUNT = 30_000               # a stream of one event a millisecond: 30 s, far past the kill
BEFORE_KILL = 500            # events the client has logged when the server is killed
BACK_WITHIN_S = 10.0         # from the new server's READY to "Connected" on the status line


# Two ways of bursting: `burst` emits BURST events at once (a flood, cut mid-way over websocket:
# the loopback's socket buffers hold a few MB); `emit_numbers` streams one event a millisecond
# to the room "numbers", which the client joins again by itself after each restart (the new
# server never saw it).  Over polling a flood reaches the client whole in one response before a
# kill could land, so polling is tested with the stream.  A flood is slow to take in (up to
# 150,000 events a kill here, 12-34 s for five kills), so it is killed three times.
FLOOD = lambda event: ("burst", {"count": BURST, "event": event})            # noqa: E731
STREAM = lambda event: ("emit_numbers", {"count": COUNT, "event": event, "interval_ms": 1})  # noqa: E731
WAYS = [pytest.param(Transport.WEBSOCKET, FLOOD, max(1, KILLS // 3), id="websocket-flood"),
        pytest.param(Transport.WEBSOCKET, STREAM, KILLS, id="websocket-stream"),
        pytest.param(Transport.POLLING, STREAM, KILLS, id="polling-stream")]


def number_of(entry) -> int:
    """0, 1, 2 ... in the order the server sent them (`burst` counts from 0, `emit_numbers` from 1)."""
    arg = entry.args[0]
    return arg["i"] if "i" in arg else arg["seq"] - 1


@pytest.mark.parametrize(("transport", "ask", "kills"), WAYS)
def test_the_server_killed_mid_burst_and_restarted_on_its_port(node_server, transport, ask, kills):
    first = node_server()
    port = first.port
    servers = [first]
    figures: list[tuple[int, float]] = []        # per kill: events logged, seconds back

    async def scenario():
        session = Session(ConnectionOptions(
            url=first.url, transport=transport, reconnection_delay=0.05,
            reconnection_delay_max=0.2, randomization_factor=0, connect_timeout=2))
        rec = Recorder(session)
        await session.connect()
        if ask is STREAM:
            await (await session.join_room("/", "numbers")).answer
        try:
            for kill in range(1, kills + 1):
                event = f"burst{kill}"
                name, spec = ask(event)
                await session.emit("/", name, [spec])
                await rec.wait_for(BEFORE_KILL, kind=Kind.EVENT, dir=IN, event=event, timeout=30)
                servers[-1].proc.kill()                       # SIGKILL: no close frame, no goodbye
                servers[-1].proc.wait(10)
                downs = await rec.wait_for(kill, kind=Kind.DISCONNECT, ns="/", timeout=15)
                assert downs[-1].detail["reason"] in ("transport close", "transport error"), downs[-1]
                await until(lambda: session.state == ConnectionState.RECONNECTING, 5,
                            "the status to say reconnecting")
                assert "reconnecting" in session.status.lower(), session.status
                servers.append(node_server("--port", str(port)))   # on the port the client knows
                started = time.monotonic()
                await rec.wait_for(kill, kind=Kind.RECONNECT, timeout=BACK_WITHIN_S)
                await until(lambda: session.state == ConnectionState.CONNECTED
                            and session.status.startswith("Connected to "), BACK_WITHIN_S,
                            "the status to say connected")
                logged = len(rec.find(kind=Kind.EVENT, dir=IN, event=event))
                assert logged < spec["count"], "the kill came after the burst, not in it"
                figures.append((logged, time.monotonic() - started))
                # the new server answers: the connection is real, not a status line
                answer = await (await session.emit("/", "echo", [kill], ack=True, timeout=10)).answer
                assert answer.args == [kill]
        finally:
            await asyncio.wait_for(session.disconnect(), 5)
        assert session.state == ConnectionState.DISCONNECTED
        # every event logged is there once, in order: each burst a prefix 0..n-1 of what was
        # sent, the bursts one after the other
        events = [e for e in rec.entries if e.kind == Kind.EVENT and e.dir == IN
                  and e.event.startswith("burst")]
        seen_bursts = []
        for e in events:
            if not seen_bursts or seen_bursts[-1] != e.event:
                seen_bursts.append(e.event)
        assert seen_bursts == [f"burst{k}" for k in range(1, kills + 1)]
        for k in range(1, kills + 1):
            got = [number_of(e) for e in events if e.event == f"burst{k}"]
            assert got == list(range(len(got))), f"burst {k}: duplicated, lost or out of order"
        assert [e.seq for e in rec.entries] == list(range(1, len(rec.entries) + 1))
        assert len(rec.find(kind=Kind.RECONNECT)) == kills
        echoes = rec.find(kind=Kind.ACK, dir=IN, event="echo")
        assert [e.args for e in echoes] == [[k] for k in range(1, kills + 1)]   # each answered once

    run(scenario(), timeout=120)
    print(f"{transport} {ask(0)[0]}: {len(figures)}/{kills} kills survived; events logged per burst "
          f"{[n for n, _ in figures]}; back after {[round(s, 2) for _, s in figures]} s")
