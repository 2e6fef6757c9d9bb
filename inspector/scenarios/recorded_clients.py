"""A log of several clients (a workspace, issue 12) -> one multi-client scenario.

Each entry names its client by the name it had when it was logged (LogEntry.client; None:
the first client, from before there were several).  A rename changes the name from then on,
and a later client may take a freed name, so an entry's client now is read from each
client's name history: the name, and the first seq it can be on.  Entries of a client
removed since are left out: the scenario describes the workspace as it is.

The clients that connected in the recorded stretch are the scenario's `clients:` (the first
of them is the file's first client: its connection is the file's own); with only one of
them, the file is a one-client scenario as before.  A name the file cannot have (bob-2: a
`-` names a copy of a `repeat` client there) is written bob_2.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Iterable

from inspector.log.entry import SYS, Kind, LogEntry
from inspector.scenarios import recorder
from inspector.scenarios.recorder import Recording, RecordingContext


@dataclass
class WorkspaceClient:
    name: str | None                       # its name now; None: removed from the workspace
    context: RecordingContext | None       # its options, namespaces' auth, room events, acks
    names: list[tuple[str, int]]           # every name its entries carried, from which seq on
    key: str = ""                          # the capture's key for it (never changes)


def owners(entries: Iterable[LogEntry], clients: list[WorkspaceClient]) -> dict[int, str | None]:
    """seq -> the name now of the client that logged it (None: a client removed since)."""
    # name -> [(since, client)], the latest first: the client that carried the name last
    # before the entry was logged is the one that logged it
    by_name: dict[str, list[tuple[int, WorkspaceClient]]] = {}
    for c in clients:
        for name, since in c.names:
            by_name.setdefault(name, []).append((since, c))
    for owners_ in by_name.values():
        owners_.sort(key=lambda o: o[0], reverse=True)
    first = clients[0].name if clients else None
    out: dict[int, str | None] = {}
    for e in entries:
        if e.client is None:
            out[e.seq] = first
            continue
        owner = next((c for since, c in by_name.get(e.client, ()) if since <= e.seq), None)
        out[e.seq] = owner.name if owner is not None else e.client
    return out


def record_workspace(entries: Iterable[LogEntry], clients: list[WorkspaceClient],
                     **options) -> Recording:
    """recorder.record over a workspace's log: `clients` as the client list has them (the
    first is the window's own); `options` as recorder.record's."""
    entries = list(entries)
    live = {c.name: c for c in clients if c.name is not None and c.context is not None}
    owner = owners(entries, clients)
    named = [dataclasses.replace(e, client=owner[e.seq]) for e in entries if owner[e.seq] in live]
    connected = {e.client for e in named if e.dir == SYS and e.kind == Kind.CONNECT and e.ns}
    recorded = [name for name in live if name in connected]
    if len(recorded) <= 1:
        # one client did it all: the one-client file, as before workspaces
        name = recorded[0] if recorded else next(iter(live))
        mine = [dataclasses.replace(e, client=None) for e in named if e.client == name]
        return recorder.record(mine, live[name].context, **options)
    as_named = file_names(recorded)
    contexts = {as_named[name]: live[name].context for name in recorded}
    mine = [dataclasses.replace(e, client=as_named[e.client]) for e in named if e.client in as_named]
    return recorder.record(mine, contexts[as_named[recorded[0]]], clients=contexts, **options)


def file_names(names: list[str]) -> dict[str, str]:
    """Each client's name in the file: a scenario's names have no `-` (bob-2 is a copy of a
    `repeat` bob there) and 31 characters at most; bob-2 becomes bob_2."""
    out: dict[str, str] = {}
    for name in names:
        base = (re.sub(r"[^A-Za-z0-9_.]", "_", name) or "client")[:31]
        base = "_" + base[1:] if base[0] == "." else base
        candidate, n = base, 2
        while candidate in out.values() or (candidate != name and candidate in names):
            candidate = f"{base[:28]}_{n}"
            n += 1
        out[name] = candidate
    return out
