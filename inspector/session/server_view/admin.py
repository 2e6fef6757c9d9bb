"""ServerAdmin: a Session attached to a server's admin namespace, and its commands.

The admin namespace is opened like any namespace (the username and password as its auth,
so they are kept as every namespace auth is: masked in raw packets, slots in profiles and
their keyring, never in exports).  Its messages feed a ServerView.  The commands (join,
leave, disconnect, emit from the server's side) are emits on the admin namespace; the
protocol acknowledges none of them, so each waits for the messages that show its effect
(room_joined for each socket moved, socket_disconnected, event_sent to each member) and
is logged as one `sys` entry of kind `server` saying what the server answered.  A command
the server's config does not list is refused before anything is sent, with the config's
words (a read-only server would ignore it in silence).
"""
from __future__ import annotations

import asyncio
from typing import Any

from inspector.log.words import plural
from inspector.session.errors import NamespaceRefused
from inspector.session.server_view.protocol import (
    DEFAULT_NAMESPACE,
    AdminCommand,
    AdminEvent,
)
from inspector.session.server_view.view import ServerView
from inspector.wire.urls import redact_url

ANSWER_TIMEOUT = 5.0      # python-socketio sends room changes with its stats, every 2 s
CONFIG_TIMEOUT = 5.0
NO_NAMESPACE = ("Invalid namespace", "Unable to connect")     # socket.io, python-socketio
BAD_CREDENTIALS = ("invalid credentials", "authentication failed")


class AdminRefused(Exception):
    """The admin namespace could not be opened, or a command was not taken; says why."""


def refusal_words(ns: str, error: Exception) -> str:
    message = str(error)
    data = getattr(error, "data", None)         # a NamespaceRefused: the server's own words
    said = data.get("message", data) if isinstance(data, dict) else (data or message)
    if any(words in message for words in NO_NAMESPACE):
        return (f"the server has no {ns} namespace ({said}): it is not instrumented with the Admin UI "
                f"there (instrument() from @socket.io/admin-ui or python-socketio), or under another "
                f"namespace name")
    if any(words in message for words in BAD_CREDENTIALS):
        return f"the server refused the admin username or password ({said})"
    return message


class ServerAdmin:
    def __init__(self, session: Any, namespace: str = DEFAULT_NAMESPACE, view: ServerView | None = None,
                 answer_timeout: float = ANSWER_TIMEOUT, subscribe: bool = True):
        """subscribe=False: `view` is fed by its owner (a scenario run feeds its own)."""
        self.session = session
        self.namespace = namespace
        self.view = view or ServerView(namespace)
        self.answer_timeout = answer_timeout
        self._unsubscribe = session.subscribe(self.view.feed) if subscribe else (lambda: None)

    def close(self) -> None:
        self._unsubscribe()

    async def attach(self, username: str | None = None, password: str | None = None,
                     timeout: float = CONFIG_TIMEOUT) -> dict:
        """Open the admin namespace and wait for the server's config; raises AdminRefused."""
        auth = None
        if username is not None or password is not None:
            auth = {"username": username or "", "password": password or ""}
        config: asyncio.Future = asyncio.get_running_loop().create_future()

        def heard(m: dict) -> None:
            if m["event"] == AdminEvent.CONFIG and not config.done():
                config.set_result(m)
        stop = self.view.listen(heard)
        try:
            result = await self.session.open_namespace(self.namespace, auth)
            if isinstance(result, NamespaceRefused):
                raise AdminRefused(refusal_words(self.namespace, result))
            if isinstance(result, Exception):       # no connection, or no answer to CONNECT
                raise AdminRefused(f"could not open {self.namespace} on {redact_url(self.session.options.url)}: "
                                   f"{result}")
            try:
                return await asyncio.wait_for(asyncio.shield(config), timeout)
            except asyncio.TimeoutError:
                raise AdminRefused(
                    f"{self.namespace} opened but the server sent no config within {timeout:g} s: it does "
                    "not speak the Admin UI protocol there") from None
        finally:
            stop()
            config.cancel()

    async def detach(self) -> None:
        await self.session.close_namespace(self.namespace)

    # -- commands --------------------------------------------------------------
    async def join(self, ns: str, room: str, socket_id: str | None = None) -> dict:
        """Make `socket_id` (None: every socket of ns) join `room`."""
        targets = self._targets(ns, socket_id)
        waiting = {i for i in targets if room not in self.view.sockets[(ns, i)].rooms} \
            if targets is not None else None
        return await self._command(AdminCommand.JOIN, [ns, room, socket_id], ns, socket_id, waiting,
                                   lambda m: m["event"] == AdminEvent.ROOM_JOINED and m["ns"] == ns
                                   and m["room"] == room, extra={"room": room})

    async def leave(self, ns: str, room: str, socket_id: str | None = None) -> dict:
        targets = self._targets(ns, socket_id)
        waiting = {i for i in targets if room in self.view.sockets[(ns, i)].rooms} \
            if targets is not None else None
        return await self._command(AdminCommand.LEAVE, [ns, room, socket_id], ns, socket_id, waiting,
                                   lambda m: m["event"] == AdminEvent.ROOM_LEFT and m["ns"] == ns
                                   and m["room"] == room, extra={"room": room})

    async def disconnect(self, ns: str, socket_id: str | None = None, close: bool = False) -> dict:
        """Disconnect `socket_id` (None: every socket of ns); close: its whole connection too."""
        return await self._command(AdminCommand.DISCONNECT, [ns, close, socket_id], ns, socket_id,
                                   self._targets(ns, socket_id),
                                   lambda m: m["event"] == AdminEvent.SOCKET_DISCONNECTED and m["ns"] == ns,
                                   extra={"close": close})

    async def emit(self, ns: str, event: str, args: list, to: str | None = None) -> dict:
        """Emit `event` from the server to `to` (a room or a socket id; None: everyone in ns)."""
        targets = self._targets(ns, to)
        return await self._command(AdminCommand.EMIT, [ns, to, event, *args], ns, to, targets,
                                   lambda m: m["event"] == AdminEvent.EVENT_SENT and m["ns"] == ns
                                   and m["name"] == event, extra={"emit": event})

    async def _config_heard(self, timeout: float) -> None:
        heard = asyncio.Event()
        stop = self.view.listen(lambda m: heard.set() if m["event"] == AdminEvent.CONFIG else None)
        try:
            await asyncio.wait_for(heard.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            stop()

    def _targets(self, ns: str, room: str | None) -> set[str] | None:
        """The sockets the server listed for the filter; None when it lists none (production)."""
        return self.view.members(ns, room) if self.view.development else None

    async def _command(self, command: AdminCommand, wire_args: list, ns: str, target: str | None,
                       waiting: set[str] | None, matches, extra: dict) -> dict:
        detail: dict[str, Any] = {"command": str(command), "ns": ns, "to": target, **extra}
        if self.view.features is None:          # just attached: the config is on its way
            await self._config_heard(self.answer_timeout)
        if not self.view.takes(command):
            listed = ", ".join(self.view.features) if self.view.features else "no feature"
            why = ("the server has not sent its config yet" if self.view.features is None else
                   f"the server does not take `{command}`: its config lists {listed} "
                   "(a read-only server ignores the command)")
            detail["refused"] = why
            self.session.server_note(self.namespace, str(command), wire_args, detail)
            raise AdminRefused(why)
        pending = set(waiting or ())
        confirmed: list[str] = []
        done = asyncio.Event()

        def heard(m: dict) -> None:
            if matches(m) and m.get("id") in pending:
                pending.discard(m["id"])
                confirmed.append(m["id"])
                if not pending:
                    done.set()
        stop = self.view.listen(heard)
        try:
            await self.session.emit(self.namespace, str(command), wire_args)
            if waiting and pending:
                try:
                    await asyncio.wait_for(done.wait(), self.answer_timeout)
                except asyncio.TimeoutError:
                    pass
        finally:
            stop()
        detail["confirmed"] = confirmed
        detail["missing"] = sorted(pending)
        detail["answer"] = self._answer_words(command, waiting, confirmed, sorted(pending))
        self.session.server_note(self.namespace, str(command), wire_args, detail)
        return detail

    def _answer_words(self, command: AdminCommand, waiting: set[str] | None, confirmed: list[str],
                      missing: list[str]) -> str:
        seen = {AdminCommand.JOIN: AdminEvent.ROOM_JOINED, AdminCommand.LEAVE: AdminEvent.ROOM_LEFT,
                AdminCommand.DISCONNECT: AdminEvent.SOCKET_DISCONNECTED,
                AdminCommand.EMIT: AdminEvent.EVENT_SENT}[command]
        if waiting is None:
            return ("sent; the server is in production mode and reports no sockets or events, so "
                    "its effect shows only in the clients' logs")
        if not waiting:
            return "sent; nothing to change: no socket the server listed was affected"
        words = f"{seen} for {plural(len(confirmed), 'socket')}"
        if missing:
            words += (f"; none within {self.answer_timeout:g} s for {', '.join(missing)} "
                      "(the protocol has no acks: the server took no visible action for them)")
        return words
