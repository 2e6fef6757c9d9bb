"""Keyboard (issue 14, point 6): the keys work, and Help lists every one of them."""
from importlib import metadata

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from inspector import __version__
from inspector.log.entry import IN, Kind
from inspector.ui import shortcuts as K
from inspector.ui.about import about_text
from tests.ui.looks import settle

CTRL = Qt.KeyboardModifier.ControlModifier


def active(ui):
    ui.window.activateWindow()
    ui.qtbot.waitUntil(ui.window.isActiveWindow)
    return ui.window


def test_ctrl_k_connects_and_disconnects(inspector):
    ui = inspector
    window = active(ui)
    ui.qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    ui.wait_for_status("Connected")
    ui.wait_idle()
    ui.qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    ui.wait_for_status("Disconnected")


def test_ctrl_return_connects_from_the_url_field_and_emits_from_any_composer_field(inspector):
    ui = inspector
    active(ui)
    ui.qtbot.keyClick(ui.widget("urlEdit"), Qt.Key.Key_Return, CTRL)
    ui.wait_for_status("Connected")
    ui.wait_idle()
    panel = ui.window.emitPanel
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"from the combo"')
    ui.qtbot.keyClick(panel.namespaceCombo.lineEdit(), Qt.Key.Key_Return, CTRL)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.wait_idle()
    ui.type_into("argsEdit", '"from the timeout"')
    ui.qtbot.keyClick(panel.ackTimeoutSpin, Qt.Key.Key_Return, CTRL)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", count=2)
    assert [e.args for e in ui.find(dir="out", event="echo")] == [["from the combo"], ["from the timeout"]]


def test_ctrl_f_focuses_the_filter_and_esc_clears_it(inspector):
    ui = inspector
    window = active(ui)
    bar = ui.window.logView.filterBar
    bar.filterEdit.setText("welcome")
    bar.apply_now()
    ui.widget("eventEdit").setFocus()
    ui.qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    ui.qtbot.waitUntil(bar.filterEdit.hasFocus)
    ui.qtbot.keyClick(bar.filterEdit, Qt.Key.Key_Escape)
    assert bar.filterEdit.text() == "" and not ui.window.logView.filtered.filtered


def test_help_lists_every_shortcut_the_window_has(inspector):
    ui = inspector
    dialog = ui.window.show_shortcuts()
    settle(ui.qtbot)
    table = dialog.table
    listed = {table.item(i, 0).text() for i in range(table.rowCount())}
    assert table.rowCount() == len(K.every())
    # every key a menu answers to is in the list, as the user's platform writes it
    for action in ui.window.findChildren(QAction):
        for seq in action.shortcuts():
            text = seq.toString(QKeySequence.SequenceFormat.NativeText)
            assert any(text in row.split(", ") for row in listed), (action.text(), text)
    keys = {k for row in listed for k in row.split(", ")}
    assert {K.CONNECT.shown(), K.FOCUS_FILTER.shown(), K.CLEAR_FILTER.shown()} <= keys
    dialog.close()


def test_about_says_the_versions(qapp):
    text = about_text()
    assert __version__ in text and qVersion() in text
    assert metadata.version("python-socketio") in text and metadata.version("python-engineio") in text
    assert "Socket.IO 5 over Engine.IO 4" in text
    assert QApplication.instance() is qapp
