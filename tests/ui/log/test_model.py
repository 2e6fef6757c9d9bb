from PySide6.QtCore import Qt

from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.ui import palette
from inspector.ui.log.columns import ColumnKey, format_size, position
from inspector.ui.log.model import LogModel


def entry(seq, **kw):
    base = dict(t=1700000000.0 + seq, dir=IN, kind=Kind.EVENT, ns="/", event="e", args=[seq])
    base.update(kw)
    return LogEntry(seq, **base)


def test_model_passes_qt_model_checks(qtmodeltester):
    model = LogModel()
    model.append([entry(i) for i in range(1, 6)])
    qtmodeltester.check(model)
    model.append([entry(6, dir=OUT, ack_id=0), entry(7, kind=Kind.ACK, ack_id=0, rtt_ms=2.5)])
    model.clear()
    qtmodeltester.check(model)


def test_one_insert_per_batch_with_inclusive_last(qtbot):
    model = LogModel()
    inserts = []
    model.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    model.append([entry(i) for i in range(1, 101)])
    model.append([entry(101)])
    model.append([])
    assert inserts == [(0, 99), (100, 100)]
    assert model.rowCount() == 101


def test_cells_say_what_a_user_needs():
    model = LogModel()
    model.append([
        entry(1, event="chat", args=["hello", {"n": 1}], bytes=2048),
        entry(2, dir=SYS, kind=Kind.DISCONNECT, event=None, args=None, detail={"reason": "ping timeout"}),
        entry(3, dir=SYS, kind=Kind.GAP, event=None, args=None,
              detail={"duration_s": 3.25, "reason": "transport close"}),
        entry(4, args=[b"\x00" * 5]),
    ])
    assert model.index(0, position(ColumnKey.DIR)).data() == "↓ in"
    # the arguments as compact JSON, without the array's brackets
    assert model.index(0, position(ColumnKey.ARGS)).data() == '"hello",{"n":1}'
    assert model.index(0, position(ColumnKey.SIZE)).data() == "2.0 KB"
    assert model.index(1, position(ColumnKey.EVENT)).data() == "disconnect: ping timeout"
    assert model.index(2, position(ColumnKey.EVENT)).data() == "gap: down 3.25 s (transport close)"
    assert all(model.index(2, c).data(Qt.ItemDataRole.BackgroundRole) is not None for c in range(model.columnCount()))
    assert model.index(3, position(ColumnKey.ARGS)).data() == '"<5 bytes>"'


def test_the_emit_row_shows_its_ack_result():
    model = LogModel()
    changed = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), a.column())))
    model.append([entry(1, dir=OUT, event="echo", ack_id=4, ns="/chat"),
                  entry(2, dir=OUT, event="slow", ack_id=5, ns="/chat")])
    assert model.index(0, position(ColumnKey.ACK)).data() == "waiting…"
    model.append([entry(3, kind=Kind.ACK, event="echo", ack_id=4, ns="/chat", rtt_ms=1.25)])
    assert model.index(0, position(ColumnKey.ACK)).data() == "✓ 1.2 ms"
    assert (0, position(ColumnKey.ACK)) in changed
    model.append([entry(4, dir=SYS, kind=Kind.ACK, event="slow", ack_id=5, ns="/chat", flags=(Flag.TIMEOUT,))])
    assert model.index(1, position(ColumnKey.ACK)).data() == "timeout"
    model.append([entry(5, kind=Kind.ACK, event="slow", ack_id=5, ns="/chat", rtt_ms=900.0, flags=(Flag.LATE,))])
    assert model.index(1, position(ColumnKey.ACK)).data() == "late, 900 ms"


def test_sizes():
    assert format_size(None) == "" and format_size(12) == "12 B"
    assert format_size(1536) == "1.5 KB" and format_size(3 * 1024 * 1024) == "3.0 MB"


def test_a_server_ack_request_row_says_when_it_was_answered():
    model = LogModel()
    model.append([entry(1, event="question", ack_id=3),
                  entry(2, dir=OUT, event="echo", ack_id=3)])   # our own emit, same id
    assert model.index(0, position(ColumnKey.ACK)).data() == "asked"
    model.append([entry(3, dir=OUT, kind=Kind.ACK, event="question", ack_id=3)])
    assert model.index(0, position(ColumnKey.ACK)).data() == "answered"
    assert model.index(1, position(ColumnKey.ACK)).data() == "waiting…"


def test_the_table_paints_backgrounds_and_selection_through_its_delegate(qtbot):
    from PySide6.QtGui import QColor

    from inspector.ui.log.delegate import LogDelegate
    from inspector.ui.log.view import LogView
    model = LogModel()
    model.append([entry(1, dir=SYS, kind=Kind.GAP, event=None, args=None,
                        detail={"duration_s": 1.0, "reason": "transport close"}),
                  entry(2), entry(3)])
    view = LogView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 300)
    view.show()
    table = view.table
    assert isinstance(table.itemDelegate(), LogDelegate)
    view.select_seq_range(3, 3)
    image = table.viewport().grab().toImage()
    height = table.rowHeight(0)
    x = table.columnViewportPosition(position(ColumnKey.ARGS)) + 30
    assert QColor(image.pixel(x, height // 2)) == palette.GAP_ROW.qcolor()          # the gap row
    assert QColor(image.pixel(x, 2 * height + height // 2)) == table.palette().highlight().color()
