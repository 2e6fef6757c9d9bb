"""Paints a log cell in one Python call.

Qt's own delegate asks the model for each role of each cell (display, font,
colours, alignment...): some 1,500 calls into Python for one repaint of the
table.  While the network thread is busy, every one of those calls competes
for the GIL, and a repaint took 30 to 60 ms during a burst.  This delegate
reads the row's cached cell values (LogModel.row_roles) once per cell and
draws them itself: five times fewer calls, the same picture.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.ui.log.columns import COLUMNS
from inspector.ui.log.model import ROLE_BACKGROUND, ROLE_DISPLAY, ROLE_FONT, ROLE_FOREGROUND

_SELECTED = QStyle.StateFlag.State_Selected
_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGNS = tuple(c.align or _LEFT for c in COLUMNS)       # by column: fixed, so not asked per row
_ELIDE = Qt.TextElideMode.ElideRight
PAD = 4


class LogDelegate(QStyledItemDelegate):
    def __init__(self, filtered, source, parent=None):
        super().__init__(parent)
        self._filtered = filtered
        self._source = source

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = self._filtered.source_row(index.row())
        roles = self._source.row_roles(row) if row is not None else None
        if roles is None:
            return
        col = index.column()
        rect: QRect = option.rect
        palette = option.palette
        if option.state & _SELECTED:
            painter.fillRect(rect, palette.highlight())
            painter.setPen(palette.highlightedText().color())
        else:
            background = roles.get(ROLE_BACKGROUND)
            if background is not None:
                painter.fillRect(rect, background[col])
            elif option.features & _ALTERNATE:
                painter.fillRect(rect, palette.alternateBase())
            brush = roles[ROLE_FOREGROUND][col]
            painter.setPen(brush.color() if brush is not None else palette.text().color())
        font = roles[ROLE_FONT][col]
        if font is not None:
            painter.setFont(font)
        else:
            painter.setFont(option.font)
        text = roles[ROLE_DISPLAY][col]
        if not text:
            return
        area = rect.adjusted(PAD, 0, -PAD, 0)
        elided = painter.fontMetrics().elidedText(text, _ELIDE, area.width())
        painter.drawText(area, _ALIGNS[col], elided)
