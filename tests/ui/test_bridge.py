"""The bridge's hand-off from the capture's deliveries to the window: the entries in order,
and a state never shown before the entries logged before it (nor lost).  The deliveries
are fed here as the capture client hands them over (capture/client.py's on_entries and
on_state, on the window's loop); tests/capture covers what crosses the socket."""
from __future__ import annotations

import asyncio
import re
import time

from inspector.log.entry import SYS, Kind, LogEntry
from inspector.session.state import SessionState
from inspector.ui.bridge import NetworkThread, SessionBridge, start_capture


def test_a_state_is_shown_after_the_entries_logged_before_it_and_the_last_one_is_shown(qtbot):
    client = start_capture()
    bridge = SessionBridge(client)
    shown = {"seq": 0}
    states: list[int] = []
    early: list[tuple[int, int]] = []
    gaps: list[tuple[int, int]] = []

    def on_entries(chunk) -> None:
        if chunk.seq[0] != shown["seq"] + 1:
            gaps.append((shown["seq"], chunk.seq[0]))
        shown["seq"] = chunk.seq[-1]

    def on_state(st) -> None:
        m = re.fullmatch(r"Reconnect attempt (\d+) failed: refused", st.status)
        if m:        # delivered right after the entry of attempt n, which is entry n
            n = int(m.group(1))
            states.append(n)
            if shown["seq"] < n:
                early.append((n, shown["seq"]))
    bridge.entriesReady.connect(on_entries)
    bridge.stateChanged.connect(on_state)
    attempts = 30_000
    qtbot.waitUntil(lambda: bridge.state is not None)     # the capture's own first state is in
    try:
        deadline = time.monotonic() + 60
        for n in range(1, attempts + 1):     # as the client hands them over: a batch, a state
            client.on_entries([LogEntry(n, time.time(), SYS, Kind.RECONNECT_ATTEMPT)])
            client.on_state(SessionState(status=f"Reconnect attempt {n} failed: refused"), n)
            if n % 50 == 0:
                bridge.flush()               # the GUI's side, in between
        assert time.monotonic() < deadline
        qtbot.waitUntil(lambda: bool(states) and states[-1] == attempts, timeout=30_000)
    finally:
        assert bridge.close() == 0
    assert not early, f"states shown before their entries (attempt, last entry shown): {early[:5]}"
    assert not gaps and shown["seq"] == attempts
    assert states == sorted(set(states))             # in order, each at most once


def test_run_hands_the_outcome_to_the_gui_thread_and_settle_says_what_went_wrong(qtbot):
    network = NetworkThread().start()
    bridge = SessionBridge(start_capture())
    outcomes = []

    async def fails():
        raise KeyError("nope")

    async def hangs():
        await asyncio.Event().wait()         # until cancelled

    async def works():
        return 42
    try:
        bridge.run(bridge.client.call("ping"), lambda result, error: outcomes.append((result, error)))
        qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=5000)
        bridge.run(bridge.client.call("no_such_command"), lambda result, error: outcomes.append((result, error)))
        qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
        assert outcomes[0] == ("pong", None)
        assert outcomes[1][0] is None and "no command named 'no_such_command'" in str(outcomes[1][1])
        assert network.settle(works(), 5) is None
        assert isinstance(network.settle(fails(), 5), KeyError)
        assert isinstance(network.settle(hangs(), 0.2), TimeoutError)
    finally:
        assert bridge.close() == 0
        network.stop()
