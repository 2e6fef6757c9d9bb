"""The delivery view, built on its own and fed plain deliveries: the matrix a user reads."""
from __future__ import annotations

from inspector.log import delivery
from inspector.log.entry import LogEntry
from inspector.ui.log.delivery_view import NOT_RECEIVED, DeliveryView


def ev(seq, t, client, event, args, dir="in"):
    return LogEntry(seq, t, dir, "event", "/cheatsheet", event, args, client=client)


ENTRIES = [
    ev(1, 1.0, "alice", "join", ["room1"], "out"), ev(2, 1.0, "bob", "join", ["room1"], "out"),
    ev(3, 1.0, "carol", "join", ["room2"], "out"),
    ev(4, 2.0, "alice", "to_room", [{}], "out"),
    ev(5, 2.010, "bob", "to_room", [{"line": "to_room"}]),
    ev(6, 3.5, "alice", "all", [{"line": "all"}]), ev(7, 3.525, "bob", "all", [{"line": "all"}]),
    ev(8, 3.530, "carol", "all", [{"line": "all"}]),
]
CLIENTS = ["alice", "bob", "carol"]


def test_the_matrix_shows_who_received_when_and_who_did_not(qtbot):
    view = DeliveryView()
    qtbot.addWidget(view)
    view.set_deliveries(delivery.group(ENTRIES), CLIENTS)
    assert view.table.rowCount() == 2
    assert [view.table.horizontalHeaderItem(i).text() for i in range(view.table.columnCount())][-3:] == CLIENTS
    assert [view.cell(0, c) for c in CLIENTS] == [NOT_RECEIVED, "first", NOT_RECEIVED]
    assert [view.cell(1, c) for c in CLIENTS] == ["first", "+25 ms", "+30 ms"]
    view.incompleteCheck.setChecked(True)
    assert view.table.rowCount() == 1 and view.table.item(0, 2).text() == "to_room"
    view.incompleteCheck.setChecked(False)
    view.filterEdit.setText("al")
    assert view.table.rowCount() == 1 and view.table.item(0, 2).text() == "all"


def test_an_emit_picked_as_cause_shows_what_it_caused_and_the_rooms_then(qtbot):
    view = DeliveryView()
    qtbot.addWidget(view)
    view.show_cause(delivery.cause_of(ENTRIES[3], ENTRIES), CLIENTS)
    assert view.table.rowCount() == 1
    assert [view.cell(0, c) for c in CLIENTS] == [NOT_RECEIVED, "first", NOT_RECEIVED]
    assert view.causeLabel.text() == ("After alice's to_room: 1 deliveries. "
                                      "Rooms then: alice: room1; bob: room1; carol: room2")


def _server_listing(rooms_by_sid: dict[str, list[str]], t: float):
    """A ServerView that listed these sockets of /cheatsheet in these rooms at time t."""
    from inspector.session.server_view.view import ServerView
    view = ServerView()
    socks = [{"id": sid, "nsp": "/cheatsheet", "rooms": [sid, *rooms], "handshake": {}}
             for sid, rooms in rooms_by_sid.items()]
    view.feed(LogEntry(1, t, "in", "event", "/admin", "all_sockets", [socks]))
    return view


def test_the_servers_room_members_then_stand_beside_who_received(qtbot):
    # the server listed alice and bob in room1 (carol in room2, and a socket of someone else's)
    server = _server_listing({"sA": ["room1"], "sB": ["room1"], "sC": ["room2"], "sX": ["room1"]}, t=1.5)
    view = DeliveryView()
    qtbot.addWidget(view)
    view.set_deliveries(delivery.group(ENTRIES), CLIENTS)
    assert not view.serverRoomCombo.isVisibleTo(view)         # no server view: nothing more
    view.set_server_view(server.members_at, {"sA": "alice", "sB": "bob", "sC": "carol"}, ["room1", "room2"])
    assert view.serverRoomCombo.isVisibleTo(view)
    assert view.table.columnCount() == 4 + len(CLIENTS)      # no room chosen yet: the matrix as it was
    view.set_server_room("room1")
    assert view.table.horizontalHeaderItem(4 + len(CLIENTS)).text() == "Server's room1 then"
    # to_room (t=2.01): only bob received it; the server had alice in room1 too: her miss stands out
    assert view.server_cell(0) == "alice, bob, 1 other socket"
    assert [view.cell(0, c) for c in CLIENTS] == ["not received, listed in room1", "first", NOT_RECEIVED]
    # all (t=3.5): carol received it though the server did not list her in room1
    assert view.cell(1, "carol") == "+30 ms, not in the server's room1"
    assert view.cell(1, "alice") == "first"
    # before the server said anything about its rooms
    early = DeliveryView()
    qtbot.addWidget(early)
    early.set_deliveries(delivery.group(ENTRIES), CLIENTS)
    early.set_server_view(_server_listing({"sA": ["room1"]}, t=9.0).members_at, {"sA": "alice"}, ["room1"])
    early.set_server_room("room1")
    assert early.server_cell(0) == "the server had not said"
