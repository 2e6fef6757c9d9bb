"""The log table: fixed row heights, follows new rows only while the user is at the bottom."""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout,
    QWidget,
)

from ..core.entries import LogEntry
from .log_model import (COL_ACK, COL_ARGS, COL_DIR, COL_EVENT, COL_FLAGS, COL_NS, COL_SEQ,
                        COL_SIZE, COL_TIME, EntryRole)

_WIDTHS = {COL_SEQ: 44, COL_TIME: 92, COL_DIR: 50, COL_NS: 74, COL_EVENT: 260,
           COL_SIZE: 60, COL_ACK: 84, COL_FLAGS: 70}


class LogTable(QTableView):
    """The table itself (objectName logView)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("logView")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._follow = True

    def setModel(self, model) -> None:  # noqa: N802 (Qt name)
        super().setModel(model)
        hh = self.horizontalHeader()
        for col, width in _WIDTHS.items():
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(col, width)
        hh.setSectionResizeMode(COL_ARGS, QHeaderView.ResizeMode.Stretch)
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsInserted.connect(self._after_insert)
        model.modelReset.connect(self._after_insert)

    def at_bottom(self) -> bool:
        sb = self.verticalScrollBar()
        return sb.value() >= sb.maximum() - 2

    @property
    def following(self) -> bool:
        return self._follow

    def _before_insert(self, *_args) -> None:
        self._follow = self.at_bottom()

    def _after_insert(self, *_args) -> None:
        if self._follow:
            # after the view has laid out the new rows
            QTimer.singleShot(0, self.scrollToBottom)

    def follow(self) -> None:
        self._follow = True
        self.scrollToBottom()

    def row_of_seq(self, seq: int) -> int:
        """The first row whose entry's seq is >= seq (rows are in seq order)."""
        model = self.model()
        lo, hi = 0, model.rowCount()
        while lo < hi:
            mid = (lo + hi) // 2
            if model.entry(mid).seq < seq:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def select_seq_range(self, first_seq: int, last_seq: int) -> int:
        """Select the rows from first_seq to last_seq and show the first; returns how many."""
        model = self.model()
        first, last = self.row_of_seq(first_seq), self.row_of_seq(last_seq + 1) - 1
        if first > last or first >= model.rowCount():
            return 0
        self._follow = False
        selection = QItemSelection(model.index(first, 0), model.index(last, model.columnCount() - 1))
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.selectionModel().setCurrentIndex(model.index(first, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        self.scrollTo(model.index(first, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        return last - first + 1


class LogView(QWidget):
    """Toolbar (Clear, Jump to latest, counts) above the log table."""

    entrySelected = Signal(object)     # LogEntry or None
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = LogTable(self)
        self.clearButton = QPushButton("Clear", objectName="clearButton")
        self.clearButton.setToolTip("Clear the log view (Ctrl+L); the session file keeps everything")
        self.latestButton = QPushButton("Jump to latest", objectName="latestButton")
        self.latestButton.setToolTip("Scroll to the newest entry and follow new ones (End)")
        self.countLabel = QLabel(objectName="countLabel")
        self.countLabel.setStyleSheet("color: #6e7781;")
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.addWidget(self.clearButton)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.countLabel)
        self.toolbar.addWidget(self.latestButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.table, 1)
        self.clearButton.clicked.connect(self.clearRequested)
        self.latestButton.clicked.connect(self.table.follow)

    def setModel(self, model) -> None:  # noqa: N802
        self.table.setModel(model)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        model.rowsInserted.connect(self._update_count)
        model.modelReset.connect(self._update_count)
        self._update_count()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry: LogEntry | None = current.data(EntryRole) if current.isValid() else None
        self.entrySelected.emit(entry)

    def _update_count(self, *_args) -> None:
        n = self.table.model().rowCount()
        self.countLabel.setText(f"{n:,} entries")
