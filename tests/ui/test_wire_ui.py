"""Wire truth in the window: raw packets, bytes from a file, held emits, the compress note."""
from PySide6.QtGui import QTextCursor

from inspector.log.entry import IN, OUT, Flag, Kind
from inspector.ui.log.columns import ColumnKey, position
from inspector.wire.options import Transport


def test_raw_capture_toggle_logs_packets_next_to_their_event(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("rawCaptureCheck").setChecked(True)
    ui.connect(transport=Transport.WEBSOCKET)
    open_packet = ui.wait_for(kind=Kind.PACKET, dir=IN)
    assert open_packet.detail["eio"] == "open"
    ui.emit("echo", "raw", ack=True)
    out = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    [packet] = [e for e in ui.entries() if e.seq in out.detail["packet_seqs"]]
    model = ui.window.model
    row = next(r for r in range(model.rowCount()) if model.entry(r) is packet)
    assert model.index(row, position(ColumnKey.EVENT)).data() == "packet: message EVENT id 0"
    assert model.index(row, position(ColumnKey.ARGS)).data() == '420["echo","raw"]'
    answer = ui.wait_for(kind="ack", dir="in", event="echo", args=["raw"])
    # the answer's packet is logged before the answer: nothing of the first echo is on its way
    assert [e.detail["eio"] for e in ui.entries() if e.seq in answer.detail["packet_seqs"]] == ["message"]
    ui.widget("rawCaptureCheck").setChecked(False)
    ui.wait_idle()                                   # the session has taken it
    last = ui.session.last_seq                       # and logged these before
    ui.qtbot.waitUntil(lambda: ui.entries()[-1].seq >= last, timeout=5000)
    count = len(ui.find(kind=Kind.PACKET))
    ui.emit("echo", "quiet", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", args=["quiet"])
    assert len(ui.find(kind=Kind.PACKET)) == count


def test_bytes_from_a_file_are_read_when_emitting(inspector_at, demo_server, tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"name"')
    ui.widget("argsEdit").moveCursor(QTextCursor.MoveOperation.End)
    ui.window.emitPanel.insert_file(str(blob))
    assert ui.widget("argsEdit").toPlainText() == f'"name"\n{{"_file": "{blob}"}}'
    assert ui.widget("emitButton").isEnabled()
    ui.click("emitButton")
    answer = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    assert answer.args == ["name", bytes(range(256)) * 4] and Flag.BINARY in answer.flags
    blob.unlink()
    ui.widget("argsEdit").setPlainText(f'{{"_file": "{blob}"}}')
    assert not ui.widget("emitButton").isEnabled()
    assert "no such file" in ui.widget("argsError").text()


def test_emits_held_while_down_are_counted_then_sent(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("delaySpin").setValue(1.5)
    ui.widget("delayMaxSpin").setValue(1.5)
    ui.connect()
    ui.emit("drop")
    ui.wait_for(kind=Kind.DISCONNECT, ns="/")
    ui.emit("echo", 1)
    ui.emit("echo", 2)
    # the count comes with the session's state, the message with each emit's answer: both shown
    ui.qtbot.waitUntil(lambda: ui.widget("bufferedLabel").text() == "2 held until reconnect"
                       and "held" in ui.message, timeout=5000)
    assert "(2 held)" in ui.window.namespaces.namespaceList.item(0).text()
    assert ui.message == "Not connected: the emit is held and goes out when the namespace is back"
    sent = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo", count=2, timeout=20)
    assert Flag.BUFFERED in sent.flags and sent.args == [2]
    ui.qtbot.waitUntil(lambda: ui.widget("bufferedLabel").text() == "", timeout=5000)


def test_compress_checkbox_says_when_it_has_no_effect(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect(transport=Transport.POLLING)
    ui.qtbot.waitUntil(lambda: "no effect on long-polling" in ui.widget("compressCheck").text(), timeout=5000)
    ui.emit("echo", "p", compress=True, ack=True)
    out = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    assert out.detail["compress"] == "no effect: the transport is long-polling"


def test_a_file_inserted_mid_text_is_kept_apart(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    f = tmp_path / "x.bin"
    f.write_bytes(b"x")
    edit = ui.widget("argsEdit")
    edit.setPlainText('"a""b"'.replace('""', '" "'))      # "a" "b", cursor at the start
    ui.window.emitPanel.insert_file(str(f))
    assert edit.toPlainText() == f'{{"_file": "{f}"}}\n"a" "b"'
    assert ui.window.emitPanel.argsEdit.valid


def test_a_huge_argument_is_checked_after_typing_pauses_and_sent(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    edit = ui.widget("argsEdit")
    ui.type_into("eventEdit", "echo")
    edit.setPlainText('{"blob": "' + "y" * 300_000 + '"')        # not closed yet
    ui.qtbot.waitUntil(lambda: not ui.widget("emitButton").isEnabled(), timeout=3000)
    assert "line 1" in ui.widget("argsError").text()
    edit.setPlainText('{"blob": "' + "y" * 300_000 + '"}')
    ui.qtbot.waitUntil(lambda: ui.widget("emitButton").isEnabled(), timeout=3000)
    ui.click("emitButton")
    answer = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", timeout=20)
    assert len(answer.args[0]["blob"]) == 300_000
    model = ui.window.model
    row = next(r for r in range(model.rowCount()) if model.entry(r) is answer)
    assert len(model.index(row, position(ColumnKey.ARGS)).data()) <= 200          # the table shows a cut preview


def test_a_decoded_event_and_its_packets_link_to_each_other(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.widget("rawCaptureCheck").setChecked(True)
    ui.connect(transport=Transport.WEBSOCKET)
    ui.emit("echo", {"blob": b"\x00\x01"}, ack=True)
    out = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    text_packet, attachment = out.detail["packet_seqs"]
    view, detail = ui.window.logView, ui.window.detail
    view.scroll_to_seq(out.seq)
    links = ui.widget("detailLinks")
    assert f'href="seq:{text_packet}"' in links.text() and f'href="seq:{attachment}"' in links.text()
    links.linkActivated.emit(f"seq:{attachment}")            # the user clicks the attachment
    assert view.current_seq() == attachment
    assert "binary attachment" in detail.header.text()
    assert f'decoded_as_seq: <a href="seq:{out.seq}">' in links.text()
    links.linkActivated.emit(f"seq:{out.seq}")               # and back
    assert view.current_seq() == out.seq
