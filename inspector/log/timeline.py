"""The connection timeline of a session, built from its log entries.

Per namespace (per client and namespace once entries name their client), a run of
periods: up (connected), down (disconnected, with the
reason, the reconnect attempts, whether the server recovered the session, how
many events were replayed and how many numbered events are known missed),
closed (by the user) and refused.  Sequence gaps are markers on their row.
It is built from LogEntry objects alone, so a live session, a reopened
session file and an imported JSON Lines file all draw the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Iterable

from inspector.log.entry import Flag, Kind, LogEntry
from inspector.log.words import duration, plural
from inspector.wire.reasons import DisconnectReason


class PeriodState(StrEnum):
    UP = "up"              # connected
    DOWN = "down"          # disconnected, coming back (or gave up)
    CLOSED = "closed"      # by the user
    REFUSED = "refused"    # the server refused the namespace


UP, DOWN, CLOSED, REFUSED = PeriodState


@dataclass
class Period:
    ns: str
    state: PeriodState
    start: float
    start_seq: int
    end: float | None = None
    end_seq: int | None = None
    last_seq: int | None = None          # the last entry that belongs to it (replays included)
    reason: str | None = None
    attempts: list[dict] = field(default_factory=list)   # {"n", "t", "error"}
    recovered: bool | None = None
    why_not_recovered: str | None = None
    recovered_events: int = 0
    missed: int = 0
    gave_up: bool = False

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start

    def seq_range(self) -> tuple[int, int]:
        last = self.last_seq if self.last_seq is not None else (self.end_seq or self.start_seq)
        return self.start_seq, max(last, self.start_seq)

    def describe(self) -> str:
        """One paragraph for a tooltip."""
        if self.state == UP:
            text = f"{self.ns} connected"
        elif self.state == CLOSED:
            text = f"{self.ns} closed by you"
        elif self.state == REFUSED:
            text = f"{self.ns} refused by the server"
        else:
            text = f"{self.ns} down ({self.reason or 'unknown reason'})"
        if self.duration is not None:
            text += f" for {duration(self.duration)}"
        elif self.state != UP:
            text += ", still"
        if self.state == DOWN:
            failed = [a for a in self.attempts if a.get("error")]
            if self.attempts:
                text += f"\n{plural(len(self.attempts), 'reconnect attempt')}"
                if failed:
                    text += f", {len(failed)} failed (last: {failed[-1]['error']})"
            if self.gave_up:
                text += "\ngave up reconnecting"
            if self.recovered is True:
                text += f"\nrecovered: the server replayed {plural(self.recovered_events, 'event')}"
            elif self.recovered is False:
                text += "\nnot recovered" + (f": {self.why_not_recovered}" if self.why_not_recovered else "")
            if self.missed:
                text += f"\n{plural(self.missed, 'numbered event')} known missed"
        return text


@dataclass(frozen=True)
class Marker:
    ns: str
    t: float
    seq: int
    text: str
    count: int


def strip_of(client: str | None, ns: str) -> str:
    """A strip's name: its namespace, after its client's name when the entry has one."""
    return ns if client is None else f"{client} {ns}"


class Timeline:
    def __init__(self):
        self.periods: dict[str, list[Period]] = {}       # strip (strip_of) -> its periods
        self._client: dict[str, str | None] = {}        # strip -> its client
        self.markers: list[Marker] = []
        self.start: float | None = None
        self.end: float | None = None
        self.first_client: str | None = None            # name_first()

    def clear(self) -> None:
        first = self.first_client
        self.__init__()
        self.first_client = first

    def name_first(self, name: str) -> None:
        """The first client of a workspace has a name now that there are several: its strips
        from before, whose entries named no client, become its ("/" -> "alice /"), and so do
        entries naming none from now on, so its reconnects go on the same strips."""
        if not name or self.first_client is not None:
            return
        self.first_client = name
        renamed = {key: strip_of(name, key) for key, client in self._client.items() if client is None}
        self.periods = {renamed.get(key, key): runs for key, runs in self.periods.items()}
        self._client = {renamed.get(key, key): (name if client is None else client)
                        for key, client in self._client.items()}
        for runs in self.periods.values():
            for p in runs:
                p.ns = renamed.get(p.ns, p.ns)
        self.markers = [replace(m, ns=renamed.get(m.ns, m.ns), text=m.text.replace(m.ns, renamed[m.ns], 1))
                        if m.ns in renamed else m for m in self.markers]

    def carry_on(self, connected: Iterable[tuple[str | None, str]], t: float, seq: int) -> None:
        """After the log was cleared: the namespaces still connected, (client, ns) each
        (client None: the one client's, or the first's once it is named), go on, up from
        `t`, each on its client's strip (their earlier periods went with the rows)."""
        self.clear()
        for client, ns in connected:
            client = client if client is not None else self.first_client
            strip = strip_of(client, ns)
            self._client[strip] = client
            self.periods[strip] = [Period(strip, UP, t, seq)]
        if self.periods:
            self.start = self.end = t

    def namespaces(self) -> list[str]:
        """The strips, each client's together (clients in the order they first appeared, a
        client's strips in theirs): alice /chat opened after bob / is drawn under alice /."""
        first: dict[str | None, int] = {}
        for key in self.periods:
            first.setdefault(self._client.get(key), len(first))
        return sorted(self.periods, key=lambda key: first[self._client.get(key)])

    def _current(self, ns: str) -> Period | None:
        runs = self.periods.get(ns)
        return runs[-1] if runs else None

    def _latest_down(self, ns: str) -> Period | None:
        for p in reversed(self.periods.get(ns, ())):
            if p.state == DOWN:
                return p
        return None

    def _runs_of(self, client: str | None):
        """The strips of one client: what a connection-wide entry (reconnects) is about."""
        return [runs for key, runs in self.periods.items() if self._client.get(key) == client]

    def _open(self, ns: str, state: PeriodState, e: LogEntry, **kw) -> Period:
        self._client.setdefault(ns, e.client if e.client is not None else self.first_client)
        current = self._current(ns)
        if current is not None and current.end is None:
            current.end, current.end_seq = e.t, e.seq
        period = Period(ns, state, e.t, e.seq, **kw)
        self.periods.setdefault(ns, []).append(period)
        return period

    def add(self, entries: Iterable[LogEntry]) -> bool:
        """Take new entries; True when anything on the timeline changed."""
        changed = False
        for e in entries:
            if self.start is None:
                self.start = e.t
            self.end = e.t
            kind = e.kind
            client = e.client if e.client is not None else self.first_client
            strip = None if e.ns is None else strip_of(client, e.ns)
            if kind == Kind.EVENT:
                if Flag.RECOVERED in e.flags and strip is not None:
                    down = self._latest_down(strip)
                    if down is not None:
                        down.last_seq = e.seq
                        changed = True
                continue
            if kind in (Kind.ACK, Kind.PACKET, Kind.DROPPED, Kind.ERROR):
                continue
            changed = True
            d = e.detail or {}
            if kind == Kind.CONNECT and e.ns is not None:
                self._open(strip, UP, e)
            elif kind == Kind.DISCONNECT and e.ns is not None:
                reason = d.get("reason")
                self._open(strip, CLOSED if reason == DisconnectReason.CLIENT_DISCONNECT else DOWN, e, reason=reason)
            elif kind == Kind.DISCONNECT:
                for runs in self._runs_of(client):
                    if runs[-1].state == DOWN and runs[-1].end is None and d.get("attempts"):
                        runs[-1].gave_up = True
            elif kind == Kind.CONNECT_ERROR and e.ns is not None:
                current = self._current(strip)
                if current is None or current.state != DOWN:
                    self._open(strip, REFUSED, e, reason=d.get("message"))
            elif kind in (Kind.RECONNECT_ATTEMPT, Kind.RECONNECT):
                attempt = {"n": d.get("attempt"), "t": e.t,
                           "error": d.get("error") if kind == Kind.RECONNECT_ATTEMPT else None}
                for runs in self._runs_of(client):
                    if runs[-1].state == DOWN and runs[-1].end is None:
                        runs[-1].attempts.append(attempt)
            elif kind == Kind.GAP and e.ns is not None:
                if d.get("check") == "sequence":
                    count = int(d.get("missing_count") or 0)
                    self.markers.append(Marker(strip, e.t, e.seq,
                                               f"{strip} {e.event}: {count} missing after {d.get('after')}",
                                               count))
                    down = self._latest_down(strip)
                    if down is not None:
                        down.missed += count
                else:
                    down = self._latest_down(strip)
                    if down is not None:
                        down.recovered = d.get("recovered")
                        down.why_not_recovered = d.get("why_not_recovered")
                        down.recovered_events = int(d.get("recovered_events") or 0)
                        down.last_seq = e.seq
        return changed

    def at(self, ns: str, t: float) -> Period | None:
        for p in self.periods.get(ns, ()):
            end = p.end if p.end is not None else float("inf")
            if p.start <= t < end:
                return p
        return None
