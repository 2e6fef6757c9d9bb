"""Event names an emit may not use, as socket.io-client refuses them (socket.ts
RESERVED_EVENTS): they are the socket's own lifecycle events and listener events, and a
server that receives one ends the connection."""
from __future__ import annotations

RESERVED_EVENTS = frozenset(
    ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"])


class ReservedEventName(ValueError):
    """An emit of a reserved name, refused before anything is sent."""


def reserved_name_error(event: str) -> str | None:
    """socket.io-client's words for a reserved name, or None when the name may be emitted."""
    return f'"{event}" is a reserved event name' if event in RESERVED_EVENTS else None


def check_event_name(event: str) -> None:
    """Raise ReservedEventName (socket.io-client's message) for a reserved name."""
    message = reserved_name_error(event)
    if message is not None:
        raise ReservedEventName(message)
