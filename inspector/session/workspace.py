"""A workspace of named clients: several Sessions side by side, each its own connection.

Each client (`alice`, `bob`, ...) is a Session of its own: connection options, auth,
the namespaces it opens, its rooms (joined again after a reconnect, as one Session does)
and its answers to the server's ack requests.  Every entry a client logs carries its name
(`LogEntry.client`), so one subscriber of the workspace sees every client's entries in one
stream, and log/delivery.py can tell who received what.

A client's colour is declared here once as an index into the palette's client colours
(ui/palette.py holds the colours themselves, light and dark): the first client gets 0, the
next the lowest index no other client holds, so removing a client frees its colour.

Like Session, a Workspace lives on the network loop and every method is called there.
"""
from __future__ import annotations

import asyncio
import copy
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from inspector.log.entry import LogEntry
from inspector.session.server_acks import AckReply
from inspector.session.session import Session
from inspector.session.state import ConnectionState
from inspector.wire.options import ConnectionOptions

CLIENT_COLOURS = 8          # ui/palette.py declares this many client colours
NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$")


class WorkspaceError(ValueError):
    """A name taken or not usable, or a client that does not exist; the message says which."""


@dataclass
class Client:
    """One client of the workspace: its Session and what it opens when it connects."""
    name: str
    session: Session
    colour: int                                      # index into the palette's client colours
    namespaces: list[str] = field(default_factory=list)    # empty: the URL's
    auth: dict[str, Any] = field(default_factory=dict)      # namespace -> its CONNECT auth
    rooms: dict[str, list[str]] = field(default_factory=dict)  # joined after each connect

    @property
    def options(self) -> ConnectionOptions:
        return self.session.options

    @property
    def node(self) -> str:
        """Which server it talks to, as the client list shows it: host:port of its URL (in
        a cluster each node listens on a port of its own)."""
        return node_of(self.options.url)

    @property
    def connected(self) -> bool:
        return self.session.state == ConnectionState.CONNECTED


class Workspace:
    """The clients by name, in the order they were added (the first is the default one)."""

    def __init__(self, session_factory: Callable[[], Session] = Session,
                 seq: Callable[[], int] | None = None):
        self._make = session_factory
        self._clients: dict[str, Client] = {}
        self._subs: list[Callable[[LogEntry], None]] = []
        self._unsubs: dict[str, Callable[[], None]] = {}
        # one seq for every client's entries (`seq`: a counter shared with clients made elsewhere)
        self._seq = seq or itertools.count(1).__next__

    # -- the list ---------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self._clients)

    def clients(self) -> list[Client]:
        return list(self._clients.values())

    def __getitem__(self, name: str) -> Client:
        try:
            return self._clients[name]
        except KeyError:
            raise WorkspaceError(f"no client named {name!r}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._clients

    def __len__(self) -> int:
        return len(self._clients)

    def next_name(self, base: str | None = None) -> str:
        """A free name: the next of alice, bob, carol..., or `base-2`, `base-3`..."""
        if base is None:
            for name in NAMES:
                if name not in self._clients:
                    return name
            base = "client"
        n = 2
        while f"{base}-{n}" in self._clients:
            n += 1
        return f"{base}-{n}"

    def _check_name(self, name: str) -> None:
        if not _NAME.match(name):
            raise WorkspaceError(f"{name!r} cannot name a client: letters, digits, _ . - "
                                 "(40 at most, not starting with . or -)")
        if name in self._clients:
            raise WorkspaceError(f"a client named {name!r} exists already")

    def _free_colour(self) -> int:
        taken = {c.colour for c in self._clients.values()}
        return next((i for i in range(CLIENT_COLOURS) if i not in taken), len(self._clients) % CLIENT_COLOURS)

    def add(self, name: str | None = None, options: ConnectionOptions | None = None, *,
            namespaces: list[str] | None = None, auth: dict[str, Any] | None = None,
            rooms: dict[str, list[str]] | None = None, session: Session | None = None) -> Client:
        """A new client (not connected); `session`: one made elsewhere (the window's own)."""
        name = name or self.next_name()
        self._check_name(name)
        session = session or self._make()
        if options is not None:
            session.options = options
        session.name = name
        session.share_seq(self._seq)
        client = Client(name, session, self._free_colour(), list(namespaces or []), dict(auth or {}),
                        {ns: list(r) for ns, r in (rooms or {}).items()})
        self._clients[name] = client
        self._unsubs[name] = session.subscribe(self._fan_in)
        return client

    def duplicate(self, name: str, new_name: str | None = None) -> Client:
        """A copy of a client's set-up (options, namespaces, auth, rooms, server-ack answers,
        room events, sequence checks), not its connection: the copy starts disconnected."""
        src = self[name]
        copy_ = self.add(new_name or self.next_name(_stem(name)), copy.deepcopy(src.options),
                         namespaces=src.namespaces, auth=copy.deepcopy(src.auth),
                         rooms=self._rooms_of(src))
        s, d = src.session, copy_.session
        copy_room_events(s, d)
        d.set_sequence_rules(s.sequences.rules())
        d.server_acks.default = _copy_reply(s.server_acks.default)
        d.server_acks.by_event = {e: _copy_reply(r) for e, r in s.server_acks.by_event.items()}
        return copy_

    def rename(self, old: str, new: str) -> Client:
        """Entries logged from now on carry the new name; those before keep the old one."""
        client = self[old]
        if new == old:
            return client
        self._check_name(new)
        self._clients = {(new if k == old else k): v for k, v in self._clients.items()}
        self._unsubs[new] = self._unsubs.pop(old)
        client.name = client.session.name = new
        return client

    async def remove(self, name: str) -> None:
        """Disconnect the client (if it is) and forget it."""
        client = self[name]
        if client.session.state != ConnectionState.DISCONNECTED:
            await client.session.disconnect()
        self._unsubs.pop(name)()
        del self._clients[name]

    # -- connecting ---------------------------------------------------------------------
    async def connect(self, name: str) -> dict[str, Any]:
        """Connect one client, open its namespaces and join its rooms; ns -> info or error."""
        client = self[name]
        outcomes = await client.session.connect(None, client.namespaces or None, client.auth or None)
        joins = [client.session.join_room(ns, room) for ns, rooms in client.rooms.items()
                 for room in rooms if not isinstance(outcomes.get(ns), Exception)]
        for result in await asyncio.gather(*joins):
            if result.answer is not None:
                result.answer.add_done_callback(_quiet)
        return outcomes

    async def connect_all(self) -> dict[str, dict[str, Any] | Exception]:
        """Every client not connected, at once; name -> its outcomes, or why it could not."""
        names = [c.name for c in self._clients.values() if c.session.state == ConnectionState.DISCONNECTED]
        got = await asyncio.gather(*(self.connect(n) for n in names), return_exceptions=True)
        return dict(zip(names, got, strict=True))

    async def disconnect(self, name: str) -> None:
        await self[name].session.disconnect()

    async def disconnect_all(self) -> None:
        await asyncio.gather(*(c.session.disconnect() for c in self._clients.values()
                               if c.session.state != ConnectionState.DISCONNECTED))

    # -- entries ----------------------------------------------------------------------------
    def subscribe(self, fn: Callable[[LogEntry], None]) -> Callable[[], None]:
        """Every client's entries, as they are logged (each names its client)."""
        self._subs.append(fn)
        return lambda: self._subs.remove(fn) if fn in self._subs else None

    def _fan_in(self, entry: LogEntry) -> None:
        for fn in self._subs:
            fn(entry)           # a failure is the Session's to show (it names the subscriber)

    def rooms_now(self) -> dict[str, dict[str, list[str]]]:
        """client -> namespace -> the rooms it is in (or joining) now."""
        return {c.name: {ns: c.session.rooms.joined(ns) for ns in c.session.rooms.namespaces()}
                for c in self._clients.values()}

    @staticmethod
    def _rooms_of(client: Client) -> dict[str, list[str]]:
        """The rooms a copy joins: those the client is in now, else those it was set up with."""
        book = client.session.rooms
        now = {ns: book.joined(ns) for ns in book.namespaces() if book.joined(ns)}
        return now or client.rooms


def copy_room_events(src: Session, dest: Session) -> None:
    """The server's names for joining and leaving a room (a duplicate's, an added client's)."""
    dest.rooms.join_event, dest.rooms.leave_event = src.rooms.join_event, src.rooms.leave_event


def node_of(url: str) -> str:
    """host:port of a URL (its credentials left out): which server, or cluster node, it names."""
    return url.split("://", 1)[-1].split("/", 1)[0].rpartition("@")[2]


def on_node(url: str, node: str) -> str:
    """The same URL (scheme, credentials, path, query) on another server's host:port."""
    if not url:
        return f"http://{node}"
    scheme, sep, rest = url.rpartition("://")
    authority, slash, path = rest.partition("/")
    credentials, at, _ = authority.rpartition("@")
    return f"{scheme}{sep}{credentials}{at}{node}{slash}{path}"


def _stem(name: str) -> str:
    """bob-3 -> bob: a copy of a copy is numbered after the original."""
    base, _, n = name.rpartition("-")
    return base if base and n.isdigit() else name


def _copy_reply(r: AckReply) -> AckReply:
    return AckReply(copy.deepcopy(r.args), r.delay, r.enabled)


def _quiet(fut: asyncio.Future) -> None:
    """A room join's answer nobody awaits: its failure is in the log and the room's state."""
    if not fut.cancelled():
        fut.exception()
