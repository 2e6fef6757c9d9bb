"""Sequence checks: which event carries a counter, in which field, so skipped numbers
show as gaps (for servers without connection state recovery)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
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

from inspector.session.sequence_gaps import PathError, SequenceRule, parse_path
from inspector.ui import palette
from inspector.ui.panels.json_field import keep_room
from inspector.ui.panels.table_texts import show_texts


class SequencePanel(QGroupBox):
    rulesChanged = Signal(list)        # list[SequenceRule], all valid

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Sequence checks", parent)
        hint = QLabel("Name an event and the field that counts it (e.g. <code>seq</code>, "
                      "<code>data.i</code>, <code>[1].n</code>); skipped numbers become gap rows.")
        hint.setWordWrap(True)
        palette.style(hint, lambda: f"color: {palette.MUTED.css()};")
        self.table = QTableWidget(0, 3, objectName="sequenceTable")
        self.table.setHorizontalHeaderLabels(["Event", "Counter field", "Namespace"])
        # the short columns as wide as their headers (never cut), the middle one takes the rest
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.addButton = QPushButton("Add check", objectName="addSequenceButton")
        self.removeButton = QPushButton("Remove", objectName="removeSequenceButton")
        self.addButton.setToolTip("Add a row: an event and the field in it that counts up")
        self.removeButton.setToolTip("Remove the selected check")
        self.note = QLabel(objectName="sequenceNote")
        palette.style(self.note, lambda: f"color: {palette.ERROR.css()};")
        palette.on_scheme_changed(self._scheme_changed)     # the invalid cells' ground is item data
        self.note.setWordWrap(True)
        keep_room(self.note)
        self.note.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.addButton)
        buttons.addWidget(self.removeButton)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        self.addButton.clicked.connect(lambda: self.set_rule("number", "seq"))
        self.removeButton.clicked.connect(self._remove_row)
        self.table.itemChanged.connect(self._changed)

    def set_rule(self, event: str, path: str, ns: str = "") -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for col, text in enumerate((event, path, ns)):
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self._changed()

    # -- a client's checks shown (ui/client_forms.py): filling the table applies nothing --
    def contents(self) -> tuple[tuple[str, str, str], ...]:
        """The rows as typed (those not valid too)."""
        return tuple(tuple(c.text() if c is not None else "" for c in
                           (self.table.item(row, col) for col in range(3)))
                     for row in range(self.table.rowCount()))

    def show_contents(self, rows) -> None:
        """Show these rows (a client's draft) as typed; nothing is sent."""
        show_texts(self.table, rows)
        self._say_problems()

    def show_rules(self, rules: list[SequenceRule]) -> None:
        """Show a client's checks (as its session holds them); nothing is sent."""
        self.show_contents(rows_of(rules))

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def rules(self) -> tuple[list[SequenceRule], list[str]]:
        rules, problems = [], []
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            texts = [c.text().strip() if c is not None else "" for c in cells]
            for c in cells:
                if c is not None:
                    c.setBackground(QBrush())
            event, path, ns = texts
            if not event:
                continue
            try:
                parse_path(path)
            except PathError as exc:
                problems.append(f"{event}: {exc}")
                if cells[1] is not None:
                    cells[1].setBackground(palette.INVALID_BACKGROUND.brush())
                continue
            if ns and not ns.startswith("/"):
                ns = "/" + ns
            rules.append(SequenceRule(event, path, ns or None))
        self.table.blockSignals(False)
        return rules, problems

    def _scheme_changed(self, _scheme) -> None:
        self.rules()            # paints the invalid cells again, in the new scheme

    def _say_problems(self) -> list[SequenceRule]:
        rules, problems = self.rules()
        self.note.setText("; ".join(problems))
        self.note.setVisible(bool(problems))
        return rules

    def _changed(self, *_args) -> None:
        self.rulesChanged.emit(self._say_problems())


def rows_of(rules: list[SequenceRule]) -> tuple[tuple[str, str, str], ...]:
    """Checks as the table's rows (event, field, namespace: "" for any)."""
    return tuple((r.event, r.path, r.ns or "") for r in rules)
