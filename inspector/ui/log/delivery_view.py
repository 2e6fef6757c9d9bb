"""The delivery view: a row per delivery (log/delivery.py), a column per client, each cell
"received, +N ms after the first" or "not received"; a filter by event name and "only
those someone missed"; and, for an emit picked as the cause, each client's rooms then.

Fed by plain objects (Delivery lists and client names); the computation is log/delivery.py's.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.log import delivery
from inspector.log.delivery import Cause, Delivery, DeliveryFilter
from inspector.ui import palette
from inspector.wire.payload import preview

FIXED = ("When", "Namespace", "Event", "Arguments")
NOT_RECEIVED = "not received"
# the server's view beside (issue 13, point 4): who the server listed in a room at that moment
NO_SERVER_ROOM = "no server room"
LISTED_MISSED = "not received, listed in"         # the server had it in the room: a miss
NOT_LISTED = "not in the server's"                # received, but the server did not list it there
MembersAt = Callable[[str, str, float], "list[str] | None"]     # ServerView.members_at


ARGS_WIDTH = 340          # px at most for a column (the arguments): the matrix beside stays in view


class DeliveryView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.filterEdit = QLineEdit(objectName="deliveryFilterEdit", placeholderText="event name contains…")
        self.incompleteCheck = QCheckBox("Only those someone missed", objectName="deliveryIncompleteCheck")
        self.causeLabel = QLabel(objectName="deliveryCauseLabel")
        self.causeLabel.setWordWrap(True)
        self.causeLabel.setVisible(False)        # shown with an emit's cause: no empty gap above the table
        self.table = QTableWidget(0, len(FIXED), objectName="deliveryTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # long arguments are elided: the clients' columns (who received) stay in view
        self.table.horizontalHeader().setMaximumSectionSize(ARGS_WIDTH)
        bar = QHBoxLayout()
        bar.addWidget(self.filterEdit)
        bar.addWidget(self.incompleteCheck)
        self.serverRoomCombo = QComboBox(objectName="deliveryServerRoomCombo")
        self.serverRoomCombo.addItem(NO_SERVER_ROOM)
        self.serverRoomCombo.setToolTip("Beside who received each delivery, who the server listed in this "
                                        "room at that moment (the server view): a client missing from the "
                                        "room, or in it and missing the event, stands out")
        self.serverRoomCombo.setVisible(False)
        bar.addWidget(self.serverRoomCombo)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.causeLabel)
        layout.addWidget(self.table)
        self._deliveries: list[Delivery] = []
        self._clients: list[str] = []
        self.filterEdit.textChanged.connect(self._refresh)
        self.incompleteCheck.toggled.connect(self._refresh)
        self._members_at: MembersAt | None = None
        self._names: dict[str, str] = {}
        self.serverRoomCombo.currentIndexChanged.connect(lambda _i: self._refresh())
        palette.on_scheme_changed(self._scheme_changed)     # held weakly: a bound method

    def _scheme_changed(self, _scheme) -> None:
        self._refresh()

    def set_deliveries(self, deliveries: list[Delivery], clients: list[str]) -> None:
        self._deliveries, self._clients = list(deliveries), list(clients)
        self.causeLabel.clear()
        self.causeLabel.setVisible(False)
        self._refresh()

    def show_cause(self, cause: Cause, clients: list[str]) -> None:
        """Only what the emit caused, with who was in which room when it was sent."""
        self._deliveries, self._clients = list(cause.deliveries), list(clients)
        rooms = "; ".join(f"{c}: " + (", ".join(r for rs in cause.rooms.get(c, {}).values() for r in rs) or "no room")
                          for c in clients)
        self.causeLabel.setText(f"After {cause.emit.client or 'the client'}'s {cause.emit.event}: "
                                f"{len(cause.deliveries)} deliveries. Rooms then: {rooms}")
        self.causeLabel.setVisible(True)
        self._refresh()

    def set_server_view(self, members_at: MembersAt | None, names: dict[str, str], rooms: list[str]) -> None:
        """The server's view beside the matrix: `members_at(ns, room, t)` (ServerView.members_at),
        `names` the inspector's own socket ids -> their client's name, `rooms` to choose from."""
        self._members_at, self._names = members_at, dict(names)
        chosen = self.server_room()
        self.serverRoomCombo.blockSignals(True)
        self.serverRoomCombo.clear()
        self.serverRoomCombo.addItems([NO_SERVER_ROOM, *rooms])
        if chosen in rooms:
            self.serverRoomCombo.setCurrentText(chosen)
        self.serverRoomCombo.blockSignals(False)
        self.serverRoomCombo.setVisible(members_at is not None)
        self._refresh()

    def set_server_room(self, room: str | None) -> None:
        self.serverRoomCombo.setCurrentText(room or NO_SERVER_ROOM)

    def server_room(self) -> str | None:
        text = self.serverRoomCombo.currentText()
        return None if not text or text == NO_SERVER_ROOM else text

    def server_cell(self, row: int) -> str:
        """The server column's text (who the server listed in the room then)."""
        return self.table.item(row, len(FIXED) + len(self._clients)).text()

    def shown(self) -> list[Delivery]:
        flt = DeliveryFilter(text=self.filterEdit.text().strip(), incomplete=self.incompleteCheck.isChecked())
        return delivery.apply(self._deliveries, self._clients, flt)

    def cell(self, row: int, client: str) -> str:
        """The text of a client's cell (what a user reads)."""
        return self.table.item(row, len(FIXED) + self._clients.index(client)).text()

    def _refresh(self) -> None:
        rows = self.shown()
        self.table.setColumnCount(len(FIXED) + len(self._clients))
        self.table.setHorizontalHeaderLabels([*FIXED, *(c or "(the client)" for c in self._clients)])
        self.table.setRowCount(len(rows))
        got, missed = palette.DELIVERY_RECEIVED.brush(), palette.DELIVERY_MISSED.brush()
        for i, d in enumerate(rows):
            fixed = (time.strftime("%H:%M:%S", time.localtime(d.t)) + f".{int(d.t * 1000) % 1000:03d}",
                     d.ns, d.event, preview(d.args, 80))
            for j, text in enumerate(fixed):
                self.table.setItem(i, j, QTableWidgetItem(text))
            for j, c in enumerate(self._clients):
                r = d.receipts.get(c)
                if r is None:
                    item = QTableWidgetItem(NOT_RECEIVED)
                    item.setBackground(missed)
                else:
                    extra = f" (×{d.repeats[c] + 1})" if c in d.repeats else ""
                    item = QTableWidgetItem(f"+{r.after_ms:.0f} ms{extra}" if r.after_ms else f"first{extra}")
                    item.setBackground(got)
                    item.setToolTip(f"#{r.seq}")
                self.table.setItem(i, len(FIXED) + j, item)
        self._server_column(rows)

    def _server_column(self, rows: list[Delivery]) -> None:
        """Who the server listed in the chosen room when each delivery went out, and each
        client's cell marked where the two views disagree."""
        room = self.server_room()
        if self._members_at is None or room is None:
            return
        col = len(FIXED) + len(self._clients)
        self.table.setColumnCount(col + 1)
        self.table.setHorizontalHeaderItem(col, QTableWidgetItem(f"Server's {room} then"))
        missed, odd = palette.DELIVERY_MISSED.brush(), palette.DELIVERY_UNLISTED.brush()
        for i, d in enumerate(rows):
            members = self._members_at(d.ns, room, d.t)
            if members is None:
                self.table.setItem(i, col, QTableWidgetItem("the server had not said"))
                continue
            listed = {self._names.get(sid, sid) for sid in members}
            others = sorted(m for m in listed if m not in self._clients)
            shown = [c or "(the client)" for c in self._clients if c in listed]
            if others:
                shown.append(f"{len(others)} other socket{'s' if len(others) != 1 else ''}")
            cell = QTableWidgetItem(", ".join(shown) or "nobody")
            cell.setToolTip("\n".join(sorted(members)) or f"the server listed nobody in {room}")
            self.table.setItem(i, col, cell)
            for j, c in enumerate(self._clients):
                item = self.table.item(i, len(FIXED) + j)
                if c in listed and c not in d.receipts:
                    item.setText(f"{LISTED_MISSED} {room}")
                    item.setBackground(missed)
                elif c not in listed and c in d.receipts:
                    item.setText(f"{item.text()}, {NOT_LISTED} {room}")
                    item.setBackground(odd)
