"""What the Socket.IO half (wire/sio.py) reports and keeps: what became of an emit, the
Observer it reports to, an outgoing packet, a namespace the user asked for, and the two
errors the layers above catch."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from inspector.wire.reasons import DisconnectReason


class EmitOutcome(StrEnum):
    """What became of an emit (emit_event's answer, Session.emit's EmitResult.outcome)."""
    SENT = "sent"
    BUFFERED = "buffered"      # held until the namespace is connected again
    DROPPED = "dropped"        # volatile, and the connection could not take it now
    REFUSED = "refused"        # not connected, and the offline buffer is off
    QUEUED = "queued"          # retries on: waits for the emits before it to be acked


SENT, BUFFERED, DROPPED, REFUSED, QUEUED = EmitOutcome
PARSE_ERROR = DisconnectReason.PARSE_ERROR


class ConnectError(Exception):
    """The connection could not be made; the message says why in plain words."""


class Observer(Protocol):
    """What the client reports.  Called on the network loop, synchronously, in wire order."""

    def engine_open(self, info: dict) -> None: ...
    def namespace_connected(self, ns: str, info: dict, size: int) -> None: ...
    def namespace_refused(self, ns: str, data: Any, size: int) -> None: ...
    def namespace_disconnected(self, ns: str, reason: str) -> None: ...
    def event_in(self, ns: str, event: str, args: list, ack_id: int | None,
                 size: int, binary: bool, offset: str | None, recovered: bool) -> None: ...
    def ack_in(self, ns: str, ack_id: int, args: list, size: int, binary: bool) -> None: ...
    def sent(self, item: "Outgoing", size: int, compressed: bool) -> None: ...
    def dropped(self, item: "Outgoing", reason: str) -> None: ...
    def transport_closed(self, reason: str, detail: str | None, will_reconnect: bool) -> None: ...
    # the transport's end read ahead of `queued` packets still to be handled (the one call
    # out of wire order: transport_closed follows once they are)
    def transport_gone(self, reason: str, detail: str | None, queued: int) -> None: ...
    def reconnect_attempt(self, attempt: int, delay: float) -> None: ...
    def reconnect_error(self, attempt: int, error: str) -> None: ...
    def reconnect_failed(self, attempts: int, why: str | None = None) -> None: ...
    def protocol_error(self, message: str, data: Any) -> None: ...
    def parser_mismatch(self, message: str) -> None: ...


@dataclass(eq=False)
class Outgoing:
    """One Socket.IO packet on its way out, and what the caller wants to know of it."""

    kind: str                      # "event" or "ack"
    ns: str
    event: str | None
    args: list
    ack_id: int | None = None
    compress: bool = False
    volatile: bool = False
    buffered_at: float | None = None   # monotonic time it entered the offline buffer
    context: Any = None            # the caller's own data, handed back in Observer.sent
    parts: int = 0                 # Engine.IO packets still to be written
    size: int = 0                  # encoded Engine.IO packets, summed over attachments
    wire_bytes: int = 0            # what was written to the socket (frame headers, deflate)
    compressed: bool = False
    binary: bool = False


@dataclass
class WantedNamespace:
    """A namespace the user asked for: its state on this client, kept across reconnects."""

    auth: Any = None
    connected: bool = False
    sid: str | None = None
    pid: str | None = None          # connection state recovery session id
    offset: str | None = None       # last offset seen, sent back on reconnect
    buffer: list[Outgoing] = field(default_factory=list)
    held: list[tuple] = field(default_factory=list)    # events that came before CONNECT
    waiter: asyncio.Future | None = None
    opening: bool = False           # a CONNECT is out, its answer not in: never send a second


class NamespaceRefused(Exception):
    def __init__(self, ns: str, data: Any):
        self.ns, self.data = ns, data
        message = data.get("message", data) if isinstance(data, dict) else data
        super().__init__(f"{ns} refused: {message}")
