"""The window's end of the capture protocol (plain asyncio, no Qt).

`CaptureClient.spawn()` starts `python -m inspector.capture` with one end of a socket
pair and talks to it over asyncio streams on the caller's loop (the window's qasync
loop, or any asyncio loop): `await client.call(name, *args, **kw)` is one command,
entries arrive in order through `on_entries(list[LogEntry])`, states through
`on_state(SessionState, last_seq)`, and `on_lost(reason)` says once that the capture
process is gone (every call in flight then raises CaptureLost).  `RemoteSession` is the
Session's surface over it, with the Session's method names, so window code reads as it
did when the Session was in the window's process.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass, is_dataclass
from types import SimpleNamespace
from typing import Any, Callable

from inspector.capture import protocol as P
from inspector.log.entry import LogEntry
from inspector.session.acks import FROM_OPTIONS
from inspector.session.session import EmitOutcome, EmitResult
from inspector.session.state import SessionState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AckAnswer:
    """An ack's answer, as the capture process saw it."""
    args: list
    rtt_ms: float
    late: bool


class CaptureClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 process: subprocess.Popen | None = None):
        self.reader, self.writer, self.process = reader, writer, process
        # until someone takes them (attach_handlers), deliveries wait here, in order
        self._early: list[tuple[str, tuple]] = []
        self.on_entries: Callable[[list[LogEntry]], None] = lambda entries: self._early.append(("e", (entries,)))
        self.on_state: Callable[[SessionState, int], None] = lambda *a: self._early.append(("s", a))
        self.on_lost: Callable[[str], None] = lambda reason: self._early.append(("l", (reason,)))
        self.on_protocol_error: Callable[[str], None] = lambda message: log.warning("capture: %s", message)
        self.welcome: dict = {}
        # True: large arguments are handed over undecoded (protocol.LargeArgs), for the taker
        # to decode off its GUI thread with protocol.resolve_large
        self.defer_large = False
        self.lost: str | None = None          # why the capture is gone, once it is
        # what came with the last state (host.py _state), read without a call
        self.pushed: dict[str, Any] = {}
        self._ids = 0
        self._calls: dict[int, asyncio.Future] = {}
        self._answers: dict[int, asyncio.Future] = {}
        self._read_task: asyncio.Task | None = None

    # -- starting ----------------------------------------------------------------------
    @classmethod
    async def spawn(cls, session_file: str | None = None, python: str = sys.executable,
                    timeout: float = 20.0) -> "CaptureClient":
        """Start a capture process of our own and attach to it."""
        ours, theirs = socket.socketpair()
        token = secrets.token_hex(16)
        argv = [python, "-m", "inspector.capture", "--fd", str(theirs.fileno())]
        if session_file is not None:
            argv += ["--session-file", str(session_file)]
        env = {**os.environ, P.TOKEN_ENV: token}
        # its own session: a Ctrl-C in the terminal is the window's to handle, and the
        # capture ends when the window goes, whatever way it goes
        process = subprocess.Popen(argv, pass_fds=[theirs.fileno()], env=env, start_new_session=True,
                                   stdin=subprocess.DEVNULL)
        theirs.close()
        reader, writer = await asyncio.open_connection(sock=ours, limit=P.MAX_FRAME)
        client = cls(reader, writer, process)
        await asyncio.wait_for(client.attach(token), timeout)
        return client

    @classmethod
    async def open(cls, address: str, token: str, timeout: float = 10.0) -> "CaptureClient":
        """Attach to a capture started alone: a Unix socket path, or 127.0.0.1:PORT."""
        if ":" in address and not address.startswith("/"):
            host, port = address.rsplit(":", 1)
            reader, writer = await asyncio.open_connection(host, int(port), limit=P.MAX_FRAME)
        else:
            reader, writer = await asyncio.open_unix_connection(address, limit=P.MAX_FRAME)
        client = cls(reader, writer)
        await asyncio.wait_for(client.attach(token), timeout)
        return client

    async def attach(self, token: str) -> None:
        self.writer.write(P.pack({"hello": token, "v": P.VERSION}))
        body = await P.read_frame(self.reader)
        if body is None:
            raise P.CaptureLost("the capture process closed the connection before its welcome")
        message = P.unpack(body)
        if "welcome" not in message:
            raise P.error_from_wire(message.get("error") or {"type": "ProtocolError", "message": repr(message)})
        self.welcome = message["welcome"]
        self._read_task = asyncio.ensure_future(self._read())

    def attach_handlers(self, on_entries: Callable[[list[LogEntry]], None],
                        on_state: Callable[[SessionState, int], None], on_lost: Callable[[str], None]) -> None:
        """Take the deliveries from now on, after the ones that came before (in order)."""
        self.on_entries, self.on_state, self.on_lost = on_entries, on_state, on_lost
        early, self._early = self._early, []
        for kind, args in early:
            {"e": on_entries, "s": on_state, "l": on_lost}[kind](*args)

    # -- calls -----------------------------------------------------------------------------
    async def call(self, name: str, *args: Any, **kw: Any) -> Any:
        """One command; its result, or the error it raised in the capture process."""
        if self.lost is not None:
            raise P.CaptureLost(self.lost)
        self._ids += 1
        call_id = self._ids
        future = asyncio.get_running_loop().create_future()
        self._calls[call_id] = future
        try:
            self.writer.write(P.pack({"id": call_id, "call": name, "args": list(args), "kw": kw}))
            return P.revive(await future)
        except asyncio.CancelledError:
            if self.lost is None and not self.writer.is_closing():
                self.writer.write(P.pack({"cancel": call_id}))     # it stops there too
            raise
        finally:
            self._calls.pop(call_id, None)

    def post(self, name: str, *args: Any) -> None:
        """A command whose answer nobody waits for, sent now (so before any call made after
        it); a failure is logged."""
        if self.lost is not None:
            return
        self._ids += 1
        call_id = self._ids
        future = asyncio.get_running_loop().create_future()
        self._calls[call_id] = future

        def done(f: asyncio.Future) -> None:
            self._calls.pop(call_id, None)
            if not f.cancelled() and f.exception() is not None and self.lost is None:
                log.warning("capture: %s failed: %s", name, f.exception())
        future.add_done_callback(done)
        self.writer.write(P.pack({"id": call_id, "call": name, "args": list(args), "kw": {}}))

    def answer_future(self, token: int | None) -> asyncio.Future | None:
        if token is None:
            return None
        future = asyncio.get_running_loop().create_future()
        # an answer nobody awaits is not an error to report (the log shows what became of it)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        if self.lost is not None:
            future.set_exception(P.CaptureLost(self.lost))
        else:
            self._answers[token] = future
        return future

    # -- what comes in ------------------------------------------------------------------
    async def _read(self) -> None:
        reason = "the capture process closed the connection"
        try:
            while True:
                body = await P.read_frame(self.reader)
                if body is None:
                    break
                message = P.unpack(body)
                if message.get("blobs"):          # the batch's large arguments follow, raw
                    blobs = []
                    for _ in range(int(message["blobs"])):
                        blob = await P.read_frame(self.reader)
                        if blob is None:
                            raise P.ProtocolError("the stream ended before a batch's blobs")
                        blobs.append(blob)
                    for row in message.get("entries") or ():
                        if isinstance(row[6], P.BlobRef):
                            row[6] = P.LargeArgs(blobs[row[6].index])
                self._dispatch(message)
        except asyncio.CancelledError:
            reason = "the window detached"
            raise
        except (ConnectionError, OSError) as exc:
            reason = f"the connection to the capture process broke ({type(exc).__name__}: {exc})"
        except P.ProtocolError as exc:
            reason = f"the capture process broke the protocol: {exc}"
        if self.lost is None:
            self._lose(await self._why(reason))

    async def _why(self, reason: str) -> str:
        p = self.process
        if p is None:
            return reason
        try:      # it is ending: its exit status says how (waited for off this loop's thread)
            code = await asyncio.get_running_loop().run_in_executor(None, p.wait, 2.0)
        except subprocess.TimeoutExpired:
            return reason
        if code < 0:
            import signal
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the capture process was killed ({name})"
        return f"the capture process ended (exit status {code})" if code else reason

    def _dispatch(self, message: dict) -> None:
        if "entries" in message:
            entries = [P.entry_from_wire(row) for row in message["entries"]]
            if not self.defer_large:
                entries = [P.resolve_large(e) for e in entries]
            self.on_entries(entries)
        elif "state" in message:
            self.pushed = {k: message[k] for k in ("options", "ns_auth", "join_event", "leave_event")
                           if k in message}
            self.on_state(P.state_from_wire(message["state"]), message.get("seq", 0))
        elif "answer" in message:
            future = self._answers.pop(message["answer"], None)
            if future is not None and not future.done():
                if "error" in message:
                    error = P.error_from_wire(message["error"])
                    if isinstance(error, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(error)
                else:
                    future.set_result(AckAnswer(**message["ok"]))
        elif "id" in message and message["id"] is not None:
            future = self._calls.get(message["id"])
            if future is not None and not future.done():
                if "error" in message:
                    error = P.error_from_wire(message["error"])
                    if isinstance(error, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(error)
                else:
                    future.set_result(message.get("ok"))
        elif "log" in message:
            record = message["log"]
            logging.getLogger("inspector.capture.process").log(
                int(record.get("level", logging.WARNING)), "%s: %s", record.get("name"), record.get("message"))
        elif "error" in message:
            self.on_protocol_error(str(message["error"].get("message")))

    def _lose(self, reason: str) -> None:
        if self.lost is not None:
            return
        self._fail_pending(reason)
        self.on_lost(reason)

    def _fail_pending(self, reason: str) -> None:
        self.lost = reason
        for future in [*self._calls.values(), *self._answers.values()]:
            if not future.done():
                future.set_exception(P.CaptureLost(reason))
        self._answers.clear()

    # -- the end ---------------------------------------------------------------------------
    async def close(self, timeout: float = 15.0) -> int | None:
        """Detach: the capture process disconnects, finishes the file and ends; its exit status."""
        if self.lost is None:
            self._fail_pending("the window detached")
        if self._read_task is not None:
            self._read_task.cancel()
        self.writer.close()
        if self.process is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return await loop.run_in_executor(None, self.process.wait)


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


class RemoteSession:
    """The Session's methods the window calls, with their names and arguments, run in
    the capture process; and, read without a call, what the window last heard or said:
    `options` (of the last connect), `state` and `last_seq` (as delivered), `rooms`'
    join/leave event names and `server_acks`' answers (as last set)."""

    def __init__(self, client: CaptureClient):
        from inspector.session.server_acks import ServerAckReplies
        from inspector.session.state import ConnectionState
        from inspector.wire.options import ConnectionOptions
        self.client = client
        self.options = ConnectionOptions()
        self.state = ConnectionState.DISCONNECTED
        self.last_seq = 0
        self.rooms = SimpleNamespace(join_event="join", leave_event="leave")
        self.server_acks = ServerAckReplies()
        self._note_seconds: float | None = None

    @property
    def note_seconds(self) -> float | None:
        """How long a momentary status stays (Session.note_seconds); set, it is sent there."""
        return self._note_seconds

    @note_seconds.setter
    def note_seconds(self, seconds: float) -> None:
        self._note_seconds = seconds
        self.client.post("set_note_seconds", seconds)

    def namespace_auth(self) -> dict[str, Any]:
        """Each namespace's auth, as the capture's Session last said it (with its state)."""
        return dict(self.client.pushed.get("ns_auth") or {})

    def heard(self, state: SessionState | None = None, last_seq: int | None = None) -> None:
        """What the window was handed (called by whoever takes the client's deliveries)."""
        if state is not None:
            self.state = state.state
            pushed = self.client.pushed
            if pushed.get("options"):      # what the connection runs with (a replay's, say)
                from inspector.wire.options import ConnectionOptions
                self.options = ConnectionOptions(**pushed["options"])
            if pushed.get("join_event"):
                self.rooms.join_event, self.rooms.leave_event = pushed["join_event"], pushed["leave_event"]
        if last_seq is not None:
            self.last_seq = max(self.last_seq, last_seq)

    async def connect(self, options=None, namespaces: list[str] | None = None, auth: dict | None = None):
        if options is not None:
            self.options = options
        return await self.client.call("connect", _plain(options), namespaces, auth)

    async def disconnect(self) -> None:
        await self.client.call("disconnect")

    async def drop_transport(self) -> None:
        await self.client.call("drop_transport")

    async def open_namespace(self, ns: str, auth: Any = None) -> Any:
        return await self.client.call("open_namespace", ns, auth)

    async def close_namespace(self, ns: str) -> None:
        await self.client.call("close_namespace", ns)

    def _result(self, r: dict) -> EmitResult:
        return EmitResult(EmitOutcome(r["outcome"]), r["ack_id"], self.client.answer_future(r["answer"]))

    async def emit(self, ns: str, event: str, args: list, *, ack: bool = False, timeout=FROM_OPTIONS,
                   compress: bool = True, volatile: bool = False, context: dict | None = None) -> EmitResult:
        kw: dict[str, Any] = {"ack": ack, "compress": compress, "volatile": volatile, "context": context}
        if timeout is not FROM_OPTIONS:
            kw["timeout"] = timeout
        return self._result(await self.client.call("emit", ns, event, list(args), **kw))

    async def join_room(self, ns: str, room: str, timeout: float = 5.0) -> EmitResult:
        return self._result(await self.client.call("join_room", ns, room, timeout))

    async def leave_room(self, ns: str, room: str, timeout: float = 5.0) -> EmitResult:
        return self._result(await self.client.call("leave_room", ns, room, timeout))

    async def answer_server_ack(self, ns: str, ack_id: int, args: list) -> bool:
        return await self.client.call("answer_server_ack", ns, ack_id, list(args))

    async def set_raw_capture(self, on: bool) -> None:
        await self.client.call("set_raw_capture", on)

    async def set_sequence_rules(self, rules: list) -> None:
        await self.client.call("set_sequence_rules", [_plain(r) for r in rules])

    async def set_room_events(self, join: str, leave: str) -> None:
        await self.client.call("set_room_events", join, leave)
        self.rooms.join_event, self.rooms.leave_event = join, leave

    async def set_ack_replies(self, default, by_event: dict) -> None:
        self.server_acks.default, self.server_acks.by_event = default, dict(by_event)
        await self.client.call("set_ack_replies", _plain(default),
                               {event: _plain(reply) for event, reply in by_event.items()})

    async def snapshot(self) -> SessionState:
        return P.state_from_wire(await self.client.call("snapshot"))

    # -- the server view (capture/server_commands.py): AdminRefused says why not ------------
    async def server_attach(self, namespace: str, username: str | None = None,
                            password: str | None = None) -> dict:
        """Attach to the server's admin namespace; {"namespace", "features"} of its config."""
        return await self.client.call("server_attach", namespace, username, password)

    async def server_detach(self) -> None:
        await self.client.call("server_detach")

    async def server_join(self, ns: str, room: str, socket_id: str | None = None) -> dict:
        return await self.client.call("server_join", ns, room, socket_id)

    async def server_leave(self, ns: str, room: str, socket_id: str | None = None) -> dict:
        return await self.client.call("server_leave", ns, room, socket_id)

    async def server_disconnect(self, ns: str, socket_id: str | None = None, close: bool = False) -> dict:
        return await self.client.call("server_disconnect", ns, socket_id, close)

    async def server_emit(self, ns: str, event: str, args: list, to: str | None = None) -> dict:
        return await self.client.call("server_emit", ns, event, list(args), to)
