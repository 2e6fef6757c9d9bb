"""The log with its detail and statistics: the same views for a live session and an old one.

A vertical splitter: the log (filter bar, table) above, and below it a tab
for the selected entry and one for the statistics.  That pane collapses (its
toggle, or dragged shut) and comes back at the size it had; until the user
shows, hides or drags it, it is shown only when the log keeps MIN_LOG_ROWS rows
beside it, so a laptop screen gets the log first.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QToolButton, QWidget

from inspector.ui.log.detail import DetailView
from inspector.ui.log.model import LogModel
from inspector.ui.log.stats import StatsView
from inspector.ui.log.timeline import TimelineView
from inspector.ui.log.view import LogView

DETAIL_TAB, STATS_TAB = 0, 1
STATS_HEIGHT = 320           # what the statistics tab asks for when it is shown
DETAIL_HEIGHT = 220          # the detail pane's size until the user gives it one
MIN_DETAIL_HEIGHT = 140      # below this the pane is not worth showing: it stays shut
MIN_LOG_ROWS = 15            # what the log keeps before the detail pane opens by itself


class LogWorkspace(QSplitter):
    message = Signal(str)       # something to say in the status bar
    detailShownChanged = Signal(bool)

    def __init__(self, model: LogModel, live: bool = True, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("logSplitter")
        self.model = model
        self.logView = LogView()
        self.logView.setModel(model)
        self.detail = DetailView()
        self.stats = StatsView(model, live=live)
        self.bottomTabs = QTabWidget(objectName="bottomTabs")
        self.bottomTabs.addTab(self.detail, "Entry")
        self.bottomTabs.addTab(self.stats, "Statistics")
        self.timeline = TimelineView()
        self.timeline.live = live
        # the connection timeline on top; list above detail, as in Wireshark and the
        # DevTools frames panel: the table gets the whole width for its previews
        self.addWidget(self.timeline)
        self.addWidget(self.logView)
        self.addWidget(self.bottomTabs)
        self.setCollapsible(0, False)
        self.setStretchFactor(1, 3)
        self.setStretchFactor(2, 1)
        self.setSizes([self.timeline.height(), 480, DETAIL_HEIGHT])
        self.detail_size = DETAIL_HEIGHT     # what the pane comes back at when shown again
        self.detail_auto = True              # shown or not by the room there is, until the user says
        self.detailButton = QToolButton(objectName="detailButton", text="Detail", checkable=True)
        self.detailButton.setToolTip("Show or hide the entry detail and statistics pane under the "
                                     "log (it comes back at the size you gave it; double-click a "
                                     "row to show it)")
        self.detailButton.setChecked(True)
        self.detailButton.toggled.connect(self.set_detail_shown)
        self.logView.toolbar.insertWidget(self.logView.toolbar.count() - 1, self.detailButton)
        self.logView.table.doubleClicked.connect(lambda _index: self.set_detail_shown(True))
        self.splitterMoved.connect(self._moved_by_user)
        self.timeline.periodClicked.connect(self._gap_clicked)
        self.bottomTabs.currentChanged.connect(self._tab_changed)
        self.logView.entrySelected.connect(self._selected)
        self.detail.seqLinkActivated.connect(self.logView.scroll_to_seq)
        self.detail.copied.connect(self.message)
        self.logView.copied.connect(self.message)

    # -- the detail pane ------------------------------------------------------------
    def detail_shown(self) -> bool:
        return self.sizes()[2] > 0

    def set_detail_shown(self, on: bool, by_user: bool = True) -> None:
        """Show the pane at the size it had, or shut it (the log takes its room)."""
        if by_user:
            self.detail_auto = False
        top, log, detail = self.sizes()
        if on and not detail:
            detail = self.detail_size
            self.setSizes([top, max(log - detail, 0), detail])
        elif not on and detail:
            self.detail_size = detail
            self.setSizes([top, log + detail, 0])
        self._say_shown()

    def restore(self, sizes: list[int], detail_size: int) -> None:
        """The layout the user left (from the settings): no longer fitted by itself."""
        self.setSizes(sizes)
        self.detail_size = detail_size if detail_size > 0 else DETAIL_HEIGHT
        self.detail_auto = False
        self._say_shown()

    def _moved_by_user(self, _pos: int, _index: int) -> None:
        self.detail_auto = False
        if self.sizes()[2] > 0:
            self.detail_size = self.sizes()[2]
        self._say_shown()

    def _say_shown(self) -> None:
        shown = self.detail_shown()
        # shut, its pages' 244 px would still count in the window's minimum height (a
        # QSplitter counts a collapsed child's): with the Deliveries dock a 700 px window grew
        self.bottomTabs.setMinimumHeight(0 if shown else 1)
        if self.detailButton.isChecked() != shown:
            self.detailButton.blockSignals(True)
            self.detailButton.setChecked(shown)
            self.detailButton.blockSignals(False)
        self.detailShownChanged.emit(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.detail_auto:
            self._fit()

    def _fit(self) -> None:
        """Shut the pane when the log would keep fewer than MIN_LOG_ROWS rows beside it."""
        table = self.logView.table
        chrome = self.logView.height() - table.viewport().height() if self.logView.height() else 90
        log_need = chrome + MIN_LOG_ROWS * table.verticalHeader().defaultSectionSize()
        top = self.sizes()[0]
        room = self.height() - top - 2 * self.handleWidth()
        detail = min(self.detail_size, room - log_need)
        if detail < MIN_DETAIL_HEIGHT:
            detail = 0
        self.setSizes([top, room - detail, detail])
        self._say_shown()

    def _tab_changed(self, index: int) -> None:
        if index == STATS_TAB and not self.detail_shown():
            self.set_detail_shown(True)      # asked for the statistics: they are shown
        # the plots need room to be read; take it from the log, which keeps at least half
        sizes = self.sizes()
        if index == STATS_TAB and sizes[2] < STATS_HEIGHT and sizes[1] > 2 * STATS_HEIGHT:
            grow = STATS_HEIGHT - sizes[2]
            self.setSizes([sizes[0], sizes[1] - grow, STATS_HEIGHT])

    def _gap_clicked(self, first_seq: int, last_seq: int) -> None:
        if not self.logView.select_seq_range(first_seq, last_seq):
            self.message.emit("The rows of that gap are no longer in the log (cleared)")

    def _selected(self, entry) -> None:
        self.detail.show_entry(entry, self.model.related(entry) if entry is not None else None)
        if entry is not None:
            self.bottomTabs.setCurrentIndex(DETAIL_TAB)
