"""What a scenario run received: every entry since it connected, which step took which
event, waiting for more, and how to word what came when a step fails."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from inspector.log.entry import IN, SYS, Kind, LogEntry
from inspector.scenarios.matching import show
from inspector.wire.payload import preview


class Journal:
    def __init__(self):
        self.entries: list[LogEntry] = []
        self._by_event: dict[tuple, list[int]] = {}    # (ns, event) -> indexes of incoming events
        self._taken: dict[int, int] = {}               # seq -> the step that took it
        self._changed: asyncio.Event | None = None
        self.t0 = time.time()

    def start(self) -> None:
        """Called on the loop, when the run connects."""
        self._changed = asyncio.Event()
        self.t0 = time.time()

    def __len__(self) -> int:
        return len(self.entries)

    def record(self, entry: LogEntry) -> None:
        """The Session subscriber."""
        i = len(self.entries)
        self.entries.append(entry)
        if entry.dir == IN and entry.kind == Kind.EVENT:
            self._by_event.setdefault((entry.ns, entry.event), []).append(i)
        if self._changed is not None:
            self._changed.set()

    def events(self, ns: str, event: str) -> list[int]:
        """Indexes of the incoming `event`s on `ns`, oldest first (the list grows)."""
        return self._by_event.setdefault((ns, event), [])

    def take(self, entries: list[LogEntry], step: int) -> None:
        for e in entries:
            self._taken[e.seq] = step

    def taken_by(self, e: LogEntry) -> int | None:
        return self._taken.get(e.seq)

    async def until(self, check: Callable[[], Any], timeout: float) -> Any:
        """Call check() now and whenever an entry arrives, until it returns something (None on timeout)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = check()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # -- words --------------------------------------------------------------------------
    def when(self, e: LogEntry) -> str:
        return f"at +{max(0.0, e.t - self.t0):.3f} s"

    def describe(self, e: LogEntry, why: str | None = None) -> str:
        if e.kind == Kind.EVENT:
            what = f"{'↓' if e.dir == IN else '↑'} {e.event} on {e.ns} {preview(e.args, 120)}"
        else:
            detail = e.detail or {}
            extra = ", ".join(f"{k}={show(v, 40)}" for k, v in detail.items()
                              if k in ("reason", "duration_s", "recovered", "why_not_recovered", "message"))
            what = f"{e.kind}{' on ' + e.ns if e.ns else ''}{' (' + extra + ')' if extra else ''}"
        return f"#{e.seq} {self.when(e)}: {what}" + (f" — {why}" if why else "")

    def nearest(self, ns: str, event: str, why_not: Callable[[LogEntry], str | None]) -> list[str]:
        """The entries nearest to an expected event: the same event (and why it did not do),
        the same event on another namespace, or the last events on the namespace."""
        same = [self.entries[i] for i in self.events(ns, event)]
        if same:
            out = ["nearest received:"]
            if len(same) > 3:
                out.append(f"  ({len(same) - 3} earlier {event!r} not shown)")
            for e in same[-3:]:
                taken = self.taken_by(e)
                out.append("  " + self.describe(e, f"already taken by step {taken}" if taken else why_not(e)))
            return out
        elsewhere = [e for e in self.entries if e.dir == IN and e.kind == Kind.EVENT and e.event == event]
        if elsewhere:
            return [f"{event!r} arrived on another namespace:"] + ["  " + self.describe(e) for e in elsewhere[-3:]]
        last = self.last_on(ns)
        return last or [f"no {event!r} and no other event arrived on {ns} since the scenario connected"]

    def last_on(self, ns: str, n: int = 5) -> list[str]:
        recent = [e for e in self.entries if e.ns == ns and e.dir == IN and e.kind == Kind.EVENT][-n:]
        if not recent:
            return []
        return [f"last events on {ns}:"] + ["  " + self.describe(e) for e in recent]

    def last_sys(self, ns: str, start: int) -> list[str]:
        recent = [e for e in self.entries[start:] if e.dir == SYS and e.ns in (ns, None)][-5:]
        if not recent:
            return [f"nothing happened to the connection of {ns} since the last action"]
        return ["connection entries since the last action:"] + ["  " + self.describe(e) for e in recent]
