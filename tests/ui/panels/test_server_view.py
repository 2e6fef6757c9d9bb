"""The server panel, built on its own: fed a ServerView, it lists what the server said,
highlights the inspector's own sockets and hands the actions to its callbacks."""
from __future__ import annotations

from PySide6.QtCore import Qt

from inspector.log.entry import IN, Kind, LogEntry
from inspector.session.server_view.view import ServerView
from inspector.ui import palette
from inspector.ui.panels.server_view import EmitTarget, ServerPanel
from inspector.wire.packets import MASK
from tests.session.test_server_view import NODE_SOCKET, PY_SOCKET

ALL = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"]


class Feeder:
    def __init__(self, view: ServerView):
        self.view, self.seq = view, 0

    def __call__(self, event: str, *args) -> None:
        self.seq += 1
        self.view.feed(LogEntry(self.seq, 1000.0 + self.seq, IN, Kind.EVENT, "/admin", event, list(args)))


def _panel(qtbot, features=ALL, **callbacks):
    view = ServerView()
    feed = Feeder(view)
    feed("config", {"supportedFeatures": features})
    panel = ServerPanel(view, **callbacks)
    qtbot.addWidget(panel)
    return panel, feed


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_sockets_rooms_and_stats_are_listed_as_the_server_sends_them(qtbot):
    panel, feed = _panel(qtbot)
    feed("all_sockets", [NODE_SOCKET, PY_SOCKET])
    feed("room_joined", "/", "room1", NODE_SOCKET["id"], "2026-12-02T02:55:35Z")
    feed("server_stats", {"serverId": "node-a", "clientsCount": 2, "pollingClientsCount": 1, "uptime": 9.6,
                          "namespaces": [{"name": "/", "socketsCount": 1}]})
    qtbot.waitUntil(lambda: panel.socketTable.rowCount() == 2 and panel.nodeTable.rowCount() == 1)
    assert _column(panel.socketTable, 0) == [NODE_SOCKET["id"], "pySid"]
    assert _column(panel.socketTable, 4) == ["room1", "lobby"]
    assert f"authorization: {MASK}" in panel.socketTable.item(0, 6).text()
    assert "Bearer" not in panel.socketTable.item(0, 6).text()
    rooms = [panel.roomTree.topLevelItem(i).text(0) for i in range(panel.roomTree.topLevelItemCount())]
    assert rooms == ["/ room1", "/chat lobby"]
    assert _column(panel.nodeTable, 0) == ["node-a"] and _column(panel.nodeTable, 3) == ["1"]
    assert "2 sockets in 2 namespaces" in panel.statusLabel.text()
    feed("socket_disconnected", "/chat", "pySid", "transport close", "2026-12-02T02:55:36Z")
    qtbot.waitUntil(lambda: panel.socketTable.rowCount() == 1)
    panel.plot.grab()          # paints with samples


def test_the_inspectors_own_sockets_are_highlighted_and_lead_to_their_entries(qtbot):
    panel, feed = _panel(qtbot)
    feed("all_sockets", [NODE_SOCKET, PY_SOCKET])
    panel.set_own_ids({"pySid"})          # draws at once
    row = _column(panel.socketTable, 0).index("pySid")
    assert panel.socketTable.item(row, 0).background().color() == palette.OWN_SOCKET.qcolor()
    assert panel.socketTable.item(1 - row, 0).background().style() == Qt.BrushStyle.NoBrush
    with qtbot.waitSignal(panel.ownSocketActivated) as activated:
        panel.socketTable.cellDoubleClicked.emit(row, 0)
    assert activated.args == ["pySid"]


def test_the_actions_go_to_the_callbacks_with_the_selected_socket(qtbot):
    calls = []
    panel, feed = _panel(qtbot, on_join=lambda *a: calls.append(("join", *a)),
                         on_leave=lambda *a: calls.append(("leave", *a)),
                         on_disconnect=lambda *a: calls.append(("disconnect", *a)),
                         on_emit=lambda *a: calls.append(("emit", *a)))
    feed("all_sockets", [NODE_SOCKET, PY_SOCKET])
    qtbot.waitUntil(lambda: panel.socketTable.rowCount() == 2)
    panel.joinButton.click()
    assert calls == [] and "Select a socket" in panel.actionNote.text()
    assert panel.select_socket("/chat", "pySid")
    panel.roomEdit.setText("room2")
    panel.joinButton.click()
    panel.leaveButton.click()
    panel.disconnectButton.click()
    panel.eventEdit.setText("news")
    panel.argsEdit.setText('"hi" {"n": 1}')
    panel.targetCombo.setCurrentText(EmitTarget.ROOM)
    panel.emitButton.click()
    panel.targetCombo.setCurrentText(EmitTarget.SOCKET)
    panel.emitButton.click()
    panel.targetCombo.setCurrentText(EmitTarget.EVERYONE)
    panel.emitButton.click()
    assert calls == [("join", "/chat", "room2", "pySid"), ("leave", "/chat", "room2", "pySid"),
                     ("disconnect", "/chat", "pySid"), ("emit", "/chat", "news", ["hi", {"n": 1}], "room2"),
                     ("emit", "/chat", "news", ["hi", {"n": 1}], "pySid"),
                     ("emit", "/chat", "news", ["hi", {"n": 1}], None)]


def test_a_read_only_server_disables_the_actions_and_says_its_config(qtbot):
    panel, _ = _panel(qtbot, features=["AGGREGATED_EVENTS", "ALL_EVENTS"], on_join=print, on_emit=print)
    assert not panel.joinButton.isEnabled() and not panel.emitButton.isEnabled()
    assert "read-only: its config lists AGGREGATED_EVENTS, ALL_EVENTS" in panel.actionNote.text()


def test_events_are_listed_in_development_mode_and_production_says_why_not(qtbot):
    panel, feed = _panel(qtbot)
    feed("event_received", "/", "s1", ["echo", 1], "2026-12-02T02:55:35Z")
    feed("event_sent", "/", "s1", ["echo", 1], "2026-12-02T02:55:35Z")
    qtbot.waitUntil(lambda: panel.eventTable.rowCount() == 2)
    assert _column(panel.eventTable, 1) == ["server →", "→ server"] and panel.eventNote.isHidden()
    prod, _ = _panel(qtbot, features=["AGGREGATED_EVENTS"])
    assert "production mode" in prod.eventNote.text() and not prod.eventNote.isHidden()
