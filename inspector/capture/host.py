"""The capture host: one Session, its session-file writer, and the window protocol.

`Capture` is the capture process's whole state; it runs on the network loop (uvloop,
wire/loop.py) and serves one window at a time over a local socket (capture/protocol.py).
Entries go out in batches on that socket as the Session logs them; the Session's states
go out on the same stream after the entries logged before them.  Writes to the socket
never block the loop: a window that stops reading (frozen) only makes the transport's
buffer grow, so heartbeats are answered and the session file written whatever the
window does.  When the window goes (closed, crashed, killed), the capture disconnects,
finishes the session file and ends (`detached` is set).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
from collections import deque
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Callable

import msgpack

from inspector.capture import clients as workspace_clients
from inspector.capture import protocol as P
from inspector.capture.clients import COMMANDS as CLIENT_COMMANDS
from inspector.capture.scenario_commands import COMMANDS as SCENARIO_COMMANDS
from inspector.capture.server_commands import COMMANDS as SERVER_COMMANDS
from inspector.log.entry import LogEntry
from inspector.session.sequence_gaps import SequenceRule
from inspector.session.server_acks import AckReply
from inspector.session.session import Session
from inspector.session.state import SessionState
from inspector.store.writer import StoreWriter
from inspector.wire.options import ConnectionOptions

log = logging.getLogger(__name__)

BATCH_DELAY_S = 0.01       # entries wait at most this long for more to share their frame
MAX_BATCH = 1000           # entries per frame at most: the window unpacks one on its GUI thread
# At most this much waits in the socket's buffer for the window; the rest of a backlog waits
# here, as frames, so that an ahead message (PROTOCOL.md) passes it: a window that reads
# slower than a burst comes would otherwise hear it seconds late
WINDOW_HIGH = 64 * 1024
DEFAULT_CLIENT = P.DEFAULT_CLIENT
_OPTION_NAMES = {f.name for f in fields(ConnectionOptions)}


def options_from_wire(obj: dict | None) -> ConnectionOptions | None:
    if obj is None:
        return None
    unknown = set(obj) - _OPTION_NAMES
    if unknown:
        raise ValueError(f"unknown connection options: {', '.join(sorted(unknown))}")
    return ConnectionOptions(**obj)


def options_to_wire(options: ConnectionOptions) -> dict:
    return {name: getattr(options, name) for name in _OPTION_NAMES}


class Capture:
    """A Session, its writer, and the window it reports to (one at a time)."""

    def __init__(self, session: Session | None = None, session_file: str | Path | None = None,
                 token: str | None = None, rename_if_taken: bool = True):
        self.session = session or Session()
        # the clients this capture hosts, by name: one today; a call names its client (no
        # name: the one), and every batch and state says whose it is (issue 12 hosts more)
        self.clients: dict[str, Session] = {DEFAULT_CLIENT: self.session}
        workspace_clients.host_workspace(self)     # the window's Session: the first client
        self.token = token or secrets.token_hex(16)
        self.writer: StoreWriter | None = None
        self._unsubscribe_writer: Callable[[], None] | None = None
        if session_file is not None:
            self.writer = StoreWriter(session_file, rename_if_taken=rename_if_taken)
            self._unsubscribe_writer = self.writer.attach(self.session)
        self.detached = asyncio.Event()
        self._out: asyncio.StreamWriter | None = None
        self._batch: list[list] = []
        self._batch_client = DEFAULT_CLIENT        # whose entries the batch holds (one client's)
        self._batch_timer: asyncio.TimerHandle | None = None
        self._held: deque[bytes] = deque()         # frames for the window, behind its socket's buffer
        self._pump: asyncio.Task | None = None
        self._answers = 0
        self._tasks: set[asyncio.Task] = set()
        self._calls: dict[int, asyncio.Task] = {}      # in flight, by call id (a `cancel` names one)
        self.runners: dict[int, Any] = {}               # scenario runs (capture/scenario_commands.py)
        self.server_admin: Any = None                   # the server view (capture/server_commands.py)
        self._unsubs = [self.session.subscribe(self._entry), self.session.subscribe_state(self._state),
                        self.session.subscribe_ahead(self._ahead)]

    # -- serving ------------------------------------------------------------------
    async def serve_socket(self, sock) -> asyncio.AbstractServer:
        """Serve windows on an already listening socket (Unix or TCP)."""
        if sock.family == getattr(__import__("socket"), "AF_UNIX", None):
            return await asyncio.start_unix_server(self.handle, sock=sock, limit=P.MAX_FRAME)
        return await asyncio.start_server(self.handle, sock=sock, limit=P.MAX_FRAME)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One window's connection, from its hello to its end."""
        if self._out is not None:
            await self._refuse(writer, "another window is attached to this capture")
            return
        try:
            if not await self._greet(reader, writer):
                return
            self._out = writer
            writer.transport.set_write_buffer_limits(high=WINDOW_HIGH)
            # what the window missed before it came: the state (entries are in the file)
            for key, session in self.clients.items():
                self._state(session.snapshot(), key)
            await self._serve(reader)
        except (ConnectionError, OSError):
            pass                  # the window went away (killed, say): the same as its goodbye
        except P.ProtocolError as exc:
            log.warning("the window broke the protocol: %s; detaching", exc)
            self._try_send({"error": P.error_to_wire(exc)})
        finally:
            if self._out is writer:
                self._out = None
                self._held.clear()
                self.detached.set()
            writer.close()

    async def _refuse(self, writer: asyncio.StreamWriter, why: str) -> None:
        writer.write(P.pack({"error": {"type": "ProtocolError", "message": why}}))
        try:
            await writer.drain()
        except (ConnectionError, OSError):
            pass
        writer.close()

    async def _greet(self, reader, writer) -> bool:
        body = await P.read_frame(reader)
        if body is None:
            return False
        try:
            hello = P.unpack(body)
        except P.ProtocolError as exc:
            await self._refuse(writer, str(exc))
            return False
        token = hello.get("hello")
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self.token.encode()):
            await self._refuse(writer, "the hello did not carry this capture's token")
            return False
        if hello.get("v") != P.VERSION:
            await self._refuse(writer, f"protocol version {hello.get('v')!r}; this capture speaks {P.VERSION}")
            return False
        writer.write(P.pack({"welcome": {"pid": os.getpid(), "session_file": self.session_file(),
                                         "clients": list(self.clients)}}))
        return True

    async def _serve(self, reader: asyncio.StreamReader) -> None:
        while True:
            body = await P.read_frame(reader)
            if body is None:
                return
            message: dict = {}
            try:
                message = P.unpack(body)
                if "cancel" in message:         # the window gave up on a call (a scenario's Stop)
                    task = self._calls.get(message["cancel"])
                    if task is not None:
                        task.cancel()
                    continue
                call_id, name = message.get("id"), message.get("call")
                if not isinstance(call_id, int):
                    raise P.ProtocolError("a call without an integer id")
                command = COMMANDS.get(name) if isinstance(name, str) else None
                if command is None:
                    raise P.ProtocolError(f"no command named {name!r} (known: {', '.join(sorted(COMMANDS))})")
                args, kw = message.get("args") or [], message.get("kw") or {}
                if not isinstance(args, list) or not isinstance(kw, dict):
                    raise P.ProtocolError("a call's args must be a list and its kw a map")
                client = message.get("client", DEFAULT_CLIENT)
                if client not in self.clients:
                    raise P.ProtocolError(f"no client named {client!r} (this capture hosts: "
                                          f"{', '.join(map(repr, self.clients))})")
            except P.ProtocolError as exc:      # refused, said why; the connection goes on
                call_id = message.get("id")
                self._send({"id": call_id if isinstance(call_id, int) else None, "error": P.error_to_wire(exc)})
                continue
            target = self if client == DEFAULT_CLIENT else workspace_clients.Addressed(self, self.clients[client])
            task = asyncio.ensure_future(self._run(call_id, command, args, kw, target))
            self._tasks.add(task)
            self._calls[call_id] = task
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda _t, i=call_id: self._calls.pop(i, None))

    async def _run(self, call_id: int, command, args: list, kw: dict, target=None) -> None:
        try:
            result = command(self if target is None else target, *args, **kw)
            if asyncio.iscoroutine(result):
                result = await result
        except asyncio.CancelledError:
            self._try_send({"id": call_id, "error": {"type": "CancelledError", "message": "cancelled"}})
            return
        except Exception as exc:       # the caller's to show, as a Session call raising in-process
            self._try_send({"id": call_id, "error": P.error_to_wire(exc)})
            return
        self._try_send({"id": call_id, "ok": result})

    # -- what goes out --------------------------------------------------------------
    def _send(self, message: dict) -> None:
        if self._out is not None and not self._out.is_closing():
            self._write(P.pack(message))

    def _write(self, frame: bytes) -> None:
        """One frame, in order: into the socket's buffer while it holds less than WINDOW_HIGH,
        else held here until the window has read that much."""
        out = self._out
        if self._held or out.transport.get_write_buffer_size() >= WINDOW_HIGH:
            self._held.append(frame)
            if self._pump is None:
                self._pump = asyncio.ensure_future(self._pump_held(out))
        else:
            out.write(frame)

    async def _pump_held(self, out: asyncio.StreamWriter) -> None:
        try:
            while self._held and self._out is out and not out.is_closing():
                await out.drain()        # until the window has read the buffer down
                while self._held and out.transport.get_write_buffer_size() < WINDOW_HIGH:
                    out.write(self._held.popleft())
        except (ConnectionError, OSError):
            pass                         # the window went: handle() detaches
        finally:
            self._pump = None

    def _send_ahead(self, message: dict) -> None:
        """Past the frames held for the window (an ahead message: PROTOCOL.md)."""
        if self._out is not None and not self._out.is_closing():
            try:
                self._out.write(P.pack(message))
            except (TypeError, P.ProtocolError):
                log.exception("an ahead message could not be packed")

    def _try_send(self, message: dict) -> None:
        try:
            self._send(message)
        except (TypeError, P.ProtocolError) as exc:      # a result that cannot travel
            if "id" in message and "ok" in message:
                self._send({"id": message["id"], "error": P.error_to_wire(exc)})
            else:
                log.exception("a message to the window could not be packed")

    def _entry(self, entry: LogEntry, client: str = DEFAULT_CLIENT) -> None:
        if self._out is None:
            return            # nobody is looking: the file has it
        if client != self._batch_client:      # a batch is one client's
            self._flush_batch()
            self._batch_client = client
        self._batch.append(P.entry_to_wire(entry))
        if len(self._batch) >= MAX_BATCH:
            self._flush_batch()
        elif self._batch_timer is None:
            self._batch_timer = asyncio.get_running_loop().call_later(BATCH_DELAY_S, self._flush_batch)

    def _flush_batch(self) -> None:
        if self._batch_timer is not None:
            self._batch_timer.cancel()
            self._batch_timer = None
        batch, self._batch = self._batch, []
        if batch:
            # large arguments follow the batch as raw frames of their own (protocol.py):
            # the window reads them as bytes, with no unpacking on its GUI thread
            blobs: list[bytes] = []
            for row in batch:
                if isinstance(row[6], msgpack.ExtType) and row[6].code == P.EXT_LARGE_ARGS:
                    blobs.append(row[6].data)
                    row[6] = msgpack.ExtType(P.EXT_BLOB, str(len(blobs) - 1).encode())
            if blobs and self._out is not None and not self._out.is_closing():
                self._send({"entries": batch, "client": self._batch_client, "blobs": len(blobs)})
                for blob in blobs:
                    self._write(P.raw_frame(blob))
                return
            try:
                self._send({"entries": batch, "client": self._batch_client})
            except (TypeError, P.ProtocolError):     # one entry cannot travel: send the rest
                for row in batch:
                    try:
                        self._send({"entries": [row], "client": self._batch_client})
                    except (TypeError, P.ProtocolError) as exc:
                        log.warning("entry %s could not be sent to the window: %s", row[0], exc)

    def _state(self, state: SessionState, client: str = DEFAULT_CLIENT) -> None:
        self._flush_batch()          # the entries logged before it go first
        s = self.clients.get(client)
        if s is None:
            return                   # a client removed since
        # with the state, what the window reads without a call: the options the connection
        # runs with (a replay's, say), each namespace's auth (a profile or a recording takes it)
        # the answers to the server's acks and the sequence checks (a duplicated client's
        # are its original's); raw capture is in the state itself
        acks = s.server_acks
        self._try_send({"state": P.state_to_wire(state), "seq": s.last_seq, "client": client,
                        "options": options_to_wire(s.options), "ns_auth": s.namespace_auth(),
                        "join_event": s.rooms.join_event, "leave_event": s.rooms.leave_event,
                        "server_acks": {"default": asdict(acks.default),
                                        "events": {e: asdict(r) for e, r in acks.by_event.items()}},
                        "sequence_rules": [asdict(r) for r in s.sequences.rules()]})
        if self._held:       # the window is behind: the status line hears it now too
            self._send_ahead({"ahead": P.state_to_wire(state), "seq": s.last_seq, "client": client})

    def _ahead(self, state: SessionState, client: str = DEFAULT_CLIENT) -> None:
        """A state known ahead of entries still to be logged (the transport's end read ahead of
        a backlog): sent now, not behind the batch (PROTOCOL.md, ahead states)."""
        self._send_ahead({"ahead": P.state_to_wire(state), "client": client})

    def _answer_later(self, future: asyncio.Future | None) -> int | None:
        """A token for an ack's answer, sent as an `answer` message when it comes."""
        if future is None:
            return None
        self._answers += 1
        token = self._answers

        def done(f: asyncio.Future) -> None:
            if f.cancelled():
                self._try_send({"answer": token, "error": {"type": "CancelledError", "message": "cancelled"}})
            elif f.exception() is not None:
                self._try_send({"answer": token, "error": P.error_to_wire(f.exception())})
            else:
                a = f.result()
                self._try_send({"answer": token, "ok": {"args": a.args, "rtt_ms": a.rtt_ms, "late": a.late}})
        future.add_done_callback(done)
        return token

    def _send_clients(self) -> None:
        """The client list, pushed when it changes (the window's client list shows it)."""
        self._flush_batch()
        self._try_send({"clients": workspace_clients.rows(self)})

    def session_file(self) -> str | None:
        return str(self.writer.path) if self.writer is not None else None

    # -- the end ----------------------------------------------------------------------
    async def finish(self, timeout: float = 5.0) -> None:
        """Disconnect, then write the last entries and close the session file."""
        try:
            await asyncio.wait_for(asyncio.gather(*(s.disconnect() for s in self.clients.values())), timeout)
        except Exception:
            log.warning("disconnecting failed; finishing the session file anyway", exc_info=True)
        for runner in list(self.runners.values()):
            try:
                await runner.close(disconnect=False)
            except Exception:
                log.warning("ending a scenario run failed", exc_info=True)
        for unsubscribe in self._unsubs:
            unsubscribe()
        if self.writer is not None:
            writer = self.writer
            await asyncio.get_running_loop().run_in_executor(None, writer.close)


class ToWindow(logging.Handler):
    """The capture process's warnings and errors, sent to the window, which logs them under
    `inspector.capture.process` (its log file, its terminal, the tests' strict check)."""

    def __init__(self, capture: Capture, loop: asyncio.AbstractEventLoop):
        super().__init__(logging.WARNING)
        self.capture, self.loop = capture, loop

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        message = {"log": {"level": record.levelno, "name": record.name, "message": text}}
        try:
            self.loop.call_soon_threadsafe(self.capture._try_send, message)
        except RuntimeError:
            pass            # the loop is closed: the process is ending (stderr has it)


# -- the commands: Session methods under their own names, and the capture's own --------
def _emit_result(capture: Capture, result) -> dict:
    return {"outcome": str(result.outcome), "ack_id": result.ack_id,
            "answer": capture._answer_later(result.answer)}


async def _connect(c: Capture, options: dict | None = None, namespaces: list | None = None,
                   auth: dict | None = None) -> Any:
    return await c.session.connect(options_from_wire(options), namespaces, auth)


async def _emit(c: Capture, ns: str, event: str, args: list, **kw) -> dict:
    return _emit_result(c, await c.session.emit(ns, event, args, **kw))


async def _join_room(c: Capture, ns: str, room: str, timeout: float = 5.0) -> dict:
    return _emit_result(c, await c.session.join_room(ns, room, timeout))


async def _leave_room(c: Capture, ns: str, room: str, timeout: float = 5.0) -> dict:
    return _emit_result(c, await c.session.leave_room(ns, room, timeout))


def _set_sequence_rules(c: Capture, rules: list) -> None:
    c.session.set_sequence_rules([SequenceRule(**r) for r in rules])


def _set_room_events(c: Capture, join: str, leave: str) -> None:
    c.session.rooms.join_event, c.session.rooms.leave_event = join, leave


def _set_ack_replies(c: Capture, default: dict, by_event: dict) -> None:
    c.session.server_acks.default = AckReply(**default)
    c.session.server_acks.by_event = {event: AckReply(**reply) for event, reply in by_event.items()}


async def _move_session_file(c: Capture, path: str) -> str:
    if c.writer is None:
        raise RuntimeError("this capture records no session file")
    await asyncio.get_running_loop().run_in_executor(None, c.writer.move_to, path)
    return str(c.writer.path)


async def _flush(c: Capture) -> bool:
    if c.writer is None:
        return True
    return await asyncio.get_running_loop().run_in_executor(None, c.writer.flush)


async def _checkpoint(c: Capture) -> bool:
    if c.writer is None:
        return True
    return await asyncio.get_running_loop().run_in_executor(None, c.writer.checkpoint)


def _set_note_seconds(c: Capture, seconds: float) -> None:
    c.session.note_seconds = float(seconds)


def _info(c: Capture) -> dict:
    s = c.session
    return {"last_seq": s.last_seq, "sid": s.client.sid if s.client is not None else None,
            "join_event": s.rooms.join_event, "leave_event": s.rooms.leave_event,
            "pending_acks": len(s.acks), "session_file": c.session_file(),
            "written": c.writer.written if c.writer else 0}


COMMANDS: dict[str, Callable[..., Any]] = {
    "connect": _connect,
    "disconnect": lambda c: c.session.disconnect(),
    "drop_transport": lambda c: c.session.drop_transport(),
    "open_namespace": lambda c, ns, auth=None: c.session.open_namespace(ns, auth),
    "close_namespace": lambda c, ns: c.session.close_namespace(ns),
    "emit": _emit,
    "join_room": _join_room,
    "leave_room": _leave_room,
    "answer_server_ack": lambda c, ns, ack_id, args: c.session.answer_server_ack(ns, ack_id, args),
    "set_raw_capture": lambda c, on: c.session.set_raw_capture(bool(on)),
    "set_sequence_rules": _set_sequence_rules,
    "set_room_events": _set_room_events,
    "set_ack_replies": _set_ack_replies,
    "snapshot": lambda c: P.state_to_wire(c.session.snapshot()),
    "info": _info,
    "session_file": lambda c: c.session_file(),
    "move_session_file": _move_session_file,
    "flush": _flush,
    "checkpoint": _checkpoint,
    "set_note_seconds": _set_note_seconds,
    "ping": lambda c: "pong",
}

COMMANDS.update(SCENARIO_COMMANDS)
COMMANDS.update(CLIENT_COMMANDS)
COMMANDS.update(SERVER_COMMANDS)
