"""The log's columns are declared once: the model, the view and the delegate take them from there."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from inspector.log.entry import IN, OUT, Flag, Kind, LogEntry
from inspector.ui import palette
from inspector.ui.log.columns import COLUMNS, ColumnKey, column, position
from inspector.ui.log.model import LogModel
from inspector.ui.log.view import LogView


def test_each_key_names_one_column_in_the_order_shown():
    assert [c.key for c in COLUMNS] == list(ColumnKey)
    assert [position(k) for k in ColumnKey] == list(range(len(COLUMNS)))
    assert column(ColumnKey.ARGS).width is None          # the one that stretches


def test_the_model_headers_are_the_columns():
    model = LogModel()
    assert model.columnCount() == len(COLUMNS)
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(i, horizontal) for i in range(model.columnCount())] == \
        ["#", "Time", "Dir", "Client", "Namespace", "Event", "Arguments", "Size", "Ack", "Flags"]
    assert model.headerData(position(ColumnKey.FLAGS), horizontal, Qt.ItemDataRole.ToolTipRole) == \
        "compressed, volatile, binary, buffered, recovered, late, timeout, nonfinite"


def test_each_column_answers_its_roles():
    model = LogModel()
    model.append([LogEntry(1, 1700000000.25, OUT, Kind.EVENT, "/chat", "slow", [1], ack_id=0, bytes=1500),
                  LogEntry(2, 1700000009.0, IN, Kind.ACK, "/chat", "slow", [], ack_id=0, rtt_ms=9000.0,
                           flags=(Flag.LATE,))])
    def cell(key, role=Qt.ItemDataRole.DisplayRole):
        return model.index(0, position(key)).data(role)
    assert [cell(k) for k in (ColumnKey.SEQ, ColumnKey.DIR, ColumnKey.NS, ColumnKey.EVENT, ColumnKey.ARGS,
                              ColumnKey.SIZE, ColumnKey.ACK)] == \
        ["1", "↑ out", "/chat", "slow", "1", "1.5 KB", "late, 9.00 s"]
    fg = Qt.ItemDataRole.ForegroundRole
    assert cell(ColumnKey.DIR, fg).color() == palette.DIR_OUT.qcolor()
    assert cell(ColumnKey.ACK, fg).color() == palette.ACK_LATE.qcolor()
    assert cell(ColumnKey.NS, fg) is None
    assert cell(ColumnKey.ARGS, Qt.ItemDataRole.FontRole) is not None
    assert cell(ColumnKey.NS, Qt.ItemDataRole.FontRole) is None
    assert cell(ColumnKey.SIZE, Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight
                                                                         | Qt.AlignmentFlag.AlignVCenter)
    assert cell(ColumnKey.EVENT, Qt.ItemDataRole.ToolTipRole) == "slow"
    assert model.index(1, position(ColumnKey.FLAGS)).data() == "late"


def test_the_view_sizes_the_columns_as_declared(qtbot):
    view = LogView()
    qtbot.addWidget(view)
    view.setModel(LogModel())
    view.resize(1200, 300)
    table, header = view.table, view.table.horizontalHeader()
    for i, c in enumerate(COLUMNS):
        if c.width is None:
            assert header.sectionResizeMode(i) == QHeaderView.ResizeMode.Stretch
        else:
            assert header.sectionResizeMode(i) == QHeaderView.ResizeMode.Interactive
            assert table.columnWidth(i) == c.width, c.key
