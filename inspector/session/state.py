"""SessionState: the snapshot of a session the UI shows (status line, namespaces, rooms)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConnectionState(StrEnum):
    """The connection as a whole (the status dot, which buttons are enabled)."""
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


class NamespaceState(StrEnum):
    """One namespace over the connection."""
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"    # the connection dropped; it comes back with it
    REFUSED = "refused"              # the server answered CONNECT_ERROR
    DISCONNECTED = "disconnected"    # by the server, or the connection gave up
    CLOSED = "closed"                # by the user


class RoomState(StrEnum):
    """A room the user asked to join, as far as the server's answer says."""
    JOINING = "joining"
    JOINED = "joined"
    NO_ACK = "no ack"


@dataclass(frozen=True)
class NamespaceView:
    name: str
    state: NamespaceState
    rooms: tuple[tuple[str, RoomState, str], ...]     # (room, its state, server's answer)
    buffered: int                               # emits held until it connects


@dataclass(frozen=True)
class SessionState:
    state: ConnectionState = ConnectionState.DISCONNECTED
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
