"""A control whose call is in flight says so: disabled (and, for a button, a text such as
"Connecting…") from the moment it starts the call until the call ends; then its panel's
own rules decide again."""
from __future__ import annotations

from typing import Callable

import shiboken6
from PySide6.QtCore import QObject

BUSY = "busy"      # a dynamic property, the calls in flight: the panels' rules and the test driver read it
_LABEL = "idleText"


def is_busy(control: QObject) -> bool:
    return bool(control.property(BUSY))


def hold(control: QObject, text: str | None, refresh: Callable[[], None]) -> Callable[[], None]:
    """Mark `control` (a button, a check box, an action) busy now; the function returned
    gives it back (once), and when no other call holds it, `refresh` (its panel's rules for
    it) runs."""
    held = int(control.property(BUSY) or 0)
    if not held:
        control.setProperty(_LABEL, control.text())
        if text:
            control.setText(text)
    control.setProperty(BUSY, held + 1)
    control.setEnabled(False)
    released = False

    def release() -> None:
        nonlocal released
        if released or not shiboken6.isValid(control):
            return              # given back already, or the window is gone (closed while in flight)
        released = True
        left = int(control.property(BUSY)) - 1
        control.setProperty(BUSY, left)
        if left:
            return
        control.setText(control.property(_LABEL))
        control.setEnabled(True)
        refresh()
    return release
