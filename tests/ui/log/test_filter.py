"""The filter bar over the log: what a user sees after each choice, and the models under it."""
from __future__ import annotations

from PySide6.QtCore import Qt

from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.log.filter import LogFilter
from inspector.ui import palette
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.log.filter_model import FilteredLogModel
from inspector.ui.log.model import LogModel
from inspector.ui.log.view import LogView


def entries() -> list[LogEntry]:
    return [
        LogEntry(1, 1.0, SYS, Kind.CONNECT, "/", detail={"sid": "a"}),
        LogEntry(2, 2.0, IN, Kind.EVENT, "/", "chat", [{"user": "alice", "text": "Hello there"}]),
        LogEntry(3, 3.0, OUT, Kind.EVENT, "/chat", "echo", ["ping"], ack_id=0),
        LogEntry(4, 4.0, IN, Kind.ACK, "/chat", "echo", ["ping"], ack_id=0, rtt_ms=900.0, flags=(Flag.LATE,)),
        LogEntry(5, 5.0, IN, Kind.EVENT, "/chat", "chat", [{"user": "bob", "text": "hello again"}],
                 flags=(Flag.RECOVERED,)),
        LogEntry(6, 6.0, IN, Kind.EVENT, "/", "price", [{"sym": "ABC", "px": 12.5}]),
        LogEntry(7, 7.0, SYS, Kind.DISCONNECT, "/", detail={"reason": "ping timeout"}),
    ]


def make_view(qtbot) -> tuple[LogView, LogModel]:
    model = LogModel()
    view = LogView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(1000, 400)
    view.show()
    model.append(entries())
    return view, model


def shown(view: LogView) -> list[int]:
    f = view.filtered
    return [f.entry(r).seq for r in range(f.rowCount())]


def test_models_pass_qt_model_checks(qtmodeltester):
    model = LogModel()
    model.append(entries())
    filtered = FilteredLogModel(model)
    qtmodeltester.check(filtered)
    filtered.set_filter(LogFilter(text="hello"))
    qtmodeltester.check(filtered)
    model.append([LogEntry(8, 8.0, IN, Kind.EVENT, "/", "chat", ["hello, late comer"])])
    qtmodeltester.check(filtered)
    model.clear()
    qtmodeltester.check(filtered)


def test_each_control_narrows_what_the_table_shows(qtbot):
    view, _model = make_view(qtbot)
    bar = view.filterBar
    assert shown(view) == [1, 2, 3, 4, 5, 6, 7]
    assert view.countLabel.text() == "7 entries"
    bar.set_direction(IN)
    assert shown(view) == [2, 4, 5, 6]
    assert view.countLabel.text() == "4 of 7 entries"
    bar.set_direction(SYS)
    assert shown(view) == [1, 7]
    bar.set_direction("all")
    bar.set_namespace("/chat")
    assert shown(view) == [3, 4, 5]
    bar.set_namespace(None)
    # the events seen are offered, several can be picked
    names = [bar.eventList.item(i).text() for i in range(bar.eventList.count())]
    assert names == ["chat", "echo", "price"]
    bar.set_events(["chat", "price"])
    assert shown(view) == [2, 5, 6]
    assert bar.eventButton.text() == "Events: 2"
    assert bar.eventButton.toolTip() == "Showing the events chat, price"
    bar.clear_events()
    bar.set_flags(["late"])
    assert shown(view) == [4]
    assert bar.flagButton.text() == "Flags: late"
    bar.set_flags(["late", "recovered"])
    assert shown(view) == [4, 5]
    assert bar.flagButton.text() == "Flags: 2" and "late or recovered" in bar.flagButton.toolTip()
    bar.set_flags([])
    assert shown(view) == [1, 2, 3, 4, 5, 6, 7]


def test_text_and_regular_expressions_over_the_arguments(qtbot):
    view, _model = make_view(qtbot)
    bar = view.filterBar
    qtbot.keyClicks(bar.filterEdit, "HELLO")
    assert bar.state == "valid"
    qtbot.waitUntil(lambda: shown(view) == [2, 5], timeout=2000)       # applied after a pause
    bar.caseButton.setChecked(True)                                    # match case
    bar.apply_now()
    assert shown(view) == []
    bar.caseButton.setChecked(False)
    bar.filterEdit.setText(r'"user":"(alice|bob)"')
    bar.regexButton.setChecked(True)
    bar.apply_now()
    assert shown(view) == [2, 5]


def test_an_invalid_expression_is_shown_as_invalid_and_the_table_keeps_its_rows(qtbot):
    view, _model = make_view(qtbot)
    bar = view.filterBar
    bar.regexButton.setChecked(True)
    bar.filterEdit.setText("hello")
    bar.apply_now()
    assert shown(view) == [2, 5]
    bar.filterEdit.setText("hel(lo")
    bar.apply_now()
    assert bar.state == "invalid"
    assert "invalid regular expression: missing )" in bar.filterEdit.toolTip()
    assert palette.INVALID_BORDER.css() in bar.filterEdit.styleSheet()
    assert not bar.errorLabel.isHidden() and "missing )" in bar.errorLabel.text()
    assert shown(view) == [2, 5]                 # the last valid filter stays applied
    bar.filterEdit.clear()
    bar.apply_now()
    assert bar.state == "empty" and bar.errorLabel.isHidden()
    assert shown(view) == [1, 2, 3, 4, 5, 6, 7]


def test_rows_that_arrive_pass_the_filter_as_they_come(qtbot):
    view, model = make_view(qtbot)
    view.filterBar.set_direction(IN)
    view.filterBar.filterEdit.setText("hello")
    view.filterBar.apply_now()
    model.append([LogEntry(8, 8.0, IN, Kind.EVENT, "/", "chat", ["hello from the new one"]),
                  LogEntry(9, 9.0, OUT, Kind.EVENT, "/", "chat", ["hello from me"]),
                  LogEntry(10, 10.0, IN, Kind.EVENT, "/", "chat", ["bye"])])
    assert shown(view) == [2, 5, 8]
    assert view.filtered.index(2, position(ColumnKey.ARGS)).data() == '"hello from the new one"'
    assert view.countLabel.text() == "3 of 10 entries"


def test_the_ack_column_follows_through_the_filter(qtbot):
    view, model = make_view(qtbot)
    view.filterBar.set_direction(OUT)
    model.append([LogEntry(8, 8.0, OUT, Kind.EVENT, "/", "slow", [], ack_id=5)])
    f = view.filtered
    row = shown(view).index(8)
    assert f.index(row, position(ColumnKey.ACK)).data() == "waiting…"
    model.append([LogEntry(9, 9.0, SYS, Kind.ACK, "/", "slow", None, ack_id=5, flags=(Flag.TIMEOUT,))])
    assert f.index(row, position(ColumnKey.ACK)).data() == "timeout"
    assert f.index(row, position(ColumnKey.EVENT)).data() == "slow"


def test_selecting_by_seq_selects_and_shows_those_rows(qtbot):
    view, _model = make_view(qtbot)
    selected = []
    view.entrySelected.connect(selected.append)
    assert view.select_seq_range(3, 5)
    assert [e.seq for e in view.selected_entries()] == [3, 4, 5]
    assert selected[-1].seq == 3
    # a filter that hides the row is cleared to show it
    view.filterBar.set_direction(SYS)
    assert view.scroll_to_seq(4)
    assert view.filterBar.current().is_empty() and view.current_seq() == 4
    assert not view.select_seq_range(100, 200)


def test_the_log_stays_on_the_selected_entry_when_the_filter_changes(qtbot):
    view, _model = make_view(qtbot)
    view.scroll_to_seq(5)
    view.filterBar.set_namespace("/chat")
    assert view.current_seq() == 5
    assert view.table.selectionModel().isRowSelected(shown(view).index(5), view.table.rootIndex())
    assert view.table.currentIndex().data(Qt.ItemDataRole.DisplayRole) == "5"
