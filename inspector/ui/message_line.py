"""The status bar's message: what the user's last action came to, for as long as it is true.

Each message says when it stops being true: a session state in which it no longer holds
("/admin refused" once /admin is connected or closed), or, for news ("Imported …",
"Exported …"), a time after which it is old; the next message replaces it in any case.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from inspector.session.state import ConnectionState, NamespaceState, SessionState
from inspector.ui import palette

NEWS_SECONDS = 15.0        # how long a message that only reports news stays

Stale = Callable[[SessionState], bool]


class MessageLine(QObject):
    def __init__(self, label: QLabel, parent: QObject | None = None):
        super().__init__(parent)
        self.label = label
        self._stale: Stale | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clear)

    @property
    def text(self) -> str:
        return self.label.text()

    def show(self, text: str, error: bool = False, *, stale: Stale | None = None,
             lasts: float | None = None) -> None:
        """`stale(state)`: True once the message is no longer true; `lasts`: seconds it
        stays (news, by default: an error stays until it is stale or replaced)."""
        self.label.setText(text)
        palette.style(self.label, lambda: f"color: {palette.ERROR.css()};" if error else "")
        self._stale = stale if text else None
        if lasts is None and not error and stale is None:
            lasts = NEWS_SECONDS
        if text and lasts is not None:
            self._timer.start(int(lasts * 1000))
        else:
            self._timer.stop()

    def clear(self) -> None:
        self.show("")

    def state_changed(self, st: SessionState) -> None:
        if self._stale is not None and self._stale(st):
            self.clear()


def namespace_settled(ns: str) -> Stale:
    """A refusal of `ns` (or its failure to open) is stale once it is connected, or closed."""
    def stale(st: SessionState) -> bool:
        view = st.namespace(ns)
        return view is None or view.state in (NamespaceState.CONNECTED, NamespaceState.CLOSED)
    return stale


def connected(st: SessionState) -> bool:
    """A failed connection is stale once a connection is made."""
    return st.state == ConnectionState.CONNECTED
