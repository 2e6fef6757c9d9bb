"""The Parser option of the connection panel (issue 10's msgpack row): against the bundled
demo server with python-socketio's msgpack serializer (in process on 127.0.0.1:0)."""
from __future__ import annotations

import pytest

from inspector.log.entry import IN, Kind
from inspector.ui import settings as S
from tests.demo_thread import ThreadedDemoServer


@pytest.fixture
def msgpack_server():
    server = ThreadedDemoServer(parser="msgpack")
    yield server
    server.stop()


def test_the_parser_combo_speaks_msgpack_shows_raw_packets_decoded_and_is_remembered(
        inspector_at, msgpack_server):
    ui = inspector_at(msgpack_server.url)
    combo = ui.widget("parserCombo")
    assert combo.currentData() == "json" and "msgpack" in combo.toolTip()
    combo.setCurrentIndex(combo.findData("msgpack"))
    ui.set_checked("rawCaptureCheck", True)
    ui.connect()
    assert ui.session.options.parser == "msgpack"
    ui.emit("echo", {"b": b"\x00\xff"}, ack=True)
    answer = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    assert answer.args == [{"b": b"\x00\xff"}] and "binary" in answer.flags
    [raw] = [e for e in ui.find(kind=Kind.PACKET, dir=IN) if e.detail.get("sio") == "ACK"]
    assert raw.detail["msgpack"] == {"type": 3, "nsp": "/", "id": answer.ack_id,
                                     "data": [{"b": b"\x00\xff"}]}
    assert isinstance(raw.args[0], bytes)            # the frame itself, as for any binary frame
    ui.disconnect()
    assert ui.window.settings.get(S.PARSER) == "msgpack"


@pytest.mark.node
def test_a_parser_mismatch_is_one_message_on_screen_and_no_reconnect(inspector_at, node_server):
    server = node_server("--parser", "msgpack")
    ui = inspector_at(server.url)
    ui.click("connectButton")
    status = ui.wait_for_status("set Parser: msgpack")
    assert "it probably uses the msgpack parser" in status
    ui.wait_idle()
    assert "set Parser: msgpack" in ui.status                 # not replaced by a later line
    assert not ui.find(kind=Kind.RECONNECT_ATTEMPT) and not ui.find(kind=Kind.RECONNECT)
    assert len(ui.find(kind=Kind.CONNECT_ERROR)) == 1
