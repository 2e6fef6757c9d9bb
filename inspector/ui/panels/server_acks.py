"""How to answer the server's own ack requests: a default answer and one per event."""
from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.session.server_acks import AckReply
from inspector.ui import palette
from inspector.ui.panels.json_field import JsonLineEdit, keep_room
from inspector.ui.panels.table_texts import show_texts
from inspector.wire.payload import PayloadError, parse_sendable, to_jsonable

MAX_DELAY = 86_400          # seconds: a day


class ServerAckPanel(QGroupBox):
    repliesChanged = Signal(object, object)     # default AckReply, {event: AckReply}

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Answers to the server's acks", parent)
        self._filling = False           # show_contents() at work: its steps say nothing
        self.autoAnswerCheck = QCheckBox("Answer automatically", objectName="autoAnswerCheck")
        self.autoAnswerCheck.setChecked(True)
        self.defaultReplyEdit = JsonLineEdit(parse_sendable, objectName="defaultReplyEdit")
        self.defaultReplyEdit.setPlaceholderText("default answer: JSON values (empty = no arguments)")
        self.table = QTableWidget(0, 3, objectName="ackReplyTable")
        self.table.setHorizontalHeaderLabels(["Event", "Answer (JSON)", "Delay s"])
        # the short columns as wide as their headers (never cut), the middle one takes the rest
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.addButton = QPushButton("Add event", objectName="addAckReplyButton")
        self.removeButton = QPushButton("Remove", objectName="removeAckReplyButton")
        self.autoAnswerCheck.setToolTip("When the server emits with a callback, answer it at once "
                                        "with the answer below (or the event's own row)")
        self.addButton.setToolTip("Add a row: an event with an answer of its own, and a delay")
        self.removeButton.setToolTip("Remove the selected row")
        self.note = QLabel(objectName="ackReplyNote")
        palette.style(self.note, lambda: f"color: {palette.ERROR.css()};")
        palette.on_scheme_changed(self._scheme_changed)     # the invalid cells' ground is item data
        self.note.setWordWrap(True)
        keep_room(self.note)

        buttons = QHBoxLayout()
        buttons.addWidget(self.addButton)
        buttons.addWidget(self.removeButton)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.autoAnswerCheck)
        layout.addWidget(self.defaultReplyEdit)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)

        self.autoAnswerCheck.toggled.connect(self._changed)
        self.defaultReplyEdit.textChanged.connect(self._changed)
        self.table.itemChanged.connect(self._changed)
        self.addButton.clicked.connect(self._add_row)
        self.removeButton.clicked.connect(self._remove_row)

    def _add_row(self) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(("question", "", "0")):
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.editItem(self.table.item(row, 0))

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def set_reply(self, event: str, answer_text: str, delay: float = 0.0) -> None:
        """Add or replace one event's answer (also used by tests and scripts)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == event:
                break
        else:
            row = self.table.rowCount()
            self.table.insertRow(row)
        self.table.blockSignals(True)
        for col, text in enumerate((event, answer_text, f"{delay:g}")):
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self._changed()

    def show_replies(self, default: AckReply, by_event: dict[str, AckReply], *, announce: bool) -> None:
        """The panel as these answers describe them (a profile's, a client's).  Nothing is
        said while it is filled (a half-filled panel is no one's answers); `announce`: say
        the whole once, for the session to take."""
        self.show_contents((default.enabled, _args_text(default.args),
                            [(e, _args_text(r.args), f"{r.delay:g}") for e, r in by_event.items()]),
                           announce=announce)

    def contents(self) -> tuple[bool, str, list[tuple[str, str, str]]]:
        """The panel as typed, invalid text too (a draft kept while another client is shown)."""
        rows = [tuple(self.table.item(r, c).text() if self.table.item(r, c) else "" for c in range(3))
                for r in range(self.table.rowCount())]
        return self.autoAnswerCheck.isChecked(), self.defaultReplyEdit.text(), rows

    def show_contents(self, contents: tuple[bool, str, list[tuple[str, str, str]]], *,
                      announce: bool = False) -> None:
        enabled, default_text, rows = contents
        self._filling = True
        try:
            self.autoAnswerCheck.setChecked(enabled)
            self.defaultReplyEdit.setText(default_text)
            show_texts(self.table, rows)
        finally:
            self._filling = False
        self._changed(announce=announce)

    def replies(self) -> tuple[AckReply, dict[str, AckReply], list[str]]:
        """The default reply, the per-event replies, and the problems found (rows skipped)."""
        problems: list[str] = []
        enabled = self.autoAnswerCheck.isChecked()
        default_args = self.defaultReplyEdit.value if self.defaultReplyEdit.valid else []
        if not self.defaultReplyEdit.valid:
            problems.append(f"default answer: {self.defaultReplyEdit.error}")
        by_event: dict[str, AckReply] = {}
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            event = cells[0].text().strip() if cells[0] else ""
            for c in cells:
                if c is not None:
                    c.setBackground(QBrush())
            if not event:
                continue
            try:
                args = parse_sendable(cells[1].text() if cells[1] else "")
            except PayloadError as exc:
                problems.append(f"{event}: {exc}")
                cells[1].setBackground(palette.INVALID_BACKGROUND.brush())
                continue
            try:
                delay = float(cells[2].text()) if cells[2] and cells[2].text().strip() else 0.0
                if not delay <= MAX_DELAY:        # nan, inf and 1e999 too: an answer never sent
                    raise ValueError(delay)
                delay = max(0.0, delay)
            except ValueError:
                problems.append(f"{event}: delay is not a number of seconds up to {MAX_DELAY:,}")
                cells[2].setBackground(palette.INVALID_BACKGROUND.brush())
                continue
            by_event[event] = AckReply(args, delay, enabled)
        self.table.blockSignals(False)
        return AckReply(default_args, 0.0, enabled), by_event, problems

    def _scheme_changed(self, _scheme) -> None:
        self.replies()          # paints the invalid cells again, in the new scheme

    def _changed(self, *_args, announce: bool = True) -> None:
        if self._filling:
            return
        default, by_event, problems = self.replies()
        self.note.setText("; ".join(problems))
        self.note.setVisible(bool(problems))
        if announce:
            self.repliesChanged.emit(default, by_event)


def _args_text(args: list) -> str:
    """An answer's arguments as the panel's fields take them: JSON values, one after another."""
    return " ".join(json.dumps(to_jsonable(a)) for a in args)
