"""The server panel: what the server says about itself (a ServerView), and the server-side
actions.

Stats over time per node (a small plot of clients, and a row per node), the live table of
every socket on the server (the inspector's own highlighted), the rooms with their members,
the events the server received and sent (or the note saying why there are none), and
Join / Leave / Disconnect / Emit as callbacks: the panel sends nothing itself, the window
(or a test) gives it what to call.  It redraws at most every REFRESH_MS, however fast the
server talks.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.log.json_form import dumps
from inspector.log.words import plural
from inspector.session.server_view.protocol import AdminCommand
from inspector.session.server_view.view import EventDirection, ServerView
from inspector.ui import palette
from inspector.ui.panels.json_field import JsonLineEdit
from inspector.wire.payload import parse_args

REFRESH_MS = 250
EVENTS_SHOWN = 500
WAITING = "Waiting for the server's config"
READ_ONLY = "The server is read-only"
SOCKET_COLUMNS = ("Socket id", "Namespace", "Address", "Transport", "Rooms", "Connected since",
                  "Headers", "Query")


class EmitTarget:
    SOCKET = "the selected socket"
    ROOM = "the room"
    EVERYONE = "everyone in the namespace"


def _since(t: float | None) -> str:
    return time.strftime("%H:%M:%S", time.localtime(t)) if t else ""


def _pairs(values: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in values.items())


class StatsPlot(QWidget):
    """Clients over time, one line per node (the servers' 2 s samples)."""

    def __init__(self, view: ServerView, parent: QWidget | None = None):
        super().__init__(parent, objectName="serverStatsPlot")
        self.view = view
        self.setMinimumHeight(70)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.fillRect(self.rect(), palette.PLOT_BACKGROUND.qcolor())
        series = {node: [(s.t, s.clients) for s in samples if isinstance(s.clients, int)]
                  for node, samples in self.view.stats.items()}
        points = [pt for pts in series.values() for pt in pts]
        if not points:
            p.setPen(palette.MUTED.qcolor())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no server_stats yet")
            return
        t0, t1 = min(t for t, _ in points), max(t for t, _ in points)
        top = max(1, max(c for _, c in points))
        w, h = self.width() - 8, self.height() - 16
        colours = (palette.PLOT_IN, palette.PLOT_OUT, palette.WARNING, palette.ACTIVE)
        for i, (node, pts) in enumerate(sorted(series.items())):
            p.setPen(QPen(colours[i % len(colours)].qcolor(), 2))
            xy = [QPointF(4 + (t - t0) / max(t1 - t0, 1e-9) * w, 12 + h - c / top * h) for t, c in pts]
            for a, b in zip(xy, xy[1:], strict=False):
                p.drawLine(a, b)
            p.drawText(6, 12 + 12 * i, f"{node}: {pts[-1][1] if pts else ''}")
        p.setPen(palette.MUTED.qcolor())
        p.drawText(self.width() - 60, 12, f"max {top}")


class ServerPanel(QWidget):
    ownSocketActivated = Signal(str)        # a double click on one of the inspector's own sockets

    def __init__(self, view: ServerView, *,
                 on_join: Callable[[str, str, str | None], Any] | None = None,
                 on_leave: Callable[[str, str, str | None], Any] | None = None,
                 on_disconnect: Callable[[str, str | None], Any] | None = None,
                 on_emit: Callable[[str, str, list, str | None], Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent, objectName="serverPanel")
        self.view = view
        self._on = {AdminCommand.JOIN: on_join, AdminCommand.LEAVE: on_leave,
                    AdminCommand.DISCONNECT: on_disconnect, AdminCommand.EMIT: on_emit}
        self.statusLabel = QLabel(objectName="serverStatusLabel")
        self.statusLabel.setWordWrap(True)
        self.plot = StatsPlot(view)
        self.nodeTable = QTableWidget(0, 6, objectName="serverNodeTable")
        self.nodeTable.setHorizontalHeaderLabels(["Node", "Clients", "Polling", "Websocket", "Uptime s",
                                                  "Namespaces"])
        self.socketTable = QTableWidget(0, len(SOCKET_COLUMNS), objectName="serverSocketTable")
        self.socketTable.setHorizontalHeaderLabels(list(SOCKET_COLUMNS))
        self.socketTable.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.socketTable.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.socketTable.cellDoubleClicked.connect(self._double_clicked)
        self.roomTree = QTreeWidget(objectName="serverRoomTree")
        self.roomTree.setHeaderLabels(["Room", "Members"])
        self.eventTable = QTableWidget(0, 5, objectName="serverEventTable")
        self.eventTable.setHorizontalHeaderLabels(["Time", "", "Socket", "Event", "Arguments"])
        self.eventNote = QLabel(objectName="serverEventNote")
        self.eventNote.setWordWrap(True)
        palette.style(self.eventNote, lambda: f"color: {palette.MUTED.css()};")
        for table in (self.nodeTable, self.socketTable, self.eventTable):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)

        # the actions
        self.roomEdit = QLineEdit(objectName="serverRoomEdit", placeholderText="room")
        self.roomEdit.setMinimumWidth(60)
        self.joinButton = QPushButton("Join", objectName="serverJoinButton")
        self.leaveButton = QPushButton("Leave", objectName="serverLeaveButton")
        self.disconnectButton = QPushButton("Disconnect", objectName="serverDisconnectButton")
        self.eventEdit = QLineEdit(objectName="serverEventEdit", placeholderText="event")
        self.argsEdit = JsonLineEdit(parse_args, objectName="serverArgsEdit")
        self.argsEdit.setPlaceholderText("arguments: JSON values (empty = none)")
        self.targetCombo = QComboBox(objectName="serverEmitTarget")
        self.targetCombo.addItems([EmitTarget.SOCKET, EmitTarget.ROOM, EmitTarget.EVERYONE])
        self.emitButton = QPushButton("Emit", objectName="serverEmitButton")
        # narrow enough for a dock beside the log at 1024 px: the list shows the choices whole
        self.targetCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.targetCombo.setMinimumContentsLength(12)
        self.joinButton.setToolTip("Make the selected socket join the room (as the server's socket.join)")
        self.leaveButton.setToolTip("Make the selected socket leave the room")
        self.disconnectButton.setToolTip("Disconnect the selected socket (as the server's socket.disconnect)")
        self.emitButton.setToolTip("Emit the event from the server's side, to the target chosen beside "
                                   "(as io.to(target).emit)")
        self.targetCombo.setToolTip("Whom the server emits to: the socket selected in the table, the "
                                    "room typed beside Join, or every socket of the namespace")
        self.joinButton.clicked.connect(lambda: self._room_action(AdminCommand.JOIN))
        self.leaveButton.clicked.connect(lambda: self._room_action(AdminCommand.LEAVE))
        self.disconnectButton.clicked.connect(self._disconnect)
        self.emitButton.clicked.connect(self._emit)
        self.actionNote = QLabel(objectName="serverActionNote")
        self.actionNote.setWordWrap(True)

        # three short rows, so a dock beside the log (a laptop's 1024 px) holds them whole
        rooms_row = QHBoxLayout()
        rooms_row.addWidget(self.roomEdit, 1)
        for w in (self.joinButton, self.leaveButton):
            rooms_row.addWidget(w)
        emit_row = QHBoxLayout()
        emit_row.addWidget(self.eventEdit, 1)
        emit_row.addWidget(self.argsEdit, 2)
        target_row = QHBoxLayout()
        target_row.addWidget(QLabel("to"))
        target_row.addWidget(self.targetCombo, 1)
        target_row.addWidget(self.emitButton)
        actions = QGroupBox("Act as the server")
        actions_layout = QVBoxLayout(actions)
        note_row = QHBoxLayout()
        note_row.addWidget(self.actionNote, 1)
        note_row.addWidget(self.disconnectButton)
        for row in (rooms_row, emit_row, target_row, note_row):
            actions_layout.addLayout(row)

        # the sections as tabs: beside the log on a laptop's 1024 px each still has the
        # panel's whole height (the socket table's Rooms column says who is where meanwhile)
        stats = QWidget()
        stats_layout = QVBoxLayout(stats)
        stats_layout.addWidget(self.plot, 1)
        stats_layout.addWidget(self.nodeTable, 1)
        events = QWidget()
        events_layout = QVBoxLayout(events)
        events_layout.addWidget(self.eventNote)
        events_layout.addWidget(self.eventTable, 1)
        for w in (stats, events):
            w.layout().setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(objectName="serverTabs")
        self.tabs.addTab(self.socketTable, "Sockets")
        self.tabs.addTab(self.roomTree, "Rooms")
        self.tabs.addTab(events, "Events")
        self.tabs.addTab(stats, "Stats")
        self.tabs.setDocumentMode(True)
        self.roomTree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(actions)

        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._stop = view.listen(lambda _m: self._timer.isActive() or self._timer.start())
        self.destroyed.connect(lambda *_: self._stop())
        self.refresh()

    # -- the inspector's own sockets --------------------------------------------
    def set_own_ids(self, ids: set[str]) -> None:
        self.view.own_ids = set(ids)
        self.refresh()

    # -- drawing -------------------------------------------------------------------
    def refresh(self) -> None:
        v = self.view
        status = [f"{plural(len(v.sockets), 'socket')} in {plural(len(v.namespaces()), 'namespace')}",
                  f"{plural(len(v.nodes()), 'node')}, {plural(v.total_clients(), 'client')}"]
        if v.read_only:
            status.append("read-only: its config lists " + (", ".join(v.features) or "no feature"))
        self.statusLabel.setText(" · ".join(status))
        self._draw_nodes()
        self._draw_sockets()
        self._draw_rooms()
        self._draw_events()
        self._draw_actions()
        self.plot.update()
        for i, (name, n) in enumerate((("Sockets", len(v.sockets)), ("Rooms", len(v.rooms())),
                                       ("Events", len(v.events)), ("Stats", len(v.nodes())))):
            self.tabs.setTabText(i, f"{name} ({n})")

    def _draw_nodes(self) -> None:
        latest = self.view.latest()
        self.nodeTable.setRowCount(len(latest))
        for row, (node, s) in enumerate(latest.items()):
            values = (node, s.clients, s.polling_clients, s.websocket_clients,
                      f"{s.uptime_s:.0f}" if isinstance(s.uptime_s, (int, float)) else "", _pairs(s.namespaces))
            for col, value in enumerate(values):
                self.nodeTable.setItem(row, col, QTableWidgetItem("" if value is None else str(value)))

    def _draw_sockets(self) -> None:
        selected = self.selected_socket()
        socks = sorted(self.view.sockets.values(), key=lambda s: (s.ns, s.connected_at or 0, s.id))
        self.socketTable.setRowCount(len(socks))
        own = palette.OWN_SOCKET.brush()
        for row, s in enumerate(socks):
            values = (s.id, s.ns, s.address or "", s.transport or "", ", ".join(sorted(s.rooms)),
                      _since(s.connected_at), _pairs(s.headers), _pairs(s.query))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, (s.ns, s.id))
                if s.id in self.view.own_ids:
                    item.setBackground(own)
                    item.setToolTip("one of this inspector's clients (double click: its entries)")
                self.socketTable.setItem(row, col, item)
            if selected == (s.ns, s.id):
                self.socketTable.selectRow(row)

    def _draw_rooms(self) -> None:
        self.roomTree.clear()
        for (ns, room), members in self.view.rooms().items():
            item = QTreeWidgetItem([f"{ns} {room}", str(len(members))])
            for m in members:
                child = QTreeWidgetItem([m, "this inspector" if m in self.view.own_ids else ""])
                item.addChild(child)
            self.roomTree.addTopLevelItem(item)
        self.roomTree.expandAll()

    def _draw_events(self) -> None:
        note = self.view.events_note
        self.eventNote.setText(note or "")
        self.eventNote.setVisible(note is not None)
        shown = list(self.view.events)[-EVENTS_SHOWN:]
        self.eventTable.setRowCount(len(shown))
        for row, e in enumerate(reversed(shown)):       # the newest first
            arrow = "→ server" if e.direction == EventDirection.RECEIVED else "server →"
            for col, value in enumerate((_since(e.t), arrow, f"{e.ns} {e.socket_id}", str(e.name),
                                         ", ".join(dumps(a)[:200] for a in e.args))):
                self.eventTable.setItem(row, col, QTableWidgetItem(value))

    def _draw_actions(self) -> None:
        v = self.view
        for command, buttons in ((AdminCommand.JOIN, [self.joinButton]), (AdminCommand.LEAVE, [self.leaveButton]),
                                 (AdminCommand.DISCONNECT, [self.disconnectButton]),
                                 (AdminCommand.EMIT, [self.emitButton])):
            for b in buttons:
                b.setEnabled(v.takes(command) and self._on[command] is not None)
        if v.features is not None and v.read_only:
            self.actionNote.setText(READ_ONLY + ": its config lists "
                                    + (", ".join(v.features) or "no feature") + "; it would ignore a command")
        elif v.features is None:
            self.actionNote.setText(WAITING)
        elif self.actionNote.text() == WAITING or self.actionNote.text().startswith(READ_ONLY):
            self.actionNote.setText("")         # a note about the last action stays

    # -- actions ---------------------------------------------------------------------
    def selected_socket(self) -> tuple[str, str] | None:
        items = self.socketTable.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select_socket(self, ns: str, socket_id: str) -> bool:
        for row in range(self.socketTable.rowCount()):
            if self.socketTable.item(row, 0).data(Qt.ItemDataRole.UserRole) == (ns, socket_id):
                self.socketTable.selectRow(row)
                return True
        return False

    def _need_socket(self) -> tuple[str, str] | None:
        chosen = self.selected_socket()
        if chosen is None:
            self.actionNote.setText("Select a socket in the table first")
        return chosen

    def _room_action(self, command: AdminCommand) -> None:
        chosen = self._need_socket()
        room = self.roomEdit.text().strip()
        if chosen is None:
            return
        if not room:
            self.actionNote.setText("Type a room name first")
            return
        self._on[command](chosen[0], room, chosen[1])

    def _disconnect(self) -> None:
        chosen = self._need_socket()
        if chosen is not None:
            self._on[AdminCommand.DISCONNECT](chosen[0], chosen[1])

    def _emit(self) -> None:
        event = self.eventEdit.text().strip()
        if not event:
            self.actionNote.setText("Type an event name first")
            return
        if not self.argsEdit.valid:
            self.actionNote.setText(f"Arguments: {self.argsEdit.error}")
            return
        target = self.targetCombo.currentText()
        chosen = self.selected_socket()
        if target == EmitTarget.ROOM:
            room = self.roomEdit.text().strip()
            if not room or chosen is None and not self.view.namespaces():
                self.actionNote.setText("Type a room name (and select a socket of its namespace)")
                return
            ns, to = (chosen[0] if chosen else self.view.namespaces()[0]), room
        elif target == EmitTarget.SOCKET:
            if chosen is None:
                self.actionNote.setText("Select a socket in the table first")
                return
            ns, to = chosen
        else:
            if chosen is None and not self.view.namespaces():
                self.actionNote.setText("Select a socket of the namespace first")
                return
            ns, to = (chosen[0] if chosen else self.view.namespaces()[0]), None
        self._on[AdminCommand.EMIT](ns, event, list(self.argsEdit.value), to)

    def _double_clicked(self, row: int, _col: int) -> None:
        ns, sid = self.socketTable.item(row, 0).data(Qt.ItemDataRole.UserRole)
        if sid in self.view.own_ids:
            self.ownSocketActivated.emit(sid)
