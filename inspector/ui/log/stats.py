"""The statistics panel: events and bytes per second in and out as live plots, per-event
counts, and the ack round-trip percentiles.  Numbers from log.stats, drawn with QPainter
(PySide6-Essentials has no QtCharts)."""
from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.log.stats import Stats, compute, compute_whole
from inspector.log.table import LogTable
from inspector.log.words import duration_ms
from inspector.ui import palette
from inspector.ui.jobs import Job
from inspector.ui.log.columns import format_size
from inspector.ui.log.model import LogModel


def _rate(v: float) -> str:
    if v >= 10_000:
        return f"{v / 1000:.0f}k"
    if v >= 1000:
        return f"{v / 1000:.1f}k"
    return f"{v:.0f}" if v >= 10 or v == 0 else f"{v:.1f}"


def nice_ceiling(v: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is >= v (axis tops people can read)."""
    if v <= 0:
        return 1.0
    power = 10 ** np.floor(np.log10(v))
    for step in (1, 2, 5, 10):
        if step * power >= v:
            return float(step * power)
    return float(10 * power)


def _ms(v: float | None) -> str:
    return duration_ms(v)


class Plot(QWidget):
    """Two series (in, out) over time, as lines with a light fill; the y axis from 0."""

    def __init__(self, title: str, unit: str, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.title, self.unit = title, unit
        self.series: list[tuple[np.ndarray, QColor, str]] = []
        self.span_text = ""
        self.setMinimumHeight(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, series: list[tuple[np.ndarray, QColor, str]], span_text: str) -> None:
        self.series = series
        self.span_text = span_text
        self.update()

    def peak(self) -> float:
        return max((float(s.max()) for s, _c, _n in self.series if len(s)), default=0.0)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(40, 28, -8, -16)
        p.fillRect(self.rect(), palette.PLOT_BACKGROUND.qcolor())
        fm = p.fontMetrics()
        p.setPen(palette.TEXT.qcolor())
        p.drawText(QPointF(6, 14), self.title)
        x = 6 + fm.horizontalAdvance(self.title) + 12
        for values, color, name in self.series:
            now = float(values[-1]) if len(values) else 0.0
            label = f"{name} {_rate(now)}{self.unit}"
            p.setPen(color)
            p.drawText(QPointF(x, 14), label)
            x += fm.horizontalAdvance(label) + 12
        top = nice_ceiling(self.peak())
        grid = palette.PLOT_GRID.qcolor()
        p.setPen(QPen(grid, 1))
        for frac in (0.0, 0.5, 1.0):
            y = r.bottom() - frac * r.height()
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(palette.MUTED.qcolor())
            p.drawText(QRectF(0, y - 8, 36, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       _rate(frac * top))
            p.setPen(QPen(grid, 1))
        p.setPen(palette.MUTED.qcolor())
        p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, self.span_text)
        for values, color, _name in self.series:
            n = len(values)
            if n < 2:
                continue
            step = r.width() / (n - 1)
            line = QPainterPath()
            for i, v in enumerate(values.tolist()):
                pt = QPointF(r.left() + i * step, r.bottom() - (v / top) * r.height())
                line.lineTo(pt) if i else line.moveTo(pt)
            fill = QPainterPath(line)
            fill.lineTo(QPointF(r.right(), r.bottom()))
            fill.lineTo(QPointF(r.left(), r.bottom()))
            fill.closeSubpath()
            shade = QColor(color)
            shade.setAlpha(40)
            p.fillPath(fill, shade)
            p.setPen(QPen(color, 1.5))
            p.drawPath(line)
        p.end()


class EventCountsModel(QAbstractTableModel):
    HEADERS = ("Event", "In", "Out")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, int, int]] = []

    def set_rows(self, rows: list[tuple[str, int, int]]) -> None:
        if rows == self._rows:
            return
        if len(rows) == len(self._rows) and [r[0] for r in rows] == [r[0] for r in self._rows]:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, 2))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row[0] if index.column() == 0 else f"{row[index.column()]:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CountsTable(QTableView):
    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)      # the GIL once per paint, not once per cell (see LogTable)


class _Frozen:
    """A column as it is now.  Rows are only ever appended past the end and a clear makes
    new arrays, so this view never changes under the thread that reads it."""

    __slots__ = ("_a",)

    def __init__(self, a: np.ndarray):
        self._a = a

    def view(self) -> np.ndarray:
        return self._a


class _FrozenHeld:
    """A SparseColumn's rows and values as they are now."""

    def __init__(self, rows: np.ndarray, values: np.ndarray):
        self._held = rows, values

    def held(self, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows, values = self._held
        k = len(rows) if n is None else int(np.searchsorted(rows, n))
        return rows[:k], values[:k]


class FrozenColumns:
    """What log.stats reads of a LogTable, taken on the GUI thread (no copy: views, and
    the event names so far) and read on another."""

    def __init__(self, cols: LogTable):
        n = self._n = len(cols)
        self.t, self.dir, self.kind, self.size, self.event = (
            _Frozen(c.a[:n]) for c in (cols.t, cols.dir, cols.kind, cols.size, cols.event))
        self.rtt = _FrozenHeld(*cols.rtt.held(n))
        self.event_names = SimpleNamespace(values=tuple(cols.event_names.values))

    def __len__(self) -> int:
        return self._n


def _compute(cols, live: bool, now: float | None) -> Stats:
    if live:
        # up to the last whole second, so the newest bucket is not a partial one
        return compute(cols, float(int(now if now is not None else time.time())))
    return compute_whole(cols)


class StatsView(QWidget):
    """Live (the last minute, refreshed every second) or, for an old session, its whole span.

    The numbers walk the whole log (tens of milliseconds at a million rows), so the
    periodic refresh runs them off the GUI thread (`refresh_soon`); `refresh` is the
    same on the GUI thread, at once."""

    shown = Signal(object)        # the Stats now on screen

    def __init__(self, model: LogModel, live: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statsView")
        self.model = model
        self.live = live
        self.stats: Stats | None = None
        self._computing = False            # a refresh_soon is on its way
        self._again = False                # and another was asked for meanwhile
        self._then: list[Callable[[Stats | None], None]] = []
        self._job: Job | None = None
        self.summary = QLabel(objectName="statsSummary")
        self.rttLabel = QLabel(objectName="rttLabel")
        self.rttLabel.setToolTip("Round trips of the acks answered to your emits")
        self.eventsPlot = Plot("Events/s", "/s", "eventsPlot")
        self.bytesPlot = Plot("Bytes/s", "B/s", "bytesPlot")
        self.countsModel = EventCountsModel(self)
        self.countsTable = CountsTable(objectName="eventCountsTable")
        self.countsTable.setModel(self.countsModel)
        self.countsTable.verticalHeader().setVisible(False)
        self.countsTable.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.countsTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.countsTable.setShowGrid(False)
        hh = self.countsTable.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.countsTable.setMinimumWidth(200)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.rttLabel)
        grid.addLayout(text, 0, 0, 1, 2)
        grid.addWidget(self.eventsPlot, 1, 0)
        grid.addWidget(self.bytesPlot, 2, 0)
        grid.addWidget(self.countsTable, 1, 1, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        if live:
            self._timer.start()
        else:
            model.rowsInserted.connect(self._schedule)
            model.modelReset.connect(self._schedule)
        self.refresh()

    def _tick(self) -> None:
        if self.isVisible():           # nobody looks: no numbers to make
            self.refresh_soon()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh_soon()

    def _schedule(self, *_args) -> None:
        QTimer.singleShot(200, self.refresh_soon)

    def refresh(self, now: float | None = None) -> Stats:
        """Compute and show the numbers now, on this thread."""
        s = _compute(self.model.cols, self.live, now)
        self._show(s)
        return s

    def refresh_soon(self, then: Callable[[Stats | None], None] | None = None) -> None:
        """Compute the numbers on a worker thread and show them when they are ready; a
        request while one is on its way makes one more after it.  `then(stats)` runs once
        numbers that include every row there is now are shown (None if that failed)."""
        if then is not None:
            self._then.append(then)
        if self._computing:
            self._again = True
            return
        self._computing = True
        waiting, self._then = self._then, []
        frozen, live = FrozenColumns(self.model.cols), self.live
        # held until the next one replaces it (deleted from its own signal, PySide crashes)
        self._job = Job(lambda _report, _deliver: _compute(frozen, live, None))
        self._job.finished.connect(lambda s: self._computed(s, waiting))
        self._job.failed.connect(lambda message: self._computed(None, waiting, message))
        self._job.start()

    def _computed(self, s: Stats | None, waiting: list, error: str = "") -> None:
        if not shiboken6.isValid(self):
            return                     # the panel closed while its numbers were being made
        self._computing = False
        if s is not None:
            self._show(s)
        else:
            self.summary.setText(f"The statistics could not be computed: {error}")
        for then in waiting:
            then(s)
        if self._again:
            self._again = False
            self.refresh_soon()

    def _show(self, s: Stats) -> None:
        span = "last 60 s" if self.live else f"{s.buckets * s.bucket_s:.0f} s of session"
        self.stats = s
        self.summary.setText(
            f"In: {s.total_in:,} events, {format_size(s.total_bytes_in)}    "
            f"Out: {s.total_out:,} events, {format_size(s.total_bytes_out)}")
        self.rttLabel.setText(
            f"Ack round trips ({s.rtt_count:,}): p50 {_ms(s.rtt_p50)} · p95 {_ms(s.rtt_p95)} · "
            f"p99 {_ms(s.rtt_p99)}")
        series_in, series_out = palette.PLOT_IN.qcolor(), palette.PLOT_OUT.qcolor()
        self.eventsPlot.set_series([(s.events_in, series_in, "in"), (s.events_out, series_out, "out")], span)
        self.bytesPlot.set_series([(s.bytes_in, series_in, "in"), (s.bytes_out, series_out, "out")], span)
        self.countsModel.set_rows(s.per_event[:200])
        self.shown.emit(s)
