"""SessionBridge.run hands a call's end back to the GUI thread, always later, never inside run():
the caller keeps the future run() returns (the Scenario dock's `running` is that future), so an
end delivered before run() returned would leave the dock running for ever."""
from __future__ import annotations

import threading

import pytest

from inspector.session.session import Session
from inspector.ui.bridge import NetworkThread, SessionBridge


@pytest.fixture
def network():
    network = NetworkThread().start()
    yield network
    network.stop()


def test_a_call_that_ended_before_run_returned_is_still_delivered_later(qtbot, network, monkeypatch):
    real_submit = network.submit

    def submit_and_let_it_end(coro):
        future = real_submit(coro)
        future.result(5)          # a quick step on a busy machine: over before run() goes on
        return future
    monkeypatch.setattr(network, "submit", submit_and_let_it_end)
    bridge = SessionBridge(Session(), network)
    try:
        calls: list = []

        async def quick():
            return 42
        future = bridge.run(quick(), lambda result, error: calls.append((result, error, threading.current_thread())))
        assert future.done() and calls == []        # not delivered inside run()
        qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
        assert calls == [(42, None, threading.main_thread())]
    finally:
        bridge.close()
