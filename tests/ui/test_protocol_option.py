"""The connection panel's Protocol choice (issue 10, the socket.io 2.x server row): what each
choice means on screen, and a 2.x server reached from the window."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inspector.log.entry import SYS, Kind
from inspector.ui import settings as S
from tests.conftest import NODE_DIR, ServerProcess


@pytest.fixture
def server_v2():
    server = ServerProcess(["node", "server_v2.js"], cwd=NODE_DIR)
    yield server
    server.stop()


def test_the_protocol_combo_says_what_each_choice_means(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    combo = ui.widget("protocolCombo")
    choices = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    assert choices == [("Auto", "auto"), ("socket.io 3.x / 4.x", "v3+"), ("socket.io 2.x", "v2")]
    assert combo.currentData() == "auto"                       # the default
    tips = [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())]
    assert "recognised from its handshake" in tips[0] and "Engine.IO 4" in tips[1]
    assert "auth goes as its query" in tips[2]
    assert all(tip in combo.toolTip() for tip in tips)
    ui.connect()                                               # auto, to a python-socketio server
    connect = ui.wait_for(kind=Kind.CONNECT, dir=SYS, ns="/")
    assert "server" not in connect.detail and ui.session.options.protocol == "auto"


@pytest.mark.node
def test_a_socket_io_2x_server_from_the_window_and_the_choice_is_remembered(inspector_at, server_v2):
    ui = inspector_at(server_v2.url)
    combo = ui.widget("protocolCombo")
    combo.setCurrentIndex(combo.findData("v2"))
    ui.connect()
    connect = ui.wait_for(kind=Kind.CONNECT, dir=SYS, ns="/")
    assert connect.detail["server"] == "socket.io 2.x (Engine.IO 3, Socket.IO protocol 4)"
    assert connect.detail["sid"] == ui.capture_info()["sid"]
    ui.emit("echo", "é", ack=True)
    assert ui.wait_for(kind=Kind.ACK, event="echo", dir="in").args == ["é"]
    ui.disconnect()
    assert ui.window.settings.get(S.PROTOCOL) == "v2"
