"""A control whose call is in flight says so: disabled (and, for a button, a text such as
"Connecting…") from the moment it starts the call until the call ends; then its panel's
own rules decide again."""
from __future__ import annotations

from typing import Callable

import shiboken6
from PySide6.QtCore import QObject

BUSY = "busy"      # a dynamic property: the panels' button rules and the test driver read it


def is_busy(control: QObject) -> bool:
    return bool(control.property(BUSY))


def hold(control: QObject, text: str | None, refresh: Callable[[], None]) -> Callable[[], None]:
    """Mark `control` (a button, a check box, an action) busy now; the function returned
    gives it back (once), and then `refresh` (its panel's rules for it) runs."""
    label = control.text()
    control.setProperty(BUSY, True)
    control.setEnabled(False)
    if text:
        control.setText(text)

    def release() -> None:
        if not shiboken6.isValid(control) or not is_busy(control):
            return              # the window is gone (closed while in flight), or released already
        control.setProperty(BUSY, False)
        if text:
            control.setText(label)
        control.setEnabled(True)
        refresh()
    return release
