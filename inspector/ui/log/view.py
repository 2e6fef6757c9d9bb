"""The log table: fixed row heights, follows new rows only while the user is at the bottom.

The table shows a FilteredLogModel over the session's LogModel; the filter bar
above it sets the filter.  Rows can be selected by seq (for the reconnect
timeline and the detail pane's links).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.log import codegen
from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.log.filter import FilterError, LogFilter
from inspector.log.words import plural
from inspector.ui import palette
from inspector.ui.log.columns import COLUMNS
from inspector.ui.log.delegate import LogDelegate
from inspector.ui.log.filter_bar import FilterBar
from inspector.ui.log.filter_model import FilteredLogModel
from inspector.ui.log.model import EntryRole, LogModel

FOLLOW_MS = 100


class HeldHeader(QHeaderView):
    """A header that paints in one Python call (see LogTable.paintEvent)."""

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)


class LogTable(QTableView):
    """The table itself (objectName logView)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("logView")
        self.setHorizontalHeader(HeldHeader(Qt.Orientation.Horizontal, self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._follow = True
        # following a burst: scroll (and so repaint) at most every FOLLOW_MS, not for
        # every batch; a repaint asks the model for hundreds of cells
        self._follow_timer = QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._follow_timer.timeout.connect(self._scroll_if_following)
        self._scrolling = False
        # rows do not move under the pointer: following waits while the mouse is over the
        # rows or a button is pressed on them (a click would land on another row), and
        # catches up when it leaves or is let go
        self._pointer_over = False
        self._pressed = False
        self._held_back = False          # a follow scroll was due while paused
        # following is what the user chose by scrolling: at the bottom, follow; anywhere
        # else, stay there.  Rows arriving do not change it (they only grow the range).
        self.verticalScrollBar().valueChanged.connect(self._user_scrolled)

    def setModel(self, model) -> None:  # noqa: N802 (Qt name)
        super().setModel(model)
        hh = self.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            if column.width is None:
                hh.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            else:
                hh.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(i, column.width)
        model.rowsInserted.connect(self._after_insert)
        model.modelReset.connect(self._after_insert)

    def paintEvent(self, event) -> None:  # noqa: N802
        # Painting asks the Python model for hundreds of cells.  Called from Qt's event loop,
        # each of those calls would take the GIL anew, and while the network thread is busy
        # each take waits for a switch interval: a table repaint became a stall of hundreds
        # of milliseconds during a burst.  Entered here, the GIL is taken once per paint.
        super().paintEvent(event)

    def at_bottom(self) -> bool:
        # Exactly at the end, no tolerance: a scroll down stops at the maximum, so a user
        # going back to the bottom lands on it; and any scroll up, even of one row, stops
        # following.  (A tolerance of two rows kept a log whose scroll range is two rows or
        # fewer following whatever the user did.)  Rows arriving grow the range without a
        # valueChanged, so they never count as the user leaving the bottom.
        sb = self.verticalScrollBar()
        return sb.value() >= sb.maximum()

    @property
    def following(self) -> bool:
        return self._follow

    @property
    def follow_pending(self) -> bool:
        """A scroll to new rows is due (within FOLLOW_MS); False once it has happened."""
        return self._follow_timer.isActive()

    def _user_scrolled(self, _value: int) -> None:
        if not self._scrolling:
            self._follow = self.at_bottom()

    def _after_insert(self, *_args) -> None:
        if self._follow and not self._follow_timer.isActive():
            self._follow_timer.start()

    @property
    def paused(self) -> bool:
        """Following waits: the pointer is over the rows or a button is pressed on them."""
        return self._pointer_over or self._pressed

    def viewportEvent(self, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.Enter:
            self._pointer_over = True
        elif kind == QEvent.Type.Leave:
            self._pointer_over = False
            self._resume()
        elif kind == QEvent.Type.MouseButtonPress:
            self._pressed = True
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = False
            self._resume()
        return super().viewportEvent(event)

    def _resume(self) -> None:
        if self._held_back and not self.paused:
            self._held_back = False
            self._after_insert()

    def _scroll_if_following(self) -> None:
        if self._follow and self.paused:
            self._held_back = True
        elif self._follow:
            self._scroll_to_bottom()

    def _scroll_to_bottom(self) -> None:
        self._scrolling = True
        try:
            self.scrollToBottom()
        finally:
            self._scrolling = False

    def follow(self) -> None:
        self._follow = True
        self._scroll_to_bottom()

    # -- rows by seq (the reconnect timeline and the detail pane's links use these) -------
    def visible_rows_of(self, first_seq: int, last_seq: int) -> np.ndarray:
        """The table rows (after the filter) of the entries first_seq..last_seq."""
        model = self.model()
        model.publish()                       # rows that arrived a moment ago too
        seqs = model.source.cols.seq.view()
        lo, hi = np.searchsorted(seqs, first_seq, "left"), np.searchsorted(seqs, last_seq, "right")
        if lo >= hi:
            return np.zeros(0, np.int64)
        if not model.filtered:
            return np.arange(lo, hi, dtype=np.int64)
        rows = model.source_rows()
        return np.arange(np.searchsorted(rows, lo, "left"), np.searchsorted(rows, hi, "left"),
                         dtype=np.int64)

    def row_of_seq(self, seq: int) -> int:
        """The first table row whose entry's seq is >= seq (rows are in seq order)."""
        model = self.model()
        seqs = model.source.cols.seq.view()
        source_row = int(np.searchsorted(seqs, seq, "left"))
        if not model.filtered:
            return source_row
        return int(np.searchsorted(model.source_rows(), source_row, "left"))

    def select_seq_range(self, first_seq: int, last_seq: int) -> int:
        """Select the rows of first_seq..last_seq, make the first current and show it (at the
        top for a range, in the middle for one row); stops following.  Returns how many."""
        rows = self.visible_rows_of(first_seq, last_seq)
        if not len(rows):
            return 0
        model = self.model()
        first, last = int(rows[0]), int(rows[-1])
        self._follow = False
        self.setCurrentIndex(model.index(first, 0))
        self.selectionModel().select(
            QItemSelection(model.index(first, 0), model.index(last, model.columnCount() - 1)),
            QItemSelectionModel.SelectionFlag.ClearAndSelect)
        hint = QAbstractItemView.ScrollHint.PositionAtCenter if first == last else \
            QAbstractItemView.ScrollHint.PositionAtTop
        # our own scroll: even when it lands at the bottom it is not the user asking to follow
        self._scrolling = True
        try:
            self.scrollTo(model.index(first, 0), hint)
        finally:
            self._scrolling = False
        self._follow = False
        return last - first + 1


class LogView(QWidget):
    """Toolbar (Clear, filter bar, counts, Jump to latest) above the log table."""

    entrySelected = Signal(object)     # LogEntry or None
    clearRequested = Signal()
    copied = Signal(str)               # what was put on the clipboard, in words
    reemitRequested = Signal(object, bool)   # an event row to send again; True: edit it first

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = LogTable(self)
        self.source: LogModel | None = None
        self.filtered: FilteredLogModel | None = None
        self.clearButton = QPushButton("Clear", objectName="clearButton")
        self.clearButton.setToolTip("Clear the log view (Ctrl+L); the session file keeps everything")
        self.latestButton = QPushButton("Jump to latest", objectName="latestButton")
        self.latestButton.setToolTip("Scroll to the newest entry and follow new ones (End)")
        self.countLabel = QLabel(objectName="countLabel")
        palette.style(self.countLabel, lambda: f"color: {palette.MUTED.css()};")
        self.filterBar = FilterBar(self)
        # the buttons and the count on top, the filter bar on a row of its own under them
        # (as in the DevTools network panel), so the log can be narrow beside a dock
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.addWidget(self.clearButton)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.countLabel)
        self.toolbar.addWidget(self.latestButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.filterBar)
        layout.addWidget(self.filterBar.errorLabel)
        layout.addWidget(self.table, 1)
        self.clearButton.clicked.connect(self.clearRequested)
        self.latestButton.clicked.connect(self.table.follow)
        self.filterBar.filterChanged.connect(self.apply_filter)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.copyPythonAction = QAction("Copy as Python (python-socketio)", self)
        self.copyPythonAction.setObjectName("copyPythonAction")
        self.copyPythonAction.triggered.connect(lambda: self._copy_code("python"))
        self.copyJsAction = QAction("Copy as JavaScript (socket.io-client)", self)
        self.copyJsAction.setObjectName("copyJsAction")
        self.copyJsAction.triggered.connect(lambda: self._copy_code("javascript"))
        self.copyJsonAction = QAction("Copy as JSON Lines", self, shortcut=QKeySequence.StandardKey.Copy)
        self.copyJsonAction.setObjectName("copyJsonAction")
        self.copyJsonAction.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copyJsonAction.triggered.connect(self.copy_selected_json)
        self.table.addAction(self.copyJsonAction)

    def setModel(self, model: LogModel) -> None:  # noqa: N802
        self.source = model
        self.filtered = FilteredLogModel(model, self)
        self.table.setModel(self.filtered)
        self.table.setItemDelegate(LogDelegate(self.filtered, model, self.table))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.filtered.rowsInserted.connect(self._update_count)
        self.filtered.modelReset.connect(self._update_count)
        self.filtered.layoutChanged.connect(self._update_count)
        self.filtered.deep.progress.connect(self._update_count)
        self.filtered.filterProgress.connect(self.filterBar.show_progress)
        self.filtered.filterApplied.connect(self._filter_applied)
        model.namesChanged.connect(self._names_changed)
        self._update_count()
        self._names_changed()

    # -- filtering ---------------------------------------------------------------
    def apply_filter(self, f: LogFilter) -> None:
        """Show only the rows that pass `f`; the selected entry stays selected if it passes
        (over many rows, once they have been judged: FilteredLogModel.filterApplied)."""
        self._reselect = self.current_seq(), self.table.following
        try:
            self.filtered.set_filter(f)
        except FilterError:
            return

    def _filter_applied(self) -> None:
        current, following = getattr(self, "_reselect", None) or (None, self.table.following)
        self._reselect = None
        if not following and current is not None and self.select_seq_range(current, current,
                                                                             clear_filter=False):
            return
        if following:
            self.table.follow()

    def _names_changed(self) -> None:
        self.filterBar.set_names(self.source.namespaces(), self.source.event_names())

    def _update_count(self, *_args) -> None:
        total = self.source.rowCount()
        shown = self.filtered.rowCount()
        if self.filtered.filtered:
            pending = self.filtered.deep.pending
            more = f" (reading {pending:,} long rows in full…)" if pending else ""
            self.countLabel.setText(f"{shown:,} of {plural(total, 'entry')}{more}")
        else:
            self.countLabel.setText(plural(total, 'entry'))

    # -- selection by seq ------------------------------------------------------------
    def current_seq(self) -> int | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return self.source.seq(self.filtered.source_row(idx.row()))

    def select_seq_range(self, first_seq: int, last_seq: int, clear_filter: bool = True) -> bool:
        """Select the entries first_seq..last_seq (inclusive) and scroll to them.  When the
        filter hides them all, the filter is cleared first (unless clear_filter is False).
        Returns whether anything was selected."""
        n = self.table.select_seq_range(first_seq, last_seq)
        if not n and clear_filter and self.filtered.filtered:
            self.filterBar.reset()
            n = self.table.select_seq_range(first_seq, last_seq)
        return n > 0

    def scroll_to_seq(self, seq: int) -> bool:
        """Select the entry `seq` and scroll to it (clearing a filter that hides it)."""
        return self.select_seq_range(seq, seq)

    def selected_entries(self) -> list[LogEntry]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.filtered.entry(r) for r in rows]

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < self.filtered.rowCount() - 1:
            # a row picked to look at stays in view; End (Jump to latest) follows again
            self.table._follow = False
        entry: LogEntry | None = current.data(EntryRole) if current.isValid() else None
        self.entrySelected.emit(entry)

    # -- copying ---------------------------------------------------------------------
    def _context_menu(self, pos) -> None:
        idx = self.table.indexAt(pos)
        if not idx.isValid():
            return
        entry = self.filtered.entry(idx.row())
        menu = QMenu(self)
        can = codegen.can_reproduce(entry)
        for act in (self.copyPythonAction, self.copyJsAction):
            act.setEnabled(can)
            act.setToolTip("" if can else "Only outgoing events can be copied as code")
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.copyJsonAction)
        for act in self.reemit_actions(entry):
            menu.insertAction(menu.actions()[0], act)
        if entry.kind == Kind.EVENT:
            menu.insertSeparator(menu.actions()[2])
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def reemit_actions(self, entry: LogEntry) -> list[QAction]:
        """"Emit again" / "Emit this back" and "Edit and emit" for an event row."""
        if entry.kind != Kind.EVENT or entry.dir not in (IN, OUT):
            return []
        again = QAction("Emit this back" if entry.dir == IN else "Emit again", self,
                        objectName="reemitAction")
        again.setToolTip("Send this event again now: same namespace, event and arguments"
                         + (", ack and flags" if entry.dir == OUT else ""))
        again.triggered.connect(lambda: self.reemitRequested.emit(entry, False))
        edit = QAction("Edit and emit…", self, objectName="editEmitAction")
        edit.setToolTip("Put this event in the composer, to change it before emitting")
        edit.triggered.connect(lambda: self.reemitRequested.emit(entry, True))
        return [edit, again]

    def _copy_code(self, language: str) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            copy_as_code(self.filtered.entry(idx.row()), language, self.copied.emit)

    def copy_selected_json(self) -> None:
        entries = self.selected_entries()
        if entries:
            QGuiApplication.clipboard().setText("\n".join(e.to_jsonl() for e in entries))
            self.copied.emit(f"Copied {plural(len(entries), 'entry')} as JSON Lines")


def copy_as_code(entry: LogEntry, language: str, report=None) -> bool:
    """Put the code that sends `entry` again on the clipboard."""
    if not codegen.can_reproduce(entry):
        return False
    QGuiApplication.clipboard().setText(codegen.snippet(entry, language))
    if report is not None:
        name = "python-socketio" if language == "python" else "socket.io-client"
        report(f"Copied #{entry.seq} as {name} code")
    return True
