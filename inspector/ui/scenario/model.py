"""The Scenario dock's step list: one row per step (the connection first) with its status
mark, label and time; the step's result (message, nearest entries) in ResultRole."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector.log.words import duration_ms
from inspector.scenarios.runner import FAILED, PASSED, SKIPPED, StepOutcome, StepResult
from inspector.ui import palette


class StepProgress(StrEnum):
    """A step's status before it has an outcome (runner.StepOutcome) of its own."""
    PENDING = "pending"
    RUNNING = "running"
    STOPPED = "stopped"        # the user pressed Stop while it ran


PENDING, RUNNING, STOPPED = StepProgress
_MARK = {PENDING: "·", RUNNING: "…", PASSED: "✓", FAILED: "✗", SKIPPED: "–", STOPPED: "■"}
_COLOR = {PASSED: palette.OK, FAILED: palette.ERROR, RUNNING: palette.ACTIVE, SKIPPED: palette.MUTED,
          STOPPED: palette.WARNING, PENDING: palette.MUTED}
COL_MARK, COL_STEP, COL_TIME = range(3)
StatusRole = Qt.ItemDataRole.UserRole + 1
ResultRole = Qt.ItemDataRole.UserRole + 2


class StepListModel(QAbstractTableModel):
    """One row per step (the connection first): status mark, label, time."""

    HEADERS = ("", "Step", "Time")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._labels: list[str] = []
        self._lines: list[int | None] = []
        self._status: list[StepOutcome | StepProgress] = []
        self._results: list[StepResult | None] = []

    def reset(self, labels: list[str], lines: list[int | None]) -> None:
        self.beginResetModel()
        self._labels, self._lines = list(labels), list(lines)
        self._status = [PENDING] * len(labels)
        self._results = [None] * len(labels)
        self.endResetModel()

    def set_status(self, row: int, status: StepOutcome | StepProgress, result: StepResult | None = None) -> None:
        if not 0 <= row < len(self._labels):
            return
        self._status[row] = status
        self._results[row] = result
        self.dataChanged.emit(self.index(row, 0), self.index(row, COL_TIME))

    def status(self, row: int) -> StepOutcome | StepProgress:
        return self._status[row]

    def statuses(self) -> list[StepOutcome | StepProgress]:
        return list(self._status)

    def result(self, row: int) -> StepResult | None:
        return self._results[row]

    def label(self, row: int) -> str:
        return self._labels[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._labels):
            return None
        row, col = index.row(), index.column()
        status, result = self._status[row], self._results[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_MARK:
                return _MARK[status]
            if col == COL_STEP:
                return self._labels[row]
            if col == COL_TIME:
                return duration_ms(result.duration_ms) if result is not None and status in (PASSED, FAILED) else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            coloured = col in (COL_MARK, COL_TIME) or status in (FAILED, SKIPPED)
            return _COLOR[status].brush() if coloured else None
        if role == Qt.ItemDataRole.ToolTipRole:
            line = self._lines[row]
            where = f"line {line}: " if line else ""
            text = f"{where}{self._labels[row]} — {status}"
            if result is not None and result.message:
                text += "\n" + "\n".join([result.message, *result.details])
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == COL_TIME:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_MARK:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == StatusRole:
            return status
        if role == ResultRole:
            return result
        return None
