"""The reconnect timeline in the window: a drop shows as a gap; clicking it selects its rows."""
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTabWidget

from inspector.log.entry import Kind
from inspector.log.timeline import DOWN, UP
from inspector.ui.log.timeline import PAD, ROW_H
from tests.ui.looks import assert_row_shown_whole


def test_a_drop_shows_on_the_timeline_and_a_click_selects_its_entries(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.window.resize(1200, 800)
    ui.widget("delaySpin").setValue(0.5)
    ui.connect()
    ui.open_namespace("/chat")
    ui.emit("burst", {"count": 300})          # a log taller than the view
    ui.wait_for_event("burst", count=300)
    ui.emit("drop")
    gap = ui.wait_for(kind=Kind.GAP, ns="/", timeout=20)
    view = ui.window.timeline
    ui.qtbot.waitUntil(lambda: [p.state for p in view.timeline.periods.get("/", [])][-2:] == [DOWN, UP],
                       timeout=5000)
    assert view.timeline.namespaces() == ["/", "/chat"]
    assert view.height() >= 2 * ROW_H
    down = view.timeline.periods["/"][-2]
    # the first reconnect waits 0.5 s ± 50 % (socket.io-client's jitter)
    assert down.reason in ("transport close", "transport error") and down.duration > 0.2
    assert "down (" in down.describe() and "reconnect attempt" in down.describe()

    view.live = False          # freeze the time axis so the click lands where we aim
    span = view._span()
    x = int((view._x(down.start, span) + view._x(down.end, span)) / 2)
    y = PAD + ROW_H // 2       # the "/" row
    ui.qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    table = ui.window.logView.table
    rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
    selected = [ui.window.model.entry(r) for r in rows]
    assert selected[0].kind == Kind.DISCONNECT and selected[0].ns == "/"
    assert selected[-1].seq == gap.seq
    # the gap stays in view: new rows do not pull the log back to the bottom
    assert not table.following
    ui.emit("burst", {"count": 50})
    ui.wait_for_event("burst", count=350)
    # the 50 rows are in the table and no scroll to them is due (had it followed, it would have)
    ui.qtbot.waitUntil(lambda: table.model().rowCount() == ui.window.model.rowCount()
                       and not table.follow_pending, timeout=5000)
    assert_row_shown_whole(table, rows[0])


def test_sequence_checks_panel_feeds_the_session(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.window.findChild(QTabWidget, "sideTabs").setCurrentWidget(ui.window.sequences)
    ui.window.sequences.set_rule("number", "seq")
    ui.window.sequences.set_rule("other", "data..i")       # invalid: shown, not applied
    assert ui.widget("sequenceNote").isVisible() and "other" in ui.widget("sequenceNote").text()
    ui.join("numbers")
    ui.emit("emit_numbers", {"start": 1, "count": 2, "interval": 0.01})
    ui.wait_for_event("number", count=2)
    ui.emit("emit_numbers", {"start": 5, "count": 1, "interval": 0.01})
    gap = ui.wait_for(kind=Kind.GAP, ns="/")
    assert gap.detail["missing"] == [3, 4]
    ui.qtbot.waitUntil(lambda: len(ui.window.timeline.timeline.markers) == 1, timeout=5000)


def test_simulate_network_drop_from_the_menu(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("delaySpin").setValue(0.1)
    ui.connect()
    assert ui.window.dropAction.isEnabled()
    ui.window.dropAction.trigger()
    down = ui.wait_for(kind=Kind.DISCONNECT, ns="/")
    assert down.detail["reason"] == "transport close"
    ui.wait_for(kind=Kind.GAP, ns="/", timeout=20)
    ui.wait_for_status("Connected")
