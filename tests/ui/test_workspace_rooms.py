"""The selected client's Namespaces panel (issue 12), against the bundled demo server: its
namespaces, its rooms and its join / leave event names; a name typed for a client and not
confirmed is there again when the user comes back to it."""
from __future__ import annotations

from PySide6.QtCore import Qt

from inspector.log.entry import IN, OUT, Kind
from tests.ui.workspace_steps import alice_duplicated

NS = "/cheatsheet"


def _events_shown(ui) -> tuple[str, str]:
    p = ui.window.namespaces
    return p.joinEventEdit.text(), p.leaveEventEdit.text()


def _rooms_shown(ui) -> list[str]:
    lst = ui.window.namespaces.roomList
    return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())]


def _confirm(ui, name: str, text: str) -> None:
    """Type an event name and press Enter, as the user applies it."""
    ui.type_into(name, text)
    ui.qtbot.keyClick(ui.widget(name), Qt.Key.Key_Return)


def test_each_client_joins_with_the_room_events_it_was_given(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    for name in ("alice", "bob"):
        ui.client(name).connect()
    ui.client("alice")
    _confirm(ui, "joinEventEdit", "echo")      # the demo's echo acks too
    ui.client("bob")                           # at once: what was typed was alice's
    assert _events_shown(ui) == ("join", "leave")
    ui.wait_idle()
    ui.join("r2")
    assert ui.find(kind=Kind.EVENT, dir=OUT, client="bob")[-1].event == "join"
    ui.client("alice")
    assert _events_shown(ui) == ("echo", "leave")
    ui.join("r1")
    assert ui.find(kind=Kind.EVENT, dir=OUT, client="alice")[-1].event == "echo"


def test_an_event_name_typed_and_not_confirmed_is_kept_for_its_client(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("bob")
    ui.window.namespaces.leaveEventEdit.setText("part")     # no Enter: not applied
    ui.client("alice")
    assert _events_shown(ui) == ("join", "leave")
    ui.client("bob")
    assert _events_shown(ui) == ("join", "part")
    ui.wait_idle()
    assert ui.window.session.rooms.leave_event == "leave"


def test_a_client_added_takes_the_first_ones_room_events_not_its_rooms(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    ui.connect()
    _confirm(ui, "joinEventEdit", "echo")      # the demo's echo acks too
    ui.wait_idle()
    ui.join("r1")
    assert ui.add_client() == "bob"
    ui.client("bob")
    ui.qtbot.waitUntil(lambda: _events_shown(ui) == ("echo", "leave"))
    ui.connect()
    ui.select_namespace("/")
    assert _rooms_shown(ui) == []               # alice's room is hers
    ui.join("r2")
    assert ui.find(kind=Kind.EVENT, dir=OUT, client="bob")[-1].event == "echo"
    ui.client("alice")
    assert _events_shown(ui) == ("echo", "leave") and _rooms_shown(ui) == ["r1"]


def test_a_duplicated_client_shows_the_room_events_it_was_given(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("alice")
    _confirm(ui, "joinEventEdit", "subscribe")     # after bob was added: not his
    ui.wait_idle()
    alice_duplicated(ui)
    ui.client("bob")
    assert _events_shown(ui) == ("join", "leave")
    ui.client("alice-2")
    ui.qtbot.waitUntil(lambda: _events_shown(ui) == ("subscribe", "leave"))


def test_each_client_shows_its_own_namespaces_and_rooms(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("alice").connect()
    ui.join("r1", "/")
    ui.client("bob").connect()
    ui.open_namespace(NS)
    ui.join("r2", NS)
    ns = ui.window.namespaces
    for _ in range(2):
        ui.client("alice")
        assert ns.namespace_states() == {"/": "connected"}
        ui.select_namespace("/")
        assert _rooms_shown(ui) == ["r1"]
        ui.client("bob")
        assert ns.namespace_states() == {"/": "connected", NS: "connected"}
        ui.select_namespace(NS)
        assert _rooms_shown(ui) == ["r2"]
        ui.select_namespace("/")
        assert _rooms_shown(ui) == []
    assert ui.find(kind=Kind.ACK, dir=IN, event="join", client="alice")[-1].ns == "/"
