"""Acks the inspector asked for: round-trip times, timeouts, late answers.

The timeout clock starts when the user emits (as in socket.io-client's
`emit().timeout()`), the round trip when the packet was written.  An answer
after the timeout is still matched, and marked late.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

_EXPIRED_KEPT = 10_000  # timed-out acks remembered so a late answer is recognised


@dataclass(eq=False)
class PendingAck:
    ns: str
    ack_id: int
    event: str
    timeout: float
    emitted_at: float
    sent_at: float | None = None
    out_seq: int | None = None
    timed_out: bool = False
    handle: asyncio.TimerHandle | None = None
    future: asyncio.Future | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AckAnswer:
    args: list
    rtt_ms: float
    late: bool
    pending: PendingAck


class AckTimeout(Exception):
    def __init__(self, pending: PendingAck):
        self.pending = pending
        super().__init__(f"no ack for {pending.event!r} within {pending.timeout:g} s")


class AckTracker:
    def __init__(self, on_timeout: Callable[[PendingAck], None],
                 clock: Callable[[], float] = time.monotonic):
        self._on_timeout = on_timeout
        self._clock = clock
        self._pending: dict[tuple[str, int], PendingAck] = {}
        self._expired: OrderedDict[tuple[str, int], PendingAck] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pending)

    def expect(self, ns: str, ack_id: int, event: str, timeout: float) -> PendingAck:
        loop = asyncio.get_running_loop()
        p = PendingAck(ns, ack_id, event, timeout, self._clock(), future=loop.create_future())
        self._pending[(ns, ack_id)] = p
        if timeout and timeout > 0:
            p.handle = loop.call_later(timeout, self._expire, p)
        return p

    def mark_sent(self, ns: str, ack_id: int, out_seq: int | None = None) -> None:
        p = self._pending.get((ns, ack_id)) or self._expired.get((ns, ack_id))
        if p is not None and p.sent_at is None:
            p.sent_at = self._clock()
            p.out_seq = out_seq

    def forget(self, ns: str, ack_id: int) -> None:
        """The emit never left (dropped or refused): no timeout to report."""
        p = self._pending.pop((ns, ack_id), None)
        if p is not None and p.handle is not None:
            p.handle.cancel()

    def answer(self, ns: str, ack_id: int, args: list) -> AckAnswer | None:
        key = (ns, ack_id)
        p = self._pending.pop(key, None)
        late = False
        if p is None:
            p = self._expired.pop(key, None)
            if p is None:
                return None
            late = True
        if p.handle is not None:
            p.handle.cancel()
        start = p.sent_at if p.sent_at is not None else p.emitted_at
        answer = AckAnswer(list(args), round((self._clock() - start) * 1000.0, 3), late, p)
        if p.future is not None and not p.future.done():
            p.future.set_result(answer)
        return answer

    def _expire(self, p: PendingAck) -> None:
        key = (p.ns, p.ack_id)
        if self._pending.pop(key, None) is None:
            return
        p.timed_out = True
        self._expired[key] = p
        while len(self._expired) > _EXPIRED_KEPT:
            self._expired.popitem(last=False)
        if p.future is not None and not p.future.done():
            p.future.set_exception(AckTimeout(p))
            p.future.exception()  # retrieved: nobody has to await it
        self._on_timeout(p)

    def close(self) -> None:
        for p in self._pending.values():
            if p.handle is not None:
                p.handle.cancel()
            if p.future is not None and not p.future.done():
                p.future.cancel()
        self._pending.clear()
