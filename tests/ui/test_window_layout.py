"""The window on a laptop screen (issue 14, point 4): the log first, nothing cut."""
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QHeaderView, QTableWidget

from inspector.log.entry import Kind
from inspector.testing import InspectorDriver
from inspector.ui.log.columns import COLUMNS, ColumnKey, position
from tests.ui.looks import settle


def visible_rows(table) -> int:
    """How many rows the table shows whole."""
    viewport = table.viewport().rect()
    return sum(1 for row in range(table.model().rowCount())
               if viewport.contains(table.visualRect(table.model().index(row, 0))))


def fill(ui, n: int = 40) -> None:
    ui.connect()
    ui.emit("burst", {"count": n})
    ui.wait_for(kind=Kind.EVENT, event="burst", count=n)
    settle(ui.qtbot, ui.window.logView)


def header_cut(header: QHeaderView, labels: list[str]) -> list[str]:
    metrics = header.fontMetrics()
    return [f"{text!r}: {header.sectionSize(i)} px for {metrics.horizontalAdvance(text)} px of text"
            for i, text in enumerate(labels)
            if not header.isSectionHidden(i) and metrics.horizontalAdvance(text) + 8 > header.sectionSize(i)]


def test_at_1024x700_the_log_shows_15_rows_whole_and_the_arguments_take_the_free_width(inspector):
    ui = inspector
    ui.window.resize(1024, 700)
    fill(ui)
    table = ui.window.logView.table
    assert (ui.window.width(), ui.window.height()) == (1024, 700)
    assert visible_rows(table) >= 15, visible_rows(table)
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    args = header.sectionSize(position(ColumnKey.ARGS))
    assert sum(header.sectionSize(i) for i in range(header.count())) == table.viewport().width()
    assert args >= 120, args
    assert not header_cut(header, [c.header for c in COLUMNS])
    ui.window.resize(1600, 1000)
    settle(ui.qtbot, ui.window.logView)
    assert header.sectionSize(position(ColumnKey.ARGS)) > 600
    # tall enough: the detail pane is shown, and the log keeps its 15 rows beside it
    assert ui.window.workspace.detail_shown() and visible_rows(table) >= 15


def test_the_detail_pane_collapses_and_comes_back_at_its_size_across_runs(qtbot, tmp_path, gui_asyncio_loop):
    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
    try:
        ui.window.resize(1600, 1000)
        ws = ui.window.workspace
        qtbot.waitUntil(ws.detail_shown)
        top, log, detail = ws.sizes()
        ws.moveSplitter(top + log + detail - 300, 2)        # the user drags it to about 300 px
        dragged = ws.sizes()[2]
        assert abs(dragged - 300) < 10 and dragged != detail
        ui.window.detailAction.trigger()                     # Ctrl+J: shut
        assert not ws.detail_shown() and not ws.detailButton.isChecked()
        ws.detailButton.click()                              # back, at its size
        assert ws.sizes()[2] == dragged and ui.window.detailAction.isChecked()
        ws.detailButton.click()
        assert not ws.detail_shown()
    finally:
        ui.close()
    again = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)     # the next morning
    try:
        again.window.resize(1600, 1000)
        ws = again.window.workspace
        settle(qtbot, again.window.logView)
        assert not ws.detail_shown()                         # left shut: still shut
        ws.set_detail_shown(True)
        assert ws.sizes()[2] == dragged
    finally:
        again.close()


def test_options_open_in_a_window_of_their_own_and_the_main_window_keeps_its_size(inspector):
    ui = inspector
    ui.window.resize(1024, 700)
    settle(ui.qtbot)
    ui.widget("optionsButton").click()
    dialog = ui.window.connection.optionsDialog
    ui.qtbot.waitUntil(dialog.isVisible)
    settle(ui.qtbot)
    assert (ui.window.width(), ui.window.height()) == (1024, 700)
    assert dialog.isWindow() and ui.widget("delaySpin").isVisible()
    dialog.reject()
    assert not ui.widget("optionsButton").isChecked()


def test_the_scenario_dock_leaves_the_side_tabs_whole_and_the_window_its_size(inspector):
    ui = inspector
    ui.window.resize(1024, 700)
    fill(ui, 20)
    ui.window.scenarioDock.show()
    settle(ui.qtbot, ui.window.logView)
    assert ui.window.width() == 1024
    bar = ui.window.sideTabs.tabBar()
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        assert 0 <= rect.left() and rect.right() < bar.width(), (bar.tabText(i), rect, bar.width())
        assert bar.fontMetrics().horizontalAdvance(bar.tabText(i)) < rect.width()
    for name in ("flagFilterButton", "eventFilterButton"):
        button = ui.widget(name)
        assert button.visibleRegion().boundingRect() == button.rect(), name


def _wheel(widget, notches: int) -> None:
    """The mouse wheel over a widget, `notches` down (negative: up)."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    at = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(at, QPointF(widget.mapToGlobal(at.toPoint())), QPoint(), QPoint(0, -120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


def test_three_clients_on_two_namespaces_the_timeline_scrolls_and_the_log_keeps_8_rows(inspector):
    """Six strips (issue 12) with the Deliveries dock open: the timeline shows three and
    scrolls, each strip under its name; the log keeps its rows at 1024x700."""
    from inspector.ui.log.timeline import PAD, ROW_H
    ui = inspector
    ui.window.resize(1024, 700)
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    ui.add_client()
    ui.add_client()
    for name in ("alice", "bob", "carol"):
        ui.client(name).connect()
        ui.open_namespace("/chat")
    ui.client("alice").emit("burst", {"count": 40})
    ui.wait_for(kind=Kind.EVENT, event="burst", count=40)
    ui.window.resize(1024, 700)
    settle(ui.qtbot, ui.window.logView)
    assert ui.window.clientsUi.dock.isVisible()
    assert (ui.window.width(), ui.window.height()) == (1024, 700)
    assert visible_rows(ui.window.logView.table) >= 8, visible_rows(ui.window.logView.table)
    view = ui.window.timeline
    names = view.timeline.namespaces()
    assert names == ["alice /", "alice /chat", "bob /", "bob /chat", "carol /", "carol /chat"]
    assert view.height() <= PAD * 2 + 3 * ROW_H + 20 and view.scrollBar.isVisible()

    def strips_shown() -> list[str]:     # what is under the pointer down the strips' column
        x = view.width() // 2
        return [view.period_at(x, PAD + i * ROW_H + ROW_H / 2).ns for i in range(3)]
    assert strips_shown() == names[:3]
    _wheel(view, 2)
    assert strips_shown() == names[2:5]
    _wheel(view, 5)                      # no further than the last strip
    assert strips_shown() == names[3:]
    assert view.scrollBar.value() == view.scrollBar.maximum()


def test_no_header_or_tab_label_is_cut(inspector):
    ui = inspector
    ui.window.resize(1024, 700)
    settle(ui.qtbot)
    side = ui.window.sideTabs
    problems = []
    for i in range(side.count()):
        side.setCurrentIndex(i)
        settle(ui.qtbot)
        for table in side.widget(i).findChildren(QTableWidget):
            labels = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
            problems += header_cut(table.horizontalHeader(), labels)
    assert not problems, problems
    for name in ("flagFilterButton", "eventFilterButton"):
        button = ui.widget(name)         # the menu arrow sits beside the text, not on it
        assert button.fontMetrics().horizontalAdvance(button.text()) + 14 < button.width(), name


def test_every_control_of_the_main_window_says_what_it_does(inspector):
    """Point 8: a button, check box or combo without a tooltip is listed by name."""
    silent = [w.objectName() or f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
              for w in ui_controls(inspector.window)
              if not w.toolTip()]
    assert not silent, silent


def ui_controls(window):
    out = []
    for kind in (QAbstractButton, QCheckBox, QComboBox):
        out += [w for w in window.findChildren(kind) if w not in out and w.window() is window
                and type(w).__name__ not in ("QTabBar", "QToolBarExtension", "QDockWidgetTitleButton")
                and w.parent() is not None
                and type(w.parent()).__name__ not in ("QTabBar", "QScrollBar", "QLineEdit")
                and not w.objectName().startswith("qt_")]
    return out
