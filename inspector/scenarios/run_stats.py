"""What a run with several clients adds to its summary and JUnit report: how many clients
received each event (delivery counts) and the ack round trips over all clients
(p50 / p95 / p99, nearest rank)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from inspector.log import delivery
from inspector.log.entry import IN, Kind, LogEntry
from inspector.log.words import plural


@dataclass
class RunStats:
    clients: int
    deliveries: dict[str, int] = field(default_factory=dict)    # event -> receipts, all clients
    acks: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None

    def words(self) -> str:
        """One line: `3 clients; received: said ×3, tick ×6; ack round trip p50 2.1 ms, p95 ...`."""
        got = ", ".join(f"{e} ×{n}" for e, n in self.deliveries.items()) or "nothing"
        text = f"{plural(self.clients, 'client')}; received: {got}"
        if self.acks:
            text += (f"; ack round trip over {plural(self.acks, 'ack')}: p50 {self.p50_ms:.1f} ms, "
                     f"p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms")
        return text

    def properties(self) -> dict[str, str]:
        """JUnit <property> name -> value."""
        out = {"clients": str(self.clients)}
        out.update({f"delivered.{e}": str(n) for e, n in self.deliveries.items()})
        if self.acks:
            out.update({"acks": str(self.acks), "ack_rtt_p50_ms": f"{self.p50_ms:.3f}",
                        "ack_rtt_p95_ms": f"{self.p95_ms:.3f}", "ack_rtt_p99_ms": f"{self.p99_ms:.3f}"})
        return out


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


def of(entries: list[LogEntry], clients: int) -> RunStats:
    rtts = [e.rtt_ms for e in entries if e.dir == IN and e.kind == Kind.ACK and e.rtt_ms is not None]
    stats = RunStats(clients, delivery.counts(delivery.group(entries)), len(rtts))
    if rtts:
        stats.p50_ms, stats.p95_ms, stats.p99_ms = (percentile(rtts, p) for p in (50, 95, 99))
    return stats
