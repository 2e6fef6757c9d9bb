"""Session: one connection and its namespaces, rooms, emits, acks and gaps.

It lives on the network loop: every method is called there, and everything
that happens becomes a LogEntry handed to the subscribers, in wire order.
User intent comes in as plain calls (connect, open_namespace, join_room,
emit...); state for the UI goes out as SessionState snapshots.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from typing import Any, Callable
from urllib.parse import urlsplit

from inspector.log.entry import IN, OUT, SYS, Direction, Flag, Kind, LogEntry
from inspector.log.words import duration, plural
from inspector.session.acks import FROM_OPTIONS, AckOutcome, AckTracker, PendingAck
from inspector.session.explain import (
    TLS_UNCHECKED,
    answer_held_note,
    compress_no_effect,
    connected_status,
    drop_reason,
    lost_ahead,
    recovery_note,
    unsent_after_timeout,
    why_not_recovered,
)
from inspector.session.gaps import GapTracker
from inspector.session.reserved import check_event_name
from inspector.session.retry_queue import QueuedEmit, RetryQueue
from inspector.session.rooms import RoomBook
from inspector.session.sequence_gaps import SequenceChecker, SequenceRule
from inspector.session.server_acks import ServerAckReplies
from inspector.session.state import ConnectionState, NamespaceState, NamespaceView, SessionState
from inspector.wire import sio as wire
from inspector.wire.options import ConnectionOptions
from inspector.wire.packets import PacketLinks
from inspector.wire.parsers import raw_reader
from inspector.wire.payload import preview
from inspector.wire.reasons import DisconnectReason
from inspector.wire.sio import ConnectError, EmitOutcome, InspectorClient, NamespaceRefused, Outgoing
from inspector.wire.urls import redact_url

log = logging.getLogger(__name__)

__all__ = ["Session", "EmitResult", "EmitOutcome", "NotConnected", "ConnectError", "NamespaceRefused"]


# How long a status that is true for a moment ("/chat back after 0.56 s") stays on the status
# line before it says the steady state again
NOTE_SECONDS = 10.0
# The transport's end read ahead of at least this many packets is said at once (an ahead
# state); fewer are handled within a few milliseconds, and the state in order follows as soon
AHEAD_PACKETS = 100


class NotConnected(Exception):
    """An emit or a room change that cannot go anywhere; the message says why."""


@dataclass(frozen=True)
class EmitResult:
    outcome: EmitOutcome                # sent / buffered / dropped
    ack_id: int | None = None
    answer: asyncio.Future | None = None   # AckAnswer, or raises AckFailed (timeout, disconnected)


class Session:
    def __init__(self, options: ConnectionOptions | None = None, *,
                 clock: Callable[[], float] = time.time):
        self.options = options or ConnectionOptions()
        self._clock = clock
        self.name: str | None = None       # the client's name in a workspace (on every entry)
        self._seq = 0
        self._seq_counter: Callable[[], int] | None = None     # share_seq()
        self._subs: list[Callable[[LogEntry], None]] = []
        self._state_subs: list[Callable[[SessionState], None]] = []
        self._ahead_subs: list[Callable[[SessionState], None]] = []
        self.client: InspectorClient | None = None
        self.acks = AckTracker(self._ack_timed_out)
        self.retries = RetryQueue(lambda: self.options.retries, self._ns_connected,
                                  self._send_try, self.acks.is_pending)
        self.gaps = GapTracker()
        self.rooms = RoomBook()
        self.server_acks = ServerAckReplies()
        self.sequences = SequenceChecker()
        self.state = ConnectionState.DISCONNECTED
        self.status = "Not connected"
        self.ns_state: dict[str, NamespaceState] = {}
        self.attempt = 0
        self._ack_ids: dict[str, int] = {}
        self._ns_auth: dict[str, Any] = {}     # each namespace's own auth, as the user gave it
        self._will_reconnect = False
        self._close_detail: str | None = None
        self._reconnecting = False
        self._down_since: float | None = None
        self._connect_task: asyncio.Task | None = None
        self._raw = False
        self._links = PacketLinks()     # raw capture: decoded entries point at their packets
        self._describe, self._mask = raw_reader(self.options.parser)    # how raw packets are read
        self._failed_subs: set[int] = set()   # id() of the subscribers whose failure was shown
        self.note_seconds = NOTE_SECONDS
        # what a manual Disconnect (or a reconnect series that gave up) left: the namespaces
        # that were open, reopened by the next connect() to the same server, with their rooms
        self._to_reopen: dict[str, list[str]] = {}      # namespace -> its rooms
        self._reopen_for: tuple[str, str] | None = None

    def share_seq(self, counter: Callable[[], int] | None) -> None:
        """Number entries from `counter` (shared by the clients of a workspace, so that seq
        stays unique in their one log); None: from this session's own last seq again."""
        self._seq_counter = counter

    # -- subscribers ---------------------------------------------------------
    def subscribe(self, fn: Callable[[LogEntry], None]) -> Callable[[], None]:
        self._subs.append(fn)
        return lambda: self._subs.remove(fn) if fn in self._subs else None

    def subscribe_state(self, fn: Callable[[SessionState], None]) -> Callable[[], None]:
        self._state_subs.append(fn)
        fn(self.snapshot())
        return lambda: self._state_subs.remove(fn) if fn in self._state_subs else None

    def subscribe_ahead(self, fn: Callable[[SessionState], None]) -> Callable[[], None]:
        """States known ahead of the entries before them (transport_gone): for a status line
        that must not wait for a backlog.  Not the session's state: that follows in order."""
        self._ahead_subs.append(fn)
        return lambda: self._ahead_subs.remove(fn) if fn in self._ahead_subs else None

    def _log(self, direction: Direction, kind: Kind, ns: str | None = None, event: str | None = None,
             args: list | None = None, ack_id: int | None = None, rtt_ms: float | None = None,
             size: int | None = None, flags: tuple = (), detail: dict | None = None) -> LogEntry:
        self._seq = self._seq + 1 if self._seq_counter is None else self._seq_counter()
        entry = LogEntry(self._seq, self._clock(), direction, kind, ns, event, args,
                         ack_id, rtt_ms, size, flags, detail, self.name)
        for fn in self._subs:
            try:
                fn(entry)
            except Exception as exc:
                # the boundary: a subscriber's failure must not stop the others, nor the
                # read loop that called us (the connection would die unseen); it is shown
                self._subscriber_failed(fn, exc, f"entry {entry.seq}")
        return entry

    def _subscriber_failed(self, fn: Callable, exc: Exception, on: str) -> None:
        """Logged with its traceback every time; the first failure of each subscriber is also
        an `error` entry naming it and the exception (one, not one per entry: a subscriber
        that fails on every entry would double the log)."""
        name = subscriber_name(fn)
        log.exception("subscriber %s failed on %s", name, on)
        if id(fn) in self._failed_subs:
            return
        self._failed_subs.add(id(fn))
        self._log(SYS, "error", detail={
            "message": f"{name} failed on {on}: {type(exc).__name__}: {exc} "
                       "(it is still called; later failures are only logged)",
            "subscriber": name, "exception": type(exc).__name__})

    @property
    def last_seq(self) -> int:
        return self._seq

    def snapshot(self) -> SessionState:
        c = self.client
        namespaces = tuple(
            NamespaceView(ns, st, self.rooms.view(ns), c.buffered(ns) if c else 0)
            for ns, st in self.ns_state.items())
        return SessionState(
            state=self.state, status=self.status, url=redact_url(self.options.url),
            transport=c.transport_name if c else None, deflate=c.deflate if c else None,
            verify_tls=self.options.verify_tls, namespaces=namespaces,
            pending_acks=len(self.acks), buffered=c.buffered() if c else 0,
            attempt=self.attempt, raw_capture=self._raw)

    def _publish(self, status: str | None = None) -> None:
        if status is not None:
            self.status = status
        if self._state_subs:
            snap = self.snapshot()
            self._tell(self._state_subs, snap, f"state {snap.state!r}")

    def _tell(self, subs: list[Callable[[SessionState], None]], snap: SessionState, what: str) -> None:
        """Hand a state to its subscribers; one that fails does not stop the others (the
        boundary, as for the log's)."""
        for fn in subs:
            try:
                fn(snap)
            except Exception as exc:
                self._subscriber_failed(fn, exc, what)

    # -- intent: connection ----------------------------------------------------
    async def connect(self, options: ConnectionOptions | None = None,
                      namespaces: list[str] | None = None,
                      auth: dict[str, Any] | None = None) -> dict[str, Any]:
        """Connect and open the namespaces (default: the URL's); returns ns -> info or error."""
        if options is not None:
            self.options = options
        opts = self.options
        opts.validate()
        if self.client is not None and (self.client.engine_connected or self.client.reconnecting):
            raise ConnectError("already connected: disconnect first")
        # the user's Connect after their Disconnect, to the same server: what was open comes back
        again = namespaces is None and self._reopen_for == _server_of(opts)
        reopen = [ns for ns in self._to_reopen if ns != opts.base_namespace] if again else []
        rejoin = {ns: self._to_reopen.get(ns, []) for ns in [opts.base_namespace, *reopen]} if again else {}
        for ns in self.rooms.namespaces():
            self.rooms.forget(ns)           # joined again below, once their namespace is back
        if reopen:
            auth = {**{ns: self._ns_auth[ns] for ns in reopen if ns in self._ns_auth}, **(auth or {})}
        namespaces = namespaces or [opts.base_namespace, *reopen]
        kept: dict = {}
        if self.client is not None:
            kept = self.client.take_buffers(namespaces)     # they go out over the new one
            self.client.drop_buffers("a new connection was made; what the last one held is not sent")
        self.client = InspectorClient(self, opts)
        self._describe, self._mask = raw_reader(opts.parser)
        self.client.set_raw_observer(self._raw_packet if self._raw else None)
        self.ns_state = {}
        self.attempt = 0
        waits = {}
        for ns in namespaces:
            self.ns_state[ns] = NamespaceState.CONNECTING
            if (auth or {}).get(ns) is not None:
                self._ns_auth[ns] = auth[ns]
            waits[ns] = self.client.open_namespace(ns, (auth or {}).get(ns))
            self.client.hold(ns, kept.get(ns, []))
        self.state = ConnectionState.CONNECTING
        self._publish(f"Connecting to {redact_url(opts.url)}…")
        self._connect_task = asyncio.current_task()
        try:
            await self._open_first(opts)
        except ConnectError as exc:
            for w in waits.values():
                w.cancel()
            self.ns_state = {}
            self._reconnecting = False
            self.state = ConnectionState.DISCONNECTED
            self._publish(f"Connection failed: {exc}")
            raise
        except asyncio.CancelledError:
            await self.client.disconnect()
            self.state = ConnectionState.DISCONNECTED
            self.ns_state = {}
            self._publish("Connection cancelled")
            raise
        finally:
            self._connect_task = None
        self._to_reopen, self._reopen_for = {}, None      # taken (kept while no connection was made)
        # in parallel: each namespace's timeout runs from now, they do not add up
        outcomes = dict(zip(waits, await asyncio.gather(
            *(self._wait_namespace(ns, w) for ns, w in waits.items())), strict=True))
        await self._rejoin_after_connect(rejoin, outcomes, reopen)
        return outcomes

    async def _rejoin_after_connect(self, rejoin: dict[str, list[str]], outcomes: dict[str, Any],
                                    reopened: list[str]) -> None:
        """After a manual reconnect: the rooms that were joined, joined again (the server
        forgot them with the old connection), and the status line says what came back."""
        rooms = 0
        for ns, names in rejoin.items():
            if isinstance(outcomes.get(ns), Exception):
                continue
            for room in names:
                try:
                    await self.join_room(ns, room)
                    rooms += 1
                except NotConnected:
                    pass
        back = [ns for ns in reopened if not isinstance(outcomes.get(ns), Exception)]
        if (back or rooms) and self.state == ConnectionState.CONNECTED:
            words = []
            if back:
                words.append("reopened " + ", ".join(back))
            if rooms:
                words.append(f"joined {plural(rooms, 'room')} again")
            self._publish_note(f"{self._connected_status()} — {' and '.join(words)}")

    async def _open_first(self, opts: ConnectionOptions) -> None:
        """The first connection.  With reconnection on, a failure starts the reconnect
        series, as socket.io-client's Manager does: this returns once an attempt opened the
        connection and raises ConnectError once the series gave up (or was stopped); off,
        the first failure is raised at once."""
        try:
            await self.client.connect()
            return
        except ConnectError as exc:
            self._log(SYS, Kind.CONNECT_ERROR, detail={"message": str(exc), "url": redact_url(opts.url)})
            if not opts.reconnection:
                raise
            error = str(exc)
        self._reconnecting = True
        self._down_since = time.monotonic()
        self.state = ConnectionState.RECONNECTING
        self._publish(f"Connection failed: {error} — reconnecting…")
        await self.client.retry_first_connect(error)

    async def _wait_namespace(self, ns: str, waiter: asyncio.Future) -> Any:
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), self.options.connect_timeout)
        except (NamespaceRefused, ConnectError) as exc:     # refused; or the connection gave up
            return exc
        except asyncio.TimeoutError:
            message = f"no answer to CONNECT {ns} within {self.options.connect_timeout:g} s"
            hint = self.client.silence_hint() if self.client is not None else None
            if hint:
                message += f" ({hint})"
            self._log(SYS, Kind.ERROR, ns=ns, detail={"message": message})
            return ConnectError(message)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise        # the caller was cancelled (e.g. a scenario's Stop), not the namespace
            return ConnectError(f"{ns} was closed before it connected")

    async def disconnect(self) -> None:
        if self._connect_task is not None and self._connect_task is not asyncio.current_task():
            self._connect_task.cancel()
        self._remember_open((NamespaceState.CONNECTED, NamespaceState.CONNECTING, NamespaceState.RECONNECTING))
        if self.client is not None:
            await self.client.disconnect()
        # namespaces that were waiting to come back will not: say so, and close their gaps
        for ns, st in list(self.ns_state.items()):
            if st in (NamespaceState.RECONNECTING, NamespaceState.CONNECTING):
                self._log(SYS, Kind.DISCONNECT, ns, detail={"reason": wire.CLIENT_DISCONNECT})
                self.ns_state[ns] = NamespaceState.CLOSED
                self.gaps.forget(ns)
        self._reconnecting = False
        self.state = ConnectionState.DISCONNECTED
        self._publish("Disconnected (by you)")

    def _remember_open(self, states: tuple[NamespaceState, ...]) -> None:
        """What the next connect() to this server reopens: the namespaces in `states` now."""
        opened = [ns for ns, st in self.ns_state.items() if st in states]
        if opened:        # (a connect stopped before it was made keeps the rooms it was to join)
            self._to_reopen = {ns: self.rooms.joined(ns) or self._to_reopen.get(ns, []) for ns in opened}
            self._reopen_for = _server_of(self.options)

    def _publish_note(self, status: str) -> None:
        """A status true for a moment: after note_seconds the line says the steady state
        again, unless something else was said meanwhile."""
        self._publish(status)
        asyncio.get_running_loop().call_later(self.note_seconds, self._note_expired, status)

    def _note_expired(self, status: str) -> None:
        if self.status == status and self.state == ConnectionState.CONNECTED:
            self._publish(self._connected_status())

    def namespace_auth(self) -> dict[str, Any]:
        """The auth given for each namespace of this session (for a recorded scenario;
        closed namespaces included)."""
        return dict(self._ns_auth)

    async def drained(self, timeout: float = 5.0) -> None:
        """Wait until what was emitted has been written (so its entry is logged)."""
        if self.client is not None:
            await self.client.drained(timeout)

    async def drop_transport(self) -> None:
        """Simulate a network drop: the connection is cut without goodbye, then reconnects."""
        if self.client is None or not await self.client.drop_transport():
            raise NotConnected("not connected: there is no transport to cut")

    async def open_namespace(self, ns: str, auth: Any = None) -> Any:
        """Open one more namespace over the connection; returns its info or the refusal."""
        ns = normalize_namespace(ns)
        if self._connect_task is None and (self.client is None or not (
                self.client.engine_connected or self.client.reconnecting)):
            # no connection (closed, or never made): the namespace opens a new one, as
            # socket.io-client's Manager does for a socket asked for after it closed
            try:
                opened = await self.connect(namespaces=[ns], auth={ns: auth} if auth is not None else None)
            except ConnectError as exc:
                return exc
            return opened[ns]
        if not self.client.has_namespace(ns):     # open or opening: the same socket, no state change
            self.ns_state[ns] = NamespaceState.CONNECTING
        if auth is not None:
            self._ns_auth[ns] = auth
        self._publish()
        return await self._wait_namespace(ns, self.client.open_namespace(ns, auth))

    async def close_namespace(self, ns: str) -> None:
        if self.client is None or ns not in self.ns_state:
            return
        self.ns_state.pop(ns, None)
        self.gaps.forget(ns)
        self.rooms.forget(ns)
        await self.client.close_namespace(ns)
        # "/admin refused: ..." is no longer what the line should say once /admin is gone
        about_it = self.status.startswith(f"{ns} ") and self.state == ConnectionState.CONNECTED
        self._publish(self._connected_status() if about_it else None)

    def set_sequence_rules(self, rules: list[SequenceRule]) -> None:
        """Which event carries a counter in which field (raises PathError on a bad path)."""
        self.sequences.set_rules(rules)

    def set_raw_capture(self, on: bool) -> None:
        self._raw = on
        if self.client is not None:
            self.client.set_raw_observer(self._raw_packet if on else None)
        self._publish()

    def server_note(self, ns: str, event: str, args: list | None, detail: dict) -> LogEntry:
        """A `sys` entry of kind `server` (session/server_view/admin.py): a command given
        through the server's admin namespace and what the server answered."""
        return self._log(SYS, Kind.SERVER, ns, event, args, detail=detail)

    # -- intent: emits, rooms, acks ------------------------------------------
    def next_ack_id(self, ns: str) -> int:
        n = self._ack_ids.get(ns, -1) + 1
        self._ack_ids[ns] = n
        return n

    async def emit(self, ns: str, event: str, args: list, *, ack: bool = False,
                   timeout: float | None = FROM_OPTIONS, compress: bool = True,
                   volatile: bool = False, context: dict | None = None) -> EmitResult:
        """timeout: seconds (0: already expired), None: no timeout; by default the
        connection's ack_timeout option.  With the retries option on, a non-volatile emit
        asks for an ack and goes through the retry queue (session/retry_queue.py).
        Compressed by default, as socket.io-client's compress(true)."""
        if not event:
            raise ValueError("an emit needs an event name")
        check_event_name(event)     # before anything, as socket.io-client throws at emit()
        if self.client is None:
            raise NotConnected("not connected")
        if not self.client.has_namespace(ns):
            state = self.ns_state.get(ns)
            raise NotConnected(f"{ns} is {state}: open it again first" if state
                               else f"{ns} is not open: open the namespace first")
        if timeout is FROM_OPTIONS:
            timeout = self.options.ack_timeout
        if self.options.retries and not volatile:
            return self._emit_queued(ns, event, args, ack, timeout, compress, context)
        ack_id = self.next_ack_id(ns) if ack else None
        if ack:   # on the out entry: what the ack waited for (copy as code reproduces it)
            context = {**(context or {}), "timeout_s": timeout}
        item = Outgoing(Kind.EVENT, ns, event, list(args), ack_id, compress, volatile,
                        context=context)
        pending = self.acks.expect(ns, ack_id, event, timeout) if ack else None
        outcome = self.client.emit_event(item)
        if outcome in (wire.DROPPED, wire.REFUSED) and pending is not None:
            self.acks.forget(ns, ack_id)
        if outcome == wire.REFUSED:
            raise NotConnected(
                f"{ns} is not connected and the offline buffer is off: the emit was not sent")
        if outcome == wire.DROPPED:
            self._log(OUT, Kind.DROPPED, ns, event, list(args), ack_id, flags=(Flag.VOLATILE,),
                      detail={"reason": drop_reason(
                          self.client.engine_connected, ns, self.ns_state.get(ns) == NamespaceState.CONNECTED)})
        elif outcome == wire.BUFFERED:
            self._publish()
        return EmitResult(outcome, ack_id, pending.future if pending else None)

    def _emit_queued(self, ns: str, event: str, args: list, ack: bool, timeout: float | None,
                     compress: bool, context: dict | None) -> EmitResult:
        item = self.retries.add(ns, event, args, timeout, compress, context)
        if item.pending:
            outcome = wire.SENT
        elif self.retries.is_head(item):
            outcome = wire.BUFFERED
        else:
            outcome = wire.QUEUED
        self._publish()
        return EmitResult(outcome, item.ack_id, item.answer if ack else None)

    def _ns_connected(self, ns: str) -> bool:
        return (self.client is not None and self.client.engine_connected
                and self.ns_state.get(ns) == NamespaceState.CONNECTED)

    def _send_try(self, q: QueuedEmit) -> tuple[int, asyncio.Future] | None:
        """One try of a queued emit (retry_queue.RetryQueue's send_try)."""
        ack_id = self.next_ack_id(q.ns)
        context = {**(q.context or {}), "timeout_s": q.timeout, "attempt": q.tries}
        pending = self.acks.expect(q.ns, ack_id, q.event, q.timeout)
        pending.attempt = q.tries
        outcome = self.client.emit_event(
            Outgoing(Kind.EVENT, q.ns, q.event, list(q.args), ack_id, q.compress, context=context))
        if outcome not in (wire.SENT, wire.BUFFERED):
            self.acks.forget(q.ns, ack_id)
            return None
        return ack_id, pending.future

    def _acks_lost(self, ns: str, reason: str) -> None:
        """ns was disconnected: what becomes of the acks it was waiting for (acks.py)."""
        held = (lambda ack_id: self.client.is_buffered(ns, ack_id)) if self.client else (lambda _: False)
        for p in self.acks.connection_lost(ns, reason, held):
            detail = {"outcome": AckOutcome.DISCONNECTED, "reason": reason, "timeout_s": p.timeout,
                      "for_seq": p.out_seq}
            if p.attempt is not None:
                detail["attempt"] = p.attempt
            self._log(SYS, Kind.ACK, p.ns, p.event, None, p.ack_id, detail=detail)

    async def join_room(self, ns: str, room: str, timeout: float = 5.0) -> EmitResult:
        result = await self.emit(ns, self.rooms.join_event, [room], ack=True, timeout=timeout)
        self.rooms.joining(ns, room, result.answer, self._publish)
        self._publish()
        return result

    async def leave_room(self, ns: str, room: str, timeout: float = 5.0) -> EmitResult:
        result = await self.emit(ns, self.rooms.leave_event, [room], ack=True, timeout=timeout)
        self.rooms.left(ns, room)
        self._publish()
        return result

    def answer_server_ack(self, ns: str, ack_id: int, args: list) -> bool:
        """Answer (by hand) a server ack request that was left unanswered."""
        event = self.server_acks.take_unanswered(ns, ack_id)
        if event is None:
            return False
        return self._send_server_ack(ns, event, ack_id, args)

    def _send_server_ack(self, ns: str, event: str, ack_id: int, args: list) -> bool:
        """Sent now, or held until ns is back (an answer owed is not lost)."""
        if self.client is None:
            return False
        item = Outgoing(Kind.ACK, ns, event, list(args), ack_id)
        outcome = self.client.send_ack(item)
        if outcome == wire.BUFFERED:
            item.context = {"note": answer_held_note()}
            self._publish()
        return outcome != wire.REFUSED

    # -- what the client reports (wire.Observer) -----------------------------
    def engine_open(self, info: dict) -> None:
        self._will_reconnect = False
        if self._reconnecting:
            self._reconnecting = False
            after = None if self._down_since is None else round(time.monotonic() - self._down_since, 3)
            self._log(SYS, Kind.RECONNECT, detail={"attempt": self.attempt, "after_s": after,
                                                "transport": info.get("transport")})
        self.state = ConnectionState.CONNECTED
        self._publish(self._connected_status())

    def _connected_status(self) -> str:
        c, opts = self.client, self.options
        return connected_status(redact_url(opts.url), c.transport_name if c else None,
                                c.deflate if c else None,
                                opts.is_tls and not opts.verify_tls,
                                wire.V2_SERVER if c is not None and c.v2 else None)

    def namespace_connected(self, ns: str, info: dict, size: int) -> None:
        now = self._clock()
        self.ns_state[ns] = NamespaceState.CONNECTED
        if self.retries.waiting(ns):   # soon: after the offline buffer, as socket.io-client's onconnect
            asyncio.get_running_loop().call_soon(self.retries.drain, ns, True)
        detail = {"sid": info.get("sid"), "transport": self.client.transport_name if self.client else None}
        self._links.take(self._links.incoming, detail)
        if info.get("pid") is not None:
            detail["pid"] = info["pid"]
            detail["recovered"] = info["recovered"]
        detail.update({k: info[k] for k in ("server", "recognised", "auth", "recovery") if k in info})
        if self.options.is_tls and not self.options.verify_tls:
            detail["tls"] = TLS_UNCHECKED          # said on every connect row, as the status says it
        entry = self._log(SYS, Kind.CONNECT, ns, size=size, detail=detail)
        gap = self.gaps.up(ns, now, entry.seq)
        if gap is not None:
            gap.recovered = info.get("recovered") if info.get("pid") is not None or info.get("had_pid") else None
            if gap.recovered is False:
                gap.why_not_recovered = why_not_recovered(info, self.options.recovery)
            gap.recovered_events = info.get("replayed", 0)
            self._log(SYS, Kind.GAP, ns, detail=gap.detail())
            if not info.get("recovered") and self.options.rejoin_rooms:
                for room in self.rooms.joined(ns):
                    asyncio.ensure_future(self._rejoin(ns, room))
            self._publish_note(f"{self._connected_status()} — {ns} back after {duration(gap.duration)}, "
                          + recovery_note(gap.recovered, gap.recovered_events, gap.why_not_recovered))
            return
        self._publish(self._connected_status())

    async def _rejoin(self, ns: str, room: str) -> None:
        try:
            await self.join_room(ns, room)
        except NotConnected:
            pass

    def namespace_refused(self, ns: str, data: Any, size: int) -> None:
        self.ns_state[ns] = NamespaceState.REFUSED
        self.gaps.forget(ns)
        message = data.get("message") if isinstance(data, dict) else data
        self._log(SYS, Kind.CONNECT_ERROR, ns, args=[data] if data is not None else None,
                  size=size, detail=self._links.take(self._links.incoming, {"message": message}))
        self._publish(f"{ns} refused: {message}")

    def namespace_disconnected(self, ns: str, reason: str) -> None:
        detail = {"reason": reason}
        if self._close_detail and reason != wire.CLIENT_DISCONNECT:
            detail["transport"] = self._close_detail      # e.g. "websocket closed (code 1006)"
        entry = self._log(SYS, Kind.DISCONNECT, ns, detail=detail)
        self._acks_lost(ns, reason)
        if reason == wire.SERVER_DISCONNECT:      # the server said goodbye: it stays closed
            self.ns_state[ns] = NamespaceState.DISCONNECTED
            self.gaps.forget(ns)
            self._publish(f"{ns} disconnected by the server")
            return
        if reason == wire.CLIENT_DISCONNECT or not self._will_reconnect:
            if ns in self.ns_state:
                self.ns_state[ns] = (NamespaceState.CLOSED if reason == wire.CLIENT_DISCONNECT
                                      else NamespaceState.DISCONNECTED)
            return
        self.ns_state[ns] = NamespaceState.RECONNECTING
        self.gaps.down(ns, entry.t, reason, entry.seq)

    def transport_closed(self, reason: str, detail: str | None, will_reconnect: bool) -> None:
        self._will_reconnect = will_reconnect
        self._close_detail = detail
        if will_reconnect:
            self._reconnecting = True
            self._down_since = time.monotonic()
            self.state = ConnectionState.RECONNECTING
            status = f"Connection lost ({reason}) — reconnecting…"
        else:
            self.state = ConnectionState.DISCONNECTED
            status = "Disconnected by you" if reason == wire.CLIENT_DISCONNECT else f"Disconnected: {reason}"
        if not any(st == NamespaceState.CONNECTED for st in self.ns_state.values()):
            self._log(SYS, Kind.DISCONNECT, detail={"reason": reason, "transport": detail})
        self._publish(status if detail is None or reason == wire.CLIENT_DISCONNECT
                      else f"{status} ({detail})")

    def transport_gone(self, reason: str, detail: str | None, queued: int) -> None:
        """The wire read the transport's end ahead of `queued` packets still to be handled:
        an ahead state says so now; the disconnect row and the state (transport_closed) come
        after those packets, in wire order.  Not for the user's own disconnect."""
        if reason == wire.CLIENT_DISCONNECT or queued < AHEAD_PACKETS or not self._ahead_subs:
            return
        reconnects = self.options.reconnection and self.state == ConnectionState.CONNECTED
        snap = replace(self.snapshot(), status=lost_ahead(reason, queued), state=(
            ConnectionState.RECONNECTING if reconnects else ConnectionState.DISCONNECTED))
        self._tell(self._ahead_subs, snap, "an ahead state")

    def reconnect_attempt(self, attempt: int, delay: float) -> None:
        self.attempt = attempt
        self.gaps.attempt(attempt, self._clock(), delay)
        self._publish(f"Reconnecting (attempt {attempt})…")

    def reconnect_error(self, attempt: int, error: str) -> None:
        self.gaps.attempt_failed(attempt, error)
        self._log(SYS, Kind.RECONNECT_ATTEMPT, detail={"attempt": attempt, "error": error})
        self._publish(f"Reconnect attempt {attempt} failed: {error}")

    def reconnect_failed(self, attempts: int, why: str | None = None) -> None:
        self._remember_open((NamespaceState.RECONNECTING,))
        self._reconnecting = False
        self.state = ConnectionState.DISCONNECTED
        for ns, st in self.ns_state.items():
            if st == NamespaceState.RECONNECTING:
                self.ns_state[ns] = NamespaceState.DISCONNECTED
                self.gaps.forget(ns)
        detail: dict = {"reason": DisconnectReason.GAVE_UP, "attempts": attempts}
        if why is not None:
            detail["why"] = why           # e.g. reconnection turned off during the series
        self._log(SYS, Kind.DISCONNECT, detail=detail)
        self._publish(f"Gave up reconnecting after {plural(attempts, 'attempt')}"
                      + (f" ({why})" if why else ""))

    def event_in(self, ns: str, event: str, args: list, ack_id: int | None, size: int,
                 binary: bool, offset: str | None, recovered: bool = False) -> None:
        flags: tuple = (Flag.BINARY,) if binary else ()
        if recovered:
            flags += (Flag.RECOVERED,)
        detail = {"offset": offset} if offset is not None else None
        if self._links.incoming:
            detail = self._links.take(self._links.incoming, detail)
        self._log(IN, Kind.EVENT, ns, event, args, ack_id, None, size, flags, detail)
        if ack_id is not None:
            self._server_asked_ack(ns, event, ack_id)
        if self.sequences:
            skipped = self.sequences.check(ns, event, args)
            if skipped is not None:
                self.gaps.missed(ns, skipped.missing_count)
                self._log(SYS, Kind.GAP, ns, event, detail=skipped.detail())

    def _server_asked_ack(self, ns: str, event: str, ack_id: int) -> None:
        reply = self.server_acks.reply_for(event)
        if reply is None:
            self.server_acks.hold_unanswered(ns, ack_id, event)
        elif reply.delay > 0:
            asyncio.get_running_loop().call_later(
                reply.delay, self._send_server_ack, ns, event, ack_id, reply.args)
        else:
            self._send_server_ack(ns, event, ack_id, reply.args)

    def ack_in(self, ns: str, ack_id: int, args: list, size: int, binary: bool) -> None:
        answer = self.acks.answer(ns, ack_id, args)
        flags: tuple = (Flag.BINARY,) if binary else ()
        if answer is None:
            self._log(IN, Kind.ACK, ns, None, args, ack_id, None, size, flags, self._links.take(
                self._links.incoming, {"unexpected": "no emit is waiting for this ack id"}))
            return
        if answer.late:
            flags += (Flag.LATE,)
        p = answer.pending
        self._log(IN, Kind.ACK, ns, p.event, args, ack_id, answer.rtt_ms, size, flags,
                  self._links.take(self._links.incoming, {"for_seq": p.out_seq}))

    def sent(self, item: Outgoing, size: int, compressed: bool) -> None:
        flags = []
        detail: dict = {}
        if compressed:
            flags.append(Flag.COMPRESSED)
        elif item.compress:
            detail["compress"] = compress_no_effect(
                self.options.compression, self.client.transport_name if self.client else None)
        if item.volatile:
            flags.append(Flag.VOLATILE)
        if item.binary:
            flags.append(Flag.BINARY)
        if item.buffered_at is not None:
            flags.append(Flag.BUFFERED)
            detail["held_ms"] = round((time.monotonic() - item.buffered_at) * 1000.0, 1)
        if item.wire_bytes != size:
            detail["wire_bytes"] = item.wire_bytes
        if item.context:
            detail.update(item.context)
        self._links.take(self._links.outgoing, detail)
        entry = self._log(OUT, item.kind, item.ns, item.event, item.args, item.ack_id, None,
                          size, tuple(flags), detail or None)
        if item.kind == Kind.EVENT and item.ack_id is not None:
            self.acks.mark_sent(item.ns, item.ack_id, entry.seq)
        if item.buffered_at is not None:
            self._publish()

    def dropped(self, item: Outgoing, reason: str) -> None:
        if item.ack_id is not None and item.kind == Kind.EVENT:
            self.acks.forget(item.ns, item.ack_id)
        self._log(OUT, Kind.DROPPED, item.ns, item.event, item.args, item.ack_id,
                  flags=(Flag.VOLATILE,) if item.volatile else (), detail={"reason": reason})
        self._publish()

    def parser_mismatch(self, message: str) -> None:
        """The server's parser is not ours: the connection failed, with no reconnect."""
        for ns, st in self.ns_state.items():
            if st in (NamespaceState.CONNECTING, NamespaceState.RECONNECTING):
                self.ns_state[ns] = NamespaceState.DISCONNECTED
                self.gaps.forget(ns)
        self._reconnecting = False
        self.state = ConnectionState.DISCONNECTED
        self._log(SYS, Kind.CONNECT_ERROR, detail={"message": message, "parser": self.options.parser,
                                                   "url": redact_url(self.options.url)})
        self._publish(f"Connection failed: {message}")

    def protocol_error(self, message: str, data: Any) -> None:
        self._log(SYS, Kind.ERROR, args=[data if isinstance(data, (str, bytes)) else preview([data], 2000)],
                  detail={"message": message})

    def _raw_packet(self, direction: str, data: Any, transport: str, note: str | None = None) -> None:
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        info = self._describe(data, transport)
        if note is not None:        # e.g. a PING answered on arrival (wire/read_ahead.py)
            info["note"] = note
        direction = Direction(direction)        # "in" / "out" from the wire
        if direction == OUT and not self.options.log_secrets:
            data = self._mask(data, info)
        entry = self._log(direction, Kind.PACKET, info.get("ns"), args=[data],
                          size=size, flags=(Flag.BINARY,) if info.get("attachment") else (),
                          detail=info)
        self._links.packet(direction, info, entry.seq)

    def _ack_timed_out(self, p: PendingAck) -> None:
        detail = {"timeout_s": p.timeout, "for_seq": p.out_seq}
        if p.attempt is not None:
            detail["attempt"] = p.attempt
        unsent = self.client.take_buffered(p.ns, p.ack_id) if self.client is not None else None
        if unsent is not None:
            detail["unsent"] = unsent_after_timeout()
        self._log(SYS, Kind.ACK, p.ns, p.event, None, p.ack_id, flags=(Flag.TIMEOUT,), detail=detail)
        if unsent is not None:
            self._publish()


def subscriber_name(fn: Callable) -> str:
    """A subscriber as a log can name it: module.Class.method, module.function."""
    qualname = getattr(fn, "__qualname__", None)
    if qualname is None:
        return repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{qualname}" if module else qualname


def _server_of(opts: ConnectionOptions) -> tuple[str, str]:
    """Which server a connection goes to (scheme, host and port; the handshake path), so a
    reconnect to another one does not reopen this one's namespaces."""
    parts = urlsplit(opts.url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower(), opts.path


def normalize_namespace(ns: str) -> str:
    ns = (ns or "/").strip()
    return ns if ns.startswith("/") else "/" + ns

