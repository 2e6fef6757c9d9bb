"""ServerView: what the server says about itself, kept up to date from its admin namespace.

It is fed log entries (or normalized messages) in order, and keeps: every socket on the
server (by namespace and id) with its rooms and handshake, the rooms with their members,
the stats over time of each server node (several when they share an adapter: each node
sends its own server_stats, with its own serverId), and the events the server received and
sent (development mode only; `events_note` says so otherwise).  No I/O, no asyncio: the
window can keep one on its thread, a command runner on the network loop.
"""
from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable

from inspector.log.entry import IN, SYS, Kind, LogEntry
from inspector.session.server_view.protocol import (
    COMMAND_FEATURE,
    DEFAULT_NAMESPACE,
    AdminCommand,
    AdminEvent,
    Feature,
    normalize,
)

STATS_KEPT = 900          # samples per node: 30 minutes at the servers' 2 s
EVENTS_KEPT = 5000
ROOM_HISTORY_KEPT = 2000  # room lists kept, one per change (for "who was in the room then")


class EventDirection(StrEnum):
    RECEIVED = "received"     # by the server, from a client
    SENT = "sent"             # by the server, to a client


@dataclass
class ServerSocket:
    id: str
    ns: str
    client_id: str | None = None
    transport: str | None = None
    address: str | None = None
    rooms: set[str] = field(default_factory=set)
    connected_at: float | None = None
    headers: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    url: str | None = None
    data: dict = field(default_factory=dict)

    def update(self, fields: dict) -> None:
        for key, value in fields.items():
            if key == "rooms":
                self.rooms = set(value)
            elif key in ("client_id", "transport", "address", "connected_at", "headers", "query",
                         "url", "data") and value is not None:
                setattr(self, key, value)


@dataclass(frozen=True)
class StatsSample:
    t: float
    server_id: str
    hostname: Any
    pid: Any
    uptime_s: Any
    clients: Any
    polling_clients: Any
    websocket_clients: Any
    namespaces: dict
    aggregated: dict


@dataclass(frozen=True)
class ServerEvent:
    t: float
    direction: str            # EventDirection
    ns: str
    socket_id: str
    name: Any
    args: list


class ServerView:
    def __init__(self, namespace: str = DEFAULT_NAMESPACE):
        self.namespace = namespace
        self.features: tuple[str, ...] | None = None      # None: no config heard yet
        self.sockets: dict[tuple[str, str], ServerSocket] = {}
        self.stats: dict[str, deque[StatsSample]] = {}
        self.events: deque[ServerEvent] = deque(maxlen=EVENTS_KEPT)
        self.own_ids: set[str] = set()        # the inspector's own sockets (highlighted)
        # (time, rooms as after that message), at each change: the delivery view asks who the
        # server listed in a room when a broadcast went out
        self.room_history: deque[tuple[float, dict[tuple[str, str], tuple[str, ...]]]] = \
            deque(maxlen=ROOM_HISTORY_KEPT)
        self.messages = 0
        self._rooms_changed = False
        self._listeners: list[Callable[[dict], None]] = []

    # -- input -----------------------------------------------------------------
    def listen(self, fn: Callable[[dict], None]) -> Callable[[], None]:
        """fn(message) after each message has been applied."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    def feed(self, entry: LogEntry) -> dict | None:
        """One log entry: a message of the admin namespace is applied (and returned); a new
        connection to it starts the socket table afresh (the server sends it again)."""
        if entry.ns != self.namespace:
            return None
        if entry.dir == SYS and entry.kind == Kind.CONNECT:
            self.sockets.clear()
            self.features = None
            self._rooms_changed = True      # what the server lists next is the whole of it
            return None
        if entry.dir != IN or entry.kind != Kind.EVENT or entry.event is None:
            return None
        message = normalize(entry.event, entry.args)
        message["t"] = entry.t
        self.apply(message)
        return message

    def apply(self, m: dict) -> None:
        event, t = m["event"], m.get("t", 0.0)
        self.messages += 1
        if event == AdminEvent.CONFIG:
            self.features = tuple(m["features"])
        elif event == AdminEvent.SERVER_STATS:
            s = m["server"]
            if not s["id"]:
                return          # not a node's stats (no serverId)
            self.stats.setdefault(s["id"], deque(maxlen=STATS_KEPT)).append(StatsSample(
                t, s["id"], s["hostname"], s["pid"], s["uptime_s"], s["clients"], s["polling_clients"],
                s["websocket_clients"], s["namespaces"], s["aggregated"]))
        elif event == AdminEvent.ALL_SOCKETS:
            for sock in m["sockets"]:     # merged: a socket_connected may have come first
                self._upsert(sock)
        elif event == AdminEvent.SOCKET_CONNECTED:
            self._upsert(m["socket"])
        elif event == AdminEvent.SOCKET_UPDATED:
            sock = m["socket"]
            known = self.sockets.get((sock.get("ns"), sock.get("id")))
            if known is not None:
                known.update(sock)
        elif event == AdminEvent.SOCKET_DISCONNECTED:
            gone = self.sockets.pop((m["ns"], m["id"]), None)
            self._rooms_changed |= gone is not None and bool(gone.rooms)
        elif event in (AdminEvent.ROOM_JOINED, AdminEvent.ROOM_LEFT):
            # a socket the table does not hold is not made up: python-socketio sends room
            # changes with its next stats, after a socket_disconnected that came at once
            known = self.sockets.get((m["ns"], m["id"]))
            if known is not None and isinstance(m["room"], str) and m["room"] != m["id"]:
                before = len(known.rooms)
                (known.rooms.add if event == AdminEvent.ROOM_JOINED else known.rooms.discard)(m["room"])
                self._rooms_changed |= len(known.rooms) != before
        elif event in (AdminEvent.EVENT_RECEIVED, AdminEvent.EVENT_SENT):
            self.events.append(ServerEvent(
                t, EventDirection.RECEIVED if event == AdminEvent.EVENT_RECEIVED else EventDirection.SENT,
                m["ns"], m["id"], m["name"], m["args"]))
        if self._rooms_changed or not self.room_history and event == AdminEvent.ALL_SOCKETS:
            # only on a change: python-socketio sends every socket again at each ping
            self._rooms_changed = False
            self.room_history.append((t, {key: tuple(ids) for key, ids in self.rooms().items()}))
        for fn in list(self._listeners):
            fn(m)

    def _upsert(self, sock: dict) -> None:
        if not sock.get("id") or sock.get("ns") is None:
            return
        key = (sock["ns"], sock["id"])
        known = self.sockets.get(key)
        if known is None:
            known = self.sockets[key] = ServerSocket(sock["id"], sock["ns"])
        before = set(known.rooms)
        known.update(sock)
        self._rooms_changed |= known.rooms != before

    # -- what it says ------------------------------------------------------------
    @property
    def development(self) -> bool:
        return self.features is not None and Feature.ALL_EVENTS in self.features

    @property
    def read_only(self) -> bool:
        return self.features is not None and not any(f in self.features for f in COMMAND_FEATURE.values())

    def takes(self, command: AdminCommand) -> bool:
        return self.features is not None and COMMAND_FEATURE[command] in self.features

    @property
    def events_note(self) -> str | None:
        """Why the server's sockets and events are not shown, or None when they are."""
        if self.features is None:
            return "waiting for the server's config"
        if not self.development:
            return ("the server is in production mode: it reports its stats only, not its sockets, "
                    "rooms or events (instrument()'s mode: \"development\" reports them)")
        return None

    def namespaces(self) -> list[str]:
        return sorted({ns for ns, _ in self.sockets})

    def socket(self, ns: str, socket_id: str) -> ServerSocket | None:
        return self.sockets.get((ns, socket_id))

    def rooms(self, ns: str | None = None) -> dict[tuple[str, str], list[str]]:
        """(namespace, room) -> its members' ids, sorted; a socket's own room left out."""
        out: dict[tuple[str, str], list[str]] = {}
        for sock in self.sockets.values():
            if ns is None or sock.ns == ns:
                for room in sock.rooms:
                    out.setdefault((sock.ns, room), []).append(sock.id)
        return {key: sorted(ids) for key, ids in sorted(out.items())}

    def members(self, ns: str, room: str | None) -> set[str]:
        """Who an emit to `room` reaches as the server listed it (None: every socket of ns;
        a socket id is a room of its own)."""
        if room is None:
            return {s.id for s in self.sockets.values() if s.ns == ns}
        return {s.id for s in self.sockets.values() if s.ns == ns and (room in s.rooms or s.id == room)}

    def members_at(self, ns: str, room: str, t: float) -> list[str] | None:
        """Who the server listed in `room` at time `t` (entry time), None when it had said
        nothing about its rooms by then (or that moment is older than what is kept)."""
        times = [when for when, _ in self.room_history]
        i = bisect.bisect_right(times, t) - 1
        if i < 0:
            return None
        return list(self.room_history[i][1].get((ns, room), ()))

    def nodes(self) -> list[str]:
        return sorted(self.stats)

    def latest(self) -> dict[str, StatsSample]:
        return {node: samples[-1] for node, samples in sorted(self.stats.items()) if samples}

    def total_clients(self) -> int:
        """Clients over every node, as each last said."""
        return sum(s.clients for s in self.latest().values() if isinstance(s.clients, int))
