"""The test driver (inspector.testing) says what it waited for when a wait runs out: pytest-qt's
waitUntil raises its own TimeoutError, which the driver turns into an AssertionError that
names what was expected and what the window shows."""
from __future__ import annotations

import pytest


def test_a_wait_that_runs_out_says_what_it_waited_for_and_what_is_shown(inspector_at):
    ui = inspector_at("http://127.0.0.1:1")           # nothing connects: nothing can come
    with pytest.raises(AssertionError, match=r"waited 0\.2 s for 1 row\(s\) matching \{'kind': 'ack'\}; "
                                             r"found 0\. Last rows: \[\]"):
        ui.wait_for(timeout=0.2, kind="ack")
    with pytest.raises(AssertionError, match=r"status never said 'Connected'; it says 'Not connected'"):
        ui.wait_for_status("Connected", timeout=0.2)
    with pytest.raises(AssertionError, match=r"/chat never became connected; the list shows \{\}"):
        ui.wait_for_namespace("/chat", timeout=0.2)
