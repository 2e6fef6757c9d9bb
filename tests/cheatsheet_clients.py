"""Three clients of a Workspace on the demo's /cheatsheet, in two rooms: what the cheatsheet
tests (single server and cluster) share.

    alice: room1          (the sender of every line)
    bob:   room1, room2   (and /chat)
    carol: room2
alice and bob open /chat too, for `of_namespace`.
"""
from __future__ import annotations

from inspector.log import delivery
from inspector.log.entry import IN, LogEntry
from inspector.session.workspace import Workspace
from inspector.wire.options import ConnectionOptions

NS = "/cheatsheet"
ROOMS = {"alice": ["room1"], "bob": ["room1", "room2"], "carol": ["room2"]}
CHAT = {"alice", "bob"}


async def three_clients(urls: dict[str, str], transport: str = "websocket") -> tuple[Workspace, list[LogEntry]]:
    """alice, bob and carol connected (each to urls[name]) and in their rooms; the list
    fills with every client's entries."""
    ws = Workspace()
    entries: list[LogEntry] = []
    ws.subscribe(entries.append)
    for name, rooms in ROOMS.items():
        ws.add(name, ConnectionOptions(url=urls[name], transport=transport, reconnection_delay=0.1,
                                             randomization_factor=0.0),
               namespaces=[NS, *(["/chat"] if name in CHAT else [])], rooms={NS: rooms})
    got = await ws.connect_all()
    assert all(not isinstance(v, Exception) for v in got.values()), got
    for name, rooms in ROOMS.items():
        for room in rooms:
            await ws[name].session.join_room(NS, room)      # joined again: awaited this time
    return ws, entries


def sid_of(entries: list[LogEntry], client: str) -> str:
    return next(e.args[0]["sid"] for e in entries
                if e.client == client and e.dir == IN and e.event == "hello")


def receivers(entries: list[LogEntry], line: str) -> set[str]:
    """Who received the line's event (each delivery of it in the log)."""
    ds = [d for d in delivery.group(entries) if d.event == line]
    return {c for d in ds for c in d.receipts}
