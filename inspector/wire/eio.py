"""The Engine.IO half of InspectorClient (wire/sio.py is the Socket.IO half).

These two modules are the only ones that touch python-engineio /
python-socketio internals.  What this one changes in python-engineio's
asyncio client, and why:

- Messages are dispatched synchronously from the read loop, in wire order
  (python-engineio starts a task per message), and without its attempt to
  parse every message as JSON.
- The websocket is read ahead of the read loop (wire/read_ahead.py): the server's
  PING is answered as soon as it comes off the socket, ahead of the frames still
  waiting to be handled (socket.io-client answers in order; the raw packet rows
  of that PING and PONG say so); everything else is handled in wire order.  The end of
  the websocket is read ahead too: `on_transport_gone` says so at once, with how many
  packets are still to be handled before it (the close itself is handled after them).
- Why a connection ended is recorded: transport close, ping timeout,
  transport error, server disconnect.
- The write loop decides compression per frame (aiohttp compresses every
  frame once deflate is negotiated) and counts the bytes written.
- Raw capture: every packet in and out, handshake and upgrade included, is
  reported as it crosses, from the transport itself (a websocket response
  class and the polling requests), so the order is the wire order.
- Engine.IO 3 (socket.io 2.x servers, wire/eio3.py has the framing): EIO=3 and
  b64=1 in the URL, `length:packet` long-polling payloads, the 0x04 type byte of
  binary websocket frames, and client-sent pings.  With protocol "auto" the first
  handshake says EIO=4, which a 2.x server ignores; it is recognised from its
  answer (see _recognise_eio3), so a 4.x server pays nothing for auto.
"""
from __future__ import annotations

import asyncio
import logging
import ssl
import time
from typing import Any, Callable

import aiohttp
import engineio
from engineio import packet as eio_packet
from engineio import payload as eio_payload

from inspector.wire import eio3, refusals
from inspector.wire.eio_packets import BadPacket, decode_packet
from inspector.wire.options import Protocol
from inspector.wire.read_ahead import SLICE_S, Answered, ReadAhead
from inspector.wire.reasons import DisconnectReason
from inspector.wire.refusals import BODY_LIMIT, Refusal
from inspector.wire.watchdog import Watchdog

log = logging.getLogger(__name__)

# Disconnect reasons, in the words a user understands (socket.io-client's words).
SERVER_DISCONNECT = DisconnectReason.SERVER_DISCONNECT
CLIENT_DISCONNECT = DisconnectReason.CLIENT_DISCONNECT
TRANSPORT_CLOSE = DisconnectReason.TRANSPORT_CLOSE
TRANSPORT_ERROR = DisconnectReason.TRANSPORT_ERROR
PING_TIMEOUT = DisconnectReason.PING_TIMEOUT
REFUSAL_READ_S = 2.0     # how long a refused handshake's body is waited for

RawTap = Callable[..., None]      # ("in"|"out", text or bytes, transport[, note])

# protocol "auto" on websocket only: an OPEN packet without maxPayload comes from engine.io
# 3.x (socket.io 2.x) or 4.x/5.x (socket.io 3.x to 4.4); a 2.x server then connects "/"
# unasked (`40`, or `44` when a middleware refuses), a later one waits for the client's
# CONNECT.  This is how long the first frame is waited for before sending that CONNECT.
EIO3_SNIFF = 0.3     # s


def utf8_len(text: str) -> int:
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


class _TappedWebSocket(aiohttp.ClientWebSocketResponse):
    """Reports the frames python-engineio reads and the ones it sends itself
    (the handshake's OPEN, the upgrade probe).  `engine` is set on a subclass
    made per engine, since aiohttp builds the response object."""

    engine: "InspectorEngine"

    async def receive(self, timeout=None):
        msg = await super().receive(timeout)
        if self.engine.state != "connected" and self.engine.opening_ws is None:
            # the handshake's websocket and its OPEN packet (see _sniff_eio3)
            self.engine.opening_ws, self.engine.opening_frame = self, msg.data
        if self.engine.on_raw is not None and msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            self.engine.tap("in", msg.data, "websocket")
        return msg

    async def send_str(self, data, compress=None):
        if self.engine.on_raw is not None:
            self.engine.tap("out", data, "websocket")
        await super().send_str(data, compress=compress)


class _RefusalReadingResponse(aiohttp.ClientResponse):
    """Keeps a refused handshake request's status and body (engine.refusal): aiohttp
    reads no body of a failed websocket upgrade, python-engineio keeps none of a
    polling one but a dict.  `engine` is set on a subclass made per engine."""

    engine: "InspectorEngine"

    async def start(self, connection):
        await super().start(connection)
        if self.status != 101 and not 200 <= self.status < 300 and self.engine.state != "connected":
            try:        # read() keeps the body for python-engineio's own read of it
                body = await asyncio.wait_for(self.read(), REFUSAL_READ_S)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                body = b""
            self.engine.refusal = Refusal(
                self.status, self.reason or "", body[:BODY_LIMIT].decode("utf-8", "replace"),
                self.url.query.get("transport", ""))
        return self


class InspectorEngine(engineio.AsyncClient):
    """python-engineio's client with a synchronous, classified, observable wire."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_message: Callable[[Any], None] = lambda data: None
        self.on_error: Callable[[Exception, Any], None] = lambda exc, data: None
        # (packet, encoded size, bytes written to the socket, compressed)
        self.on_written: Callable[[Any, int, int, bool], None] = lambda *a: None
        self.on_raw: RawTap | None = None
        # a packet engine.io-parser would decode as its "error" packet: (words, the packet)
        self.on_bad_packet: Callable[[str, Any], None] = lambda message, data: None
        # the websocket's end read ahead of packets not yet handled: (reason, detail, queued)
        self.on_transport_gone: Callable[[str, str | None, int], None] = lambda *a: None
        self.tolerate_bad_packets = False    # "tolerate undecodable packets": keep reading
        self.close_cause: tuple[str, str | None] | None = None
        self.writing = False
        self.last_rx = 0.0
        # packets taken for writing when the connection ended: (packet, may have gone out)
        self.unwritten: list[tuple[Any, bool]] = []
        ws_class = type("TappedWebSocket", (_TappedWebSocket,), {"engine": self})
        response_class = type("RefusalReadingResponse", (_RefusalReadingResponse,), {"engine": self})
        # why the last handshake failed: the server's answer, or the error of a request
        # that got none (both cleared by the Socket.IO half before each attempt)
        self.refusal: Refusal | None = None
        self.request_error: BaseException | None = None
        # the CA file's context (wire/tls.py), for the polling requests and the websocket alike
        self.ssl_context: ssl.SSLContext | None = None
        self.http_factory = lambda: aiohttp.ClientSession(
            ws_response_class=ws_class, response_class=response_class,
            trace_configs=[self._trace_config()],
            connector=aiohttp.TCPConnector(ssl=self.ssl_context) if self.ssl_context else None)
        # Engine.IO 3: `protocol` is what was asked for (a Protocol); `eio3` what this
        # connection speaks, and `eio3_seen` how a socket.io 2.x server was recognised
        self.protocol: str = Protocol.AUTO
        self.eio3 = False
        self.eio3_seen: str | None = None
        self.opening_ws: aiohttp.ClientWebSocketResponse | None = None
        self.opening_frame: Any = None
        self.early_frames: list[Any] = []     # read while recognising the server, not yet handled
        self.ping_task: asyncio.Task | None = None
        self.watchdog: Watchdog | None = None     # the websocket's heartbeat (Engine.IO 4)
        self.read_ahead: ReadAhead | None = None   # the websocket's frames read, not yet handled
        self.last_pong = 0.0
        self.pong_event = asyncio.Event()

    def _trace_config(self) -> aiohttp.TraceConfig:
        """Records the error of a handshake request that got no answer, which
        python-engineio turns into a bare "Connection error" on websocket."""
        async def record(session, context, params) -> None:
            if self.state != "connected":
                self.request_error = params.exception
        config = aiohttp.TraceConfig()
        config.on_request_exception.append(record)
        return config

    # -- reading -----------------------------------------------------------
    async def _read_loop_websocket(self):
        """Like python-engineio's, but records why it ended and skips its per-read task."""
        ws_types = aiohttp.WSMsgType
        cause: tuple[str, str | None] = (TRANSPORT_ERROR, None)
        early, self.early_frames = self.early_frames, []
        for data in early:
            await self._receive_frame(data)
        # one watchdog for the connection, not a timeout per read (wire/watchdog.py);
        # Engine.IO 3: the ping loop says when the server has gone quiet
        self.last_rx = time.monotonic()
        self.watchdog = None if self.eio3 else Watchdog(
            self.ping_interval + self.ping_timeout, lambda: self.last_rx, self._heartbeat_lost)
        try:
            await self._read_websocket_frames(ws_types, cause)
        finally:
            if self.watchdog is not None:
                self.watchdog.cancel()

    async def _read_websocket_frames(self, ws_types, cause) -> None:
        ws = self.ws
        ahead = self.read_ahead = ReadAhead(
            aiohttp.ClientWebSocketResponse.receive.__get__(ws), ws._reader._buffer,
            self._is_heartbeat, self._heartbeat_on_arrival, self._frames_read,
            is_eof=ws._reader.is_eof, on_end=self._end_read_ahead)
        clock = time.monotonic
        while self.state == "connected" and self.write_loop_task:
            try:
                if not ahead.frames:
                    await ahead.wait()
                    slice_end = clock() + SLICE_S
                    handled = 0
            except (aiohttp.ClientError, OSError, RuntimeError) as exc:
                # aiohttp turns most failures into a CLOSED or ERROR message; what it raises
                # is an answer to a ping that cannot be written (ClientError, OSError) or
                # RuntimeError ("Concurrent call to receive()")
                cause = (TRANSPORT_ERROR, str(exc) or type(exc).__name__)
                break
            msg = ahead.pop()
            note = None
            if type(msg) is Answered:
                msg, note = msg.msg, msg.note
            mtype = msg.type
            if mtype is ws_types.TEXT or mtype is ws_types.BINARY:
                data = msg.data
                if self.on_raw is not None:
                    self.tap("in", data, "websocket", note)
            else:
                if mtype in (ws_types.CLOSE, ws_types.CLOSING, ws_types.CLOSED):
                    cause = (TRANSPORT_CLOSE, f"websocket closed (code {self.ws.close_code})")
                else:
                    cause = (TRANSPORT_ERROR, str(msg.data or mtype.name))
                break
            handled += 1
            if not handled & 15 and clock() > slice_end and ahead.frames:
                # a long queue: let the loop read the socket (and write a PONG) meanwhile
                await asyncio.sleep(0)
                await ahead.fill()
                slice_end = clock() + SLICE_S
            if note is not None:
                continue                # a heartbeat acted on when it was read
            if type(data) is str and data[:1] == "4":
                # the hot path: a message, without python-engineio's JSON attempt
                try:
                    self.on_message(data[1:])
                except Exception as exc:   # the boundary: a bug above must not end the read loop
                    self._handler_failed(exc, data)
                continue
            error = await self._receive_frame(data)
            if error is not None:
                cause = (TRANSPORT_ERROR, error)
                break
        await self._end_read_loop(cause)

    def _end_read_ahead(self, what, queued: int) -> None:
        """The websocket's end read with `queued` packets before it: why, in the words the read
        loop will log it with when it gets there, told now."""
        if self.state != "connected":
            return
        if isinstance(what, BaseException):
            cause = (TRANSPORT_ERROR, str(what) or type(what).__name__)
        elif what.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            cause = (TRANSPORT_CLOSE, f"websocket closed (code {self.ws.close_code})")
        else:
            cause = (TRANSPORT_ERROR, str(what.data or what.type.name))
        reason, detail = self.close_cause or cause
        try:
            self.on_transport_gone(reason, detail, queued)
        except Exception as exc:   # the boundary: a bug above must not end the read loop
            self._handler_failed(exc, None)

    def _frames_read(self) -> None:
        self.last_rx = time.monotonic()     # the server is alive: frames came off the socket

    def _is_heartbeat(self, msg) -> bool:
        """The server's PING (Engine.IO 4) or its PONG to ours (Engine.IO 3: the client pings)."""
        data = msg.data
        return type(data) is str and data[:1] == ("3" if self.eio3 else "2")

    def _heartbeat_on_arrival(self, msg, ahead: int) -> str | None:
        """A heartbeat read off the socket with `ahead` frames still to handle before it: the
        PING answered now (the PONG queued at once), our PING's PONG counted now; None when
        nothing is ahead (handled in order, as socket.io-client does)."""
        if not ahead:
            return None
        words = f"{ahead:,} packet{'s' if ahead != 1 else ''} still queued ahead of it"
        if self.eio3:
            self.last_pong = time.monotonic()
            self.pong_event.set()
            return f"counted on arrival, {words}"
        pong = eio_packet.Packet(eio_packet.PONG, msg.data[1:] or None)
        pong.note = f"answered on arrival, {words}"
        self.queue.put_nowait(pong)
        return f"answered on arrival (the PONG went out before the {words} were handled)"

    def _heartbeat_lost(self) -> None:
        """The watchdog: nothing from the server within pingInterval + pingTimeout.  The
        transport is cut (the pending read then ends) and the cause is ping timeout."""
        if self.state != "connected":
            return
        if self.close_cause is None:
            self.close_cause = (PING_TIMEOUT, "no packet from the server within "
                                f"{self.ping_interval + self.ping_timeout:g} s")
        ws = self.ws
        conn = ws._response.connection if ws is not None else None
        if conn is not None and conn.transport is not None:
            conn.transport.abort()
        elif ws is not None:
            asyncio.ensure_future(ws.close())

    async def _receive_frame(self, data) -> str | None:
        """One websocket frame that is not a text message; what was wrong with it, if anything."""
        try:
            pkt = decode_packet(eio3.ws_unbinary(data) if self.eio3 and type(data) is not str else data,
                                self.eio3)
        except BadPacket as exc:
            return self._bad_packet(str(exc), data)
        except eio3.FramingError as exc:     # an Engine.IO 3 binary frame without its type byte
            return self._bad_packet(str(exc), data)
        except (ValueError, RecursionError) as exc:     # the JSON of an OPEN or a probe
            return f"undecodable packet: {exc}"
        await self._receive_packet(pkt)
        return None

    def _bad_packet(self, message: str, data) -> str | None:
        """engine.io-client closes the connection on an error packet (transport error):
        reported, then why the read loop ends; None when the user tolerates it."""
        self.last_rx = time.monotonic()
        closing = not self.tolerate_bad_packets
        self.on_bad_packet(f"undecodable Engine.IO packet: {message}" + (
            " (engine.io-client reads it as an error packet and closes the connection)" if closing
            else " (tolerated: the connection stays open)"), data)
        return f"undecodable Engine.IO packet: {message}" if closing else None

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
                words = await refusals.error_words(r)     # e.g. "Session ID unknown": not sticky
                r.release()
                cause = (TRANSPORT_CLOSE, f"HTTP {r.status} from the server" + (f" ({words})" if words else ""))
                break
            try:
                body = (await r.read()).decode("utf-8")
                encoded = self._split_payload(body) if body else []
            except eio3.FramingError as exc:
                error = self._bad_packet(f"a long-polling payload that is not `length:packet` ({exc})", body)
                if error is not None:
                    cause = (TRANSPORT_ERROR, error)
                    break
                continue
            except (ValueError, aiohttp.ClientError) as exc:
                cause = (TRANSPORT_ERROR, f"unexpected response: {exc}")
                break
            error = await self._receive_payload(encoded)
            if error is not None:
                cause = (TRANSPORT_ERROR, error)
                break
        await self._end_read_loop(cause)

    async def _receive_payload(self, encoded: list[str]) -> str | None:
        """The packets of one long-polling answer, in order; engine.io-parser's decodePayload
        stops at the first bad one, and so does this (unless tolerated)."""
        for text in encoded:
            try:
                pkt = decode_packet(text, self.eio3)
            except BadPacket as exc:
                error = self._bad_packet(str(exc), text)
                if error is not None:
                    return error
                continue
            except (ValueError, RecursionError) as exc:     # the JSON of an OPEN
                return f"undecodable packet: {exc}"
            await self._receive_packet(pkt)
            if self.state != "connected":
                return None
        return None

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

    async def _receive_packet(self, pkt):
        self.last_rx = time.monotonic()
        ptype = pkt.packet_type
        if ptype == eio_packet.MESSAGE:
            try:
                self.on_message(pkt.data)
            except Exception as exc:   # the boundary: a bug above must not end the read loop
                self._handler_failed(exc, pkt.data)
        elif ptype == eio_packet.PING:
            self.queue.put_nowait(eio_packet.Packet(eio_packet.PONG, pkt.data))
        elif ptype == eio_packet.PONG:
            self.last_pong = self.last_rx
            self.pong_event.set()
        elif ptype == eio_packet.CLOSE:
            # socket.io-client's words: the transport closed ("transport close"), so it
            # reconnects; "server disconnect" is a Socket.IO DISCONNECT, which stays closed
            self.close_cause = (TRANSPORT_CLOSE, "the server closed the Engine.IO session")
            await self.disconnect(abort=True, reason=self.reason.SERVER_DISCONNECT)

    def tap(self, direction: str, data, transport: str, note: str | None = None) -> None:
        """Hand one packet to raw capture (on_raw, set); `note` says what was done out of order."""
        try:
            if note is None:
                self.on_raw(direction, data, transport)
            else:
                self.on_raw(direction, data, transport, note)
        except Exception as exc:   # the boundary: a bug in raw capture must not end the connection
            self._handler_failed(exc, data)

    def _handler_failed(self, exc: Exception, data) -> None:
        """A message (or raw packet) that could not be handled above: logged with its
        traceback and reported (InspectorClient makes it an `error` entry); the connection
        goes on."""
        log.exception("handling a message failed")
        self.on_error(exc, data)

    async def _send_request(self, method, url, headers=None, body=None, timeout=None):
        """Long-polling requests, reported packet by packet when raw capture is on."""
        tap = self.tap if self.on_raw is not None else None
        if tap is not None and body:
            for pkt in self._split_payload(body):
                tap("out", pkt, "polling")
        r = await super()._send_request(method, url, headers=headers, body=body, timeout=timeout)
        if tap is not None and method == "GET" and not isinstance(r, (str, type(None))) \
                and 200 <= r.status < 300:
            try:
                text = (await r.read()).decode("utf-8")   # aiohttp keeps it for the next read()
            except (aiohttp.ClientError, UnicodeDecodeError, asyncio.TimeoutError):
                text = ""
            try:
                packets = self._split_payload(text) if text else []
            except ValueError:
                packets = [text]         # shown whole; the reader says what is wrong with it
            for pkt in packets:
                tap("in", pkt, "polling")
        return r

    def _split_payload(self, body: str) -> list[str]:
        if self.eio3 or (self.state != "connected" and eio3.is_eio3_payload(body)):
            return eio3.split_payload(body)
        return body.split("\x1e")

    def _decode_payload(self, body: str) -> list:
        return [decode_packet(text, self.eio3) for text in self._split_payload(body)] if body else []

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
                except asyncio.TimeoutError:
                    pass        # the CLOSE may not have gone out: the close goes on without it
                except Exception:   # a bug that ended the write loop: shown, and the close goes on
                    log.exception("the write loop failed")
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

    def take_unwritten(self) -> list[tuple[Any, bool]]:
        """The packets that carry an outgoing item (see sio.Outgoing) and were not
        written when the connection ended, each with whether it may have gone out:
        those the write loop was holding, then those still queued (the others, CLOSE
        and the end marker, stay queued, in order)."""
        taken, self.unwritten = self.unwritten, []
        kept = []
        while True:
            try:
                pkt = self.queue.get_nowait()
            except self.queue_empty:
                break
            self.queue.task_done()
            if getattr(pkt, "item", None) is not None:
                taken.append((pkt, False))
            else:
                kept.append(pkt)
        for pkt in kept:
            self.queue.put_nowait(pkt)
        return [(pkt, maybe) for pkt, maybe in taken if getattr(pkt, "item", None) is not None]

    async def drained(self, timeout: float) -> bool:
        """Wait until everything queued has been written; False on timeout."""
        if self.state != "connected":
            return False
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    async def cut(self, why: str) -> bool:
        """End the connection the way a network failure would: no goodbye packets."""
        if self.state != "connected":
            return False
        self.close_cause = (TRANSPORT_CLOSE, why)
        return await self._abort_transport()

    async def _abort_transport(self) -> bool:
        if self.current_transport == "websocket" and self.ws is not None:
            conn = self.ws._response.connection
            transport = conn.transport if conn is not None else None
            if transport is not None:
                transport.abort()
                return True
        if self.http is not None and not self.http.closed:
            await self.http.close()   # aborts the pending long-poll and any POST
        return True

    # -- Engine.IO 3 -------------------------------------------------------
    def _get_engineio_url(self, url, engineio_path, transport):
        """EIO=3 when socket.io 2.x is asked for.  b64=1 on long-polling with v2 and auto,
        so a 2.x server sends binary as base64 text (`b4...`) rather than its binary
        payload framing; Engine.IO 4 servers ignore b64 there (engine.io 4 and 6 encode a
        long-polling payload the same way with or without it, python-engineio reads it not)."""
        base = super()._get_engineio_url(url, engineio_path, transport)
        if self.protocol == Protocol.V2:
            base = base.replace("&EIO=4", "&EIO=3")
        if transport == "polling" and self.protocol != Protocol.V3_PLUS:
            base += "&b64=1"
        return base

    def _recognise_eio3(self, eio3_framing: bool, how: str) -> None:
        """Decide what this connection speaks, from the handshake's answer."""
        if self.protocol == Protocol.V2:
            self.eio3 = True
        elif eio3_framing:
            if self.protocol == Protocol.V3_PLUS:
                raise engineio.exceptions.ConnectionError(
                    "the server answered in Engine.IO 3 (socket.io 2.x); the protocol option "
                    "is v3+: choose auto or v2")
            self.eio3, self.eio3_seen = True, how

    async def _connect_polling(self, url, headers, engineio_path):
        """python-engineio's, with Engine.IO 3's `length:packet` framing read (and recognised)."""
        self.base_url = self._get_engineio_url(url, engineio_path, "polling")
        r = await self._send_request("GET", self.base_url + self._get_url_timestamp(),
                                     headers=headers, timeout=self.request_timeout)
        if r is None or isinstance(r, str):
            await self._reset()
            raise engineio.exceptions.ConnectionError(r or "Connection refused by the server")
        if r.status < 200 or r.status >= 300:
            await self._reset()
            try:
                arg = await r.json()
            except aiohttp.ClientError:
                arg = None
            raise engineio.exceptions.ConnectionError(
                f"Unexpected status code {r.status} in server response", arg)
        try:
            body = (await r.read()).decode("utf-8")
            self._recognise_eio3(eio3.is_eio3_payload(body), "its long-polling handshake "
                                 "is framed `length:packet`")
            packets = self._decode_payload(body)
        except engineio.exceptions.ConnectionError:
            await self._reset()
            raise
        except ValueError:
            await self._reset()
            raise engineio.exceptions.ConnectionError("Unexpected response from server") from None
        if not packets or packets[0].packet_type != eio_packet.OPEN or not isinstance(packets[0].data, dict):
            await self._reset()
            raise engineio.exceptions.ConnectionError("OPEN packet not returned by server")
        info = packets[0].data
        self.sid = info["sid"]
        self.upgrades = info["upgrades"]
        self.ping_interval = int(info["pingInterval"]) / 1000.0
        self.ping_timeout = int(info["pingTimeout"]) / 1000.0
        self.current_transport = "polling"
        self.base_url += "&sid=" + self.sid
        self.state = "connected"
        engineio.base_client.connected_clients.append(self)
        try:
            await self._trigger_event("connect", run_async=False)
        except Exception as exc:
            engineio.base_client.connected_clients.remove(self)
            await self._reset()
            raise engineio.exceptions.ConnectionError("Connect handler failed: " + str(exc)) from None
        for pkt in packets[1:]:
            await self._receive_packet(pkt)
        if "websocket" in self.upgrades and "websocket" in self.transports:
            if await self._connect_websocket(url, headers, engineio_path):
                return      # upgraded: the websocket's loops run
        self.write_loop_task = self.start_background_task(self._write_loop)
        self.read_loop_task = self.start_background_task(self._read_loop_polling)

    async def _trigger_event(self, event, *args, **kwargs):
        if event == "connect" and self.current_transport == "websocket":
            # a websocket handshake: the OPEN packet has been read, nothing else yet
            await self._sniff_eio3()
        if event == "connect" and self.eio3:
            self.last_pong = time.monotonic()
            self.ping_task = asyncio.ensure_future(self._ping_loop())
        return await super()._trigger_event(event, *args, **kwargs)

    async def _sniff_eio3(self) -> None:
        """protocol auto, websocket only: engine.io 6 (socket.io 4.5+) names maxPayload in
        its OPEN packet, so it is Engine.IO 4 at no cost.  Without it, the first frame is
        waited for (EIO3_SNIFF): socket.io 2.x connects "/" unasked, a later server waits."""
        ws, self.opening_ws = self.opening_ws, None
        has_max_payload = isinstance(self.opening_frame, str) and '"maxPayload"' in self.opening_frame
        if self.protocol != Protocol.AUTO or ws is None or has_max_payload:
            self._recognise_eio3(False, "")
            return
        try:
            msg = await ws.receive(timeout=EIO3_SNIFF)
        except asyncio.TimeoutError:
            return                               # nothing unasked: Engine.IO 4
        if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            raise engineio.exceptions.ConnectionError(f"the websocket closed after the OPEN packet "
                                                      f"({msg.type.name})")
        data = msg.data
        unasked = type(data) is str and (data == "40" or data.startswith("44"))
        self._recognise_eio3(unasked, "it connected / unasked after the websocket handshake")
        self.early_frames.append(data)

    async def _ping_loop(self):
        """Engine.IO 3: the client pings every pingInterval (after the last pong, as
        engine.io-client 3 does) and gives up when no pong came within pingTimeout of a
        ping; anything else the server sends in the meantime holds the deadline off
        to pingInterval + pingTimeout after it (engine.io-client's onHeartbeat)."""
        try:
            while self.state == "connected":
                await asyncio.sleep(self.ping_interval)
                if self.state != "connected":
                    return
                sent = time.monotonic()
                self.pong_event.clear()
                self.queue.put_nowait(eio_packet.Packet(eio_packet.PING))
                while self.last_pong < sent:
                    try:
                        await asyncio.wait_for(self.pong_event.wait(),
                                               self._pong_deadline(sent) - time.monotonic())
                    except asyncio.TimeoutError:
                        # a loop that was busy may not have read what is waiting: let it
                        for _ in range(3):
                            await asyncio.sleep(0)
                        if self.last_pong >= sent or time.monotonic() < self._pong_deadline(sent):
                            continue
                        if self.state == "connected" and self.close_cause is None:
                            self.close_cause = (PING_TIMEOUT, f"no pong within {self.ping_timeout:g} s "
                                                              "of a ping (Engine.IO 3: the client pings)")
                            await self._abort_transport()
                        return
                    self.pong_event.clear()
        except asyncio.CancelledError:
            pass

    def _pong_deadline(self, sent: float) -> float:
        deadline = sent + self.ping_timeout
        if self.last_rx > sent:
            deadline = max(deadline, self.last_rx + self.ping_interval + self.ping_timeout)
        return deadline

    async def _reset(self):
        task, self.ping_task = self.ping_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self.eio3, self.eio3_seen, self.early_frames = False, None, []
        self.opening_ws = self.opening_frame = None
        await super()._reset()

    # -- writing -----------------------------------------------------------
    def writable(self) -> bool:
        """socket.io-client's rule for volatile packets: connected and not busy writing."""
        return self.state == "connected" and not self.writing and self.queue.empty()

    @property
    def deflate(self) -> bool:
        return self.current_transport == "websocket" and self.ws is not None and bool(self.ws.compress)

    async def _write_loop(self):
        """python-engineio's write loop, with compression per frame and bytes counted."""
        while self.state == "connected":
            timeout = max(self.ping_interval, self.ping_timeout) + 5
            try:
                packets = [await asyncio.wait_for(self.queue.get(), timeout)]
            except (self.queue_empty, asyncio.TimeoutError, asyncio.CancelledError):
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
        if self.eio3:
            body = eio3.encode_payload(packets)
        else:
            body = eio_payload.Payload(packets=packets).encode()
        r = await self._send_request("POST", self.base_url, body=body,
                                     headers={"Content-Type": "text/plain"},
                                     timeout=self.request_timeout)
        for _ in packets:
            self.queue.task_done()
        words = ""
        if r is not None and not isinstance(r, str):
            if not 200 <= r.status < 300:
                words = await refusals.error_words(r)     # e.g. "Session ID unknown": not sticky
            r.release()     # its "ok" is not read: without this the connection is left unclosed
        if r is None or isinstance(r, str) or not 200 <= r.status < 300:
            # the server may or may not have read the body: nothing is sent again
            self.unwritten = [(pkt, True) for pkt in packets]
            self.close_cause = self.close_cause or (TRANSPORT_ERROR, r if isinstance(r, str) else
                                                    f"HTTP {getattr(r, 'status', '?')} on POST"
                                                    + (f" ({words})" if words else ""))
            return False
        for pkt in packets:
            encoded = eio3.encode_packet(pkt) if self.eio3 else pkt.encode(b64=True)
            size = utf8_len(encoded) if isinstance(encoded, str) else len(encoded)
            self.on_written(pkt, size, size, False)
        return True

    async def _write_websocket(self, packets) -> bool:
        ws = self.ws
        writer = ws._writer
        if not isinstance(writer.transport, _CountingTransport):
            writer.transport = _CountingTransport(writer.transport)
        counter = writer.transport
        negotiated = ws.compress
        i = 0
        try:
            for i, pkt in enumerate(packets):   # noqa: B007 (`i` is read by the except clause)
                data = pkt.encode()
                if isinstance(data, str):
                    raw, opcode = data.encode("utf-8"), aiohttp.WSMsgType.TEXT
                else:
                    if self.eio3:
                        data = eio3.ws_binary(data)
                    raw, opcode = data, aiohttp.WSMsgType.BINARY
                compress = bool(getattr(pkt, "compress", False)) and bool(negotiated)
                if self.on_raw is not None:
                    self.tap("out", data, "websocket", getattr(pkt, "note", None))
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
                self.on_written(pkt, len(raw), counter.written - before, compress)
        except (aiohttp.ClientError, ConnectionError, OSError, RuntimeError) as exc:
            # aiohttp refuses a frame before writing any of it on a closing transport
            self.unwritten = [(pkt, False) for pkt in packets[i:]]
            for _ in packets[i:]:       # taken off the queue: done, or drained() waits for them
                self.queue.task_done()
            # a cut (drop_transport) or a server close already said why
            self.close_cause = self.close_cause or (TRANSPORT_ERROR, f"write failed: {exc}")
            return False
        return True
