"""The window end to end, driven through its widgets against the demo server (in process
on 127.0.0.1:0): what a user clicks, and what the user then sees."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from inspector.ui.log.model import COL_ACK, COL_EVENT


def test_connect_shows_status_and_the_connect_row(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    status = ui.connect()
    assert status.startswith(f"Connected to {demo_server.url} over")
    ui.wait_for(kind="connect", ns="/")
    assert not ui.widget("connectButton").isEnabled()
    assert ui.widget("disconnectButton").isEnabled()
    ui.disconnect()
    ui.wait_for(kind="disconnect", ns="/", where=lambda e: e.detail["reason"] == "client disconnect")
    assert ui.widget("connectButton").isEnabled()


def test_unreachable_url_says_why_and_keeps_the_url(inspector_at):
    ui = inspector_at("http://127.0.0.1:1")
    ui.widget("connectTimeoutSpin").setValue(3)
    ui.click("connectButton")
    ui.wait_for_status("Connection failed")
    assert "cannot connect to http://127.0.0.1:1" in ui.status
    assert ui.widget("urlEdit").text() == "http://127.0.0.1:1"
    assert ui.widget("connectButton").isEnabled()


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
    answer = ui.wait_for(kind="ack", dir="in", event="echo")
    assert answer.args == ["ping", {"n": 1}] and answer.rtt_ms is not None
    # the emit's own row shows the round trip, next to it
    model = ui.window.model
    emit_row = next(r for r in range(model.rowCount())
                    if model.entry(r).dir == "out" and model.entry(r).event == "echo")
    ui.qtbot.waitUntil(lambda: model.index(emit_row, COL_ACK).data().startswith("✓"), timeout=5000)
    assert model.index(emit_row, COL_ACK).data().endswith(" ms")


def test_selecting_a_row_shows_the_arguments_pretty_printed(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("echo", {"nested": {"list": [1, 2]}}, ack=True)
    answer = ui.wait_for(kind="ack", dir="in", event="echo")
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


def test_zero_arguments_is_a_valid_emit(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("echo", ack=True)
    out = ui.wait_for(kind="event", dir="out", event="echo")
    assert out.args == []


def test_server_ack_is_answered_with_the_configured_reply(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    # applied on the network loop ahead of the emit below (both are queued to it in order)
    ui.window.serverAcks.set_reply("question", '"Ada" {"age": 36}')
    ui.emit("ask", "Who are you?")
    question = ui.wait_for_event("question")
    reply = ui.wait_for(kind="ack", dir="out")
    assert reply.ack_id == question.ack_id and reply.args == ["Ada", {"age": 36}]
    got = ui.wait_for_event("answer_received")
    assert got.args[0]["answer"] == ["Ada", {"age": 36}]


def test_admin_without_auth_is_refused_and_with_auth_opens(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.open_namespace("/admin", expect="refused")
    err = ui.wait_for(kind="connect_error", ns="/admin")
    assert err.detail["message"] == "unauthorized"
    assert "/admin refused: unauthorized" in ui.status
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.wait_for_event("admin_welcome", ns="/admin")


def test_server_drop_shows_a_gap_row_and_comes_back(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("delaySpin").setValue(0.1)
    ui.connect()
    ui.emit("drop")
    gap = ui.wait_for(kind="gap", ns="/", timeout=20)
    assert gap.detail["duration_s"] > 0
    model = ui.window.model
    row = next(r for r in range(model.rowCount()) if model.entry(r) is gap)
    assert model.index(row, COL_EVENT).data().startswith("gap: down ")
    ui.wait_for_status("Connected")
    ui.emit("echo", "after", ack=True)
    ui.wait_for(kind="ack", dir="in", event="echo")


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
    ui.wait_for(kind="connect")
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
    answer = inspector.wait_for(kind="ack", event="echo", dir="in")
    assert answer.args == [b"\x00\x01"]
