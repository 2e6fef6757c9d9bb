"""The bridge's hand-off from the network thread to the window: the entries in order, and
a state never shown before the entries logged before it (nor lost)."""
from __future__ import annotations

import asyncio
import re
import sys
import time

from inspector.session.session import Session
from inspector.ui.bridge import NetworkThread, SessionBridge


def test_a_state_is_shown_after_the_entries_logged_before_it_and_the_last_one_is_shown(qtbot):
    network = NetworkThread().start()
    session = Session()
    bridge = SessionBridge(session, network)
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
        if m:        # published right after the entry of attempt n, which is entry n
            n = int(m.group(1))
            states.append(n)
            if shown["seq"] < n:
                early.append((n, shown["seq"]))
    bridge.entriesReady.connect(on_entries)
    bridge.stateChanged.connect(on_state)
    attempts = 30_000

    async def storm() -> None:
        for n in range(1, attempts + 1):
            session.reconnect_error(n, "refused")      # one entry, then one state
            if n % 50 == 0:
                await asyncio.sleep(0)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)      # threads switch every few bytecodes: a torn hand-off shows
    try:
        running = network.submit(storm())
        deadline = time.monotonic() + 60
        while not running.done() and time.monotonic() < deadline:
            bridge.flush()           # the GUI's side, as often as it can be
        running.result(0)
        qtbot.waitUntil(lambda: bool(states) and states[-1] == attempts, timeout=30_000)
    finally:
        sys.setswitchinterval(interval)
        bridge.close()
        network.stop()
    assert not early, f"states shown before their entries (attempt, last entry shown): {early[:5]}"
    assert not gaps and shown["seq"] == attempts
    assert states == sorted(set(states))             # in order, each at most once


def test_run_hands_the_outcome_to_the_gui_thread_and_settle_says_what_went_wrong(qtbot):
    network = NetworkThread().start()
    bridge = SessionBridge(Session(), network)
    outcomes = []

    async def fails():
        raise KeyError("nope")

    async def hangs():
        await asyncio.Event().wait()         # until cancelled

    async def works():
        return 42
    try:
        bridge.run(works(), lambda result, error: outcomes.append((result, error)))
        bridge.run(fails(), lambda result, error: outcomes.append((result, error)))
        qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
        assert outcomes[0] == (42, None)
        assert outcomes[1][0] is None and isinstance(outcomes[1][1], KeyError)
        assert network.settle(works(), 5) is None
        assert isinstance(network.settle(fails(), 5), KeyError)
        assert isinstance(network.settle(hangs(), 0.2), TimeoutError)
    finally:
        bridge.close()
        network.stop()
