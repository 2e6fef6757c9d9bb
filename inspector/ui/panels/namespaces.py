"""Namespaces open over the connection, and the rooms joined in each."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.session.state import ConnectionState, NamespaceState, RoomState, SessionState
from inspector.ui import palette
from inspector.ui import settings as S
from inspector.ui.panels.busy import hold, is_busy
from inspector.ui.panels.json_field import JsonLineEdit
from inspector.wire.payload import parse_optional_object

_NS_COLORS = {NamespaceState.CONNECTED: palette.OK, NamespaceState.CONNECTING: palette.PENDING,
              NamespaceState.RECONNECTING: palette.WARNING, NamespaceState.REFUSED: palette.ERROR,
              NamespaceState.DISCONNECTED: palette.MUTED, NamespaceState.CLOSED: palette.MUTED}
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOM_COLORS = {RoomState.JOINED: palette.OK, RoomState.JOINING: palette.PENDING, RoomState.NO_ACK: palette.WARNING}


class NamespacePanel(QWidget):
    openRequested = Signal(str, object)     # namespace, auth (or None)
    closeRequested = Signal(str)
    joinRequested = Signal(str, str)        # namespace, room
    leaveRequested = Signal(str, str)
    roomEventsChanged = Signal(str, str)    # join event, leave event
    namespaceSelected = Signal(str)         # the user picked a namespace in the list

    def __init__(self, settings: S.Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self._state: SessionState | None = None

        ns_box = QGroupBox("Namespaces")
        self.namespaceEdit = QLineEdit(objectName="namespaceEdit")
        self.namespaceEdit.setPlaceholderText("/chat")
        self.namespaceEdit.returnPressed.connect(self._open_clicked)
        self.nsAuthEdit = JsonLineEdit(parse_optional_object, objectName="nsAuthEdit")
        self.nsAuthEdit.setPlaceholderText('auth for this namespace, e.g. {"token": "demo-token"}')
        self.nsAuthEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.nsAuthEdit.validityChanged.connect(self._update_buttons)
        self.openNamespaceButton = QPushButton("Open", objectName="openNamespaceButton")
        self.openNamespaceButton.setToolTip("Open this namespace over the current connection")
        self.openNamespaceButton.clicked.connect(self._open_clicked)
        self.namespaceList = QListWidget(objectName="namespaceList")
        self.namespaceList.currentItemChanged.connect(self._selected)
        self.closeNamespaceButton = QPushButton("Close namespace", objectName="closeNamespaceButton")
        self.closeNamespaceButton.setToolTip("Leave the selected namespace (a DISCONNECT packet for it); "
                                             "the others stay open")
        self.closeNamespaceButton.clicked.connect(self._close_clicked)
        row = QHBoxLayout()
        row.addWidget(self.namespaceEdit, 1)
        row.addWidget(self.openNamespaceButton)
        ns_layout = QVBoxLayout(ns_box)
        ns_layout.addLayout(row)
        ns_layout.addWidget(self.nsAuthEdit)
        ns_layout.addWidget(self.namespaceList, 1)
        ns_layout.addWidget(self.closeNamespaceButton)

        room_box = QGroupBox("Rooms")
        self.roomNamespaceLabel = QLabel(objectName="roomNamespaceLabel")
        palette.style(self.roomNamespaceLabel, lambda: f"color: {palette.MUTED.css()};")
        palette.on_scheme_changed(self._scheme_changed)     # the items' colours are set once, as data
        self.roomEdit = QLineEdit(objectName="roomEdit")
        self.roomEdit.setPlaceholderText("room name")
        self.roomEdit.returnPressed.connect(self._join_clicked)
        self.joinRoomButton = QPushButton("Join", objectName="joinRoomButton")
        self.leaveRoomButton = QPushButton("Leave", objectName="leaveRoomButton")
        self.joinRoomButton.setToolTip("Emit the join event (below) with this room name and wait for "
                                       "the server's ack; rooms are the server's, it must handle the event")
        self.leaveRoomButton.setToolTip("Emit the leave event (below) with this room name")
        self.joinRoomButton.clicked.connect(self._join_clicked)
        self.leaveRoomButton.clicked.connect(self._leave_clicked)
        self.roomList = QListWidget(objectName="roomList")
        self.roomList.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.roomList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.roomList.currentItemChanged.connect(
            lambda cur, _prev: cur is not None and self.roomEdit.setText(cur.data(Qt.ItemDataRole.UserRole)))
        self.joinEventEdit = QLineEdit(settings.get(S.JOIN_EVENT), objectName="joinEventEdit")
        self.leaveEventEdit = QLineEdit(settings.get(S.LEAVE_EVENT), objectName="leaveEventEdit")
        for w in (self.joinEventEdit, self.leaveEventEdit):
            w.editingFinished.connect(self._room_events_edited)
        self._settings = settings
        room_row = QHBoxLayout()
        room_row.addWidget(self.roomEdit, 1)
        room_row.addWidget(self.joinRoomButton)
        room_row.addWidget(self.leaveRoomButton)
        events = QFormLayout()
        events.addRow("Join event", self.joinEventEdit)
        events.addRow("Leave event", self.leaveEventEdit)
        room_layout = QVBoxLayout(room_box)
        room_layout.addWidget(self.roomNamespaceLabel)
        room_layout.addLayout(room_row)
        room_layout.addWidget(self.roomList, 1)
        room_layout.addLayout(events)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ns_box, 3)
        layout.addWidget(room_box, 4)
        self._update_buttons()

    def in_flight(self, button: QPushButton, text: str) -> Callable[[], None]:
        """`button` says `text` and is disabled until the function returned is called
        (when the call it started ends)."""
        return hold(button, text, self._update_buttons)

    # -- intent ----------------------------------------------------------------
    def current_namespace(self) -> str:
        item = self.namespaceList.currentItem()
        if item is not None:
            return item.data(Qt.ItemDataRole.UserRole)
        return self.namespaceList.item(0).data(Qt.ItemDataRole.UserRole) if self.namespaceList.count() else "/"

    def _selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        self._refresh_rooms()
        if item is not None:
            self.namespaceSelected.emit(item.data(Qt.ItemDataRole.UserRole))

    def _open_clicked(self) -> None:
        ns = self.namespaceEdit.text().strip()
        if not ns or not self.openNamespaceButton.isEnabled():
            return
        self.openRequested.emit(ns if ns.startswith("/") else "/" + ns, self.nsAuthEdit.value)

    def _close_clicked(self) -> None:
        item = self.namespaceList.currentItem()
        if item is not None:
            self.closeRequested.emit(item.data(Qt.ItemDataRole.UserRole))

    def _join_clicked(self) -> None:
        room = self.roomEdit.text().strip()
        if room and self.joinRoomButton.isEnabled():
            self.joinRequested.emit(self.current_namespace(), room)

    def _leave_clicked(self) -> None:
        room = self.roomEdit.text().strip()
        if room and self.leaveRoomButton.isEnabled():
            self.leaveRequested.emit(self.current_namespace(), room)

    def _room_events_edited(self) -> None:
        join = self.joinEventEdit.text().strip() or "join"
        leave = self.leaveEventEdit.text().strip() or "leave"
        self._settings.set(S.JOIN_EVENT, join)
        self._settings.set(S.LEAVE_EVENT, leave)
        self.roomEventsChanged.emit(join, leave)

    def room_events(self) -> tuple[str, str]:
        """The join and leave event fields as typed (a draft kept while another client is shown)."""
        return self.joinEventEdit.text(), self.leaveEventEdit.text()

    def show_room_events(self, join: str, leave: str) -> None:
        """The fields as a client's (setText says nothing: only the user's edit is applied)."""
        self.joinEventEdit.setText(join)
        self.leaveEventEdit.setText(leave)

    def namespace_states(self) -> dict[str, str]:
        """What the list shows: namespace -> state."""
        lst = self.namespaceList
        return {lst.item(i).data(Qt.ItemDataRole.UserRole): lst.item(i).data(STATE_ROLE)
                for i in range(lst.count())}

    # -- state ---------------------------------------------------------------
    def set_state(self, st: SessionState) -> None:
        self._state = st
        current = self.current_namespace() if self.namespaceList.count() else None
        self.namespaceList.blockSignals(True)
        self.namespaceList.clear()
        for view in st.namespaces:
            text = f"{view.name}    {view.state}"
            if view.buffered:
                text += f"  ({view.buffered} held)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, view.name)
            item.setData(STATE_ROLE, view.state)
            item.setForeground(_NS_COLORS[view.state].brush())
            self.namespaceList.addItem(item)
            if view.name == current:
                self.namespaceList.setCurrentItem(item)
        if self.namespaceList.currentItem() is None and self.namespaceList.count():
            self.namespaceList.setCurrentRow(0)
        self.namespaceList.blockSignals(False)
        self._refresh_rooms()
        self._update_buttons()

    def _scheme_changed(self, _scheme) -> None:
        if self._state is not None:
            self.set_state(self._state)

    def _refresh_rooms(self) -> None:
        ns = self.current_namespace()
        self.roomNamespaceLabel.setText(f"in namespace {ns}")
        self.roomList.blockSignals(True)
        self.roomList.clear()
        view = self._state.namespace(ns) if self._state else None
        for name, state, answer in (view.rooms if view else ()):
            item = QListWidgetItem(f"{name}    {state}" + (f"  — ack {answer}" if answer else ""))
            item.setToolTip(f"{name}: {state}" + (f"\nserver's ack: {answer}" if answer else ""))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setForeground(_ROOM_COLORS[state].brush())
            self.roomList.addItem(item)
        self.roomList.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        live = self._state is not None and self._state.state in (
            ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTING)
        listed = live and self.namespaceList.count() > 0
        for button, allowed in ((self.openNamespaceButton, live and self.nsAuthEdit.valid),
                                (self.closeNamespaceButton, live and self.namespaceList.currentItem() is not None),
                                (self.joinRoomButton, listed), (self.leaveRoomButton, listed)):
            button.setEnabled(allowed and not is_busy(button))     # not while its call is in flight
