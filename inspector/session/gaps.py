"""Disconnect -> reconnect intervals of each namespace, and what happened in them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Gap:
    ns: str
    start: float                      # wall-clock time the namespace went down
    reason: str
    end: float | None = None
    attempts: list[dict] = field(default_factory=list)   # {"n", "t", "delay", "error"}
    recovered: bool | None = None
    why_not_recovered: str | None = None
    start_seq: int | None = None      # the disconnect entry
    end_seq: int | None = None        # the connect entry that closed it
    recovered_events: int = 0         # replayed by the server on a recovered reconnect
    missed_count: int = 0             # numbered events known to be missing (sequence checks)

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start

    def detail(self) -> dict:
        out = {
            "from": self.start, "to": self.end,
            "duration_s": None if self.duration is None else round(self.duration, 3),
            "reason": self.reason, "attempts": len(self.attempts),
        }
        if self.recovered is not None:
            out["recovered"] = self.recovered
        if self.why_not_recovered:
            out["why_not_recovered"] = self.why_not_recovered
        if self.recovered_events:
            out["recovered_events"] = self.recovered_events
        return out


class GapTracker:
    def __init__(self):
        self.open: dict[str, Gap] = {}
        self.closed: list[Gap] = []

    def down(self, ns: str, t: float, reason: str, seq: int | None = None) -> Gap:
        gap = self.open.get(ns)
        if gap is None:
            gap = self.open[ns] = Gap(ns, t, reason, start_seq=seq)
        return gap

    def attempt(self, n: int, t: float, delay: float) -> None:
        for gap in self.open.values():
            gap.attempts.append({"n": n, "t": t, "delay": round(delay, 3), "error": None})

    def attempt_failed(self, n: int, error: str) -> None:
        for gap in self.open.values():
            for a in reversed(gap.attempts):
                if a["n"] == n:
                    a["error"] = error
                    break

    def up(self, ns: str, t: float, seq: int | None = None) -> Gap | None:
        gap = self.open.pop(ns, None)
        if gap is not None:
            gap.end, gap.end_seq = t, seq
            self.closed.append(gap)
        return gap

    def missed(self, ns: str, count: int) -> None:
        """Numbered events known to be missing, counted on the namespace's latest gap."""
        gap = self.open.get(ns) or next((g for g in reversed(self.closed) if g.ns == ns), None)
        if gap is not None:
            gap.missed_count += count

    def forget(self, ns: str) -> None:
        """The namespace will not come back (closed by the user or refused)."""
        self.open.pop(ns, None)
