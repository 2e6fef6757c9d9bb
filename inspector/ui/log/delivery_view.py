"""The delivery view: a row per delivery (log/delivery.py), a column per client, each cell
"received, +N ms after the first" or "not received"; a filter by event name and "only
those someone missed"; and, for an emit picked as the cause, each client's rooms then.

Fed by plain objects (Delivery lists and client names); the computation is log/delivery.py's.
"""
from __future__ import annotations

import time

from PySide6.QtWidgets import (
    QCheckBox,
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


class DeliveryView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.filterEdit = QLineEdit(objectName="deliveryFilterEdit", placeholderText="event name contains…")
        self.incompleteCheck = QCheckBox("Only those someone missed", objectName="deliveryIncompleteCheck")
        self.causeLabel = QLabel(objectName="deliveryCauseLabel")
        self.causeLabel.setWordWrap(True)
        self.table = QTableWidget(0, len(FIXED), objectName="deliveryTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        bar = QHBoxLayout()
        bar.addWidget(self.filterEdit)
        bar.addWidget(self.incompleteCheck)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.causeLabel)
        layout.addWidget(self.table)
        self._deliveries: list[Delivery] = []
        self._clients: list[str] = []
        self.filterEdit.textChanged.connect(self._refresh)
        self.incompleteCheck.toggled.connect(self._refresh)
        palette.on_scheme_changed(self._scheme_changed)     # held weakly: a bound method

    def _scheme_changed(self, _scheme) -> None:
        self._refresh()

    def set_deliveries(self, deliveries: list[Delivery], clients: list[str]) -> None:
        self._deliveries, self._clients = list(deliveries), list(clients)
        self.causeLabel.clear()
        self._refresh()

    def show_cause(self, cause: Cause, clients: list[str]) -> None:
        """Only what the emit caused, with who was in which room when it was sent."""
        self._deliveries, self._clients = list(cause.deliveries), list(clients)
        rooms = "; ".join(f"{c}: " + (", ".join(r for rs in cause.rooms.get(c, {}).values() for r in rs) or "no room")
                          for c in clients)
        self.causeLabel.setText(f"After {cause.emit.client or 'the client'}'s {cause.emit.event}: "
                                f"{len(cause.deliveries)} deliveries. Rooms then: {rooms}")
        self._refresh()

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
