"""The server view in the window (issue 13): turned on in the connection panel, it attaches
to the server's Admin UI namespace through the capture process and shows every socket and
room on the server; a socket is moved between rooms from the server's side and the effect
shows in the server's tables and in the client's log.  Against python-socketio's
instrumented demo server and the official Node server with @socket.io/admin-ui."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from inspector.log.entry import IN, SYS, Kind
from inspector.session.profiles import ProfileStore
from inspector.ui import palette
from inspector.ui.log.model import EntryRole
from inspector.ui.profile_window import PROFILES_DIR
from inspector.wire.packets import MASK
from tests import admin_servers
from tests.admin_servers import DEMO_ADMIN

instrumented_demo = admin_servers.instrumented_demo          # a fixture
admin_node = admin_servers.admin_node                        # a fixture

DEMO_NS = "/admin-ui"


def _server_view_on(ui, ns: str, username: str | None = None, password: str | None = None) -> None:
    ui.set_checked("serverViewCheck", True)
    ui.type_into("serverNamespaceEdit", ns)
    if username is not None:
        ui.type_into("serverUsernameEdit", username)
    if password is not None:
        ui.type_into("serverPasswordEdit", password)


def _rows(ui) -> list[list[str]]:
    t = ui.widget("serverSocketTable")
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def _room_members(ui) -> dict[str, list[str]]:
    tree = ui.widget("serverRoomTree")
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out[item.text(0)] = [item.child(j).text(0) for j in range(item.childCount())]
    return out


def _own_sid(ui, ns: str = "/") -> str:
    return ui.wait_for(kind=Kind.CONNECT, ns=ns).detail["sid"]


def _select(ui, sid: str) -> None:
    panel = ui.window.server.panel
    ui.qtbot.waitUntil(lambda: panel.select_socket("/", sid), timeout=10_000)


def test_a_socket_is_seen_and_moved_between_rooms_from_the_servers_side(inspector_at, instrumented_demo):
    ui = inspector_at(instrumented_demo.url)
    _server_view_on(ui, DEMO_NS, *DEMO_ADMIN)
    password = ui.widget("serverPasswordEdit", QLineEdit)
    assert password.echoMode() == QLineEdit.EchoMode.Password       # masked as it is typed
    ui.connect()
    sid = _own_sid(ui)
    ui.wait_for(kind=Kind.CONNECT, ns=DEMO_NS)          # the admin connection: a namespace of its own
    ui.qtbot.waitUntil(lambda: ui.window.server.dock.isVisible(), timeout=5_000)
    ui.qtbot.waitUntil(lambda: any(r[0] == sid and r[1] == "/" for r in _rows(ui)), timeout=10_000)
    assert ui.widget("serverViewState").text() == f"on: {DEMO_NS}"
    # the inspector's own socket is highlighted and says so
    table = ui.widget("serverSocketTable")
    row = next(i for i, r in enumerate(_rows(ui)) if r[0] == sid)
    assert "one of this inspector's clients" in table.item(row, 0).toolTip()

    _select(ui, sid)
    ui.type_into("serverRoomEdit", "room1")
    ui.click("serverJoinButton")
    note = ui.wait_for(kind=Kind.SERVER, dir=SYS, where=lambda e: e.detail.get("command") == "join")
    assert note.detail["confirmed"] == [sid] and note.detail["answer"] == "room_joined for 1 socket"
    ui.qtbot.waitUntil(lambda: _room_members(ui).get("/ room1") == [sid], timeout=10_000)
    assert "room_joined for 1 socket" in ui.widget("serverActionNote").text()
    # the row says what the server did, in the server entries' colour
    model = ui.window.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(EntryRole).seq == note.seq)
    kind_col = next(c for c in range(model.columnCount())
                    if model.headerData(c, Qt.Orientation.Horizontal) == "Event")
    brush = model.index(row, kind_col).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == palette.KIND_SERVER.qcolor().name()

    # moved: out of room1, into room2, as the server sees it
    _select(ui, sid)
    ui.type_into("serverRoomEdit", "room1")
    ui.click("serverLeaveButton")
    ui.type_into("serverRoomEdit", "room2")
    ui.click("serverJoinButton")
    ui.qtbot.waitUntil(lambda: _room_members(ui).get("/ room2") == [sid] and "/ room1" not in _room_members(ui),
                       timeout=10_000)
    row = next(r for r in _rows(ui) if r[0] == sid)
    assert row[4] == "room2"

    # the client's log: the server's emit to room2 reaches this client
    ui.type_into("serverEventEdit", "hello")
    ui.type_into("serverArgsEdit", '{"to": "room2"}')
    ui.widget("serverEmitTarget").setCurrentText("the room")
    ui.click("serverEmitButton")
    got = ui.wait_for(kind=Kind.EVENT, dir=IN, ns="/", event="hello")
    assert got.args == [{"to": "room2"}]
    emitted = ui.wait_for(kind=Kind.SERVER, where=lambda e: e.detail.get("command") == "emit")
    assert emitted.detail["to"] == "room2" and emitted.detail["confirmed"] == [sid]


def test_the_inspectors_own_socket_leads_to_its_entries(inspector_at, instrumented_demo):
    ui = inspector_at(instrumented_demo.url)
    _server_view_on(ui, DEMO_NS, *DEMO_ADMIN)
    ui.connect()
    sid = _own_sid(ui)
    _select(ui, sid)
    table = ui.widget("serverSocketTable")
    row = next(i for i, r in enumerate(_rows(ui)) if r[0] == sid)
    pos = table.visualItemRect(table.item(row, 0)).center()
    ui.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    ui.qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    rows = ui.window.logView.table.selectionModel().selectedRows()
    chosen = [i.data(EntryRole) for i in rows]
    assert len(chosen) == 1 and chosen[0].kind == Kind.CONNECT and chosen[0].detail["sid"] == sid
    assert f"connected as {sid}" in ui.message


def test_wrong_admin_credentials_are_refused_in_the_servers_words(inspector_at, instrumented_demo):
    ui = inspector_at(instrumented_demo.url)
    _server_view_on(ui, DEMO_NS, "admin", "not-the-password")
    ui.connect()
    ui.qtbot.waitUntil(lambda: ui.widget("serverViewState").text().startswith("refused:"), timeout=10_000)
    said = ui.widget("serverViewState").text()
    assert "the server refused the admin username or password" in said
    assert "not-the-password" not in said and "not-the-password" not in ui.message
    ui.wait_idle()
    assert ui.message.startswith("Server view failed: the server refused the admin username or password")


@pytest.mark.node
def test_a_read_only_server_refuses_the_actions_and_says_so(inspector_at, admin_node):
    server = admin_node("--readonly")
    ui = inspector_at(server.url)
    _server_view_on(ui, "/admin")
    ui.widget("headersEdit").setPlainText("Authorization: Bearer s3cr3t-token")
    ui.connect()
    sid = _own_sid(ui)
    ui.qtbot.waitUntil(lambda: ui.widget("serverViewState").text() == "on: /admin (read-only)", timeout=10_000)
    ui.qtbot.waitUntil(lambda: any(r[0] == sid for r in _rows(ui)), timeout=10_000)
    row = next(r for r in _rows(ui) if r[0] == sid)
    assert f"authorization: {MASK}" in row[6] and "s3cr3t" not in " ".join(row)      # masked
    assert not ui.widget("serverJoinButton").isEnabled()
    assert ui.widget("serverActionNote").text().startswith("The server is read-only: its config lists")
    # asked anyway (a keyboard user, a script): refused before anything is sent, in the config's words
    ui.window.server.join("/", "room1", sid)
    note = ui.wait_for(kind=Kind.SERVER, where=lambda e: "refused" in e.detail)
    assert "the server does not take `join`" in note.detail["refused"]
    ui.wait_idle()
    assert ui.message.startswith("Server join room1 failed: the server does not take `join`: its config lists")
    assert "refused: the server does not take `join`" in ui.widget("serverActionNote").text()


def test_a_profile_remembers_the_server_view_and_keeps_its_password_out_of_files(
        inspector_at, instrumented_demo, tmp_path, memory_keyring):
    ui = inspector_at(instrumented_demo.url)
    _server_view_on(ui, DEMO_NS, *DEMO_ADMIN)
    ui.connect()
    ui.qtbot.waitUntil(lambda: ui.widget("serverViewState").text() == f"on: {DEMO_NS}", timeout=10_000)
    bar = ui.window.profileBar
    assert bar.save_as("watch")
    assert not bar.saveButton.isVisible()          # what was saved is what the window shows
    store = ProfileStore(ui.window.settings.get(PROFILES_DIR))
    text = store.path.read_text()
    assert DEMO_NS in text and DEMO_ADMIN[1] not in text
    shared = tmp_path / "shared.json"
    assert bar.export_to(str(shared)) == 1 and DEMO_ADMIN[1] not in shared.read_text()
    ui.disconnect()

    nxt = inspector_at(instrumented_demo.url)
    nxt.window.profileBar.store = store
    nxt.window.profileBar._reload()
    assert nxt.window.profileBar.open("watch")
    assert nxt.widget("serverViewCheck").isChecked()
    assert nxt.widget("serverNamespaceEdit").text() == DEMO_NS
    assert nxt.widget("serverPasswordEdit", QLineEdit).text() == DEMO_ADMIN[1]       # from the keyring
    nxt.connect()
    sid = _own_sid(nxt)
    nxt.qtbot.waitUntil(lambda: nxt.widget("serverViewState").text() == f"on: {DEMO_NS}", timeout=10_000)
    nxt.qtbot.waitUntil(lambda: any(r[0] == sid for r in _rows(nxt)), timeout=10_000)
    assert not nxt.message.startswith("Server view failed")


def test_demo_turns_the_server_view_on_with_the_demos_namespace_and_credentials(inspector_at, instrumented_demo):
    from inspector.app import demo_server_view
    ui = inspector_at(instrumented_demo.url)
    demo_server_view(ui.window)
    assert ui.widget("serverViewCheck").isChecked() and ui.widget("serverNamespaceEdit").text() == DEMO_NS
    ui.connect()
    ui.qtbot.waitUntil(lambda: ui.widget("serverViewState").text() == f"on: {DEMO_NS}", timeout=10_000)
    # turned off while connected: the admin namespace closes, the table stops being fed
    ui.set_checked("serverViewCheck", False)
    ui.wait_for(kind=Kind.DISCONNECT, ns=DEMO_NS)
    ui.wait_idle()
    assert ui.widget("serverViewState").text() == "off"


def test_the_delivery_view_gets_the_servers_rooms_and_the_clients_names(inspector_at, instrumented_demo):
    from inspector.ui.log.delivery_view import DeliveryView
    ui = inspector_at(instrumented_demo.url)
    _server_view_on(ui, DEMO_NS, *DEMO_ADMIN)
    ui.connect()
    sid = _own_sid(ui)
    ui.join("room1")
    deliveries = DeliveryView()
    ui.qtbot.addWidget(deliveries)
    ui.window.server.attach_delivery_view(deliveries)
    combo = deliveries.serverRoomCombo
    ui.qtbot.waitUntil(lambda: "room1" in [combo.itemText(i) for i in range(combo.count())], timeout=10_000)
    got = ui.wait_for(kind=Kind.ACK, dir=IN, event="join")
    assert ui.window.server.view.members_at("/", "room1", got.t + 10) == [sid]
    assert ui.window.server.own_names[sid] == (got.client or "")
