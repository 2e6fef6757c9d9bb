"""Acks the inspector asked for: round-trip times, timeouts, late answers, and what
becomes of them when the connection ends.

As socket.io-client's `socket.timeout(ms).emit(...)` (lib/socket.ts
`_registerAckCallback`, `_clearAcks`): the timeout clock starts when the user
emits, the round trip when the packet was written.  A timeout of 0 is already
expired; None is no timeout at all.  An answer after the timeout is still
matched, and marked late.  When the namespace's connection ends, an ack whose
emit is not still held in the send buffer will never be answered: with a
timeout it fails at once (AckDisconnected), without one it is forgotten and
never answered, as the JS client's callback form does.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable

_EXPIRED_KEPT = 10_000  # timed-out acks remembered so a late answer is recognised


class AckOutcome(StrEnum):
    """`detail.outcome` of the entry that says why an ack will not be answered."""
    DISCONNECTED = "disconnected"      # the connection ended before the answer came


class _FromOptions:
    def __repr__(self) -> str:
        return "FROM_OPTIONS"


FROM_OPTIONS: Any = _FromOptions()   # an emit's timeout: the connection's ack_timeout option


@dataclass(eq=False)
class PendingAck:
    ns: str
    ack_id: int
    event: str
    timeout: float | None              # None: no timeout
    emitted_at: float
    sent_at: float | None = None
    out_seq: int | None = None
    timed_out: bool = False
    attempt: int | None = None         # with retries: which try this is (1, 2, ...)
    handle: asyncio.TimerHandle | None = None
    future: asyncio.Future | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AckAnswer:
    args: list
    rtt_ms: float
    late: bool
    pending: PendingAck


class AckFailed(Exception):
    """The answer will not come: timed out, or the connection ended before it."""

    def __init__(self, pending: PendingAck, message: str):
        self.pending = pending
        super().__init__(message)


class AckTimeout(AckFailed):
    def __init__(self, pending: PendingAck, tries: int | None = None):
        within = "at once (a timeout of 0)" if not pending.timeout else f"within {pending.timeout:g} s"
        tried = f" ({tries} tries)" if tries and tries > 1 else ""
        super().__init__(pending, f"no ack for {pending.event!r} {within}{tried}")


class AckDisconnected(AckFailed):
    def __init__(self, pending: PendingAck, reason: str, tries: int | None = None):
        self.reason = reason
        tried = f" (after {tries} tries)" if tries and tries > 1 else ""
        super().__init__(pending, f"no ack for {pending.event!r}: {pending.ns} was disconnected "
                                  f"({reason}) before the answer came{tried}")


class AckTracker:
    def __init__(self, on_timeout: Callable[[PendingAck], None],
                 clock: Callable[[], float] = time.monotonic):
        self._on_timeout = on_timeout
        self._clock = clock
        self._pending: dict[tuple[str, int], PendingAck] = {}
        self._expired: OrderedDict[tuple[str, int], PendingAck] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pending)

    def expect(self, ns: str, ack_id: int, event: str, timeout: float | None) -> PendingAck:
        loop = asyncio.get_running_loop()
        p = PendingAck(ns, ack_id, event, timeout, self._clock(), future=loop.create_future())
        self._pending[(ns, ack_id)] = p
        if timeout is not None:     # 0: expired as soon as the emit has been handed on
            p.handle = loop.call_later(max(0.0, timeout), self._expire, p)
        return p

    def is_pending(self, ns: str, ack_id: int) -> bool:
        return (ns, ack_id) in self._pending

    def connection_lost(self, ns: str, reason: str,
                        still_held: Callable[[int], bool]) -> list[PendingAck]:
        """`ns` was disconnected: its acks will not be answered, except those whose emit is
        still held (still_held(ack_id)), which go out when it is back.  Those with a timeout
        fail now (AckDisconnected, returned); the others are forgotten, never answered."""
        failed = []
        for key, p in list(self._pending.items()):
            if p.ns != ns or still_held(p.ack_id):
                continue
            del self._pending[key]
            if p.handle is not None:
                p.handle.cancel()
            if p.timeout is None:
                continue
            failed.append(p)
            if p.future is not None and not p.future.done():
                p.future.set_exception(AckDisconnected(p, reason))
                p.future.exception()  # retrieved: nobody has to await it
        return failed

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
