"""SessionState: the snapshot of a session the UI shows (status line, namespaces, rooms)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamespaceView:
    name: str
    state: str                                  # connecting/connected/reconnecting/refused/disconnected/closed
    rooms: tuple[tuple[str, str, str], ...]     # (room, joining|joined|no ack, server's answer)
    buffered: int                               # emits held until it connects


@dataclass(frozen=True)
class SessionState:
    state: str = "disconnected"                 # disconnected / connecting / connected / reconnecting
    status: str = "Not connected"
    url: str = ""
    transport: str | None = None
    deflate: bool | None = None
    verify_tls: bool = True
    namespaces: tuple[NamespaceView, ...] = ()
    pending_acks: int = 0
    buffered: int = 0
    attempt: int = 0
    raw_capture: bool = False

    def namespace(self, name: str) -> NamespaceView | None:
        for view in self.namespaces:
            if view.name == name:
                return view
        return None
