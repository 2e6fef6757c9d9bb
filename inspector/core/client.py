"""InspectorClient: the one place that touches python-socketio / python-engineio internals.

python-socketio's AsyncClient is built for applications; an inspector needs
more of the wire than its public API gives.  What this module changes, and why:

- Incoming packets are dispatched synchronously, in wire order, from the read
  loop (python-engineio starts an asyncio task per message, which costs time
  and lets handlers interleave).
- Namespaces open and close one at a time after the connection is up, each
  with its own auth (the public API fixes them at connect()).
- Reconnection is run here so every attempt, its delay and its error can be
  reported (python-socketio has no event for them), and so the disconnect
  reason can be told apart: server disconnect, transport close, ping timeout,
  transport error, client disconnect.
- Every emit says how it left: sent (with the bytes written), held in the
  offline send buffer, or dropped (volatile while the transport is busy).
  Compression is decided per frame, in the write loop.
- Connection state recovery: the pid and last offset of each namespace are
  kept and sent on reconnect; the offset argument is stripped from events.
- Raw capture: every Engine.IO packet in and out can be reported as it
  crosses (off unless a packet observer is set).

Everything above the Observer interface (Session, UI, CLI) stays free of
python-socketio.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import aiohttp
import engineio
from engineio import packet as eio_packet
from engineio import payload as eio_payload
import socketio
from socketio import packet as sio_packet

from .options import ConnectionOptions

# Disconnect reasons, in the words a user understands (socket.io-client's words).
SERVER_DISCONNECT = "server disconnect"
CLIENT_DISCONNECT = "client disconnect"
TRANSPORT_CLOSE = "transport close"
TRANSPORT_ERROR = "transport error"
PING_TIMEOUT = "ping timeout"

SENT, BUFFERED, DROPPED, REFUSED = "sent", "buffered", "dropped", "refused"


class ConnectError(Exception):
    """The connection could not be made; the message says why in plain words."""


class Observer(Protocol):
    """What the client reports.  Called on the network loop, synchronously, in wire order."""

    def engine_open(self, info: dict) -> None: ...
    def namespace_connected(self, ns: str, info: dict, size: int) -> None: ...
    def namespace_refused(self, ns: str, data: Any, size: int) -> None: ...
    def namespace_disconnected(self, ns: str, reason: str) -> None: ...
    def event_in(self, ns: str, event: str, args: list, ack_id: int | None,
                 size: int, binary: bool, offset: str | None, recovered: bool) -> None: ...
    def ack_in(self, ns: str, ack_id: int, args: list, size: int, binary: bool) -> None: ...
    def sent(self, item: "Outgoing", size: int, compressed: bool) -> None: ...
    def transport_closed(self, reason: str, detail: str | None, will_reconnect: bool) -> None: ...
    def reconnect_attempt(self, attempt: int, delay: float) -> None: ...
    def reconnect_error(self, attempt: int, error: str) -> None: ...
    def reconnect_failed(self, attempts: int) -> None: ...
    def protocol_error(self, message: str, data: Any) -> None: ...


@dataclass(eq=False)
class Outgoing:
    """One Socket.IO packet on its way out, and what the caller wants to know of it."""

    kind: str                      # "event" or "ack"
    ns: str
    event: str | None
    args: list
    ack_id: int | None = None
    compress: bool = False
    volatile: bool = False
    buffered_at: float | None = None   # monotonic time it entered the offline buffer
    context: Any = None            # the caller's own data, handed back in Observer.sent
    parts: int = 0                 # Engine.IO packets still to be written
    size: int = 0                  # encoded Engine.IO packets, summed over attachments
    wire_bytes: int = 0            # what was written to the socket (frame headers, deflate)
    compressed: bool = False
    binary: bool = False


@dataclass
class _Namespace:
    auth: Any = None
    connected: bool = False
    sid: str | None = None
    pid: str | None = None          # connection state recovery session id
    offset: str | None = None       # last offset seen, sent back on reconnect
    buffer: list[Outgoing] = field(default_factory=list)
    held: list[tuple] = field(default_factory=list)    # events that came before CONNECT
    waiter: asyncio.Future | None = None


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


class _CountingTransport:
    """Wraps the websocket's transport to count the bytes actually written."""

    __slots__ = ("_inner", "written")

    def __init__(self, inner):
        self._inner = inner
        self.written = 0

    def write(self, data) -> None:
        self.written += len(data)
        self._inner.write(data)

    def writelines(self, chunks) -> None:
        chunks = list(chunks)
        self.written += sum(len(c) for c in chunks)
        self._inner.writelines(chunks)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class InspectorEngine(engineio.AsyncClient):
    """python-engineio's client with a synchronous, classified, observable wire."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_message: Callable[[Any], None] = lambda data: None
        # (packet, encoded size, bytes written to the socket, compressed)
        self.on_written: Callable[[Any, int, int, bool], None] = lambda *a: None
        self.on_raw: Callable[[str, Any], None] | None = None   # ("in"|"out", str|bytes)
        self.close_cause: tuple[str, str | None] | None = None
        self.writing = False
        self.compress_offer = True

    # -- reading -----------------------------------------------------------
    async def _read_loop_websocket(self):
        """Like python-engineio's, but records why it ended and skips its per-read task."""
        ws_types = aiohttp.WSMsgType
        cause: tuple[str, str | None] = (TRANSPORT_ERROR, None)
        while self.state == "connected" and self.write_loop_task:
            try:
                msg = await self.ws.receive(timeout=self.ping_interval + self.ping_timeout)
            except asyncio.TimeoutError:
                cause = (PING_TIMEOUT, "no packet from the server within "
                         f"{self.ping_interval + self.ping_timeout:g} s")
                break
            except Exception as exc:  # aiohttp raises a variety here
                cause = (TRANSPORT_ERROR, str(exc) or type(exc).__name__)
                break
            mtype = msg.type
            if mtype is ws_types.TEXT or mtype is ws_types.BINARY:
                data = msg.data
            else:
                if mtype in (ws_types.CLOSE, ws_types.CLOSING, ws_types.CLOSED):
                    cause = (TRANSPORT_CLOSE, f"websocket closed (code {self.ws.close_code})")
                else:
                    cause = (TRANSPORT_ERROR, str(msg.data or mtype.name))
                break
            if self.on_raw is not None:
                self.on_raw("in", data)
            if type(data) is str and data[:1] == "4":
                # the hot path: a message, without python-engineio's JSON attempt
                self.last_rx = time.monotonic()
                self._dispatch(data[1:])
                continue
            try:
                pkt = eio_packet.Packet(encoded_packet=data)
            except Exception as exc:
                cause = (TRANSPORT_ERROR, f"undecodable packet: {exc}")
                break
            await self._receive_packet(pkt)
        await self._end_read_loop(cause)

    async def _read_loop_polling(self):
        cause: tuple[str, str | None] = (TRANSPORT_ERROR, None)
        while self.state == "connected" and self.write_loop_task:
            r = await self._send_request(
                "GET", self.base_url + self._get_url_timestamp(),
                timeout=max(self.ping_interval, self.ping_timeout) + 5)
            if r is None or isinstance(r, str):
                # python-engineio turns a request error into its text; a timeout has none
                if not r or "timeout" in r.lower():
                    cause = (PING_TIMEOUT, r or "the long-polling request timed out")
                else:
                    cause = (TRANSPORT_ERROR, r)
                break
            if r.status < 200 or r.status >= 300:
                cause = (TRANSPORT_CLOSE, f"HTTP {r.status} from the server")
                break
            try:
                body = (await r.read()).decode("utf-8")
                p = eio_payload.Payload(encoded_payload=body)
            except (ValueError, aiohttp.ClientError) as exc:
                cause = (TRANSPORT_ERROR, f"unexpected response: {exc}")
                break
            for pkt in p.packets:
                if self.on_raw is not None:
                    self.on_raw("in", pkt.encode(b64=True))
                await self._receive_packet(pkt)
        await self._end_read_loop(cause)

    async def _end_read_loop(self, cause):
        if self.state == "connected" and self.close_cause is None:
            self.close_cause = cause
        await self.queue.put(None)
        if self.write_loop_task:
            await self.write_loop_task
        if self.state == "connected":
            await self._trigger_event("disconnect", self.reason.TRANSPORT_ERROR, run_async=False)
            try:
                engineio.base_client.connected_clients.remove(self)
            except ValueError:
                pass
            await self._reset()

    def _dispatch(self, data) -> None:
        self.on_message(data)

    async def _receive_packet(self, pkt):
        self.last_rx = time.monotonic()
        ptype = pkt.packet_type
        if ptype == eio_packet.MESSAGE:
            self._dispatch(pkt.data)
        elif ptype == eio_packet.PING:
            self.queue.put_nowait(eio_packet.Packet(eio_packet.PONG, pkt.data))
        elif ptype == eio_packet.CLOSE:
            self.close_cause = (SERVER_DISCONNECT, "the server closed the Engine.IO session")
            await self.disconnect(abort=True, reason=self.reason.SERVER_DISCONNECT)

    async def disconnect(self, abort=False, reason=None):
        if self.state == "connected" and self.current_transport == "polling" and not abort:
            # python-engineio's server leaves a pending long-poll open after the
            # CLOSE packet; post the CLOSE, then end the read without waiting for it.
            await self._send_packet(eio_packet.Packet(eio_packet.CLOSE))
            await self.queue.put(None)
            self.state = "disconnecting"
            await self._trigger_event("disconnect", reason or self.reason.CLIENT_DISCONNECT,
                                      run_async=False)
            if self.write_loop_task:
                try:
                    await asyncio.wait_for(asyncio.shield(self.write_loop_task), self.request_timeout)
                except (asyncio.TimeoutError, Exception):
                    pass
            self.state = "disconnected"
            try:
                engineio.base_client.connected_clients.remove(self)
            except ValueError:
                pass
            if self.read_loop_task and not self.read_loop_task.done():
                self.read_loop_task.cancel()
            await self._reset()
            return
        await super().disconnect(abort=abort, reason=reason)

    async def drained(self, timeout: float) -> bool:
        """Wait until everything queued has been written; False on timeout."""
        if self.state != "connected":
            return False
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    # -- writing -----------------------------------------------------------
    def writable(self) -> bool:
        """socket.io-client's rule for volatile packets: connected and not busy writing."""
        return self.state == "connected" and not self.writing and self.queue.empty()

    async def _write_loop(self):
        """python-engineio's write loop, with compression per frame and bytes counted."""
        while self.state == "connected":
            timeout = max(self.ping_interval, self.ping_timeout) + 5
            try:
                packets = [await asyncio.wait_for(self.queue.get(), timeout)]
            except (self.queue_empty, asyncio.TimeoutError):
                break
            except asyncio.CancelledError:
                break
            if packets == [None]:
                self.queue.task_done()
                packets = []
            else:
                while True:
                    try:
                        packets.append(self.queue.get_nowait())
                    except self.queue_empty:
                        break
                    if packets[-1] is None:
                        packets = packets[:-1]
                        self.queue.task_done()
                        break
            if not packets:
                break
            self.writing = True
            try:
                if self.current_transport == "polling":
                    ok = await self._write_polling(packets)
                else:
                    ok = await self._write_websocket(packets)
            finally:
                self.writing = False
            if not ok:
                break
        self.write_loop_task = None

    async def _write_polling(self, packets) -> bool:
        p = eio_payload.Payload(packets=packets)
        body = p.encode()
        r = await self._send_request("POST", self.base_url, body=body,
                                     headers={"Content-Type": "text/plain"},
                                     timeout=self.request_timeout)
        for pkt in packets:
            self.queue.task_done()
        if r is None or isinstance(r, str) or not 200 <= r.status < 300:
            self.close_cause = (TRANSPORT_ERROR, r if isinstance(r, str) else
                                f"HTTP {getattr(r, 'status', '?')} on POST")
            return False
        for pkt in packets:
            encoded = pkt.encode(b64=True)
            if self.on_raw is not None:
                self.on_raw("out", encoded)
            size = _utf8_len(encoded) if isinstance(encoded, str) else len(encoded)
            self.on_written(pkt, size, size, False)
        return True

    async def _write_websocket(self, packets) -> bool:
        ws = self.ws
        writer = ws._writer
        if not isinstance(writer.transport, _CountingTransport):
            writer.transport = _CountingTransport(writer.transport)
        counter = writer.transport
        negotiated = ws.compress
        try:
            for pkt in packets:
                data = pkt.encode()
                if isinstance(data, str):
                    raw, opcode = data.encode("utf-8"), aiohttp.WSMsgType.TEXT
                else:
                    raw, opcode = data, aiohttp.WSMsgType.BINARY
                compress = bool(getattr(pkt, "compress", False)) and bool(negotiated)
                before = counter.written
                if compress or not negotiated:
                    await writer.send_frame(raw, opcode)
                else:
                    # aiohttp compresses every frame once deflate is negotiated
                    # (`compress or self.compress`); switch it off for this one.
                    # Only control frames can be written meanwhile, and those
                    # are never compressed.
                    writer.compress = 0
                    try:
                        await writer.send_frame(raw, opcode)
                    finally:
                        writer.compress = negotiated
                self.queue.task_done()
                if self.on_raw is not None:
                    self.on_raw("out", data)
                self.on_written(pkt, len(raw), counter.written - before, compress)
        except (aiohttp.ClientError, ConnectionError, OSError, RuntimeError) as exc:
            self.close_cause = (TRANSPORT_ERROR, f"write failed: {exc}")
            return False
        return True


class InspectorClient(socketio.AsyncClient):
    """A Socket.IO client that reports everything to an Observer."""

    def __init__(self, observer: Observer, options: ConnectionOptions):
        self.options = options
        super().__init__(
            reconnection=False,  # run by _reconnect_loop, so attempts can be seen
            handle_sigint=False,
            ssl_verify=options.verify_tls,
            request_timeout=max(5.0, options.connect_timeout),
            websocket_extra_options={"compress": 15} if options.compression else {},
        )
        self.observer = observer
        self.ns: dict[str, _Namespace] = {}
        self._ack_ids: dict[str, int] = {}
        self._binary: tuple[Any, int] | None = None
        self._closing = False
        self._aborting = False
        self._reconnect_task: asyncio.Task | None = None
        self._reconnect_abort = asyncio.Event()
        self.eio.on_message = self._on_message
        self.eio.on_written = self._on_written

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
        return bool(self.eio.ws is not None and self.eio.ws.compress)

    def buffered(self, ns: str | None = None) -> int:
        if ns is not None:
            st = self.ns.get(ns)
            return len(st.buffer) if st else 0
        return sum(len(st.buffer) for st in self.ns.values())

    def set_raw_observer(self, fn: Callable[[str, Any], None] | None) -> None:
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

    async def _open_engine(self) -> None:
        opts = self.options
        self.eio.close_cause = None
        try:
            await asyncio.wait_for(
                self.eio.connect(opts.engine_url, headers=dict(opts.headers),
                                 transports=opts.transports, engineio_path=opts.path),
                opts.connect_timeout)
        except asyncio.TimeoutError:
            await self._abort_engine()
            raise ConnectError(f"no answer from {opts.url} within {opts.connect_timeout:g} s") from None
        except engineio.exceptions.ConnectionError as exc:
            await self._abort_engine()
            raise ConnectError(_describe_connect_error(exc, opts)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            await self._abort_engine()
            raise ConnectError(f"{type(exc).__name__}: {exc}") from None

    async def _abort_engine(self) -> None:
        self._aborting = True
        try:
            if self.eio.state == "connected":
                await self.eio.disconnect(abort=True)
            else:
                await self.eio._reset()
        except Exception:
            pass
        finally:
            self._aborting = False

    async def _handle_eio_connect(self):
        self.sid = self.eio.sid
        self.observer.engine_open({
            "sid": self.eio.sid, "transport": self.eio.current_transport,
            "upgrades": list(self.eio.upgrades or []),
            "ping_interval": self.eio.ping_interval, "ping_timeout": self.eio.ping_timeout,
        })
        for ns, st in self.ns.items():
            self._send_connect(ns, st)

    def _send_connect(self, ns: str, st: _Namespace) -> None:
        auth = st.auth if st.auth is not None else self.options.auth
        if st.pid is not None and self.options.recovery:
            # connection state recovery: the server replays what we missed
            auth = {**(auth or {}), "pid": st.pid, "offset": st.offset}
        self._queue(sio_packet.Packet(sio_packet.CONNECT, data=auth or None, namespace=ns))

    def open_namespace(self, ns: str, auth: Any = None) -> asyncio.Future:
        """Ask for a namespace; the future ends with its CONNECT info or raises on refusal."""
        loop = asyncio.get_running_loop()
        st = self.ns.get(ns)
        if st is None:
            st = self.ns[ns] = _Namespace(auth=auth)
        else:
            st.auth = auth if auth is not None else st.auth
        if st.waiter is None or st.waiter.done():
            st.waiter = loop.create_future()
        if st.connected:
            st.waiter.set_result({"sid": st.sid, "pid": st.pid, "recovered": False})
        elif self.engine_connected:
            self._send_connect(ns, st)
        return st.waiter

    async def close_namespace(self, ns: str) -> None:
        st = self.ns.pop(ns, None)
        if st is None:
            return
        if st.waiter is not None and not st.waiter.done():
            st.waiter.cancel()
        was_connected = st.connected
        if was_connected and self.engine_connected:
            self._queue(sio_packet.Packet(sio_packet.DISCONNECT, namespace=ns))
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
                    self._queue(sio_packet.Packet(sio_packet.DISCONNECT, namespace=ns))
            self.eio.close_cause = (CLIENT_DISCONNECT, None)
            await self.eio.disconnect()

    async def drop_transport(self) -> bool:
        """Cut the connection the way a network failure would (no goodbye packets),
        so reconnection, buffering and recovery can be tried against any server."""
        eio = self.eio
        if eio.state != "connected":
            return False
        eio.close_cause = (TRANSPORT_CLOSE, "cut by you (simulated network drop)")
        if eio.current_transport == "websocket" and eio.ws is not None:
            conn = eio.ws._response.connection
            transport = conn.transport if conn is not None else None
            if transport is not None:
                transport.abort()
                return True
        if eio.http is not None and not eio.http.closed:
            await eio.http.close()   # aborts the pending long-poll and any POST
        return True

    async def _handle_eio_disconnect(self, reason):
        if self._aborting:  # a half-open connection given up by _open_engine
            return
        cause, detail = self.eio.close_cause or (
            CLIENT_DISCONNECT if reason == self.reason.CLIENT_DISCONNECT else TRANSPORT_ERROR, None)
        self.eio.close_cause = None
        will_reconnect = (self.options.reconnection and not self._closing
                          and cause != CLIENT_DISCONNECT and bool(self.ns))
        self.observer.transport_closed(cause, detail, will_reconnect)
        for ns, st in self.ns.items():
            self._release_held(ns, st, False)   # never silently lose what did arrive
            if st.connected:
                st.connected = False
                self.observer.namespace_disconnected(ns, cause)
        self.namespaces = {}
        self.connected = False
        self._binary = None
        self.sid = None
        if will_reconnect and not self.reconnecting:
            self._reconnect_task = asyncio.ensure_future(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        """socket.io-client's backoff: delay doubles up to the max, with jitter."""
        opts = self.options
        attempt = 0
        self._reconnect_abort.clear()
        while True:
            base = min(opts.reconnection_delay * (2 ** attempt), opts.reconnection_delay_max)
            jitter = opts.randomization_factor * base
            delay = max(0.0, base + random.uniform(-jitter, jitter))
            try:
                await asyncio.wait_for(self._reconnect_abort.wait(), delay)
                return  # aborted by disconnect()
            except asyncio.TimeoutError:
                pass
            if not self.ns:
                return
            attempt += 1
            self.observer.reconnect_attempt(attempt, delay)
            try:
                await self._open_engine()
            except ConnectError as exc:
                self.observer.reconnect_error(attempt, str(exc))
                if opts.reconnection_attempts and attempt >= opts.reconnection_attempts:
                    self.observer.reconnect_failed(attempt)
                    return
                continue
            return

    # -- incoming ------------------------------------------------------------
    def _on_message(self, data) -> None:
        try:
            if self._binary is not None:
                pkt, size = self._binary
                size += len(data)
                if pkt.add_attachment(data):
                    self._binary = None
                    self._dispatch(pkt, size, True)
                else:
                    self._binary = (pkt, size)
                return
            size = 1 + (_utf8_len(data) if isinstance(data, str) else len(data))
            pkt = self.packet_class(encoded_packet=data)
        except Exception as exc:
            self._binary = None
            self.observer.protocol_error(f"undecodable Socket.IO packet: {exc}", data)
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

    def _deliver(self, ns: str, st: _Namespace | None, data: list, ack_id: int | None,
                 size: int, binary: bool, recovered: bool) -> None:
        args = data[1:]
        offset = None
        # with recovery on, the server appends the offset to every event without an ack
        if (st is not None and st.pid is not None and ack_id is None
                and args and type(args[-1]) is str):
            offset = args.pop()
            st.offset = offset
        self.observer.event_in(ns, data[0], args, ack_id, size, binary, offset, recovered)

    def _release_held(self, ns: str, st: _Namespace, recovered: bool) -> None:
        held, st.held = st.held, []
        for data, ack_id, size, binary in held:
            self._deliver(ns, st, data, ack_id, size, binary, recovered)

    def _on_connect(self, ns: str, data: Any, size: int) -> None:
        st = self.ns.get(ns)
        if st is None:  # a namespace we closed meanwhile: tell the server again
            self._queue(sio_packet.Packet(sio_packet.DISCONNECT, namespace=ns))
            return
        data = data if isinstance(data, dict) else {}
        pid = data.get("pid")
        recovered = pid is not None and st.pid == pid and self.options.recovery
        info = {"sid": data.get("sid"), "pid": pid, "recovered": recovered,
                "had_pid": st.pid is not None, "had_offset": st.offset is not None,
                "replayed": len(st.held) if recovered else 0}
        st.connected, st.sid = True, data.get("sid")
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
        st = self.ns.pop(ns, None)  # refused namespaces are not retried (as in the JS client)
        if st is not None:
            self._release_held(ns, st, False)
        self.observer.namespace_refused(ns, data, size)
        if st is not None and st.waiter is not None and not st.waiter.done():
            st.waiter.set_exception(NamespaceRefused(ns, data))

    def _on_server_disconnect(self, ns: str) -> None:
        st = self.ns.pop(ns, None)  # the server said goodbye: no automatic reconnect
        self.namespaces.pop(ns, None)
        if st is not None and st.connected:
            self.observer.namespace_disconnected(ns, SERVER_DISCONNECT)

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

    def send_ack(self, item: Outgoing) -> bool:
        """Answer a server's ack request (only while the namespace is connected)."""
        st = self.ns.get(item.ns)
        if st is None or not st.connected or not self.engine_connected:
            return False
        self._send_outgoing(item)
        return True

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
            item.binary = len(parts) > 1
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


class NamespaceRefused(Exception):
    def __init__(self, ns: str, data: Any):
        self.ns, self.data = ns, data
        message = data.get("message") if isinstance(data, dict) else data
        super().__init__(f"{ns} refused: {message}")


def _describe_connect_error(exc: engineio.exceptions.ConnectionError,
                            opts: ConnectionOptions) -> str:
    message = str(exc.args[0]) if exc.args else "connection failed"
    extra = exc.args[1] if len(exc.args) > 1 else None
    if "certificate" in message.lower() or "SSLError" in message:
        return f"TLS error: {message} (certificate checking is on)"
    if "Cannot connect to host" in message and "[" in message:
        why = message[message.find("[") + 1:message.rfind("]")] or message
        return f"cannot connect to {opts.url} ({why})"
    if message == "Connection refused by the server" or "Cannot connect" in message:
        return f"cannot connect to {opts.url}: {message}"
    if extra:
        return f"{message}: {extra}"
    return message
