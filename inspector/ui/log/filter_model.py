"""FilteredLogModel: the rows of a LogModel that pass the filter bar, for the table.

QSortFilterProxyModel asks filterAcceptsRow() once per row, a Python call per
row: seconds at a million rows.  Here the visible rows are an index (a numpy
array of source rows) computed by LogTable.match() with vectorised work,
in one go when the filter changes and per batch as rows arrive.  Without a
filter the mapping is the identity and no index is kept.

While rows pour in, new rows are shown at most every PUBLISH_MS: each insert
makes the table lay out and repaint, and a repaint is hundreds of calls into
Python that compete for the GIL with the network thread.  Rows that arrive
after a quiet moment, or a few at a time, are shown at once.

A filter over more than SYNC_ROWS rows is computed on a worker thread (a Job over
a snapshot of the table, log/search.match_in_steps), its progress told by
filterProgress; the view keeps the previous result until the new one is ready,
and a newer filter cancels the run.  The rows that arrive meanwhile are shown
under the previous filter, and judged by the new one once it applies.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from inspector.log import search
from inspector.log.entry import LogEntry
from inspector.log.filter import FilterError, LogFilter
from inspector.log.table import Column
from inspector.ui.jobs import Job
from inspector.ui.log.deep_search import DeepSearch
from inspector.ui.log.model import ROLES, LogModel

PUBLISH_MS = 250
PUBLISH_MIN = 100      # fewer new rows than this are shown at once, whatever the pace
SYNC_ROWS = 50_000     # a filter over more rows than this is computed off the GUI thread


class FilteredLogModel(QAbstractTableModel):
    filterApplied = Signal()      # the visible rows were recomputed for a new filter
    filterProgress = Signal(int, int)   # rows judged, of how many, by a filter being computed; 0, 0: none

    def __init__(self, source: LogModel, parent=None):
        super().__init__(parent)
        self.source = source
        self._filter = LogFilter()
        self._rows: Column | None = None       # visible source rows; None: all of them
        self._count = source.rowCount()
        self._published = source.rowCount()     # source rows looked at (shown or filtered out)
        self._last_publish = 0.0
        self._publish_timer = QTimer(self, singleShot=True)
        self._publish_timer.timeout.connect(self.publish)
        self._generation = 0                    # of the filter; deep-search answers carry it
        self._run: Job | None = None            # the filter being computed off the GUI thread
        self._pending: LogFilter | None = None  # ...and what it is
        self.deep = DeepSearch(self)
        self.deep.found.connect(self._deep_found)
        source.rowsInserted.connect(self._source_inserted)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._source_reset)
        source.dataChanged.connect(self._source_changed)

    # -- the filter ------------------------------------------------------------
    @property
    def filter(self) -> LogFilter:
        return self._filter

    def set_filter(self, f: LogFilter) -> None:
        """Apply a filter (raises FilterError, leaving the current one, when it is invalid):
        at once over a few rows, else when a worker has judged them all (filterApplied)."""
        f.compiled()                            # an invalid one raises here, nothing cancelled
        self._cancel_run()
        if f.is_empty() or self.source.rowCount() <= SYNC_ROWS:
            self._apply(f, None if f.is_empty() else self.source.cols.match(f), self.source.rowCount())
        else:
            self._start_run(f)

    @property
    def pending(self) -> LogFilter | None:
        """The filter being computed (the rows shown are still the previous one's), or None."""
        return self._pending

    def _start_run(self, f: LogFilter) -> None:
        snapshot = self.source.cols.snapshot()

        def work(report, _deliver):
            try:
                return search.match_in_steps(snapshot, f, report)
            finally:
                snapshot.close()
        job = Job(work, self)
        self._run, self._pending = job, f
        job.progress.connect(self._run_progress)      # a method: queued to this thread
        job.finished.connect(lambda rows: self._run_done(job, f, rows, len(snapshot)))
        job.failed.connect(lambda _error: self._run_done(job, f, None, 0))
        self.filterProgress.emit(0, len(snapshot))
        job.start()

    def _run_progress(self, done: int, total: int) -> None:
        if self.sender() is self._run:
            self.filterProgress.emit(done, total)

    def _run_done(self, job: Job, f: LogFilter, rows: np.ndarray | None, covered: int) -> None:
        job.deleteLater()
        if job is not self._run:
            return                              # cancelled: a newer filter, or a reset
        self._run, self._pending = None, None
        self.filterProgress.emit(0, 0)
        if rows is not None:
            self._apply(f, rows, covered)
            self.publish()                      # the rows that arrived while it ran

    def _cancel_run(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self._run, self._pending = None, None
            self.filterProgress.emit(0, 0)

    def _apply(self, f: LogFilter, rows: np.ndarray | None, covered: int) -> None:
        """Show `rows` (source rows 0..covered-1 that pass `f`; None: all rows)."""
        self.beginResetModel()
        self._filter = f
        self._set_rows(rows, covered)
        self.endResetModel()
        self._publish_timer.stop()
        self._new_generation()
        if rows is not None:
            self._search_long_rows(rows, 0, self._published)
        self.filterApplied.emit()

    def _set_rows(self, rows: np.ndarray | None, covered: int) -> None:
        self._published = covered
        if rows is None:
            self._rows = None
            self._count = self.source.rowCount()
        else:
            self._rows = Column(np.int64, max(len(rows), 1024))
            self._rows.extend(rows)
            self._count = len(rows)

    @property
    def filtered(self) -> bool:
        return self._rows is not None

    # -- mapping -----------------------------------------------------------------
    def source_row(self, row: int) -> int | None:
        """The source row shown at `row` (None past the end)."""
        if row >= self._count:
            return None
        return row if self._rows is None else int(self._rows.a[row])

    def source_rows(self) -> np.ndarray:
        """The visible source rows, in order."""
        if self._rows is None:
            return np.arange(self._count, dtype=np.int64)
        return self._rows.view()

    def row_of_source(self, source_row: int) -> int | None:
        if self._rows is None:
            return source_row if 0 <= source_row < self._count else None
        view = self._rows.view()
        i = int(np.searchsorted(view, source_row))
        return i if i < len(view) and view[i] == source_row else None

    def entry(self, row: int) -> LogEntry:
        return self.source.entry(self.source_row(row))

    # -- following the source ---------------------------------------------------------
    def _source_inserted(self, _parent: QModelIndex, _first: int, last: int) -> None:
        if self._publish_timer.isActive():
            return
        since = (time.monotonic() - self._last_publish) * 1000.0
        if since >= PUBLISH_MS or last + 1 - self._published < PUBLISH_MIN:
            self.publish()
        else:
            self._publish_timer.start(int(PUBLISH_MS - since) + 1)

    def publish(self) -> None:
        """Show the rows that arrived since the last time (those that pass the filter)."""
        self._publish_timer.stop()
        self._last_publish = time.monotonic()
        first, end = self._published, self.source.rowCount()
        if first >= end:
            return
        self._published = end
        if self._rows is None:
            new = end - first
            self.beginInsertRows(QModelIndex(), self._count, self._count + new - 1)
            self._count += new
            self.endInsertRows()
            return
        try:
            rows = self.source.cols.match(self._filter, first, end)
        except FilterError:
            return
        if len(rows):
            self.beginInsertRows(QModelIndex(), self._count, self._count + len(rows) - 1)
            self._rows.extend(rows)
            self._count += len(rows)
            self.endInsertRows()
        self._search_long_rows(rows, first, end)

    # -- rows whose text was cut ---------------------------------------------------
    def _new_generation(self) -> None:
        self._generation += 1
        self.deep.cancel()

    def _search_long_rows(self, matched: np.ndarray, start: int, stop: int) -> None:
        long = self.source.cols.long_candidates(self._filter, matched, start, stop)
        if len(long):
            self.deep.start(self._generation, self._filter, self.source.cols, long)

    def _deep_found(self, generation: int, rows: np.ndarray) -> None:
        if generation != self._generation or self._rows is None:
            return
        old = self._rows.view()
        new = np.setdiff1d(rows, old)
        if not len(new):
            return
        if not len(old) or new[0] > old[-1]:
            self.beginInsertRows(QModelIndex(), self._count, self._count + len(new) - 1)
            self._rows.extend(new)
            self._count += len(new)
            self.endInsertRows()
            return
        # rows in between: a layout change that keeps the selection on its entries
        self.layoutAboutToBeChanged.emit()
        old = old.copy()
        merged = np.union1d(old, new)
        persistent = self.persistentIndexList()
        moved = [self.index(int(np.searchsorted(merged, old[p.row()])), p.column())
                 if p.row() < len(old) else QModelIndex() for p in persistent]
        self._rows = Column(np.int64, max(len(merged), 1024))
        self._rows.extend(merged)
        self._count = len(merged)
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
    def _source_reset(self) -> None:
        self._publish_timer.stop()
        self._new_generation()
        if self._pending is not None:           # the newest filter asked for wins
            self._filter = self._pending
        self._cancel_run()
        big = self.source.rowCount() > SYNC_ROWS and not self._filter.is_empty()
        try:
            rows = None if self._filter.is_empty() else \
                np.zeros(0, np.int64) if big else self.source.cols.match(self._filter)
        except FilterError:
            rows = None
        self._set_rows(rows, self.source.rowCount())
        self.endResetModel()
        if big:                                 # nothing shown until it has been judged
            self._start_run(self._filter)

    def _source_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        for source_row in range(top_left.row(), bottom_right.row() + 1):
            row = self.row_of_source(source_row)
            if row is not None:
                a, b = self.index(row, top_left.column()), self.index(row, bottom_right.column())
                self.dataChanged.emit(a, b, roles)

    # -- Qt model interface ------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return self.source.columnCount(parent)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.source.headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # a repaint asks for seven roles of every cell: the ones never answered go first
        if role not in ROLES or not index.isValid():
            return None
        row = self.source_row(index.row())
        return None if row is None else self.source.cell(row, index.column(), role)
