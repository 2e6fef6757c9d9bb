"""Who received what: one server emit, seen by several clients, as one delivery.

For each event any client received, the same event (namespace, name and arguments equal)
received by the other clients within a short window is the same delivery: a row with a
matrix of clients, each either received (when, relative to the first to get it) or not.
Arguments are compared as they were decoded: a connection-state-recovery offset is not
among them (the session keeps it in the entry's `detail`), so "offsets aside" holds.

An emit (an outgoing event) is linked to the deliveries it caused: those that begin after
it within `within_s` (or one the user picks), each with every client's rooms at that
moment, read back from the log's own join / leave emits, so that "to room1 except the
sender" reads off the result.  Pure computation on LogEntry lists: no Qt, no session.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from inspector.log.entry import LogEntry
from inspector.log.json_form import dumps
from inspector.log.kinds import Direction, Kind

WINDOW_S = 0.5          # the same event reaching clients further apart is another delivery
CAUSE_WITHIN_S = 1.0    # deliveries that begin this soon after an emit are taken as its doing


@dataclass(frozen=True)
class Receipt:
    client: str
    seq: int
    t: float
    after_ms: float         # since the first client received it


@dataclass
class Delivery:
    ns: str
    event: str
    args: list
    t: float                                   # when the first client received it
    receipts: dict[str, Receipt] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=dict)   # client -> copies beyond the first

    def received(self, client: str) -> bool:
        return client in self.receipts

    def missing(self, clients: Iterable[str]) -> list[str]:
        return [c for c in clients if c not in self.receipts]

    def row(self, clients: Iterable[str]) -> dict[str, float | None]:
        """The matrix row: client -> ms after the first receipt, None when not received."""
        return {c: (self.receipts[c].after_ms if c in self.receipts else None) for c in clients}


def _key(e: LogEntry) -> tuple[str, str, str]:
    return (e.ns or "/", e.event or "", dumps(e.args or []))


def clients_of(entries: Iterable[LogEntry]) -> list[str]:
    """Every client that logged anything, in the order each first appears (None: `""`,
    the one client of a session recorded before workspaces)."""
    seen: dict[str, None] = {}
    for e in entries:
        seen.setdefault(e.client or "", None)
    return list(seen)


def group(entries: Iterable[LogEntry], window_s: float = WINDOW_S) -> list[Delivery]:
    """The deliveries of every incoming event, oldest first.  A client that gets the same
    event twice within the window counts once, its repeat is noted (a union of rooms must
    reach each socket once)."""
    open_: dict[tuple, Delivery] = {}
    out: list[Delivery] = []
    for e in entries:
        if e.dir != Direction.IN or e.kind != Kind.EVENT:
            continue
        key = _key(e)
        client = e.client or ""
        d = open_.get(key)
        if d is None or e.t - d.t > window_s:
            d = Delivery(key[0], key[1], list(e.args or []), e.t)
            open_[key] = d
            out.append(d)
        if client in d.receipts:
            d.repeats[client] = d.repeats.get(client, 0) + 1
        else:
            d.receipts[client] = Receipt(client, e.seq, e.t, round((e.t - d.t) * 1000.0, 3))
    return out


@dataclass
class Cause:
    """An emit and the deliveries it caused, with every client's rooms when it was sent."""
    emit: LogEntry
    deliveries: list[Delivery]
    rooms: dict[str, dict[str, list[str]]]     # client -> namespace -> rooms


def rooms_at(entries: Iterable[LogEntry], t: float, join_event: str = "join",
             leave_event: str = "leave") -> dict[str, dict[str, list[str]]]:
    """Each client's rooms at time `t`, read from the log: its join / leave emits (a room
    name as the first argument), forgotten when its namespace disconnects (a server forgets
    a socket's rooms with the socket)."""
    rooms: dict[str, dict[str, list[str]]] = {}
    for e in entries:
        if e.t > t:
            break
        client, ns = e.client or "", e.ns or "/"
        mine = rooms.setdefault(client, {})
        if e.dir == Direction.OUT and e.kind == Kind.EVENT and e.args and isinstance(e.args[0], str):
            if e.event == join_event and e.args[0] not in mine.setdefault(ns, []):
                mine[ns].append(e.args[0])
            elif e.event == leave_event and e.args[0] in mine.get(ns, []):
                mine[ns].remove(e.args[0])
        elif e.kind == Kind.DISCONNECT and e.ns:
            mine.pop(ns, None)
    return rooms


def cause_of(emit: LogEntry, entries: list[LogEntry], deliveries: list[Delivery] | None = None,
             within_s: float = CAUSE_WITHIN_S, picked: list[Delivery] | None = None,
             join_event: str = "join", leave_event: str = "leave") -> Cause:
    """The deliveries `emit` caused: `picked` (the user's choice), else those beginning after
    it within `within_s` and before the next emit of any client."""
    deliveries = group(entries) if deliveries is None else deliveries
    if picked is None:
        nxt = next((e.t for e in entries if e.dir == Direction.OUT and e.kind == Kind.EVENT
                    and e.t > emit.t and e.seq != emit.seq
                    and e.event not in (join_event, leave_event)), None)
        end = emit.t + within_s if nxt is None else min(emit.t + within_s, nxt)
        picked = [d for d in deliveries if emit.t <= d.t <= end]
    return Cause(emit, picked, rooms_at(entries, emit.t, join_event, leave_event))


@dataclass(frozen=True)
class DeliveryFilter:
    """What the delivery view shows: an event name (part of it), one client's receipts or
    misses, only deliveries some client missed."""
    text: str = ""
    client: str | None = None
    received: bool | None = None       # with `client`: True those it got, False those it missed
    incomplete: bool = False           # only deliveries that did not reach every client

    def keep(self, d: Delivery, clients: list[str]) -> bool:
        if self.text and self.text.lower() not in d.event.lower():
            return False
        if self.client is not None and self.received is not None and d.received(self.client) != self.received:
            return False
        return not (self.incomplete and not d.missing(clients))


def apply(deliveries: list[Delivery], clients: list[str], flt: DeliveryFilter) -> list[Delivery]:
    return [d for d in deliveries if flt.keep(d, clients)]


# -- the exported form ---------------------------------------------------------------------------
FORMAT = "socketio-inspector-deliveries/1"


def to_json(deliveries: list[Delivery], clients: list[str]) -> dict[str, Any]:
    """The delivery matrix as one JSON object (written beside a session's JSON Lines export)."""
    return {"format": FORMAT, "clients": clients, "deliveries": [
        {"ns": d.ns, "event": d.event, "args": json.loads(dumps(d.args)), "t": d.t,
         "received": {c: {"seq": r.seq, "after_ms": r.after_ms} for c, r in d.receipts.items()},
         "missed": d.missing(clients), **({"repeats": d.repeats} if d.repeats else {})}
        for d in deliveries]}


def counts(deliveries: list[Delivery]) -> dict[str, int]:
    """event -> how many receipts in all (the run summary's delivery counts)."""
    out: dict[str, int] = {}
    for d in deliveries:
        out[d.event] = out.get(d.event, 0) + len(d.receipts)
    return out
