"""Retries, as socket.io-client 4.6+ has them (the `retries` and `ackTimeout` options;
lib/socket.ts `_addToQueue`, `_drainQueue`).

With retries on, every emit (volatile ones aside) asks for an ack, whether the user
wanted one or not, and waits in its namespace's queue.  Only the head of the queue is
out at a time: it is sent, and resent after each failed try (no ack within the
timeout, or the connection ended) until the server acks it or 1 + retries tries have
failed; then the next one goes.  Nothing is sent while the namespace is not connected,
so a try's timer runs only while it is out; when the namespace connects (again), the
head goes out, again if its last try was lost with the connection.

Each try is an emit of its own (its own ack id, its own out entry with
`detail.attempt`); the user's EmitResult.answer ends with the answer to the try that
was acked, or with the last try's failure.
"""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from inspector.session.acks import AckDisconnected, AckTimeout


@dataclass(eq=False)
class QueuedEmit:
    ns: str
    event: str
    args: list
    timeout: float | None
    compress: bool
    context: dict | None
    answer: asyncio.Future = field(repr=False)
    tries: int = 0
    pending: bool = False          # a try is out, its outcome not known yet
    ack_id: int | None = None      # the current try's


# sends one try of the head (connected namespaces only): its ack id and the future of its
# ack (AckAnswer, or AckFailed), or None when it could not go out
SendTry = Callable[[QueuedEmit], "tuple[int, asyncio.Future] | None"]


class RetryQueue:
    def __init__(self, retries: Callable[[], int], connected: Callable[[str], bool],
                 send_try: SendTry, still_out: Callable[[str, int], bool]):
        self._retries = retries
        self._connected = connected
        self._send_try = send_try
        self._still_out = still_out      # the try's ack is still awaited (not lost)
        self._queues: dict[str, deque[QueuedEmit]] = {}

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def waiting(self, ns: str) -> int:
        return len(self._queues.get(ns, ()))

    def add(self, ns: str, event: str, args: list, timeout: float | None, compress: bool,
            context: dict | None) -> QueuedEmit:
        """Queue one emit; it goes out now when it is the head and ns is connected."""
        answer = asyncio.get_running_loop().create_future()
        item = QueuedEmit(ns, event, list(args), timeout, compress, context, answer)
        self._queues.setdefault(ns, deque()).append(item)
        self.drain(ns)
        return item

    def is_head(self, item: QueuedEmit) -> bool:
        q = self._queues.get(item.ns)
        return bool(q) and q[0] is item

    def drain(self, ns: str, force: bool = False) -> None:
        """Send the head of ns's queue unless it is out already.  force (the namespace
        connected again): resend it if its last try's ack was lost with the connection."""
        q = self._queues.get(ns)
        if not q or not self._connected(ns):
            return
        head = q[0]
        if head.pending and not (force and not self._still_out(ns, head.ack_id)):
            return
        head.pending = True
        head.tries += 1
        sent = self._send_try(head)
        if sent is None:
            head.pending = False
            return
        head.ack_id, future = sent
        future.add_done_callback(lambda f, h=head: self._try_done(h, f))

    def _try_done(self, head: QueuedEmit, future: asyncio.Future) -> None:
        q = self._queues.get(head.ns)
        if not q or q[0] is not head or future.cancelled():
            return      # already settled (a later try was acked), or the session closed
        error = future.exception()
        if error is None:
            q.popleft()
            _settle(head.answer, result=future.result())
        elif head.tries > self._retries():
            q.popleft()
            _settle(head.answer, error=_final(error, head.tries))
        head.pending = False
        self.drain(head.ns)

    def close(self) -> None:
        for q in self._queues.values():
            for item in q:
                if not item.answer.done():
                    item.answer.cancel()
        self._queues.clear()


def _final(error: BaseException, tries: int) -> BaseException:
    """The user's error: the last try's, saying how many there were."""
    if isinstance(error, AckTimeout):
        return AckTimeout(error.pending, tries)
    if isinstance(error, AckDisconnected):
        return AckDisconnected(error.pending, error.reason, tries)
    return error


def _settle(future: asyncio.Future, result: Any = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
        future.exception()      # retrieved: an emit without ack=True is awaited by nobody
