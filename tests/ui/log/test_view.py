"""The log table follows new rows while the user is at the bottom, also in a short log."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractSlider

from inspector.log.entry import LogEntry
from inspector.ui.log.model import LogModel
from inspector.ui.log.view import LogView


def entry(seq: int) -> LogEntry:
    return LogEntry(seq, t=1700000000.0 + seq, dir="in", kind="event", ns="/", event="e", args=[seq])


@pytest.fixture
def view(qtbot):
    model = LogModel()
    view = LogView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def rows_in_view(table) -> int:
    return table.viewport().height() // table.verticalHeader().defaultSectionSize()


def shows_last_row_at_the_bottom(table) -> bool:
    rows = table.model().rowCount()
    sb = table.verticalScrollBar()
    return (not table.follow_pending and sb.value() == sb.maximum()
            and table.rowAt(table.viewport().height() - 2) == rows - 1)


@pytest.mark.parametrize("beyond", [1, 2])
def test_a_short_log_stops_following_when_the_user_scrolls_up_a_little(qtbot, view, beyond):
    """A log only one or two rows taller than the view: one step up stops the follow."""
    table = view.table
    sb = table.verticalScrollBar()
    n = rows_in_view(table) + beyond
    view.source.append([entry(i) for i in range(1, n + 1)])
    qtbot.waitUntil(lambda: sb.maximum() > 0 and shows_last_row_at_the_bottom(table), timeout=5000)
    row = table.verticalHeader().defaultSectionSize()
    assert 1 <= sb.maximum() <= 2 * row            # the short log this test is about (pixels)
    assert table.following

    sb.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)   # the scroll bar's up arrow
    scrolled_to = sb.value()
    assert scrolled_to < sb.maximum()
    assert not table.following
    top_row = table.rowAt(0)

    view.source.append([entry(n + 1)])
    # the new row is in the table and laid out (the range grew by it); no scroll to it is due
    qtbot.waitUntil(lambda: table.model().rowCount() == n + 1 and sb.maximum() >= scrolled_to + row
                    and not table.follow_pending, timeout=5000)
    assert sb.value() == scrolled_to and table.rowAt(0) == top_row

    # back at the bottom, it follows again
    sb.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    assert table.following
    view.source.append([entry(n + 2)])
    qtbot.waitUntil(lambda: table.model().rowCount() == n + 2 and shows_last_row_at_the_bottom(table),
                    timeout=5000)


def test_a_log_that_fits_the_view_follows_and_cannot_be_scrolled_away(qtbot, view):
    table = view.table
    sb = table.verticalScrollBar()
    view.source.append([entry(i) for i in range(1, 4)])
    qtbot.waitUntil(lambda: table.model().rowCount() == 3 and not table.follow_pending, timeout=5000)
    assert sb.maximum() == 0 and table.following
    assert table.rowAt(0) == 0


def _send(widget, kind, at=None) -> None:
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QEnterEvent, QMouseEvent
    from PySide6.QtWidgets import QApplication
    at = QPointF(at if at is not None else widget.rect().center())
    if kind == QEvent.Type.Enter:
        event = QEnterEvent(at, at, widget.mapToGlobal(at))
    elif kind == QEvent.Type.Leave:
        event = QEvent(QEvent.Type.Leave)
    else:
        event = QMouseEvent(kind, at, widget.mapToGlobal(at), Qt.MouseButton.LeftButton,
                            Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonPress
                            else Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


@pytest.mark.parametrize("hold, let_go", [("Enter", "Leave"), ("MouseButtonPress", "MouseButtonRelease")],
                         ids=["pointer over", "button pressed"])
def test_rows_do_not_move_under_the_pointer_and_follow_again_after(qtbot, view, hold, let_go):
    """Following the bottom pauses while the mouse is over the rows or pressed on them, so
    the row under the pointer is still there when it clicks; it catches up after."""
    from PySide6.QtCore import QEvent
    table = view.table
    sb = table.verticalScrollBar()
    n = rows_in_view(table) * 3
    view.source.append([entry(i) for i in range(1, n + 1)])
    qtbot.waitUntil(lambda: shows_last_row_at_the_bottom(table), timeout=5000)
    # pressed on the last row (a press on another one picks it, and so stops following)
    last = table.visualRect(table.model().index(n - 1, 0)).center()
    _send(table.viewport(), getattr(QEvent.Type, hold), last)
    assert table.paused
    under = table.rowAt(last.y())
    value = sb.value()
    y_of = {row: table.visualRect(table.model().index(row, 0)).y() for row in (under, under - 5)}
    view.source.append([entry(i) for i in range(n + 1, n + 21)])
    qtbot.waitUntil(lambda: table.model().rowCount() == n + 20 and sb.maximum() > value
                    and not table.follow_pending, timeout=5000)
    assert table.following                        # still following: only waiting
    assert sb.value() == value
    assert {row: table.visualRect(table.model().index(row, 0)).y() for row in y_of} == y_of
    _send(table.viewport(), getattr(QEvent.Type, let_go), last)
    assert not table.paused
    qtbot.waitUntil(lambda: shows_last_row_at_the_bottom(table), timeout=5000)


def test_the_count_says_1_entry(qtbot, view):
    view.source.append([entry(1)])
    qtbot.waitUntil(lambda: view.countLabel.text() == "1 entry", timeout=5000)
