"""A control says so while its call is in flight (inspector.ui.panels.busy)."""
from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QPushButton

from inspector.ui.panels.busy import hold, is_busy


def test_a_button_is_busy_until_the_last_call_holding_it_gives_it_back(qtbot):
    button = QPushButton("Join")
    qtbot.addWidget(button)
    refreshed = []
    first = hold(button, "Joining…", lambda: refreshed.append(1))
    second = hold(button, "Joining…", lambda: refreshed.append(2))
    assert is_busy(button) and not button.isEnabled() and button.text() == "Joining…"
    first()
    first()                                   # once only
    assert is_busy(button) and not button.isEnabled() and not refreshed
    second()
    assert not is_busy(button) and button.isEnabled() and button.text() == "Join"
    assert refreshed == [2]


def test_giving_back_a_control_that_is_gone_does_nothing(qtbot):
    button = QPushButton("Open")
    release = hold(button, "Opening…", lambda: None)
    button.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(button), timeout=2000)
    release()
