"""Emit history and templates (issue 14, point 2): Up/Down recalls the emits sent, per
namespace and across runs; a log row is emitted again (or back) or edited first; templates
with ${...} variables; event names completed from what was seen and sent."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from inspector.log.entry import IN, OUT, Flag, Kind
from inspector.testing import InspectorDriver
from inspector.ui.panels.emit_history import KEEP, EmitForm, EmitHistory, Recall
from inspector.ui.panels.emit_templates import EmitTemplate, EmitTemplates, fill, names_used


def press(qtbot, widget, key) -> None:
    qtbot.keyClick(widget, key)


def test_up_and_down_recall_the_emits_of_this_namespace_and_they_outlive_the_window(
        qtbot, tmp_path, gui_asyncio_loop):
    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
    try:
        ui.connect()
        ui.open_namespace("/chat")
        ui.emit("echo", "one", ack=True, timeout=3)
        ui.emit("echo", {"n": 2}, volatile=True)
        ui.emit("message", {"room": "lobby", "text": "hi"}, ns="/chat", compress=False)
        ui.wait_for(kind=Kind.EVENT, dir=OUT, event="message")
    finally:
        ui.close()
    assert (tmp_path / "data" / "emit-history.json").is_file()

    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)     # the next morning
    try:
        panel = ui.window.emitPanel
        edit = panel.eventEdit
        panel.set_namespace("/")
        ui.type_into("eventEdit", "draft")
        edit.setFocus()
        press(qtbot, edit, Qt.Key.Key_Up)
        assert (edit.text(), panel.argsEdit.toPlainText()) == ("echo", '{"n": 2}')
        assert panel.volatileCheck.isChecked() and not panel.ackCheck.isChecked()
        press(qtbot, edit, Qt.Key.Key_Up)
        assert (edit.text(), panel.argsEdit.toPlainText()) == ("echo", '"one"')
        assert panel.ackCheck.isChecked() and panel.ackTimeoutSpin.value() == 3
        assert not panel.volatileCheck.isChecked()
        press(qtbot, edit, Qt.Key.Key_Up)                       # the oldest: it stays
        assert panel.argsEdit.toPlainText() == '"one"'
        press(qtbot, edit, Qt.Key.Key_Down)
        press(qtbot, edit, Qt.Key.Key_Down)                     # past the newest: the draft
        assert edit.text() == "draft"
        panel.set_namespace("/chat")                            # another namespace, its own
        press(qtbot, edit, Qt.Key.Key_Up)
        assert edit.text() == "message" and not panel.compressCheck.isChecked()
        assert json.loads(panel.argsEdit.toPlainText()) == {"room": "lobby", "text": "hi"}
        # the events sent are offered as completions in the next run too
        assert {"echo", "message"} <= set(panel._completions.stringList())
    finally:
        ui.close()


def test_a_log_row_is_emitted_again_back_or_edited_first(inspector):
    ui = inspector
    ui.connect()
    ui.emit("echo", "again", {"n": 1}, ack=True, timeout=4, compress=False)
    sent = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    view = ui.window.logView
    [again, edit] = [a for a in view.reemit_actions(sent)][::-1]
    assert again.text() == "Emit again" and edit.text() == "Edit and emit…"
    again.trigger()
    second = ui.wait_for(count=2, kind=Kind.EVENT, dir=OUT, event="echo")
    assert second.args == sent.args and second.ack_id is not None
    assert second.detail["timeout_s"] == 4 and Flag.COMPRESSED not in second.flags
    ui.wait_for(count=2, kind=Kind.ACK, dir=IN, event="echo")

    # an event the server sent, sent back to it as it came
    ui.emit("burst", {"count": 1})
    incoming = ui.wait_for(kind=Kind.EVENT, dir=IN, event="burst")
    [back, edit_in] = view.reemit_actions(incoming)[::-1]
    assert back.text() == "Emit this back"
    back.trigger()
    out = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="burst", count=2)
    assert out.args == incoming.args and out.ack_id is None

    edit_in.trigger()                      # in the composer, to be changed first
    panel = ui.window.emitPanel
    assert panel.eventEdit.text() == "burst" and panel.eventEdit.hasFocus()
    assert [json.loads(line) for line in panel.argsEdit.toPlainText().splitlines()] == incoming.args
    # Up recalls what "Emit again" sent too
    panel.set_form(EmitForm("x"))
    panel.recall(older=True)
    assert panel.eventEdit.text() == "burst"


def test_a_template_is_saved_and_fills_the_composer_with_its_variables(inspector):
    ui = inspector
    ui.connect()
    welcome = ui.wait_for(kind=Kind.EVENT, dir=IN, event="welcome")
    panel = ui.window.emitPanel
    panel.set_form(EmitForm("echo", '{"me": "${welcome.sid}", "user": "${env:USER_FOR_TEST:-nobody}"}',
                            ack=True, timeout=2.5))
    panel.save_template("who am I")
    panel.set_form(EmitForm("other"))
    assert panel.use_template("who am I") == ""
    assert panel.eventEdit.text() == "echo" and panel.ackCheck.isChecked()
    assert panel.ackTimeoutSpin.value() == 2.5
    assert json.loads(panel.argsEdit.toPlainText()) == {"me": welcome.args[0]["sid"], "user": "nobody"}
    ui.click("emitButton")
    sent = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    assert sent.args == [{"me": welcome.args[0]["sid"], "user": "nobody"}]
    # the menu lists it; the file holds it for the next run
    panel._fill_templates_menu()
    assert "who am I" in [a.text() for a in panel.templatesMenu.actions()]
    saved = json.loads(panel.templates.path.read_text())
    assert saved["templates"][0]["name"] == "who am I"
    # a variable with no event behind it says so, and leaves the template's text
    panel.save_template("nothing yet")
    panel.templates.put(EmitTemplate("nothing yet", EmitForm("echo", '"${nosuch.x}"')))
    assert "no 'nosuch' event" in panel.use_template("nothing yet")


def test_event_names_are_completed_from_the_events_seen_and_sent(inspector):
    ui = inspector
    ui.connect()
    ui.wait_for(kind=Kind.EVENT, dir=IN, event="welcome")
    ui.emit("my_own_event")
    ui.wait_for(kind=Kind.EVENT, dir=OUT, event="my_own_event")
    completer = ui.window.emitPanel.eventEdit.completer()
    names = set(completer.model().stringList())
    assert {"welcome", "my_own_event"} <= names


# -- the files themselves (no window) -------------------------------------------------------
def test_the_history_file_keeps_the_newest_and_survives_a_bad_file(tmp_path):
    path = tmp_path / "emit-history.json"
    history = EmitHistory(path)
    for i in range(KEEP + 5):
        history.add("/", EmitForm("e", str(i)))
    history.add("/", EmitForm("e", str(KEEP + 4)))          # the same again: kept once
    again = EmitHistory(path)
    assert [f.args for f in again.of("/")] == [str(i) for i in range(5, KEEP + 5)]
    path.write_text("{not json")
    assert EmitHistory(path).of("/") == []
    path.write_text(json.dumps({"namespaces": {"/": [{"event": "ok"}, {"nope": 1}, "x", {"event": ""}]}}))
    assert EmitHistory(path).of("/") == [EmitForm("ok")]


def test_recall_walks_like_a_shell():
    items = [EmitForm("a"), EmitForm("b")]
    r = Recall()
    assert r.newer(items) is None
    assert r.older(items, EmitForm("typing")) == EmitForm("b")
    assert r.older(items, EmitForm("b")) == EmitForm("a")
    assert r.older(items, EmitForm("a")) is None
    assert r.newer(items) == EmitForm("b")
    assert r.newer(items) == EmitForm("typing")


def test_template_variables_are_the_scenarios_own(tmp_path):
    assert names_used('{"a": "${joined.room}", "b": "${env:X}", "c": "${joined.1}"} "${me}"') == ["joined", "me"]
    last = {"joined": [{"room": "lobby"}, 7]}.get
    assert fill('{"a": "${joined.room}", "n": "${joined.1}"}', last, env={}) == [{"a": "lobby", "n": 7}]
    templates = EmitTemplates(tmp_path / "t.json")
    templates.put(EmitTemplate("b", EmitForm("x")))
    templates.put(EmitTemplate("A", EmitForm("y", "1", ack=True)))
    again = EmitTemplates(tmp_path / "t.json")
    assert again.names() == ["A", "b"] and again.get("A").form == EmitForm("y", "1", ack=True)
    again.remove("b")
    assert EmitTemplates(tmp_path / "t.json").names() == ["A"]


def test_a_huge_emit_is_recalled_in_this_run_but_not_written_to_the_file(tmp_path):
    from inspector.ui.panels.emit_history import FILE_ARGS_MAX
    history = EmitHistory(tmp_path / "h.json")
    history.add("/", EmitForm("small", "1"))
    history.add("/", EmitForm("blob", '"' + "x" * FILE_ARGS_MAX + '"'))
    assert [f.event for f in history.of("/")] == ["small", "blob"]
    assert [f.event for f in EmitHistory(tmp_path / "h.json").of("/")] == ["small"]


def test_emit_again_sends_bytes_as_bytes(inspector):
    ui = inspector
    ui.connect()
    ui.emit("echo", b"\x00\xffbin", ack=True)
    sent = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    row = ui.window.model.rowCount() - 2
    shown = ui.window.model.entry(row)                   # what the context menu is given
    assert shown.seq == sent.seq
    ui.window.reemit(shown, edit=False)
    again = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo", count=2)
    assert again.args == [b"\x00\xffbin"] and Flag.BINARY in again.flags
