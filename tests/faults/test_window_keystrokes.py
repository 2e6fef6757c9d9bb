"""Hypothesis over the window's text fields (seeded, bounded): whatever is typed into the connection
panel, the composer, the filter bar, the server-ack and sequence panels, no exception reaches Qt's
or asyncio's event loop, no keystroke is lost (the field holds exactly what was typed), and what
the composer does emit crosses the wire as typed and as JSON (nothing invalid is sent).

One window per test (hypothesis runs inside it): an example is a few keystrokes, a window is a
second to build."""
from __future__ import annotations

import json

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extras (pyproject.toml)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTableWidgetItem  # noqa: E402

from inspector.log.entry import OUT, Kind  # noqa: E402
from inspector.wire.payload import PayloadError, parse_args  # noqa: E402
from tests.faults.raw_server import nested  # noqa: E402

FUZZ = settings(derandomize=True, max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# what a keyboard types: any printable character (no control characters, which are keys with
# a meaning of their own: Tab moves the focus, Return presses the default button)
KEYS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
TYPED = st.text(KEYS, max_size=40)
TRICKY = st.sampled_from([
    "", " ", "NaN", "Infinity", "1e999", "1" * 4301, "[1,", '{"a":', "\\", "\\u0000", "'", '"',
    "http://[::1", "http://127.0.0.1:[x]/", "--", "=", "a" * 2000, "%E2%80%A2", "•", "🙂" * 5,
    "/(", "[", "(?P<", "\xa0", '"a\xa0b"', "*", "ns:/chat event:x", "seq", "data.i", "[1].n", "..", "[-1]", "a.b.c.d"])
TEXT = TRICKY | TYPED
LINE_FIELDS = ["urlEdit", "pathEdit", "authEdit", "caFileEdit", "eventEdit", "filterEdit",
               "defaultReplyEdit", "namespaceEdit", "nsAuthEdit", "roomEdit"]
PLAIN_FIELDS = ["queryEdit", "headersEdit", "argsEdit"]


def type_keys(qtbot, widget, text: str) -> None:
    """Type `text` as a keyboard would: ASCII as key presses (QTest's keyClicks, which knows
    only Latin-1 and aborts the process on anything else), a newline as Return, every other
    character as the key event an input method delivers (no key code, the character as its text)."""
    run = ""
    for ch in text + "\0":
        if " " <= ch <= "~":
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        if ch == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif ch != "\0":
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def settle(ui) -> None:
    """Let the window do what the text asked of it: queued slots, the filter bar's delay."""
    QApplication.processEvents()
    bar = ui.window.findChild(QLineEdit, "filterEdit").parent()
    timer = getattr(bar, "_timer", None)
    if timer is not None:
        ui.qtbot.waitUntil(lambda: not timer.isActive())
    QApplication.processEvents()


def test_no_keystroke_is_lost_and_nothing_raises_in_any_text_field(inspector, qtbot):
    ui = inspector
    lines = {name: ui.widget(name, QLineEdit) for name in LINE_FIELDS}
    plains = {name: ui.widget(name, QPlainTextEdit) for name in PLAIN_FIELDS}

    @settings(FUZZ, max_examples=150)
    @given(st.sampled_from(LINE_FIELDS + PLAIN_FIELDS), TEXT)
    def type_into(name, text):
        with qtbot.captureExceptions() as raised:
            field = lines.get(name) or plains[name]
            field.setFocus()
            field.clear()
            type_keys(qtbot, field, text)
            shown = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
            settle(ui)
        assert not raised, f"{name} <- {text!r}: {raised}"
        assert shown == text, f"{name}: typed {text!r}, holds {shown!r}"

    type_into()


@pytest.mark.parametrize("panel", ["sequencePanel", "serverAcksPanel"])
def test_any_cell_text_in_the_tables_is_taken_or_named_never_raised(inspector, qtbot, panel):
    ui = inspector
    tables = {"sequencePanel": ("sequenceTable", "addSequenceButton"),
              "serverAcksPanel": ("ackReplyTable", "addAckReplyButton")}
    table_name, add_name = tables[panel]
    table = ui.widget(table_name)
    ui.widget(add_name).click()
    assert table.rowCount() == 1

    @FUZZ
    @given(st.integers(0, table.columnCount() - 1), TEXT)
    def edit_cell(column, text):
        with qtbot.captureExceptions() as raised:
            table.setItem(0, column, QTableWidgetItem(text))      # a cell's edit is committed whole
            settle(ui)
        assert not raised, f"{table_name} column {column} <- {text!r}: {raised}"
        assert table.item(0, column).text() == text

    edit_cell()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(KEYS, max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(KEYS, max_size=5), inner, max_size=3),
    max_leaves=8)
AS_JSON = st.lists(JSON_VALUES, max_size=3).map(lambda vs: "\n".join(json.dumps(v, ensure_ascii=False)
                                                                   for v in vs))
ARGS_TEXT = (AS_JSON | AS_JSON                   # half of them valid, half anything
             | st.sampled_from(["NaN", "[Infinity]", "1e999", "-1e999", "1" * 4301, nested(5_000),
                                '{"_bytes": "!!"}', "[1,", "1 2 3", '"\\ud800"', '"a\xa0b"'])
             | TYPED)
EVENTS = (st.just("echo") | st.just("echo") | st.just("echo")
          | st.sampled_from(["connect", "disconnect", "", " ", "x" * 300]) | TYPED)


def test_what_the_composer_emits_is_what_was_typed_and_json(inspector_at, shared_demo_server, qtbot):
    ui = inspector_at(shared_demo_server.url)
    ui.connect()
    panel = ui.window.emitPanel
    outcomes = {"sent": 0, "refused": 0}

    @settings(FUZZ, max_examples=30)
    @given(EVENTS, ARGS_TEXT)
    def emit(event, text):
        before = len(ui.find(dir=OUT, kind=Kind.EVENT))
        with qtbot.captureExceptions() as raised:
            for field, typed in ((panel.eventEdit, event), (panel.argsEdit, text)):
                field.clear()
                if len(typed) > 200:                        # what nobody types: pasted
                    field.insert(typed) if isinstance(field, QLineEdit) else field.insertPlainText(typed)
                else:
                    type_keys(qtbot, field, typed)
            settle(ui)
            enabled = panel.emitButton.isEnabled()
            panel.eventEdit.setFocus()
            qtbot.keyClick(panel.eventEdit, "\r")          # Return in the event field emits
            settle(ui)
        assert not raised, f"{event!r} {text!r}: {raised}"
        if not enabled:                                     # refused: it says why, nothing is sent
            assert panel.emitButton.toolTip() != "Emit (Ctrl+Return)"
            assert len(ui.find(dir=OUT, kind=Kind.EVENT)) == before
            outcomes["refused"] += 1
            return
        try:
            want = parse_args(text)
        except PayloadError as exc:                         # enabled only for what parses
            raise AssertionError(f"Emit was enabled for {text!r}: {exc}") from None
        sent = ui.wait_for(count=before + 1, dir=OUT, kind=Kind.EVENT)
        assert sent.event == event.strip() and sent.args == want
        json.loads(sent.to_jsonl())                         # the row's JSON line is JSON
        json.dumps(sent.args, allow_nan=False)              # nothing but JSON reached the wire
        outcomes["sent"] += 1

    emit()
    print(outcomes)
    assert outcomes["sent"] and outcomes["refused"]         # both ways were tried

