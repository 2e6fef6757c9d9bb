"""The reconnect timeline: one strip per namespace (per client and namespace with several
clients), connected and disconnected periods over time, reconnect attempts, sequence gaps.
Click a gap to select its entries.  Past MAX_STRIPS strips it scrolls (its scroll bar, the
wheel) a whole strip at a time, names and strips together, the time axis staying below:
three clients on two namespaces would otherwise take the log's rows."""
from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QStyle, QToolTip, QWidget

from inspector.log.entry import LogEntry
from inspector.log.timeline import CLOSED, DOWN, REFUSED, UP, Period, Timeline
from inspector.ui import palette

ROW_H = 18
AXIS_H = 16
LABEL_W = 70                      # at least; wider for a client's strips ("bob /chat")
PAD = 6
MAX_STRIPS = 3                    # shown at once; more scroll

COLORS = {UP: palette.TIMELINE_UP, CLOSED: palette.TIMELINE_CLOSED, REFUSED: palette.TIMELINE_REFUSED,
          DOWN: palette.TIMELINE_DOWN}


LEGEND = ("Green: connected · red: down, not recovered · amber: down, the server recovered it · "
          "grey: closed by you\n✕ failed reconnect attempt · | reconnect · ▼ numbered events missing\n"
          "Click a gap to select its rows in the log")


def period_color(p: Period) -> QColor:
    if p.state == DOWN and p.recovered:
        return palette.TIMELINE_RECOVERED.qcolor()
    return COLORS[p.state].qcolor()


class TimelineView(QWidget):
    periodClicked = Signal(int, int)      # first seq, last seq of the clicked period

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.timeline = Timeline()
        self.live = True
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)      # a running period grows with the clock
        self._tick.timeout.connect(self.update)
        self._tick.start()
        self.scrollBar = QScrollBar(Qt.Orientation.Vertical, self, objectName="timelineScrollBar")
        self.scrollBar.setToolTip("More strips: scroll (or the wheel over the timeline)")
        self.scrollBar.valueChanged.connect(self.update)
        self.scrollBar.hide()
        self._wheel = 0                   # eighths of a degree not yet a whole strip
        self._update_height()

    # -- data ----------------------------------------------------------------
    def add(self, entries: list[LogEntry]) -> None:
        rows = len(self.timeline.periods)
        if self.timeline.add(entries):
            if len(self.timeline.periods) != rows:
                self._update_height()
            self.update()

    def clear(self) -> None:
        self.timeline.clear()
        self._update_height()
        self.update()

    def name_first(self, name: str) -> None:
        """A workspace's first client's name, once there are several (Timeline.name_first)."""
        self.timeline.name_first(name)
        self.update()

    def carry_on(self, connected: list[tuple[str | None, str]], t: float, seq: int) -> None:
        """Cleared, the namespaces still connected, (client, ns) each, going on as up from `t`."""
        self.timeline.carry_on(connected, t, seq)
        self._update_height()
        self.update()

    def _update_height(self) -> None:
        rows = max(1, len(self.timeline.periods))
        shown = min(rows, MAX_STRIPS)
        self.setFixedHeight(AXIS_H + shown * ROW_H + 2 * PAD)
        bar = self.scrollBar
        bar.setRange(0, rows - shown)
        bar.setPageStep(shown)
        bar.setVisible(rows > shown)
        self._place_bar()

    def _place_bar(self) -> None:
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        self.scrollBar.setGeometry(self.width() - extent, PAD, extent, self.shown_strips() * ROW_H)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_bar()

    def shown_strips(self) -> int:
        return min(max(1, len(self.timeline.periods)), MAX_STRIPS)

    def first_strip(self) -> int:
        """The index of the top strip shown (0 unless scrolled)."""
        return self.scrollBar.value()

    def _right(self) -> float:
        """Where the strips end: the scroll bar, when there is one, is right of them."""
        return self.width() - PAD - (self.scrollBar.width() if not self.scrollBar.isHidden() else 0)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, self.height())

    # -- geometry ------------------------------------------------------------
    def _span(self) -> tuple[float, float]:
        tl = self.timeline
        if tl.start is None:
            now = time.time()
            return now - 60, now
        end = max(tl.end or tl.start, time.time()) if self.live else (tl.end or tl.start)
        return tl.start, max(end, tl.start + 1.0)

    def _label_w(self) -> int:
        """The strip names' column: the longest name, between LABEL_W and 220 px."""
        names = self.timeline.namespaces()
        widest = max((self.fontMetrics().horizontalAdvance(n) for n in names), default=0)
        return max(LABEL_W, min(220, widest + 12))

    def _x(self, t: float, span: tuple[float, float]) -> float:
        left, right = self._label_w(), self._right()
        t0, t1 = span
        return left + (t - t0) / (t1 - t0) * (right - left)

    def _t(self, x: float, span: tuple[float, float]) -> float:
        left, right = self._label_w(), self._right()
        t0, t1 = span
        return t0 + (x - left) / max(1.0, right - left) * (t1 - t0)

    def _row_at(self, y: float) -> str | None:
        index = int((y - PAD) // ROW_H)
        if not 0 <= index < self.shown_strips():
            return None
        index += self.first_strip()
        names = self.timeline.namespaces()
        return names[index] if index < len(names) else None

    def period_at(self, x: float, y: float) -> Period | None:
        ns = self._row_at(y)
        if ns is None or x < self._label_w():
            return None
        span = self._span()
        t = self._t(x, span)
        # a short gap is a sliver; accept clicks a few pixels around it
        slack = (span[1] - span[0]) / max(1, self.width()) * 3
        best = self.timeline.at(ns, t)
        for p in self.timeline.periods.get(ns, ()):
            if p.state == DOWN:
                end = p.end if p.end is not None else span[1]
                if p.start - slack <= t <= end + slack:
                    return p
        return best

    # -- painting ------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        self._paint()

    def _paint(self) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        span = self._span()
        names = self.timeline.namespaces()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        if not names:
            painter.setPen(palette.TIMELINE_AXIS.qcolor())
            painter.drawText(QRectF(self._label_w(), PAD, self.width() - self._label_w(), ROW_H),
                             Qt.AlignmentFlag.AlignVCenter,
                             "Connection timeline: connected and disconnected periods appear here")
        first = self.first_strip()
        for i, ns in enumerate(names[first:first + self.shown_strips()]):
            top = PAD + i * ROW_H
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(4, top, self._label_w() - 8, ROW_H),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, ns)
            for p in self.timeline.periods[ns]:
                x0 = self._x(p.start, span)
                x1 = self._x(p.end if p.end is not None else span[1], span)
                bar = QRectF(x0, top + 4, max(2.0, x1 - x0), ROW_H - 8)
                painter.fillRect(bar, period_color(p))
                if p.state == DOWN:
                    painter.setPen(QPen(palette.TIMELINE_ATTEMPT.qcolor(), 1))
                    for a in p.attempts:
                        ax = self._x(a["t"], span)
                        if a.get("error"):
                            painter.drawLine(QPointF(ax - 2, top + 2), QPointF(ax + 2, top + ROW_H - 2))
                            painter.drawLine(QPointF(ax + 2, top + 2), QPointF(ax - 2, top + ROW_H - 2))
                        else:
                            painter.drawLine(QPointF(ax, top + 1), QPointF(ax, top + ROW_H - 1))
            painter.setBrush(palette.TIMELINE_MISSED.qcolor())
            painter.setPen(Qt.PenStyle.NoPen)
            for m in self.timeline.markers:
                if m.ns == ns:
                    mx = self._x(m.t, span)
                    painter.drawPolygon(QPolygonF([QPointF(mx - 4, top), QPointF(mx + 4, top),
                                                   QPointF(mx, top + 6)]))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        self._paint_axis(painter, span, PAD + self.shown_strips() * ROW_H)
        painter.end()

    def _paint_axis(self, painter: QPainter, span: tuple[float, float], top: float) -> None:
        painter.setPen(palette.TIMELINE_AXIS.qcolor())
        painter.drawLine(QPointF(self._label_w(), top), QPointF(self._right(), top))
        t0, t1 = span
        length = t1 - t0
        # at most 8 labels, fewer where the strips are narrow: each label needs its 80 px
        most = max(1, min(8, int((self._right() - self._label_w()) // 90)))
        step = next((s for s in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
                     if length / s <= most), 7200)
        n = 0
        tick = (t0 // step + 1) * step
        while tick < t1 and n < 20:
            x = self._x(tick, span)
            painter.drawLine(QPointF(x, top), QPointF(x, top + 3))
            label = time.strftime("%H:%M:%S", time.localtime(tick))
            if step < 1:
                label += f".{int(round((tick % 1) * 10))}"
            left = min(x - 40, self._right() - 76)     # the last label stays whole at the edge
            painter.drawText(QRectF(left, top + 2, 80, AXIS_H - 2), Qt.AlignmentFlag.AlignCenter, label)
            tick += step
            n += 1

    # -- interaction -------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """A strip a notch (120 eighths of a degree; a touchpad's smaller steps add up)."""
        if self.scrollBar.isHidden():
            event.ignore()             # nothing to scroll: the window's own scrolling gets it
            return
        self._wheel += event.angleDelta().y()
        steps = int(self._wheel / 120)
        self._wheel -= steps * 120
        if steps:
            self.scrollBar.setValue(self.scrollBar.value() - steps)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        p = self.period_at(pos.x(), pos.y())
        text = p.describe() if p is not None else ""
        for m in self.timeline.markers:
            if self._row_at(pos.y()) == m.ns and abs(self._x(m.t, self._span()) - pos.x()) <= 4:
                text = (text + "\n" if text else "") + m.text
        QToolTip.showText(event.globalPosition().toPoint(), text or LEGEND, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        p = self.period_at(pos.x(), pos.y())
        if p is not None and p.state != UP:
            first, last = p.seq_range()
            self.periodClicked.emit(first, last)
