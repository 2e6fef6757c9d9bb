"""SessionBridge.run hands a call's end back to the GUI thread, always later, never inside run():
the caller keeps the future run() returns (the Scenario dock's `running` is that future), so an
end delivered before run() returned would leave the dock running for ever."""
from __future__ import annotations

import threading

from inspector.ui.bridge import SessionBridge, start_capture


def test_a_call_that_ended_before_run_returned_is_still_delivered_later(qtbot):
    bridge = SessionBridge(start_capture())
    try:
        calls: list = []

        async def quick():
            return 42
        future = bridge.run(quick(), lambda result, error: calls.append((result, error, threading.current_thread())))
        assert calls == []        # not delivered inside run()
        qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
        assert future.done() and calls == [(42, None, threading.main_thread())]
    finally:
        assert bridge.close() == 0
