"""Three clients of a Workspace on the demo's /cheatsheet, in two rooms: what the cheatsheet
tests (single server and cluster) share.

    alice: room1          (the sender of every line)
    bob:   room1, room2   (and /chat)
    carol: room2
alice and bob open /chat too, for `of_namespace`.
"""
from __future__ import annotations

from inspector.demo.cheatsheet import LINES
from inspector.log import delivery
from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.session.server_acks import AckReply
from inspector.session.workspace import Workspace
from inspector.wire.options import ConnectionOptions
from tests.helpers import until

NS = "/cheatsheet"
ROOMS = {"alice": ["room1"], "bob": ["room1", "room2"], "carol": ["room2"]}
CHAT = {"alice", "bob"}
# sender alice, on one server
EXPECTED = {
    "broadcast": {"bob", "carol"},
    "to_room": {"bob"},                  # room1 but the sender
    "to_rooms": {"bob", "carol"},        # room1 ∪ room2 but the sender, bob once
    "in_room": {"alice", "bob"},         # room1, the sender too
    "of_namespace": {"alice", "bob"},    # everyone on /chat
    "to_socket": {"carol"},
    "local": {"alice", "bob", "carol"},  # one node: everyone
    "all": {"alice", "bob", "carol"},
    "volatile": {"alice"},
    "compress_false": {"alice"},
    "with_ack": {"alice"},
}


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
            joined = await ws[name].session.join_room(NS, room)    # joined again: awaited this time
            await joined.answer
    # every socket's `hello` (its id, for to_socket) in: a server may send it after CONNECT
    await until(lambda: {e.client for e in entries if e.dir == IN and e.event == "hello"} >= set(ROOMS), 5,
                "every client's hello")
    return ws, entries


def sid_of(entries: list[LogEntry], client: str) -> str:
    return next(e.args[0]["sid"] for e in entries
                if e.client == client and e.dir == IN and e.event == "hello")


def receivers(entries: list[LogEntry], line: str) -> set[str]:
    """Who received the line's event (each delivery of it in the log)."""
    ds = [d for d in delivery.group(entries) if d.event == line]
    return {c for d in ds for c in d.receipts}


async def every_line_reaches_exactly_who_it_should(url: str, transport: str, notes: dict[str, str]) -> None:
    """alice runs every line on the server at `url`: each reaches EXPECTED's clients, no more
    (`notes`: the lines whose ack says what this server does differently)."""
    ws, entries = await three_clients({n: url for n in ("alice", "bob", "carol")}, transport)
    try:
        for c in ws.clients():
            assert c.node == url.split("://")[1]
        ws["alice"].session.server_acks.set("with_ack", AckReply(["roger"]))
        carol = sid_of(entries, "carol")
        alice = ws["alice"].session
        for line in LINES:
            spec = {"data": line, **({"to": carol} if line == "to_socket" else {})}
            result = await alice.emit(NS, line, [spec], ack=True)
            answer = await result.answer
            assert answer.args[0]["line"] == line
            assert answer.args[0].get("note") == notes.get(line)
            want = EXPECTED[line]
            # the last of those who should get it, then a marker to every client, so a
            # late stray copy would be there by the time we look
            await until(lambda want=want, line=line: receivers(entries, line) >= want, 5,
                        f"{line} to reach {sorted(want)}")
        await alice.emit(NS, "all", [{"data": "marker"}])
        await until(lambda: sum(1 for e in entries if e.dir == IN and e.kind == Kind.EVENT and e.event == "all"
                                and e.args[0]["data"] == "marker") == 3, 5)
        await until(lambda: any(e.event == "ack_answer" for e in entries), 5)
        for line in LINES:
            got = {c for d in delivery.group(entries) if d.event == line
                   and d.args[0]["data"] == line for c in d.receipts}
            assert got == EXPECTED[line], line
        to_rooms = next(d for d in delivery.group(entries) if d.event == "to_rooms")
        assert to_rooms.repeats == {}                # the union: bob once
        [answer] = [e for e in entries if e.event == "ack_answer" and e.kind == Kind.EVENT]
        assert answer.args[0]["answer"] == ["roger"]
        # the emit of `to_room` linked to the delivery it caused, with the rooms then
        emit = next(e for e in entries if e.dir == OUT and e.kind == Kind.EVENT and e.event == "to_room")
        cause = delivery.cause_of(emit, entries)
        assert [d.event for d in cause.deliveries] == ["to_room"]
        assert cause.deliveries[0].missing(ws.names()) == ["alice", "carol"]
        assert cause.rooms["alice"][NS] == ["room1"] and cause.rooms["carol"][NS] == ["room2"]
    finally:
        await ws.disconnect_all()
