"""Hypothesis over the window's text fields (seeded, bounded): whatever the user types into the
connection panel, its options, the composer, the filter bar, the server-ack and the sequence
panels, and whatever they press then (Return, Connect, Emit, Add...), nothing escapes into the
event loop or a Qt slot, the field keeps exactly what was typed (after a refused action too),
what is wrong is said on screen, and what reaches the server is what was typed.

Text is typed as a user does: the printable ASCII runs with qtbot.keyClicks (QTest asserts on
anything else), the rest (control characters, RTL, emoji, 100 kB pastes) inserted at the cursor
as a paste or an input method would.  A plain-text editor keeps line separators as new lines
(Qt's document model), so its text is compared with them as such.  U+FEFF and U+FFFE are not
generated: PySide drops them at the start of any str it hands to Qt, so no paste keeps them there."""
from __future__ import annotations

import contextlib
import json
import re
import sys
import warnings

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extras (pyproject.toml)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QPlainTextEdit  # noqa: E402

from inspector.session.state import ConnectionState  # noqa: E402
from inspector.testing import InspectorDriver  # noqa: E402
from inspector.wire.options import OptionsError  # noqa: E402
from inspector.wire.payload import PayloadError, parse_sendable, to_jsonable  # noqa: E402
from tests.faults.raw_server import nested  # noqa: E402

pytestmark = pytest.mark.faults


def fuzz(examples: int):
    return settings(derandomize=True, max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


class Big(str):
    """A long text that hypothesis reports by its length, not its 100 kB."""

    def __repr__(self) -> str:
        return f"Big({str.__repr__(self[:24])}… {len(self):,} characters)"


def big(text: str) -> str:
    return Big(text) if len(text) > 500 else text


HUGE = "x" * 100_000
EDGES = ["", " ", "--", ":", "a:", ":a", "=", "a=", "=a", "\x00", "\t", "\n\n", "\r\n", "\u2028", "\x1b[31m",
         "\u202eabc", "שלום", "مرحبا", "😀", "👩‍👩‍👧", "e\u0301", "NaN", "Infinity", "-Infinity",
         "1e999", "-1e999", "1" * 4301, nested(5_000), "[1,", "{", '{"a":', "}", "[" * 10, "null", "{}",
         "[]", '"x"', '{"_hex": "zz"}', '{"_bytes": "!"}', '{"_file": "/nonexistent"}', "0x10", "'a'",
         "http://[::1", "http://127.0.0.1:[x]/", "http://", "http://127.0.0.1:99999", "ftp://x", "(a+)+$",
         "[", "(?P<", "\\", "*", "a" * 300, HUGE, "[" * 100_000, '"' + "é" * 50_000 + '"']
EDGES = [big(e) for e in EDGES]
TEXT = (st.sampled_from(EDGES)
        | st.text(max_size=30)
        | st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "So", "Lo", "Mn")),
                  max_size=12)
        | st.lists(st.sampled_from([e for e in EDGES if len(e) < 100]), max_size=4).map(" ".join)
        ).map(lambda t: big(t.replace("\ufeff", "").replace("\ufffe", "")))
ASCII_RUN = re.compile(r"[ -~]+")


def typed(widget, text: str, qtbot) -> None:
    """Clear the field and type `text` into it: ASCII as key presses, the rest pasted."""
    widget.setFocus()
    widget.clear()
    if len(text) > 2_000:                         # a paste: 100 kB of key presses take minutes
        (widget.insertPlainText if isinstance(widget, QPlainTextEdit) else widget.insert)(text)
        return
    pos = 0
    for m in ASCII_RUN.finditer(text):
        _paste(widget, text[pos:m.start()])
        qtbot.keyClicks(widget, m.group())
        pos = m.end()
    _paste(widget, text[pos:])


def _paste(widget, text: str) -> None:
    if text:
        (widget.insertPlainText if isinstance(widget, QPlainTextEdit) else widget.insert)(text)


def shown(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def as_kept(widget, text: str) -> str:
    """What the field holds once `text` is typed: a plain-text editor's document keeps every
    line separator as a new line."""
    if isinstance(widget, QPlainTextEdit):
        return re.sub("\r\n|[\r\u2028\u2029]", "\n", text)
    return text


@contextlib.contextmanager
def nothing_escapes(gui_loop):
    """Fails on an exception that reached sys.excepthook (a Qt slot's), a Qt warning or worse,
    or an error the GUI loop saw (tests/qt_loop.py)."""
    caught: list[str] = []
    previous_hook = sys.excepthook

    def hook(kind, value, tb):
        caught.append(f"{kind.__name__}: {value}")
        previous_hook(kind, value, tb)

    def messages(mode, context, message):
        if mode != QtMsgType.QtDebugMsg and mode != QtMsgType.QtInfoMsg and "does not support" not in message:
            caught.append(f"Qt {mode.name}: {message}")

    sys.excepthook = hook
    previous_handler = qInstallMessageHandler(messages)
    try:
        yield caught
    finally:
        qInstallMessageHandler(previous_handler)
        sys.excepthook = previous_hook
    caught += [f"{r.name}: {r.getMessage()}" for r in gui_loop.errors]
    assert not caught, caught


@pytest.fixture
def window(qtbot, tmp_path, gui_asyncio_loop, shared_demo_server):
    driver = InspectorDriver(qtbot, shared_demo_server.url, settings_dir=tmp_path)
    conn = driver.window.connection
    conn.reconnectCheck.setChecked(False)
    conn.connectTimeoutSpin.setValue(2)
    driver.seen = 0             # entries already looked at by hang_up
    yield driver
    driver.close()


def idle(driver: InspectorDriver) -> None:
    conn = driver.window.connection
    try:
        driver.qtbot.waitUntil(lambda: conn._state == ConnectionState.DISCONNECTED
                               and conn.connectButton.isEnabled(), timeout=15_000)
    except Exception:
        raise AssertionError(f"not idle: {conn._state}, {conn.statusLabel.text()!r}, Connect "
                             f"{conn.connectButton.isEnabled()} {conn.connectButton.text()!r}, "
                             f"Disconnect {conn.disconnectButton.isEnabled()}") from None
    driver.wait_idle()


def hang_up(driver: InspectorDriver) -> str:
    """After a Connect: wait for its outcome in the log (the kind of entry), then disconnect."""
    conn = driver.window.connection
    ends = ("connect", "connect_error")     # (the last goodbye's disconnect row may come after)
    driver.qtbot.waitUntil(lambda: any(e.kind in ends for e in driver.entries()[driver.seen:]), timeout=15_000)
    outcome = next(e for e in driver.entries()[driver.seen:] if e.kind in ends)
    driver.seen = len(driver.entries())
    driver.wait_idle()
    if conn.disconnectButton.isEnabled():
        driver.click("disconnectButton")
    idle(driver)
    driver.seen = len(driver.entries())       # the goodbye's own entries too
    return f"{outcome.kind}: {outcome.detail}"


# -- the connection panel ---------------------------------------------------------------------

URLS = TEXT | st.sampled_from(["http://[::1", "http://127.0.0.1:[x]/", "http://[::1]:x/", "http://[", "http://]",
                               "http://127.0.0.1:99999", "http://", "ws://:1", "http://u:p@[::1?t=1"]) \
    | st.sampled_from(["http://127.0.0.1:1", "ws://127.0.0.1:1/chat", "http://u:p@127.0.0.1:1/?t=1",
                               "https://[::1]:1/x?y=z", "http://127.0.0.1:0"]) \
    | st.text(max_size=12).map(lambda t: "http://127.0.0.1:1/" + t)


@fuzz(60)
@given(url=URLS)
def test_the_url_field(window, gui_loop, url):
    conn = window.window.connection
    with nothing_escapes(gui_loop):
        typed(conn.urlEdit, url, window.qtbot)
        try:
            conn.options()
            refused = None
        except OptionsError as exc:
            refused = str(exc)
        window.qtbot.keyClick(conn.urlEdit, Qt.Key.Key_Return)
        if refused is None:
            hypothesis.event("URL: " + hang_up(window).split(":")[0])
        else:
            hypothesis.event("URL: refused in words")
        conn.save()                              # what closing the window does
        assert shown(conn.urlEdit) == url
        if refused is not None:
            assert conn.statusLabel.text() == refused and not conn.optionsError.isHidden()


FIELD_NAMES = ("pathEdit", "authEdit", "queryEdit", "headersEdit")


@fuzz(80)
@given(name=st.sampled_from(FIELD_NAMES), text=TEXT | st.sampled_from(
    ['{"token": "x"}', '{"n": NaN}', '{"n": 1e999}', "a=1\nb=", "X-A: 1\n--", "X-A: \x00", "\u00e9: v",
     "a b: c", big("X: " + "v" * 10_000), "/socket.io", "/sock\x00et.io", "/x y"]))
def test_the_options_fields(window, gui_loop, shared_demo_server, name, text):
    conn = window.window.connection
    field = window.widget(name)
    conn.showSecretsCheck.setChecked(True)
    with nothing_escapes(gui_loop):
        typed(field, text, window.qtbot)
        try:
            opts = conn.options()
            refused = None
        except OptionsError as exc:
            refused = str(exc)
        window.qtbot.mouseClick(conn.connectButton, Qt.MouseButton.LeftButton)
        if refused is None:
            if opts.auth is not None:
                json.dumps(opts.auth, allow_nan=False)          # nothing but JSON for the wire
            outcome = hang_up(window)
            hypothesis.event(f"{name}: {outcome.split(':')[0]}")
            if name != "pathEdit" and len(text) < 1_000:   # what is sent is what a server takes
                assert outcome.startswith("connect:"), outcome
        elif conn.connectButton.isEnabled():
            hypothesis.event(f"{name}: refused in words")
            assert not conn.optionsError.isHidden() and conn.optionsError.text() == refused
        else:                                    # invalid auth: the button says why it is off
            hypothesis.event(f"{name}: refused in words")
            assert name == "authEdit" and "auth is not valid JSON" in conn.connectButton.toolTip()
        conn.save()                              # what closing the window does
        assert shown(field) == as_kept(field, text)
        field.clear()


# -- the composer ---------------------------------------------------------------------------------

@pytest.fixture
def connected(window):
    window.connect()
    return window               # closing the window says goodbye (InspectorDriver.close)


EVENTS = TEXT | st.sampled_from(["echo", "connect", "disconnecting", " echo ", "e" * 1000])
ARGS = TEXT | st.sampled_from(['1 "two" {"three": [3]}', '{"_hex": "de ad"}', "[1e308]", "[-0.0]", "1.5 NaN",
                               big(nested(900)), big("9" * 4300), '{"a": {"b": [null, true]}}'])


@fuzz(70)
@given(event=EVENTS, args=ARGS)
def test_the_composer(connected, gui_loop, shared_demo_server, event, args):
    composer = connected.window.emitPanel
    with nothing_escapes(gui_loop):
        typed(composer.eventEdit, event, connected.qtbot)
        typed(composer.argsEdit, args, connected.qtbot)
        kept = as_kept(composer.argsEdit, args)
        composer.argsEdit.revalidate()           # what the pause after a large paste does
        before, logged = len(shared_demo_server.received), len(connected.entries())
        will_send = composer.emitButton.isEnabled()
        connected.qtbot.keyClick(composer.eventEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        hypothesis.event("emit: sent" if will_send else "emit: refused")
        if will_send:
            want = to_jsonable(parse_sendable(kept))
            name = event.strip()
            connected.qtbot.waitUntil(lambda: any(e.dir == "out" and e.kind == "event"
                                                  for e in connected.entries()[logged:]), timeout=10_000)
            sent = next(e for e in connected.entries()[logged:] if e.dir == "out" and e.kind == "event")
            assert (sent.event, to_jsonable(sent.args)) == (name, want)          # what the log shows
            sio = shared_demo_server.server.sio        # names it routes elsewhere ("*" included)
            if name not in {"*", *sio.handlers.get("/", {}), *sio.reserved_events}:
                connected.qtbot.waitUntil(lambda: len(shared_demo_server.received) > before, timeout=10_000)
                _, got_event, got = shared_demo_server.received[-1]
                assert (got_event, to_jsonable(got)) == (name, want)              # what the server got
        else:
            connected.wait_idle()
            assert len(shared_demo_server.received) == before
            reason = composer.emitButton.toolTip()
            assert reason and reason != "Emit (Ctrl+Return)"
            if not composer.argsEdit.valid:
                assert not composer.argsError.isHidden() and composer.argsError.text()
                with pytest.raises(PayloadError):
                    parse_sendable(kept)
        connected.wait_idle()
        assert shown(composer.eventEdit) == event
        assert shown(composer.argsEdit) == kept


@fuzz(40)
@given(text=st.sampled_from(["1e999", "nan", "inf", "-5", "99999", "0", "0.05", "abc", "--", "1,5", "", "3600.1"])
       | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=10))
def test_the_ack_timeout_field(window, gui_loop, text):
    spin = window.window.emitPanel.ackTimeoutSpin
    with nothing_escapes(gui_loop):
        spin.lineEdit().selectAll()
        window.qtbot.keyClicks(spin.lineEdit(), text)
        window.qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
        spin.interpretText()
        value = window.window.emitPanel.ack_timeout()
        assert value is None or 0 <= value <= 3600


# -- the filter bar -------------------------------------------------------------------------------

@fuzz(60)
@given(text=TEXT, regex=st.booleans())
def test_the_filter_bar(connected, gui_loop, text, regex):
    bar = connected.window.logView.filterBar
    if not connected.find(kind="ack", event="echo"):
        connected.emit("echo", {"text": "hello"}, ack=True)
        connected.wait_for(kind="ack", event="echo")
    with nothing_escapes(gui_loop):
        bar.regexButton.setChecked(regex)
        typed(bar.filterEdit, text, connected.qtbot)
        connected.qtbot.keyClick(bar.filterEdit, Qt.Key.Key_Return)
        bar.apply_now()
        invalid = False
        if regex and text:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FutureWarning)     # "[[": a note, not an error
                    re.compile(text)
            except (re.error, OverflowError, RecursionError):
                invalid = True
        assert bar.errorLabel.isHidden() != invalid
        if invalid:
            assert bar.errorLabel.text() and bar.filterEdit.property("state") == "invalid"
        connected.wait_idle()
        assert shown(bar.filterEdit) == text


# -- the server-ack and sequence panels -----------------------------------------------------------

@fuzz(40)
@given(answer=ARGS)
def test_the_default_answer_to_a_server_ack(connected, gui_loop, answer):
    acks = connected.window.serverAcks
    with nothing_escapes(gui_loop):
        typed(acks.defaultReplyEdit, answer, connected.qtbot)
        try:
            want = to_jsonable(parse_sendable(answer))
        except PayloadError as exc:
            want = []                             # the default answer stays empty, and it says why
            assert not acks.note.isHidden() and str(exc) in acks.note.text()
        connected.wait_idle()
        asked = len(connected.find(kind="event", event="answer_received"))
        connected.emit("ask", "who?")
        got = connected.wait_for(kind="event", event="answer_received", count=asked + 1)
        assert to_jsonable(got.args[0]["answer"]) == want
        assert shown(acks.defaultReplyEdit) == answer


@fuzz(40)
@given(event=TEXT, answer=ARGS, delay=st.sampled_from(["0", "", "nan", "inf", "1e999", "-1", "abc", "0.01"]) | TEXT)
def test_the_answer_table(window, gui_loop, event, answer, delay):
    acks = window.window.serverAcks
    with nothing_escapes(gui_loop):
        window.qtbot.mouseClick(acks.addButton, Qt.MouseButton.LeftButton)
        row = acks.table.rowCount() - 1
        for col, text in enumerate((event, answer, delay)):
            acks.table.item(row, col).setText(text)
        _, by_event, problems = acks.replies()
        for reply in by_event.values():
            assert 0 <= reply.delay <= 24 * 3600, reply.delay      # nan and inf refused
            json.dumps(to_jsonable(reply.args), allow_nan=False)
        if event.strip() and event.strip() not in by_event:
            assert problems and not acks.note.isHidden()
        assert [acks.table.item(row, c).text() for c in range(3)] == [event, answer, delay]
        window.wait_idle()


@fuzz(60)
@given(event=TEXT, path=TEXT | st.sampled_from(["seq", "data.i", "[1].n", "$", "$[0]", "[99999999999999999999]",
                                                "a..b", "[-1]", "[", "a[0"]), ns=TEXT)
def test_the_sequence_table(window, gui_loop, event, path, ns):
    seq = window.window.sequences
    with nothing_escapes(gui_loop):
        window.qtbot.mouseClick(seq.addButton, Qt.MouseButton.LeftButton)
        row = seq.table.rowCount() - 1
        for col, text in enumerate((event, path, ns)):
            seq.table.item(row, col).setText(text)
        rules, problems = seq.rules()
        if event.strip() and not any(r.event == event.strip() for r in rules):
            assert problems and not seq.note.isHidden()
        assert [seq.table.item(row, c).text() for c in range(3)] == [event, path, ns]
        window.wait_idle()


# -- what the fuzz found, by name -------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:[x]/"])
def test_a_url_with_a_broken_bracket_is_refused_in_words(window, gui_loop, url):
    """urlsplit's own ValueError escaped the Return key's slot (and a scenario's connection)."""
    conn = window.window.connection
    with nothing_escapes(gui_loop):
        typed(conn.urlEdit, url, window.qtbot)
        window.qtbot.keyClick(conn.urlEdit, Qt.Key.Key_Return)
    assert conn.statusLabel.text().startswith("URL is not valid: ")
    assert conn.urlEdit.text() == url and "border" in conn.urlEdit.styleSheet()
    assert not window.entries()                                 # no connection was tried


@pytest.mark.parametrize("headers, says", [
    ('{"token": "x"}', "headers: '{\"token\"' is not a header name"),
    ("a b: c", "headers: 'a b' is not a header name"),
    ("X-A: 1\x00", "headers: the value of X-A has a control character")])
def test_a_header_that_http_cannot_carry_is_refused_before_the_wire(window, gui_loop, headers, says):
    """aiohttp sent such a name as it was, and the server answered 400 to the handshake."""
    conn = window.window.connection
    conn.showSecretsCheck.setChecked(True)
    with nothing_escapes(gui_loop):
        typed(conn.headersEdit, headers, window.qtbot)
        window.qtbot.mouseClick(conn.connectButton, Qt.MouseButton.LeftButton)
    assert conn.optionsError.text().startswith(says) and conn.statusLabel.text().startswith(says)
    assert conn.headersEdit.toPlainText() == headers and not window.entries()


@pytest.mark.parametrize("name", ["urlEdit", "pathEdit", "authEdit", "eventEdit", "filterEdit",
                                  "defaultReplyEdit"])
def test_a_100_kB_paste_is_kept_whole(window, gui_loop, name):
    """A QLineEdit cut what it was given at 32,767 characters, without a word."""
    field = window.widget(name)
    with nothing_escapes(gui_loop):
        typed(field, HUGE, window.qtbot)
    assert field.text() == HUGE


def test_an_integer_past_a_double_is_refused_in_the_composer(connected, gui_loop, shared_demo_server):
    """400 digits went out as they were: python-socketio refuses over 100 digits (the event is
    dropped unseen), a JavaScript server reads Infinity."""
    composer = connected.window.emitPanel
    before = len(shared_demo_server.received)
    with nothing_escapes(gui_loop):
        typed(composer.eventEdit, "numbers", connected.qtbot)
        typed(composer.argsEdit, "[1, 1" + "0" * 400 + "]", connected.qtbot)
        connected.qtbot.keyClick(composer.eventEdit, Qt.Key.Key_Return)
    assert "(401 digits) is out of the range of a JSON number" in composer.argsError.text()
    assert not composer.emitButton.isEnabled()
    connected.wait_idle()
    assert len(shared_demo_server.received) == before


@pytest.mark.parametrize("delay", ["inf", "1e999", "nan", "86401"])
def test_an_answer_delay_that_never_ends_is_refused(window, gui_loop, delay):
    """inf and 1e999 were taken as an answer never sent, nan as no delay."""
    acks = window.window.serverAcks
    with nothing_escapes(gui_loop):
        acks.set_reply("question", '"yes"', 0)
        acks.table.item(0, 2).setText(delay)
    _, by_event, problems = acks.replies()
    assert "question" not in by_event
    assert problems == ["question: delay is not a number of seconds up to 86,400"]
    assert acks.note.text() == problems[0]


def test_a_nested_set_in_a_regular_expression_is_a_filter(connected, gui_loop):
    """re's FutureWarning for "[[" was raised in the filter bar's slot (an exception under -W error)."""
    bar = connected.window.logView.filterBar
    with nothing_escapes(gui_loop):
        bar.regexButton.setChecked(True)
        typed(bar.filterEdit, "[[]", connected.qtbot)
        bar.apply_now()
    assert bar.errorLabel.isHidden() and bar.filterEdit.property("state") == "valid"
