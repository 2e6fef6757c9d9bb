"""InspectorClient: the Socket.IO half of the client (wire/eio.py is the Engine.IO half).

These two modules are the only ones that touch python-socketio /
python-engineio internals (tests/wire/test_private_surface.py lists every one they rely
on, and fails on a version that lacks one).  python-socketio's AsyncClient is built for
applications; an inspector needs more of the wire than its public API gives.
What this module changes, and why:

- Incoming packets are decoded and reported synchronously, in wire order.
- Namespaces open and close one at a time after the connection is up, each
  with its own auth (the public API fixes them at connect()).
- Reconnection is run here so every attempt, its delay and its error can be
  reported (python-socketio has no event for them), and so the disconnect
  reason can be told apart: server disconnect, transport close, ping timeout,
  transport error, client disconnect.
- Every emit says how it left: sent (with the bytes written), held in the
  offline send buffer (socket.io-client's sendBuffer), or dropped (volatile
  while the transport is not writable).
- Connection state recovery: the pid and last offset of each namespace are
  kept and sent on reconnect; the offset argument is stripped from events;
  events replayed ahead of the CONNECT answer are held, then reported as
  recovered.
- Socket.IO protocol 4 (socket.io 2.x, over Engine.IO 3: see wire/eio.py): the
  server connects "/" unasked, a namespace is asked for with `40/nsp?query,`
  (its auth as the query: there is no CONNECT payload), an ERROR packet is a
  refusal, and the socket id is the one a 2.x client has (not in the packet).
- The parser (json or msgpack, wire/parsers.py) is chosen once per connection.  A
  server whose parser is not ours is recognised (it closes the connection at our
  CONNECT, or sends the other parser's packet): the connection fails with one
  message naming the parser it probably uses, and is not retried (socket.io-client
  would reconnect over and over).

Everything above the Observer interface (Session, UI, CLI) stays free of
python-socketio.
"""
from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import aiohttp
import engineio
import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from inspector.wire.connect_errors import describe_connect_error
from inspector.wire.eio import (
    CLIENT_DISCONNECT,
    PING_TIMEOUT,
    SERVER_DISCONNECT,
    TRANSPORT_CLOSE,
    TRANSPORT_ERROR,
    InspectorEngine,
    RawTap,
    utf8_len,
)
from inspector.wire.large_packets import SlicedPacket
from inspector.wire.options import ConnectionOptions, Parser
from inspector.wire.parsers import PARSER_NAMES, JsonPacket, other_parser, packet_class, parser_mismatch
from inspector.wire.payload import decode_error_text
from inspector.wire.refusals import session_unknown
from inspector.wire.sio_types import (
    BUFFERED,
    DROPPED,
    PARSE_ERROR,
    QUEUED,
    REFUSED,
    SENT,
    ConnectError,
    EmitOutcome,
    NamespaceRefused,
    Observer,
    Outgoing,
    WantedNamespace,
)
from inspector.wire.sio_v2 import V2_SERVER, ProtocolV2
from inspector.wire.tls import Certificate, client_context, peer_certificate
from inspector.wire.urls import redact_url

__all__ = ["InspectorClient", "Observer", "Outgoing", "ConnectError", "NamespaceRefused",
           "SERVER_DISCONNECT", "CLIENT_DISCONNECT", "TRANSPORT_CLOSE", "TRANSPORT_ERROR",
           "PING_TIMEOUT", "EmitOutcome", "SENT", "BUFFERED", "DROPPED", "REFUSED", "QUEUED"]


class InspectorClient(ProtocolV2, socketio.AsyncClient):
    """A Socket.IO client that reports everything to an Observer."""

    def __init__(self, observer: Observer, options: ConnectionOptions):
        self.options = options
        super().__init__(
            reconnection=False,  # run by _reconnect_loop, so attempts can be seen
            handle_sigint=False,
            ssl_verify=options.verify_tls,
            request_timeout=max(5.0, options.connect_timeout),
            websocket_extra_options=websocket_options(options),
            serializer=packet_class(options.parser),   # chosen once: json or msgpack
        )
        self.observer = observer
        if self.packet_class is JsonPacket:
            self.packet_class = SlicedPacket      # a 50 MB event decoded without freezing the window
        self.ns: dict[str, WantedNamespace] = {}
        self._ack_ids: dict[str, int] = {}
        self._binary: tuple[Any, int] | None = None
        self._closing = False
        self._aborting = False
        self._reconnect_task: asyncio.Task | None = None
        self._reconnect_abort = asyncio.Event()
        self._last_error = ""           # why the last attempt of a reconnect series failed
        self._parse_failed = False      # an undecodable packet is closing the engine
        self._parse_close: asyncio.Future | None = None
        self._v2_root = False           # socket.io 2.x connected "/" on this engine, asked or not
        self._v2_root_closed = False    # ... and we closed it since (a new "/" is asked for)
        self._v2_told_recovery = False  # "2.x has no connection state recovery" said once
        self.eio.protocol = options.protocol
        self._mismatch: str | None = None    # the server's parser is not ours: fail, no reconnect
        self._cut = False                    # drop_transport(): the close is ours, not the server's
        self._answered = False               # a CONNECT of this engine was answered (or refused)
        self._asked: set[str] = set()        # the namespaces a CONNECT was sent for on this engine
        self.eio.on_message = self._on_message
        self.eio.on_error = lambda exc, data: self.observer.protocol_error(
            f"could not handle a message ({type(exc).__name__}: {exc})", data)
        self.eio.on_written = self._on_written
        self.eio.ssl_context = client_context(options.verify_tls, options.ca_file)
        self.eio.on_bad_packet = lambda message, data: self.observer.protocol_error(message, data)
        self.eio.on_transport_gone = lambda reason, detail, queued: self.observer.transport_gone(
            reason, detail, queued)
        self.eio.tolerate_bad_packets = options.tolerate_undecodable

    def _engineio_client_class(self):
        return InspectorEngine

    # -- state -------------------------------------------------------------
    @property
    def engine_connected(self) -> bool:
        return self.eio.state == "connected"

    @property
    def reconnecting(self) -> bool:
        return self._reconnect_task is not None and not self._reconnect_task.done()

    @property
    def transport_name(self) -> str | None:
        return self.eio.current_transport if self.engine_connected else None

    @property
    def deflate(self) -> bool | None:
        """Whether permessage-deflate is on (None when not on websocket)."""
        if not self.engine_connected or self.eio.current_transport != "websocket":
            return None
        return self.eio.deflate

    def buffered(self, ns: str | None = None) -> int:
        if ns is not None:
            st = self.ns.get(ns)
            return len(st.buffer) if st else 0
        return sum(len(st.buffer) for st in self.ns.values())

    def is_buffered(self, ns: str, ack_id: int) -> bool:
        """The emit that asked for this ack is still held in the offline buffer."""
        st = self.ns.get(ns)
        return st is not None and any(i.ack_id == ack_id and i.kind == "event" for i in st.buffer)

    def take_buffered(self, ns: str, ack_id: int) -> Outgoing | None:
        """Take a held emit out of the offline buffer (its ack timed out: it is never
        sent, as socket.io-client's timer takes it out of the sendBuffer)."""
        st = self.ns.get(ns)
        for i, item in enumerate(st.buffer if st is not None else ()):
            if item.ack_id == ack_id and item.kind == "event":
                return st.buffer.pop(i)
        return None

    def has_namespace(self, ns: str) -> bool:
        """Opened by the user (connected, connecting or coming back), not closed or refused."""
        return ns in self.ns

    def set_raw_observer(self, fn: RawTap | None) -> None:
        """Report every Engine.IO packet in and out, as it crosses (None: off)."""
        self.eio.on_raw = fn

    def next_ack_id(self, ns: str) -> int:
        """Ack ids grow for the whole session, so a late answer is never mistaken."""
        n = self._ack_ids.get(ns, -1) + 1
        self._ack_ids[ns] = n
        return n

    # -- connection ----------------------------------------------------------
    async def connect(self) -> None:  # noqa: D401 (overrides with another signature)
        """Open the Engine.IO connection; the wanted namespaces connect over it."""
        if self.engine_connected:
            raise ConnectError("already connected")
        self._closing = False
        self._reconnect_abort.clear()
        await self._open_engine()

    async def retry_first_connect(self, error: str) -> None:
        """socket.io-client's Manager retries a failed first connection when reconnection is
        on (maybeReconnectOnOpen): the reconnect series runs as after a drop.  Returns once an
        attempt opened the connection; raises ConnectError once the series gave up or was
        stopped (disconnect(), or reconnection turned off meanwhile)."""
        self._last_error = error
        self._reconnect_task = asyncio.ensure_future(self._reconnect_loop())
        # shielded: a cancelled caller leaves the series to disconnect(), which ends it
        if not await asyncio.shield(self._reconnect_task):
            raise ConnectError(self._last_error)

    async def _open_engine(self) -> None:
        opts = self.options
        self.eio.close_cause = None
        self.eio.refusal = self.eio.request_error = None
        try:
            await asyncio.wait_for(
                self.eio.connect(opts.engine_url, headers=dict(opts.headers),
                                 transports=opts.transports, engineio_path=opts.path),
                opts.connect_timeout)
        except asyncio.TimeoutError:
            await self._abort_engine()
            raise ConnectError(f"no answer from {redact_url(opts.url)} within "
                               f"{opts.connect_timeout:g} s") from None
        except engineio.exceptions.ConnectionError as exc:
            cert = await self._failed_certificate()
            await self._abort_engine()
            raise ConnectError(describe_connect_error(exc, opts, self.eio, cert)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            await self._abort_engine()
            raise ConnectError(f"{type(exc).__name__}: {exc}") from None
        except asyncio.CancelledError:    # Disconnect while connecting: no half-open engine left
            await self._abort_engine()
            raise

    async def _failed_certificate(self) -> Certificate | None:
        """The certificate that failed the check, fetched again unchecked (to name it)."""
        error = self.eio.request_error
        if not isinstance(error, aiohttp.ClientConnectorCertificateError):
            return None
        return await peer_certificate(error.host, error.port)

    async def _abort_engine(self) -> None:
        self._aborting = True
        try:
            if self.eio.state == "connected":
                await self.eio.disconnect(abort=True)
            else:
                await self.eio._reset()
        except (aiohttp.ClientError, OSError):
            pass    # closing what was half open (aiohttp's websocket close catches its own errors)
        finally:
            self._aborting = False

    @property
    def v2(self) -> bool:
        """This connection speaks socket.io 2.x (Engine.IO 3, Socket.IO protocol 4)."""
        return self.eio.eio3

    async def _handle_eio_connect(self):
        self.sid = self.eio.sid
        self._parse_failed = False
        self._v2_root = self._v2_root_closed = False
        self._mismatch, self._cut, self._answered = None, False, False
        self._asked = set()
        info = {
            "sid": self.eio.sid, "transport": self.eio.current_transport,
            "upgrades": list(self.eio.upgrades or []),
            "ping_interval": self.eio.ping_interval, "ping_timeout": self.eio.ping_timeout,
        }
        if self.v2:
            info["server"] = V2_SERVER
            if self.eio.eio3_seen:
                info["recognised"] = self.eio.eio3_seen
        self.observer.engine_open(info)
        if self.v2 and self.options.parser == Parser.MSGPACK:
            # socket.io-msgpack-parser 3 speaks protocol 5 only: say so, and do not retry
            self._mismatch = (f"the server is {V2_SERVER}: the msgpack parser is spoken by "
                              "socket.io 3.x and 4.x only (set Parser: json)")
            self._close_on_parse_error("the msgpack parser against a socket.io 2.x server")
            return
        for ns, st in self.ns.items():
            self._send_connect(ns, st)

    def _send_connect(self, ns: str, st: WantedNamespace) -> None:
        auth = st.auth if st.auth is not None else self.options.auth
        if self.v2:
            self._send_connect_v2(ns, auth, st)
            return
        if st.pid is not None and self.options.recovery:
            # connection state recovery: the server replays what we missed
            auth = {**(auth or {}), "pid": st.pid, "offset": st.offset}
        st.opening = True
        self._asked.add(ns)
        self._queue(self.packet_class(sio_packet.CONNECT, data=auth or None, namespace=ns))

    def open_namespace(self, ns: str, auth: Any = None) -> asyncio.Future:
        """Ask for a namespace; the future ends with its CONNECT info or raises on refusal.
        One socket per namespace, as socket.io-client's Manager keeps: asking for one that
        is open or opening sends no second CONNECT (the server would keep a ghost socket)."""
        loop = asyncio.get_running_loop()
        st = self.ns.get(ns)
        if st is None:
            st = self.ns[ns] = WantedNamespace(auth=auth)
        else:
            st.auth = auth if auth is not None else st.auth
        if st.waiter is None or st.waiter.done():
            st.waiter = loop.create_future()
        if st.connected:
            st.waiter.set_result({"sid": st.sid, "pid": st.pid, "recovered": False})
        elif self.engine_connected and not st.opening:
            self._send_connect(ns, st)
        return st.waiter

    async def close_namespace(self, ns: str) -> None:
        st = self.ns.pop(ns, None)
        if st is None:
            return
        self._drop_buffer(st, f"{ns} was closed before it could be sent")
        if st.waiter is not None and not st.waiter.done():
            st.waiter.cancel()
        was_connected = st.connected
        if was_connected and self.engine_connected:
            self._queue(self.packet_class(sio_packet.DISCONNECT, namespace=ns))
            if self.v2 and ns == "/":
                self._v2_root, self._v2_root_closed = False, True
        self.namespaces.pop(ns, None)
        if was_connected:
            self.observer.namespace_disconnected(ns, CLIENT_DISCONNECT)
        if not self.ns:
            await self.disconnect()

    async def disconnect(self) -> None:
        self._closing = True
        if self.reconnecting:
            self._reconnect_abort.set()
            await self._reconnect_task
        if self.engine_connected:
            # what was emitted before goes out (and is logged) before the goodbye
            await self.eio.drained(2.0)
            for ns, st in self.ns.items():
                if st.connected:
                    self._queue(self.packet_class(sio_packet.DISCONNECT, namespace=ns))
            # a goodbye: the DISCONNECTs are written before the transport closes, so the
            # server sees "client namespace disconnect", not "transport close"
            await self.eio.drained(GOODBYE_TIMEOUT)
            self.eio.close_cause = (CLIENT_DISCONNECT, None)
            await self.eio.disconnect()

    async def drained(self, timeout: float) -> bool:
        """Wait until everything queued has been written; False on timeout or when down."""
        return await self.eio.drained(timeout) if self.engine_connected else False

    async def drop_transport(self) -> bool:
        """Cut the connection the way a network failure would (no goodbye packets),
        so reconnection, buffering and recovery can be tried against any server."""
        self._cut = self.engine_connected
        return await self.eio.cut("cut by you (simulated network drop)")

    async def _handle_eio_disconnect(self, reason):
        if self._aborting:  # a half-open connection given up by _open_engine
            return
        cause, detail = self.eio.close_cause or (
            CLIENT_DISCONNECT if reason == self.reason.CLIENT_DISCONNECT else TRANSPORT_ERROR, None)
        self.eio.close_cause = None
        if self._mismatch is None and session_unknown(detail):
            # not the parser: a node that never saw the handshake (no sticky sessions); like
            # a parser mismatch it ends the connection attempt with its own words
            self._mismatch = session_unknown(detail)
        elif self._mismatch is None and self._closed_on_connect(cause):
            self._mismatch = parser_mismatch(
                self.options.parser, "the server closed the connection as soon as it got CONNECT")
        mismatch = self._mismatch
        will_reconnect = (self.options.reconnection and not self._closing and mismatch is None
                          and cause != CLIENT_DISCONNECT and bool(self.ns))
        self.observer.transport_closed(cause, detail, will_reconnect)
        self._rescue_unwritten(will_reconnect)
        for ns, st in self.ns.items():
            st.opening = False                  # the next engine sends its CONNECT again
            self._release_held(ns, st, False)   # never silently lose what did arrive
            if st.connected:
                st.connected = False
                self.observer.namespace_disconnected(ns, cause)
        self.namespaces = {}
        self.connected = False
        self._binary = None
        self._v2_root = False
        self.sid = None
        if mismatch is not None:
            self._fail_waiters(mismatch)
            self.observer.parser_mismatch(mismatch)
        if will_reconnect and not self.reconnecting:
            self._reconnect_task = asyncio.ensure_future(self._reconnect_loop())

    def _closed_on_connect(self, cause: str) -> bool:
        """The server ended the engine after our CONNECT and before any answer (no namespace
        connected, one waiting): what socket.io 3/4 does when its parser cannot read ours
        (websocket: closed, 1006; polling: a CLOSE packet).  socket.io-client reconnects at
        once, over and over; the inspector stops and names the likely parser."""
        if cause not in (TRANSPORT_CLOSE, SERVER_DISCONNECT) or self._closing or self._cut:
            return False
        states = self.ns.values()
        return any(st.opening for st in states) and not any(st.connected for st in states)

    def silence_hint(self) -> str | None:
        """Why a CONNECT may get no answer at all: python-socketio's server ignores a packet
        its parser cannot read, in silence (its log has the traceback).  None once any
        namespace of this connection was answered."""
        if not self.engine_connected or self._answered:
            return None
        theirs = other_parser(self.options.parser)
        return (f"no namespace answered; a python-socketio server ignores a packet of another "
                f"parser: if it uses the {PARSER_NAMES[theirs]} parser, set Parser: {theirs}")

    def _fail_waiters(self, message: str) -> None:
        """open_namespace's futures still waiting end with ConnectError(message)."""
        for st in self.ns.values():
            if st.waiter is not None and not st.waiter.done():
                st.waiter.set_exception(ConnectError(message))
                st.waiter.exception()      # retrieved: its caller may be gone

    def _rescue_unwritten(self, will_reconnect: bool) -> None:
        """What was emitted but not yet written when the connection ended is not lost
        silently: a whole event goes back to the offline buffer (to be sent when its
        namespace is back, as socket.io-client's sendBuffer would), anything else is
        reported dropped, with why."""
        items: list[Outgoing] = []
        maybe_out: set[int] = set()
        for pkt, maybe in self.eio.take_unwritten():
            if not items or items[-1] is not pkt.item:
                items.append(pkt.item)
            if maybe:
                maybe_out.add(id(pkt.item))
        back: dict[str, list[Outgoing]] = {}
        for item in items:
            st = self.ns.get(item.ns)
            whole = item.size == 0 and id(item) not in maybe_out    # none of it went out
            if (whole and will_reconnect and not item.volatile and st is not None
                    and (item.kind == "ack" or item.kind == "event" and self.options.buffer_offline)):
                item.buffered_at = item.buffered_at or time.monotonic()
                back.setdefault(item.ns, []).append(item)
            elif id(item) in maybe_out:
                self.observer.dropped(item, "the connection ended while it was being posted "
                                            "(the server may or may not have it)")
            elif not whole:
                self.observer.dropped(item, "the connection ended while it was being written "
                                            "(only part of it went out)")
            else:
                self.observer.dropped(item, "the connection ended before it was written")
        for ns, held in back.items():
            st = self.ns[ns]
            st.buffer[:0] = held

    def take_buffers(self, namespaces: list[str]) -> dict[str, list[Outgoing]]:
        """The emits held for these namespaces, taken out for the next connection (a
        socket.io-client Socket keeps its sendBuffer across disconnect() and connect())."""
        taken = {}
        for ns in namespaces:
            st = self.ns.get(ns)
            if st is not None and st.buffer:
                taken[ns], st.buffer = st.buffer, []
        return taken

    def hold(self, ns: str, items: list[Outgoing]) -> None:
        """Emits held by the last connection, ahead of anything buffered since."""
        st = self.ns.get(ns)
        if st is not None:
            st.buffer[:0] = items

    def drop_buffers(self, reason: str) -> None:
        """Report every held emit dropped (this client is being replaced)."""
        for st in self.ns.values():
            self._drop_buffer(st, reason)

    def _drop_buffer(self, st: WantedNamespace, reason: str) -> None:
        held, st.buffer = st.buffer, []
        for item in held:
            self.observer.dropped(item, reason)

    async def _reconnect_loop(self) -> bool:
        """socket.io-client's backoff: delay doubles up to the max, with jitter.  True once
        an attempt opened the connection; False when the series ended without (then
        _last_error says why)."""
        opts = self.options
        attempt = 0
        self._reconnect_abort.clear()
        while True:
            # jitter first, then the cap (as socket.io-client's backoff does); the
            # exponent is bounded so unlimited attempts never overflow
            base = opts.reconnection_delay * (2 ** min(attempt, 30))
            jitter = opts.randomization_factor * base
            delay = max(0.0, min(base + random.uniform(-jitter, jitter), opts.reconnection_delay_max))
            try:
                await asyncio.wait_for(self._reconnect_abort.wait(), delay)
                self._last_error = "stopped: disconnected by you"
                return False  # aborted by disconnect()
            except asyncio.TimeoutError:
                pass
            if not self.ns:
                self._last_error = "stopped: no namespace is open"
                return False
            if not opts.reconnection:   # turned off during the series (socket.io-client's
                # reconnection(false)): no more attempts
                self._end_series(attempt, f"reconnection was turned off after {attempt} attempt(s); "
                                          f"the last error: {self._last_error}", "reconnection turned off")
                return False
            attempt += 1
            self.observer.reconnect_attempt(attempt, delay)
            try:
                await self._open_engine()
            except ConnectError as exc:
                self._last_error = str(exc)
                self.observer.reconnect_error(attempt, str(exc))
                if opts.reconnection_attempts and attempt >= opts.reconnection_attempts:
                    self._end_series(attempt, f"gave up reconnecting after {attempt} attempt(s); "
                                              f"the last error: {exc}")
                    return False
                continue
            return True

    def _end_series(self, attempts: int, message: str, why: str | None = None) -> None:
        """The series ended without a connection: the namespaces still waiting to connect
        are told (open_namespace's futures end with ConnectError), then the observer."""
        self._last_error = message
        self._fail_waiters(message)
        self.observer.reconnect_failed(attempts, why)

    # -- incoming ------------------------------------------------------------
    def _on_message(self, data) -> None:
        if self._parse_failed:    # the engine is closing: what follows is not read (as
            return                # socket.io-client's Manager destroys its decoder)
        try:
            if self._binary is not None:
                pkt, size = self._binary
                if isinstance(data, str):       # socket.io-parser throws here: a lying count
                    raise ValueError(f"got plaintext data when reconstructing a packet: a text frame "
                                     f"where {describe_awaited(pkt)} was expected")
                size += len(data)
                if pkt.add_attachment(data):
                    self._binary = None
                    self._dispatch(pkt, size, True)
                else:
                    self._binary = (pkt, size)
                return
            # a text message had its Engine.IO type ("4"); a binary one (msgpack) has none
            size = 1 + utf8_len(data) if isinstance(data, str) else len(data)
            if not isinstance(data, str) and self.options.parser == Parser.JSON:
                raise ValueError("got binary data when not reconstructing a packet")
            pkt = self.packet_class(encoded_packet=data)
        except (ValueError, TypeError, IndexError, KeyError, RecursionError) as exc:
            # what a malformed packet makes python-socketio's decoder raise: int() and JSON
            # (msgpack's errors are ValueErrors too), an attachment placeholder that points
            # nowhere (IndexError, TypeError, KeyError), nesting too deep (RecursionError)
            self._binary = None
            mismatch = parser_mismatch(self.options.parser, data=data)
            if mismatch is not None and not self.options.tolerate_undecodable:
                self._mismatch = mismatch     # one clear message (transport_closed), no reconnect
                self._close_on_parse_error(f"undecodable packet: {exc}")
                return
            self.observer.protocol_error(f"undecodable Socket.IO packet: {decode_error_text(exc)}"
                                         + (f" ({mismatch})" if mismatch else ""), data)
            if not self.options.tolerate_undecodable:
                self._close_on_parse_error(f"undecodable packet: {exc}")
            return
        ptype = pkt.packet_type
        if ptype == sio_packet.EVENT or ptype == sio_packet.ACK:
            self._dispatch(pkt, size, False)
        elif ptype == sio_packet.BINARY_EVENT or ptype == sio_packet.BINARY_ACK:
            if pkt.attachment_count:
                self._binary = (pkt, size)
            else:
                self._dispatch(pkt, size, True)
        elif ptype == sio_packet.CONNECT:
            self._on_connect(pkt.namespace or "/", pkt.data, size)
        elif ptype == sio_packet.CONNECT_ERROR:
            self._on_connect_error(pkt.namespace or "/", pkt.data, size)
        elif ptype == sio_packet.DISCONNECT:
            self._on_server_disconnect(pkt.namespace or "/")
        else:
            self.observer.protocol_error(f"unknown packet type {ptype}", data)

    def _close_on_parse_error(self, detail: str) -> None:
        """socket.io-client's Manager closes the engine on a packet it cannot decode
        (onclose("parse error")) and reconnects; the close runs beside the read loop that
        is calling us (disconnect() waits for that loop to end)."""
        if self.eio.state != "connected":
            return
        self._parse_failed = True
        self.eio.close_cause = (PARSE_ERROR, detail)
        self._parse_close = asyncio.ensure_future(self.eio.disconnect())

    def _dispatch(self, pkt, size: int, binary: bool) -> None:
        ns = pkt.namespace or "/"
        data = pkt.data
        if pkt.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
            if not isinstance(data, list) or not data or not isinstance(data[0], str):
                self.observer.protocol_error("event packet without an event name", data)
                return
            st = self.ns.get(ns)
            if st is not None and not st.connected:
                # Before the namespace's CONNECT answer.  A server with connection
                # state recovery replays what was missed here, ahead of CONNECT;
                # socket.io-client holds such events until connected, and so do we.
                st.held.append((data, pkt.id, size, binary))
                return
            self._deliver(ns, st, data, pkt.id, size, binary, False)
        else:
            if pkt.id is None:
                self.observer.protocol_error("ack packet without an id", data)
                return
            self.observer.ack_in(ns, pkt.id, data if isinstance(data, list) else [],
                                 size, binary)

    def _deliver(self, ns: str, st: WantedNamespace | None, data: list, ack_id: int | None,
                 size: int, binary: bool, recovered: bool) -> None:
        args = data[1:]
        offset = None
        # with recovery on, the server appends the offset to every event without an ack
        if (st is not None and st.pid is not None and ack_id is None
                and args and type(args[-1]) is str):
            offset = args.pop()
            st.offset = offset
        self.observer.event_in(ns, data[0], args, ack_id, size, binary, offset, recovered)

    def _release_held(self, ns: str, st: WantedNamespace, recovered: bool) -> None:
        held, st.held = st.held, []
        for data, ack_id, size, binary in held:
            self._deliver(ns, st, data, ack_id, size, binary, recovered)

    def _on_connect(self, ns: str, data: Any, size: int) -> None:
        self._answered = True
        st = self.ns.get(ns)
        if self.v2 and ns == "/":
            self._v2_root = True
            if st is None or not st.opening:    # "/" connected unasked: a 2.x client has no
                return                          # socket there (and a DISCONNECT would close it)
        if st is None and ns not in self._asked:
            # socket.io-client has no socket for it: the packet is ignored (and said so here)
            self.observer.protocol_error(f"the server connected {ns}, a namespace never opened on "
                                         "this connection (socket.io-client ignores the packet)", data)
            return
        if st is None:  # a namespace we closed meanwhile: tell the server again
            self._queue(self.packet_class(sio_packet.DISCONNECT, namespace=ns))
            return
        notes = self._v2_connect_notes(ns, st) if self.v2 else {}
        if self.v2:
            data = {"sid": self._v2_sid(ns)}
        elif not (isinstance(data, dict) and data.get("sid")):
            self.observer.protocol_error(
                f"the CONNECT answer for {ns} has no sid, as a socket.io 2.x server's has not: "
                "set the protocol option to auto or v2", data)
        data = data if isinstance(data, dict) else {}
        pid = data.get("pid")
        recovered = pid is not None and st.pid == pid and self.options.recovery
        info = {"sid": data.get("sid"), "pid": pid, "recovered": recovered,
                "had_pid": st.pid is not None, "had_offset": st.offset is not None,
                "replayed": len(st.held) if recovered else 0, **notes}
        st.connected, st.sid, st.opening = True, data.get("sid"), False
        st.pid = pid
        if not recovered:
            st.offset = None
        self.namespaces[ns] = st.sid
        self.connected = True
        self.observer.namespace_connected(ns, info, size)
        self._release_held(ns, st, recovered)
        held, st.buffer = st.buffer, []
        for item in held:  # the offline buffer, in order, before anything else
            self._send_outgoing(item)
        if st.waiter is not None and not st.waiter.done():
            st.waiter.set_result(info)

    def _on_connect_error(self, ns: str, data: Any, size: int) -> None:
        if self.v2 and self._v2_error_on_open(ns, data):
            return
        self._answered = True
        st = self.ns.pop(ns, None)  # refused namespaces are not retried (as in the JS client)
        if st is not None:
            self._release_held(ns, st, False)
        self.observer.namespace_refused(ns, data, size)
        if st is not None:
            self._drop_buffer(st, f"{ns} was refused by the server")
        if st is not None and st.waiter is not None and not st.waiter.done():
            st.waiter.set_exception(NamespaceRefused(ns, data))

    def _on_server_disconnect(self, ns: str) -> None:
        st = self.ns.pop(ns, None)  # the server said goodbye: no automatic reconnect
        self.namespaces.pop(ns, None)
        if st is not None and st.connected:
            self.observer.namespace_disconnected(ns, SERVER_DISCONNECT)
        if st is not None:
            self._drop_buffer(st, f"{ns} was disconnected by the server")

    # -- outgoing ------------------------------------------------------------
    def emit_event(self, item: Outgoing) -> str:
        """Send, hold or drop one event; returns SENT, BUFFERED, DROPPED or REFUSED."""
        st = self.ns.get(item.ns)
        connected = st is not None and st.connected and self.engine_connected
        if item.volatile and not (connected and self.eio.writable()):
            return DROPPED
        if connected:
            self._send_outgoing(item)
            return SENT
        if st is not None and self.options.buffer_offline:
            item.buffered_at = time.monotonic()
            st.buffer.append(item)
            return BUFFERED
        return REFUSED

    def send_ack(self, item: Outgoing) -> str:
        """Answer a server's ack request: SENT, BUFFERED while the namespace is coming back
        (an answer owed is sent once it is connected again, whatever buffer_offline says),
        REFUSED when the namespace is gone."""
        st = self.ns.get(item.ns)
        if st is None:
            return REFUSED
        if not st.connected or not self.engine_connected:
            item.buffered_at = time.monotonic()
            st.buffer.append(item)
            return BUFFERED
        self._send_outgoing(item)
        return SENT

    def _send_outgoing(self, item: Outgoing) -> None:
        if item.kind == "ack":
            pkt = self.packet_class(sio_packet.ACK, namespace=item.ns, data=list(item.args),
                                    id=item.ack_id)
        else:
            pkt = self.packet_class(sio_packet.EVENT, namespace=item.ns,
                                    data=[item.event, *item.args], id=item.ack_id)
        self._queue(pkt, item)

    def _queue(self, pkt, item: Outgoing | None = None) -> None:
        encoded = pkt.encode()
        parts = encoded if isinstance(encoded, list) else [encoded]
        if item is not None:
            item.parts, item.size, item.wire_bytes, item.compressed = len(parts), 0, 0, False
            item.binary = pkt.packet_type >= sio_packet.BINARY_EVENT   # attachments, or msgpack bin
        for part in parts:
            epkt = eio_packet.Packet(eio_packet.MESSAGE, data=part)
            epkt.compress = item.compress if item is not None else False
            epkt.item = item
            if self.eio.state == "connected":
                self.eio.queue.put_nowait(epkt)

    def _on_written(self, epkt, size: int, wire_bytes: int, compressed: bool) -> None:
        item = getattr(epkt, "item", None)
        if item is None:
            return
        item.size += size
        item.wire_bytes += wire_bytes
        item.compressed = item.compressed or compressed
        item.parts -= 1
        if item.parts == 0:
            self.observer.sent(item, item.size, item.compressed)


GOODBYE_TIMEOUT = 2.0   # s: how long Disconnect waits for its DISCONNECT packets to be written
MAX_MESSAGE = 256 * 1024 * 1024   # aiohttp's default (4 MiB) would drop the connection on a big event


def websocket_options(options: ConnectionOptions) -> dict:
    extra: dict = {"max_msg_size": MAX_MESSAGE}
    if options.compression:
        extra["compress"] = 15          # offer permessage-deflate
    return extra


def describe_awaited(pkt) -> str:
    """The attachment a binary packet still waits for, and the packet: `attachment 2 of 2 of
    BINARY_EVENT 'file' on /`."""
    kind = "BINARY_EVENT" if pkt.packet_type == sio_packet.BINARY_EVENT else "BINARY_ACK"
    data = pkt.data
    what = (f" {data[0]!r}" if kind == "BINARY_EVENT" and isinstance(data, list) and data
            and isinstance(data[0], str) else f" id {pkt.id}" if pkt.id is not None else "")
    return (f"attachment {len(pkt.attachments) + 1} of {pkt.attachment_count} of "
            f"{kind}{what} on {pkt.namespace or '/'}")
