"""The log with its detail and statistics: the same views for a live session and an old one.

A vertical splitter: the log (filter bar, table) above, and below it a tab
for the selected entry and one for the statistics.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from inspector.ui.log.detail import DetailView
from inspector.ui.log.model import LogModel
from inspector.ui.log.stats import StatsView
from inspector.ui.log.timeline import TimelineView
from inspector.ui.log.view import LogView

DETAIL_TAB, STATS_TAB = 0, 1
STATS_HEIGHT = 320           # what the statistics tab asks for when it is shown


class LogWorkspace(QSplitter):
    message = Signal(str)       # something to say in the status bar

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
        self.setSizes([self.timeline.height(), 480, 200])
        self.timeline.periodClicked.connect(self._gap_clicked)
        self.bottomTabs.currentChanged.connect(self._tab_changed)
        self.logView.entrySelected.connect(self._selected)
        self.detail.seqLinkActivated.connect(self.logView.scroll_to_seq)
        self.detail.copied.connect(self.message)
        self.logView.copied.connect(self.message)

    def _tab_changed(self, index: int) -> None:
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
