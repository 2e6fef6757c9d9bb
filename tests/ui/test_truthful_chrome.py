"""Chrome that tells the truth (issue 14, point 5): messages go when they stop being true,
the title says the server and the state, the composer follows the namespace list, error
lines keep their room, Clear starts the view afresh, imported sessions say when they were
recorded, the Open dialog sees the live file's size; and Disconnect then Connect brings back
what was open (point 3)."""
from __future__ import annotations

import json
import os
import time

from PySide6.QtWidgets import QFileDialog

from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.session.state import NamespaceState, RoomState
from inspector.ui import message_line
from inspector.wire.options import Transport
from tests.ui.looks import settle


def test_a_refusal_leaves_the_status_bar_once_the_namespace_is_connected(inspector):
    ui = inspector
    ui.connect()
    ui.open_namespace("/admin", expect=NamespaceState.REFUSED)
    ui.wait_idle()
    assert "unauthorized" in ui.message
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.qtbot.waitUntil(lambda: ui.message == "")


def test_back_after_leaves_the_status_line_when_it_is_old(inspector):
    ui = inspector
    ui.session.note_seconds = 2.0
    ui.connect(transport=Transport.WEBSOCKET)     # no upgrade to say more meanwhile
    ui.window.dropAction.trigger()
    ui.wait_for_status(" — / back after ")
    noted = ui.status
    ui.qtbot.waitUntil(lambda: ui.status != noted, timeout=10000)
    # the same connection's words, without the note
    assert noted.startswith(ui.status + " — / back after ") and ui.status.startswith("Connected to")


def test_news_goes_and_an_imported_session_says_when_it_was_recorded(inspector, tmp_path, monkeypatch):
    ui = inspector
    monkeypatch.setattr(message_line, "NEWS_SECONDS", 2.0)    # long enough to be seen under load
    recorded = time.mktime((2024, 5, 1, 12, 30, 0, 0, 0, -1))
    src = tmp_path / "yesterday.jsonl"
    src.write_text("\n".join(LogEntry(i, recorded + i, IN, Kind.EVENT, "/", "tick", [i]).to_jsonl()
                             for i in (1, 2)) + "\n")
    ui.window.import_jsonl(src)
    ui.qtbot.waitUntil(lambda: ui.message.startswith("Imported yesterday.jsonl"), timeout=10000)
    [viewer] = ui.window.viewers
    assert viewer.path.name == "imported-yesterday-2024-05-01_12-30-01.sqlite"     # its first entry's time
    ui.qtbot.waitUntil(lambda: viewer.done_loading, timeout=10000)
    assert "2 entries, recorded 2024-05-01 12:30, imported from yesterday.jsonl" in viewer.banner.text()
    ui.qtbot.waitUntil(lambda: ui.message == "", timeout=5000)


def test_the_title_says_the_server_and_the_state(inspector):
    ui = inspector
    host = ui.url.split("//", 1)[1]
    ui.connect(f"http://someone:s3cret@{host}")
    title = ui.window.windowTitle()
    assert title == f"http://••••@{host} — connected — socketio-inspector", title
    ui.disconnect()
    assert ui.window.windowTitle() == f"http://••••@{host} — disconnected — socketio-inspector"


def test_the_composer_emits_on_the_namespace_selected_in_the_list(inspector):
    ui = inspector
    ui.connect()
    ui.open_namespace("/chat")
    combo = ui.window.emitPanel.namespaceCombo
    ui.select_namespace("/chat")
    assert combo.currentText() == "/chat"
    ui.select_namespace("/")
    assert combo.currentText() == "/"
    ui.select_namespace("/chat")
    ui.type_into("eventEdit", "message")
    ui.type_into("argsEdit", json.dumps({"room": "x", "text": "hi"}))
    ui.click("emitButton")
    assert ui.wait_for(kind=Kind.EVENT, dir=OUT, event="message").ns == "/chat"


def test_error_lines_under_json_fields_keep_their_room(inspector):
    ui = inspector
    ui.window.resize(1024, 700)
    settle(ui.qtbot, ui.window.logView)
    table, composer = ui.window.logView.table, ui.window.emitPanel
    acks = ui.window.serverAcks
    ui.window.sideTabs.setCurrentWidget(acks)

    def geometry():
        return table.geometry(), composer.argsEdit.geometry(), composer.height(), acks.table.geometry()
    before = geometry()
    ui.type_into("argsEdit", '{"a": ')
    acks.defaultReplyEdit.setText("[1,")
    ui.qtbot.waitUntil(lambda: composer.argsError.text() != "" and acks.note.text() != "")
    settle(ui.qtbot, ui.window.logView)
    assert geometry() == before
    ui.type_into("argsEdit", '{"a": 1}')
    acks.defaultReplyEdit.setText("1")
    settle(ui.qtbot, ui.window.logView)
    assert geometry() == before


def test_clear_starts_the_view_afresh_and_the_timeline_goes_on_for_what_is_connected(inspector):
    ui = inspector
    ui.connect()
    ui.open_namespace("/chat")
    ui.emit("echo", "one", ack=True)
    ack = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.window.logView.scroll_to_seq(ack.seq)
    assert ui.window.detail.entry is not None
    stats = ui.window.stats
    ui.window.workspace.bottomTabs.setCurrentIndex(1)          # the statistics, looked at
    ui.qtbot.waitUntil(lambda: stats.countsModel.rowCount() > 0, timeout=5000)
    ui.window.clear_log()
    settle(ui.qtbot, ui.window.logView)
    assert ui.window.model.rowCount() == 0
    assert ui.window.logView.countLabel.text() == "0 entries"
    assert ui.window.detail.entry is None
    ui.qtbot.waitUntil(lambda: stats.countsModel.rowCount() == 0, timeout=5000)
    periods = ui.window.timeline.timeline.periods
    assert {ns: [p.state for p in runs] for ns, runs in periods.items()} == {"/": ["up"], "/chat": ["up"]}
    ui.emit("echo", "two", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    settle(ui.qtbot, ui.window.logView)
    assert ui.window.logView.countLabel.text() == "2 entries"     # the emit and its ack


def test_the_open_dialog_sees_the_live_session_file_at_its_size(inspector, monkeypatch):
    ui = inspector
    ui.connect()
    blob = "x" * 4000
    for i in range(40):
        ui.emit("echo", blob, {"n": i}, ack=True)
        ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", count=i + 1)
    seen = []

    def dialog(*_args, **_kw):
        seen.append(os.path.getsize(ui.window.recording.path))
        return "", ""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    ui.window.openAction.trigger()
    # 80 rows of 4 KB of arguments (and the echoes' ack rows): at least 300 KB in the file
    # itself, not only in its write-ahead log
    assert seen and seen[0] > 300_000, seen


def test_disconnect_then_connect_brings_back_the_namespaces_and_rooms(inspector):
    ui = inspector
    ui.connect()
    ui.open_namespace("/chat")
    ui.join("lobby", ns="/chat")
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.disconnect()
    ui.click("connectButton")
    for ns in ("/", "/chat", "/admin"):
        ui.wait_for_namespace(ns)
    ui.select_namespace("/chat")
    rooms = ui.window.namespaces.roomList
    ui.qtbot.waitUntil(lambda: rooms.count() == 1 and RoomState.JOINED in rooms.item(0).text())
    assert rooms.item(0).text().startswith("lobby")
    ui.wait_for_status("reopened /chat, /admin and joined 1 room again")
