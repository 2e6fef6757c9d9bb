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
from inspector.capture.reader import ENTRIES, FrameReader
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
        self.pushed_by: dict[str, dict[str, Any]] = {}      # the same, by client (issue 12)
        # every client's states (the first's go to on_state too) and the client list
        self.on_client_state: Callable[[str, SessionState, int], None] | None = None
        # a state known ahead of the entries before it (PROTOCOL.md, ahead states): its
        # client's key, the state and its LAST_SEQ (None: the transport's end), handed over at
        # once (nothing keeps them: no taker, gone)
        self.on_ahead: Callable[[str, SessionState, int | None], None] | None = None
        self.on_clients: Callable[[list[dict]], None] | None = None
        self.clients: list[dict] = []          # the last client list pushed
        self._ids = 0
        self._calls: dict[int, asyncio.Future] = {}
        self._answers: dict[int, asyncio.Future] = {}
        self._early_answers: dict[int, dict] = {}     # token -> an answer that came before its future
        self._read_task: asyncio.Task | None = None
        self._frames: FrameReader | None = None       # the reading thread (reader.py)
        self._welcomed: asyncio.Future | None = None

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
        # everything the capture sends is read on a thread of the window's own (reader.py),
        # not on this loop: the transport only writes
        loop = asyncio.get_running_loop()
        self.writer.transport.pause_reading()
        self._welcomed = loop.create_future()
        self._frames = FrameReader(self.writer.get_extra_info("socket"), loop, self._delivered,
                                   self._ended, resolve=self._resolve).start()
        self.writer.write(P.pack({"hello": token, "v": P.VERSION}))
        message = await self._welcomed
        if "welcome" not in message:
            self._frames.stop()
            raise P.error_from_wire(message.get("error") or {"type": "ProtocolError", "message": repr(message)})
        self.welcome = message["welcome"]

    def attach_handlers(self, on_entries: Callable[[list[LogEntry]], None],
                        on_state: Callable[[SessionState, int], None], on_lost: Callable[[str], None]) -> None:
        """Take the deliveries from now on, after the ones that came before (in order)."""
        self.on_entries, self.on_state, self.on_lost = on_entries, on_state, on_lost
        early, self._early = self._early, []
        for kind, args in early:
            {"e": on_entries, "s": on_state, "l": on_lost}[kind](*args)

    # -- calls -----------------------------------------------------------------------------
    async def call(self, name: str, *args: Any, to: str | None = None, **kw: Any) -> Any:
        """One command (`to`: the client it acts on, the first when None); its result, or the
        error it raised in the capture process."""
        if self.lost is not None:
            raise P.CaptureLost(self.lost)
        self._ids += 1
        call_id = self._ids
        future = asyncio.get_running_loop().create_future()
        self._calls[call_id] = future
        try:
            message = {"id": call_id, "call": name, "args": list(args), "kw": kw}
            if to is not None:
                message["client"] = to
            self.writer.write(P.pack(message))
            return P.revive(await future)
        except asyncio.CancelledError:
            if self.lost is None and not self.writer.is_closing():
                self.writer.write(P.pack({"cancel": call_id}))     # it stops there too
            raise
        finally:
            self._calls.pop(call_id, None)

    def post(self, name: str, *args: Any, to: str | None = None) -> None:
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
        message = {"id": call_id, "call": name, "args": list(args), "kw": {}}
        if to is not None:
            message["client"] = to
        self.writer.write(P.pack(message))

    def answer_future(self, token: int | None) -> asyncio.Future | None:
        if token is None:
            return None
        future = asyncio.get_running_loop().create_future()
        # an answer nobody awaits is not an error to report (the log shows what became of it)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        early = self._early_answers.pop(token, None)
        if early is not None:
            _settle(future, early, _ack_answer)
        elif self.lost is not None:
            future.set_exception(P.CaptureLost(self.lost))
        else:
            self._answers[token] = future
        return future

    # -- what comes in ------------------------------------------------------------------
    def _resolve(self, e: LogEntry) -> LogEntry:
        """On the reading thread: large arguments decoded there, unless the taker decodes them."""
        return e if self.defer_large else P.resolve_large(e)

    def _delivered(self, message: dict) -> None:
        """On the loop: one message, read and unpacked by the reading thread."""
        if self._welcomed is not None:            # the first message is the answer to the hello
            welcomed, self._welcomed = self._welcomed, None
            if not welcomed.done():
                welcomed.set_result(message)
            return
        self._dispatch(message)

    def _ended(self, reason: str | None) -> None:
        """On the loop: the stream ended (None: cleanly) or broke."""
        reason = reason or "the capture process closed the connection"
        if self._welcomed is not None:
            welcomed, self._welcomed = self._welcomed, None
            if not welcomed.done():
                welcomed.set_exception(P.CaptureLost(
                    "the capture process closed the connection before its welcome"))
            return
        if self.lost is None:
            self._read_task = asyncio.ensure_future(self._lose_why(reason))

    async def _lose_why(self, reason: str) -> None:
        why = await self._why(reason)
        if self.lost is None:
            self._lose(why)

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
            entries = message.pop(ENTRIES, None)
            if entries is None:
                entries = [P.entry_from_wire(row) for row in message["entries"]]
            if not self.defer_large:
                entries = [P.resolve_large(e) for e in entries]      # (a no-op once resolved)
            self.on_entries(entries)
        elif "ahead" in message:
            if self.on_ahead is not None:
                self.on_ahead(message.get("client", P.DEFAULT_CLIENT), P.state_from_wire(message["ahead"]),
                              message.get("seq"))
        elif "state" in message:
            key = message.get("client", P.DEFAULT_CLIENT)
            pushed = {k: message[k] for k in ("options", "ns_auth", "join_event", "leave_event", "server_acks",
                                              "sequence_rules") if k in message}
            self.pushed_by[key] = pushed
            state = P.state_from_wire(message["state"])
            if key == P.DEFAULT_CLIENT:
                self.pushed = pushed
                self.on_state(state, message.get("seq", 0))
            if self.on_client_state is not None:
                self.on_client_state(key, state, message.get("seq", 0))
        elif "clients" in message:
            self.clients = list(message["clients"])
            if self.on_clients is not None:
                self.on_clients(self.clients)
        elif "answer" in message:
            future = self._answers.pop(message["answer"], None)
            if future is None and len(self._early_answers) < 10_000:
                # the answer came in the same run of messages as its call's reply: the caller
                # asks for its future only once it resumes, after this run
                self._early_answers[message["answer"]] = message
            _settle(future, message, _ack_answer)
        elif "id" in message and message["id"] is not None:
            _settle(self._calls.get(message["id"]), message, lambda ok: ok)
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
        if self._frames is not None:
            try:        # what was written goes out first (cancels, say)
                await asyncio.wait_for(self.writer.wait_closed(), 1.0)
            except (TimeoutError, ConnectionError, OSError):
                pass
            self._frames.stop()        # its socket too: the capture sees the end of the stream
        if self.process is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return await loop.run_in_executor(None, self.process.wait)


class _Addressing:
    """A CaptureClient whose calls name one client (RemoteSession's; the rest is the client's)."""

    def __init__(self, client: CaptureClient, key: str):
        self._client, self._key = client, key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def call(self, name: str, *args: Any, **kw: Any) -> Any:
        return await self._client.call(name, *args, to=None if self._key == P.DEFAULT_CLIENT else self._key,
                                       **kw)

    def post(self, name: str, *args: Any) -> None:
        self._client.post(name, *args, to=None if self._key == P.DEFAULT_CLIENT else self._key)


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


class RemoteSession:
    """The Session's methods the window calls, with their names and arguments, run in
    the capture process; and, read without a call, what the window last heard or said:
    `options` (of the last connect), `state` and `last_seq` (as delivered), `rooms`'
    join/leave event names, and `server_acks`' answers, `sequence_rules` and `raw_capture`
    (as the window last set them; until it does, as the capture last said: a duplicated
    client's answers and checks are its original's)."""

    def __init__(self, client: CaptureClient, key: str = P.DEFAULT_CLIENT):
        from inspector.session.server_acks import ServerAckReplies
        from inspector.session.state import ConnectionState
        from inspector.wire.options import ConnectionOptions
        self.client = _Addressing(client, key)      # every call acts on this client
        self.key = key
        self.options = ConnectionOptions()
        self.state = ConnectionState.DISCONNECTED
        self.last_seq = 0
        self.rooms = SimpleNamespace(join_event="join", leave_event="leave")
        self.server_acks = ServerAckReplies()
        self.sequence_rules: list = []          # SequenceRule objects
        self.raw_capture = False
        # set by the window: what the capture says of them is older (or a call in flight)
        self._acks_set = self._rules_set = self._raw_set = False
        # the room events the capture said when the window set them: a state pushed before
        # that call is shown after it, and would undo it; what the capture says since is newer
        # (a scenario's, for its run)
        self._rooms_stale: tuple | None = None
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
        return dict(self.client.pushed_by.get(self.key, {}).get("ns_auth") or {})

    def heard(self, state: SessionState | None = None, last_seq: int | None = None) -> None:
        """What the window was handed (called by whoever takes the client's deliveries)."""
        if state is not None:
            self.state = state.state
            if not self._raw_set:
                self.raw_capture = state.raw_capture
            pushed = self.client.pushed_by.get(self.key, {})
            if pushed.get("options"):      # what the connection runs with (a replay's, say)
                from inspector.wire.options import ConnectionOptions
                self.options = ConnectionOptions(**pushed["options"])
            said = (pushed.get("join_event"), pushed.get("leave_event"))
            if said[0] and said != self._rooms_stale:
                self.rooms.join_event, self.rooms.leave_event = pushed["join_event"], pushed["leave_event"]
            if pushed.get("server_acks") and not self._acks_set:
                from inspector.session.server_acks import AckReply
                acks = pushed["server_acks"]
                self.server_acks.default = AckReply(**acks["default"])
                self.server_acks.by_event = {e: AckReply(**r) for e, r in acks["events"].items()}
            if "sequence_rules" in pushed and not self._rules_set:
                from inspector.session.sequence_gaps import SequenceRule
                self.sequence_rules = [SequenceRule(**r) for r in pushed["sequence_rules"]]
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
        self._raw_set, self.raw_capture = True, bool(on)
        await self.client.call("set_raw_capture", on)

    async def set_sequence_rules(self, rules: list) -> None:
        self._rules_set, self.sequence_rules = True, list(rules)
        await self.client.call("set_sequence_rules", [_plain(r) for r in rules])

    async def set_room_events(self, join: str, leave: str) -> None:
        await self.client.call("set_room_events", join, leave)
        pushed = self.client.pushed_by.get(self.key, {})
        self._rooms_stale = (pushed.get("join_event"), pushed.get("leave_event"))
        self.rooms.join_event, self.rooms.leave_event = join, leave

    async def set_ack_replies(self, default, by_event: dict) -> None:
        self._acks_set = True
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


def _settle(future: "asyncio.Future | None", message: dict, result: Callable[[Any], Any]) -> None:
    """An answer or a call's reply: its result, its error as itself, or its cancellation."""
    if future is None or future.done():
        return
    if "error" in message:
        error = P.error_from_wire(message["error"])
        if isinstance(error, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(error)
    else:
        future.set_result(result(message.get("ok")))


def _ack_answer(ok: dict) -> AckAnswer:
    return AckAnswer(**ok)
