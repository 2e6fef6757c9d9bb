"""The window end to end, driven through its widgets against the demo server (in process
on 127.0.0.1:0): what a user clicks, and what the user then sees."""
from __future__ import annotations

import logging
import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from inspector.log.entry import IN, OUT, Kind
from inspector.session.state import NamespaceState
from inspector.ui.log.columns import ColumnKey, position


def test_connect_shows_status_and_the_connect_row(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    status = ui.connect()
    assert status.startswith(f"Connected to {demo_server.url} over")
    ui.wait_for(kind=Kind.CONNECT, ns="/")
    assert not ui.widget("connectButton").isEnabled()
    assert ui.widget("disconnectButton").isEnabled()
    ui.disconnect()
    ui.wait_for(kind=Kind.DISCONNECT, ns="/", where=lambda e: e.detail["reason"] == "client disconnect")
    assert ui.widget("connectButton").isEnabled()


def test_unreachable_url_says_why_and_keeps_the_url(inspector_at):
    ui = inspector_at("http://127.0.0.1:1")
    ui.widget("connectTimeoutSpin").setValue(3)
    ui.widget("reconnectCheck").setChecked(False)       # the first failure is the answer
    ui.click("connectButton")
    ui.wait_for_status("Connection failed")
    assert "cannot connect to http://127.0.0.1:1" in ui.status
    ui.wait_idle()                                  # the connect call came back
    assert ui.message.startswith("Connection failed: cannot connect to http://127.0.0.1:1")
    assert ui.widget("urlEdit").text() == "http://127.0.0.1:1"
    assert ui.widget("connectButton").isEnabled() and ui.widget("connectButton").text() == "Connect"


def test_a_failed_first_connection_is_retried_and_the_status_line_counts_the_attempts(inspector_at):
    # reconnection on: the first connection is retried, as socket.io-client's Manager does.
    # The server accepts TCP and never answers, so each attempt lasts the connect timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        ui = inspector_at(f"http://127.0.0.1:{silent.getsockname()[1]}")
        ui.widget("connectTimeoutSpin").setValue(0.5)
        ui.widget("attemptsSpin").setValue(2)
        ui.widget("delaySpin").setValue(0.05)
        ui.click("connectButton")
        ui.wait_for_status("Reconnecting (attempt 1)…")
        assert ui.widget("disconnectButton").isEnabled()       # the series can be stopped
        ui.wait_for_status("Reconnecting (attempt 2)…")
        ui.wait_for_status("Connection failed: gave up reconnecting after 2 attempt(s)")
        ui.wait_idle()
        assert ui.message.startswith("Connection failed: gave up reconnecting after 2 attempt(s); "
                                     "the last error: no answer from")
        ui.wait_for(count=2, kind=Kind.RECONNECT_ATTEMPT)
        assert [e.detail["attempt"] for e in ui.find(kind=Kind.RECONNECT_ATTEMPT)] == [1, 2]
        assert ui.widget("connectButton").isEnabled()
    finally:
        silent.close()


def test_bad_url_is_refused_before_connecting(inspector_at):
    ui = inspector_at("localhost:5000")
    ui.click("connectButton")
    assert "URL must start with http://" in ui.status
    assert ui.widget("urlEdit").text() == "localhost:5000"
    assert ui.entries() == []


def test_two_namespaces_rooms_and_an_ack_with_its_round_trip(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.open_namespace("/chat")
    names = [ui.window.namespaces.namespaceList.item(i).text() for i in
             range(ui.window.namespaces.namespaceList.count())]
    assert any(n.startswith("/ ") and "connected" in n for n in names)
    assert any(n.startswith("/chat") and "connected" in n for n in names)

    ack = ui.join("lobby", ns="/chat")
    assert ack.args == [{"room": "lobby", "joined": True, "members": 1}]
    ui.qtbot.waitUntil(lambda: ui.window.namespaces.roomList.count() == 1, timeout=5000)
    assert "lobby    joined" in ui.window.namespaces.roomList.item(0).text()

    ui.emit("message", {"room": "lobby", "text": "hi all"}, ns="/chat", ack=True)
    msg = ui.wait_for_event("message", ns="/chat")
    assert msg.args[0]["text"] == "hi all" and msg.args[0]["room"] == "lobby"

    ui.emit("echo", "ping", {"n": 1}, ack=True)
    answer = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    assert answer.args == ["ping", {"n": 1}] and answer.rtt_ms is not None
    # the emit's own row shows the round trip, next to it
    model = ui.window.model
    emit_row = next(r for r in range(model.rowCount())
                    if model.entry(r).dir == OUT and model.entry(r).event == "echo")
    ui.qtbot.waitUntil(lambda: model.index(emit_row, position(ColumnKey.ACK)).data().startswith("✓"), timeout=5000)
    assert model.index(emit_row, position(ColumnKey.ACK)).data().endswith(" ms")


def test_selecting_a_row_shows_the_arguments_pretty_printed(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("echo", {"nested": {"list": [1, 2]}}, ack=True)
    answer = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    model, table = ui.window.model, ui.window.logView.table
    row = next(r for r in range(model.rowCount()) if model.entry(r) is answer)
    table.selectRow(row)
    text = ui.window.detail.argsText.toPlainText()
    assert '"nested": {\n    "list": [\n      1,\n      2\n    ]' in text
    assert f"#{answer.seq}" in ui.window.detail.header.text()
    assert "round trip" in ui.window.detail.header.text()


def test_invalid_json_never_reaches_the_network_and_keeps_the_text(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for_event("welcome")
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"fine"\n{"a": }')
    assert not ui.widget("emitButton").isEnabled()
    error = ui.widget("argsError")
    assert error.isVisible() and "line 2, column 7" in error.text()
    rows_before = len(ui.entries())
    ui.qtbot.keyClick(ui.widget("argsEdit"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ui.widget("argsEdit").toPlainText() == '"fine"\n{"a": }'
    ui.type_into("argsEdit", '"fine"\n{"a": 1}')
    assert ui.widget("emitButton").isEnabled() and not error.isVisible()
    # the valid emit after it goes the same way: once its answer is in, the invalid one would
    # have been logged before it
    ui.qtbot.keyClick(ui.widget("argsEdit"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ui.wait_for(kind="ack", dir="in", event="echo")
    assert [e.args for e in ui.find(dir="out")] == [["fine", {"a": 1}]]
    assert len(ui.entries()) == rows_before + 2


def test_a_reserved_event_name_disables_emit_and_says_why_keeping_the_text(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for_event("welcome")
    ui.type_into("eventEdit", "disconnecting")
    ui.type_into("argsEdit", '"bye"')
    button, note = ui.widget("emitButton"), ui.widget("eventError")
    why = ('"disconnecting" is a reserved event name: socket.io-client refuses to emit it (it is '
           "one of the socket's own events), and a server that receives it ends the connection")
    assert not button.isEnabled() and button.toolTip() == why
    assert note.isVisible() and note.text() == why
    rows_before = len(ui.entries())
    ui.qtbot.keyClick(ui.widget("argsEdit"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ui.qtbot.keyClick(ui.widget("eventEdit"), Qt.Key.Key_Return)
    assert ui.widget("eventEdit").text() == "disconnecting"
    assert ui.widget("argsEdit").toPlainText() == '"bye"'
    ui.type_into("eventEdit", "echo")
    assert button.isEnabled() and not note.isVisible() and button.toolTip() == "Emit (Ctrl+Return)"
    ui.click("emitButton")
    ui.wait_for(kind="ack", dir="in", event="echo")
    assert [e.event for e in ui.find(dir="out")] == ["echo"]     # nothing was sent before it
    assert len(ui.entries()) == rows_before + 2


def test_compress_starts_ticked_as_in_socket_io_client(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    assert ui.widget("compressCheck").isChecked()
    ui.connect()
    ui.wait_for_event("welcome")
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"' + "z" * 200 + '"')
    ui.click("emitButton")
    out = ui.wait_for(kind="event", dir="out", event="echo")
    assert "compressed" in out.flags and out.detail["wire_bytes"] < out.bytes   # a deflated frame


def test_zero_arguments_is_a_valid_emit(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("echo", ack=True)
    out = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    assert out.args == []


def test_server_ack_is_answered_with_the_configured_reply(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    # applied on the network loop ahead of the emit below (both are queued to it in order)
    ui.window.serverAcks.set_reply("question", '"Ada" {"age": 36}')
    ui.emit("ask", "Who are you?")
    question = ui.wait_for_event("question")
    reply = ui.wait_for(kind=Kind.ACK, dir=OUT)
    assert reply.ack_id == question.ack_id and reply.args == ["Ada", {"age": 36}]
    got = ui.wait_for_event("answer_received")
    assert got.args[0]["answer"] == ["Ada", {"age": 36}]


def test_admin_without_auth_is_refused_and_with_auth_opens(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.open_namespace("/admin", expect=NamespaceState.REFUSED)
    err = ui.wait_for(kind=Kind.CONNECT_ERROR, ns="/admin")
    assert err.detail["message"] == "unauthorized"
    assert "/admin refused: unauthorized" in ui.status
    ui.wait_idle()
    assert ui.message == "/admin refused: unauthorized"          # the open call's answer
    assert ui.widget("namespaceEdit").text() == "/admin"           # kept, to try again
    assert ui.widget("openNamespaceButton").text() == "Open"
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.wait_for_event("admin_welcome", ns="/admin")


def test_server_drop_shows_a_gap_row_and_comes_back(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("delaySpin").setValue(0.1)
    ui.connect()
    ui.emit("drop")
    gap = ui.wait_for(kind=Kind.GAP, ns="/", timeout=20)
    assert gap.detail["duration_s"] > 0
    model = ui.window.model
    row = next(r for r in range(model.rowCount()) if model.entry(r) is gap)
    assert model.index(row, position(ColumnKey.EVENT)).data().startswith("gap: down ")
    ui.wait_for_status("Connected")
    ui.emit("echo", "after", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")


def test_log_follows_new_rows_only_while_at_the_bottom(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.window.resize(1100, 600)
    ui.connect()
    table = ui.window.logView.table
    sb = table.verticalScrollBar()

    def shows_every_row_at_the_bottom() -> bool:
        # what the user sees: the table has every row the session logged (the filtered model
        # publishes in batches, so it may lag the log), is laid out for them (the scroll
        # range of the last batch) and the last one is the bottom row of the view
        rows = ui.window.model.rowCount()
        return (table.model().rowCount() == rows and not table.follow_pending
                and sb.maximum() > 0 and sb.value() == sb.maximum()
                and table.rowAt(table.viewport().height() - 2) == rows - 1)

    ui.emit("burst", {"count": 300})
    ui.wait_for(kind="event", event="burst", count=300)
    ui.qtbot.waitUntil(shows_every_row_at_the_bottom, timeout=5000)
    top_range = sb.maximum()
    sb.setValue(0)                              # the user scrolls to the top
    assert not table.following
    ui.emit("burst", {"count": 100})
    ui.wait_for(kind="event", event="burst", count=400)
    # the 100 rows are in the table (its scroll range grew by them) and no scroll to them is
    # due: had the view still been following, it would have scrolled by now
    ui.qtbot.waitUntil(lambda: table.model().rowCount() == ui.window.model.rowCount()
                       and sb.maximum() >= top_range + 100 and not table.follow_pending,
                       timeout=5000)
    assert sb.value() == 0 and table.rowAt(0) == 0
    ui.click("latestButton")
    ui.qtbot.waitUntil(shows_every_row_at_the_bottom, timeout=5000)
    assert table.following
    ui.emit("burst", {"count": 100})
    ui.wait_for(kind="event", event="burst", count=500)
    ui.qtbot.waitUntil(shows_every_row_at_the_bottom, timeout=5000)


def test_clear_empties_the_view(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for(kind=Kind.CONNECT)
    ui.click("clearButton")
    assert ui.window.model.rowCount() == 0
    assert ui.window.logView.countLabel.text() == "0 entries"


def test_secrets_are_masked_and_tls_off_is_visible(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("optionsButton").setChecked(True)
    auth = ui.widget("authEdit")
    assert auth.echoMode() == QLineEdit.EchoMode.Password
    ui.widget("headersEdit").setPlainText("Authorization: Bearer s3cret")
    assert ui.widget("headersEdit").isHidden()            # the values are not on screen
    assert "s3cret" not in ui.widget("headersMask").text()
    assert "Authorization: ••••" in ui.widget("headersMask").text()
    ui.widget("showSecretsCheck").setChecked(True)
    assert not ui.widget("headersEdit").isHidden()
    assert auth.echoMode() == QLineEdit.EchoMode.Normal
    assert not ui.widget("tlsWarning").isVisible()
    ui.widget("verifyTlsCheck").setChecked(False)
    assert ui.widget("tlsWarning").isVisible()


def test_settings_keep_no_secrets_and_tls_checking_comes_back_on(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url.replace("http://", "http://me:pw@") + "/?token=t0k")
    ui.widget("authEdit").setText('{"token": "s3cret"}')
    ui.widget("headersEdit").setPlainText("Authorization: Bearer s3cret")
    ui.widget("verifyTlsCheck").setChecked(False)
    ui.window.connection.save()
    ui.window.settings.sync()
    stored = "\n".join(p.read_text() for p in tmp_path.rglob("*.ini"))
    assert stored and "s3cret" not in stored and "t0k" not in stored and "pw@" not in stored
    again = inspector_at(demo_server.url)
    assert again.widget("verifyTlsCheck").isChecked()


def test_tolerating_undecodable_packets_is_an_option_off_at_every_launch(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    check = ui.widget("tolerateUndecodableCheck")
    assert not check.isChecked() and "closes the connection" in check.toolTip()
    check.setChecked(True)
    ui.click("connectButton")
    ui.wait_for(kind=Kind.CONNECT, ns="/")
    assert ui.window.session.options.tolerate_undecodable      # what the connection runs with
    ui.disconnect()
    ui.window.settings.sync()
    assert not inspector_at(demo_server.url).widget("tolerateUndecodableCheck").isChecked()


def test_invalid_auth_json_disables_connect_and_says_why(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("authEdit").setText('{"token": ')
    assert not ui.widget("connectButton").isEnabled()
    assert "auth is not valid JSON" in ui.widget("connectButton").toolTip()
    ui.widget("authEdit").setText('{"token": "x"}')
    assert ui.widget("connectButton").isEnabled()


def test_the_inspector_fixture_runs_on_the_embedded_demo_server(inspector):
    inspector.connect()
    inspector.emit("echo", b"\x00\x01", ack=True)
    answer = inspector.wait_for(kind=Kind.ACK, event="echo", dir=IN)
    assert answer.args == [b"\x00\x01"]


@pytest.fixture
def silent_server():
    """A port on 127.0.0.1 that takes TCP connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_a_connect_in_flight_says_so_keeps_the_url_and_disconnect_cancels_it(inspector_at, silent_server):
    ui = inspector_at(silent_server)
    ui.widget("connectTimeoutSpin").setValue(20)
    ui.wait_idle()                                   # what the window set up when it opened
    ui.click("connectButton")
    button = ui.widget("connectButton")
    assert button.text() == "Connecting…" and not button.isEnabled()      # from the click on
    ui.wait_for_status("Connecting to")
    ui.qtbot.waitUntil(ui.widget("disconnectButton").isEnabled, timeout=5000)
    assert button.text() == "Connecting…" and not button.isEnabled()
    [connecting] = ui.window.tasks.running
    assert ui.widget("urlEdit").text() == silent_server
    ui.click("disconnectButton")
    ui.wait_idle()
    assert connecting.cancelled()                  # the session's connect was cancelled
    ui.wait_for_status("Connection cancelled")
    assert button.text() == "Connect" and button.isEnabled()
    assert ui.widget("disconnectButton").text() == "Disconnect"
    assert ui.widget("urlEdit").text() == silent_server and ui.message == ""


def test_a_call_the_session_refuses_is_shown_and_logged_without_a_traceback(
        inspector_at, demo_server, caplog):
    ui = inspector_at(demo_server.url)
    ui.connect()
    caplog.set_level(logging.INFO, "inspector.ui.tasks")
    ui.emit("echo", "x", ns="/nowhere")
    ui.wait_idle()
    assert ui.message == "Emit echo failed: /nowhere is not open: open the namespace first"
    [record] = [r for r in caplog.records if r.name == "inspector.ui.tasks"]
    assert record.levelno == logging.INFO and record.exc_info is None
    assert ui.widget("eventEdit").text() == "echo" and ui.widget("argsEdit").toPlainText() == '"x"'
    assert ui.widget("emitButton").isEnabled()
    assert not ui.find(dir="out", event="echo")


@pytest.mark.expect_error(r"drop_transport failed")
def test_a_bug_in_a_handler_is_shown_and_logged_never_raised_into_qt(
        inspector_at, demo_server, gui_loop, monkeypatch):
    ui = inspector_at(demo_server.url)
    ui.connect()

    async def broken():
        raise KeyError("no such thing")
    monkeypatch.setattr(ui.session, "drop_transport", broken)
    ui.window.dropAction.trigger()
    assert not ui.window.dropAction.isEnabled()          # in flight
    ui.wait_idle()
    assert ui.message == ("Drop failed: KeyError: 'no such thing' "
                          "(a bug in the inspector; the log has the details)")
    [record] = gui_loop.errors                            # logged with its traceback
    assert record.name == "inspector.ui.tasks" and isinstance(record.exc_info[1], KeyError)
    gui_loop.errors.clear()
    assert ui.window.dropAction.isEnabled()               # still connected: it can be tried again


def test_the_composer_offers_the_events_the_server_sent_even_a_name_first_sent_by_you(
        inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for_event("welcome")
    offered = ui.widget("eventEdit").completer().model().stringList
    ui.qtbot.waitUntil(lambda: "welcome" in offered(), timeout=5000)
    ui.open_namespace("/chat")
    ui.join("lobby", ns="/chat")
    ui.emit("message", {"room": "lobby", "text": "hi"}, ns="/chat")
    ui.wait_for_event("message", ns="/chat")          # the room's echo of it
    ui.qtbot.waitUntil(lambda: "message" in offered(), timeout=5000)
    assert "join" not in offered()                    # only ever sent by you
