"""The capture's workspace of clients (issue 12): the window's Session is the first client,
and the window adds, duplicates, renames and removes others, each a Session of its own in
this process, with its entries and states sent to the window under its key.

A client's key (the protocol's `client`) is the name it was added with and never changes:
renaming a client changes the name its entries carry (LogEntry.client), not the key the
window addresses it by.  The first client's key is "default" (a call without `client`).
While it is the only client its entries carry no name, as every session did before
workspaces (so a one-client session file is what it always was); once a second client
exists, every entry names its client.  Each key's names are kept with the seq they
could first be on (`name_history`), so a recording can tell whose an old entry is after a
rename, even when a later client took the old name.
"""
from __future__ import annotations

import asyncio
import copy
import itertools
from typing import TYPE_CHECKING, Any

from inspector.capture import protocol as P
from inspector.session.session import Session
from inspector.session.state import ConnectionState
from inspector.session.workspace import Workspace, copy_room_events, on_node

if TYPE_CHECKING:
    from inspector.capture.host import Capture

FIRST_NAME = "alice"


class Addressed:
    """The capture as a command addressed to one client sees it: `session` is that client's;
    everything else (the writer, the runs, the answers) is the capture's own."""

    def __init__(self, capture: "Capture", session: Session):
        object.__setattr__(self, "_capture", capture)
        object.__setattr__(self, "session", session)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._capture, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._capture, name, value)


def host_workspace(c: "Capture") -> None:
    """Called by Capture.__init__: the window's Session becomes the workspace's first client."""
    c.seq_counter = itertools.count(c.session.last_seq + 1).__next__
    c.session.share_seq(c.seq_counter)
    c.workspace = Workspace(seq=c.seq_counter)
    c.keys = {DEFAULT: FIRST_NAME}       # key -> its name in the workspace
    c.workspace.add(FIRST_NAME, c.session.options, session=c.session)
    c.session.name = None                # alone: unnamed, as before workspaces
    c.name_history = {DEFAULT: [(FIRST_NAME, 0)]}    # key -> [(name, first seq it can be on)]
    c._client_unsubs = {}
    c._writer_unsubs = {}


DEFAULT = P.DEFAULT_CLIENT


def _name_entries(c: "Capture") -> None:
    """Every client's entries name it once there are several (the first's from now on)."""
    several = len(c.clients) > 1
    for key, session in c.clients.items():
        session.name = c.keys[key] if several else None


def _named_from(c: "Capture", key: str, name: str) -> None:
    """`key`'s entries carry `name` from the next seq on (a removed client's names are kept:
    its entries are still in the log)."""
    since = max((s.last_seq for s in c.clients.values()), default=0) + 1
    c.name_history.setdefault(key, []).append((name, since))


def name_history(c: "Capture") -> dict[str, list[tuple[str, int]]]:
    return {key: list(names) for key, names in c.name_history.items()}


def attach_writer(c: "Capture", key: str, session: Session) -> None:
    if c.writer is not None and key not in c._writer_unsubs:
        c._writer_unsubs[key] = c.writer.attach(session)


def rows(c: "Capture") -> list[dict]:
    """The client list as the window shows it: key, name, colour, node, state."""
    out = []
    for key, session in c.clients.items():
        client = c.workspace[c.keys[key]]
        out.append({"key": key, "name": client.name, "colour": client.colour, "node": client.node,
                    "state": str(session.state)})
    return out


def _subscribe(c: "Capture", key: str, session: Session) -> None:
    c._client_unsubs[key] = [session.subscribe(lambda e, k=key: c._entry(e, k)),
                             session.subscribe_state(lambda st, k=key: c._state(st, k)),
                             session.subscribe_ahead(lambda st, k=key: c._ahead(st, k))]
    attach_writer(c, key, session)


def _add(c: "Capture", name: str | None = None, duplicate_of: str | None = None,
         options: dict | None = None, node: str | None = None) -> list[dict]:
    """A new client (its name, or the next free one), set up as a copy of `duplicate_of`
    (a key) or, added, with the first client's connection options (or `options`) and room
    event names: the server it talks to and how that server names a join, not what the
    first client does there (its namespaces, their auth, its rooms, ack answers, checks);
    not connected.  `node` (host:port): its URL on that server instead, the rest of the URL
    kept (a cluster's other node)."""
    from inspector.capture.host import options_from_wire
    ws = c.workspace
    if duplicate_of is not None:
        if duplicate_of not in c.clients:
            raise LookupError(f"no client {duplicate_of!r}")
        client = ws.duplicate(c.keys[duplicate_of], name)
    else:
        opts = options_from_wire(options) if options else copy.deepcopy(c.session.options)
        client = ws.add(name, opts)
        copy_room_events(c.session, client.session)
    if node:
        client.session.options.url = on_node(client.session.options.url, node)
    key = client.name
    while key in c.clients:         # a key once used by a client renamed since
        key += "_"
    _named_from(c, key, client.name)
    c.keys[key] = client.name
    c.clients[key] = client.session
    _name_entries(c)
    _subscribe(c, key, client.session)
    c._send_clients()
    return rows(c)


def _rename(c: "Capture", key: str, new: str) -> list[dict]:
    if key not in c.clients:
        raise LookupError(f"no client {key!r}")
    c.workspace.rename(c.keys[key], new)
    if new != c.keys[key]:
        _named_from(c, key, new)
    c.keys[key] = new
    _name_entries(c)
    c._send_clients()
    return rows(c)


async def _remove(c: "Capture", key: str) -> list[dict]:
    if key == DEFAULT:
        raise ValueError("the first client is the window's own: it cannot be removed")
    if key not in c.clients:
        raise LookupError(f"no client {key!r}")
    await c.workspace.remove(c.keys.pop(key))
    # its names stay, under a key no client has: a client added later may take its key
    c.name_history[f"{key}#removed{len(c.name_history)}"] = c.name_history.pop(key, [])
    session = c.clients.pop(key)
    for unsubscribe in c._client_unsubs.pop(key, []):
        unsubscribe()
    if key in c._writer_unsubs:
        c._writer_unsubs.pop(key)()
    del session
    _name_entries(c)
    c._send_clients()
    return rows(c)


async def _connect_all(c: "Capture") -> dict[str, Any]:
    """Every client not connected, with the options it last connected with (or was set up with)."""
    got = await c.workspace.connect_all()
    by_key = {name: key for key, name in c.keys.items()}
    return {by_key.get(name, name): (str(r) if isinstance(r, Exception) else None) for name, r in got.items()}


async def _disconnect_all(c: "Capture") -> None:
    await asyncio.gather(*(s.disconnect() for s in c.clients.values()
                           if s.state != ConnectionState.DISCONNECTED))


def rooms_now(c: "Capture") -> dict[str, dict[str, list[str]]]:
    return {key: {ns: s.rooms.joined(ns) for ns in s.rooms.namespaces()} for key, s in c.clients.items()}


COMMANDS: dict[str, Any] = {
    "clients": rows,
    "client_add": _add,
    "client_rename": _rename,
    "client_remove": _remove,
    "clients_connect_all": _connect_all,
    "clients_disconnect_all": _disconnect_all,
    "clients_rooms": rooms_now,
}


# -- a scenario's other clients (scenario_commands.py): made here, so the window sees them --
RUN_KEY = "run"        # the key the batches of a run's client that is off the list carry


def run_session(c: "Capture") -> Session:
    """A Session for one of a scenario's other clients, on the workspace's seq; `adopt`
    puts it in the client list once the runner has named it."""
    session = Session()
    session.share_seq(c.seq_counter)
    return session


def _key_named(c: "Capture", name: str) -> str | None:
    return next((k for k, n in c.keys.items() if n == name), None)


def adopt(c: "Capture", runner) -> None:
    """A run's other clients join the client list under their scenario names (the window
    shows their rows with the Client column and their deliveries).  A client the workspace
    has by that name already (one a run made before, or one the user added) runs the
    scenario's steps itself; they stay in the list after the run, disconnected."""
    for name, session in list(runner.sessions.items()):
        if session is c.session:
            continue
        key = _key_named(c, name)
        if key is not None and key != DEFAULT:
            runner.sessions[name] = c.clients[key]
            continue
        if key == DEFAULT:      # the window's first client has that name: off the list, as before
            session.subscribe(lambda e: c._entry(e, RUN_KEY))
            if c.writer is not None:
                c._writer_unsubs.setdefault(f"{RUN_KEY}:{id(session)}", c.writer.attach(session))
            continue
        c.workspace.add(name, session=session)
        key = name
        while key in c.clients:         # a key once used by a client renamed since
            key += "_"
        _named_from(c, key, name)
        c.keys[key] = name
        c.clients[key] = session
        _subscribe(c, key, session)
    for session in runner.sessions.values():
        session.share_seq(c.seq_counter)
    c._send_clients()


def after_run(c: "Capture", runner) -> None:
    """The run has put the window's session back on its own counter: the workspace's again."""
    c.session.share_seq(c.seq_counter)
    _name_entries(c)
    for key in _run_keys(c, runner):
        c._writer_unsubs.pop(key)()


def _run_keys(c: "Capture", runner) -> list:
    ids = {id(s) for s in runner.sessions.values()}
    return [k for k in list(c._writer_unsubs) if k.startswith(f"{RUN_KEY}:")
            and int(k.split(":", 1)[1]) in ids]
