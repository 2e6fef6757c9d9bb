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
    assert 1 <= sb.maximum() <= 2                 # the short log this test is about
    assert table.following

    sb.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)   # the scroll bar's up arrow
    scrolled_to = sb.value()
    assert scrolled_to == sb.maximum() - 1
    assert not table.following
    top_row = table.rowAt(0)

    view.source.append([entry(n + 1)])
    # the new row is in the table and laid out (the range grew by it); no scroll to it is due
    qtbot.waitUntil(lambda: table.model().rowCount() == n + 1 and sb.maximum() >= scrolled_to + 2
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
