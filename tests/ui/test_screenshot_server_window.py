"""The window with its server view on, against python-socketio's instrumented demo server
with three clients in rooms (the inspector and two others), at a laptop's 1024x700 and a
desktop's 1600x1000, light and dark; each picture is checked for what matters at that size.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot_server_window.py  refreshes the README's.
"""
import os
from pathlib import Path

import pytest

from inspector.session.session import Session
from inspector.ui.appearance import Choice
from inspector.wire.options import ConnectionOptions
from tests import admin_servers
from tests.admin_servers import DEMO_ADMIN
from tests.ui.looks import assert_shown_whole, settle
from tests.ui.test_server_window import DEMO_NS, _own_sid, _room_members, _rows, _select, _server_view_on

instrumented_demo = admin_servers.instrumented_demo          # a fixture


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)], ids=["1024x700", "1600x1000"])
@pytest.mark.parametrize("scheme", [Choice.LIGHT, Choice.DARK])
def test_the_server_view_at_both_sizes_and_schemes(inspector_at, instrumented_demo, tmp_path, size, scheme):
    ui = inspector_at(instrumented_demo.url)
    ui.window.schemeActions[scheme].trigger()
    others = [Session(ConnectionOptions(url=instrumented_demo.url, reconnection=False)) for _ in range(2)]
    try:
        ui.window.resize(*size)
        _server_view_on(ui, DEMO_NS, *DEMO_ADMIN)
        ui.connect()
        sid = _own_sid(ui)
        for other, room in zip(others, ("lobby", "room1"), strict=True):
            ui.network.submit(other.connect()).result(10)
            ui.network.submit(other.join_room("/", room)).result(10)
        ui.qtbot.waitUntil(lambda: len(_rows(ui)) >= 4, timeout=10_000)
        _select(ui, sid)
        ui.type_into("serverRoomEdit", "room1")
        ui.click("serverJoinButton")
        ui.qtbot.waitUntil(lambda: len(_room_members(ui).get("/ room1", [])) == 2
                           and len(_room_members(ui).get("/ lobby", [])) == 1, timeout=10_000)
        ui.type_into("serverEventEdit", "news")
        ui.type_into("serverArgsEdit", '{"text": "to room1"}')
        ui.widget("serverEmitTarget").setCurrentText("the room")
        ui.click("serverEmitButton")
        ui.wait_for(event="news", ns="/")
        ui.wait_idle()
        settle(ui.qtbot, ui.window.logView)
        image = ui.window.grab().toImage()
        out = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
        assert image.save(str(out / f"screenshot-server-window-{size[0]}x{size[1]}-{scheme}.png"))
        assert (image.width(), image.height()) == size
        assert_shown_whole(ui.window, "urlEdit", "connectButton", "serverViewCheck", "serverNamespaceEdit",
                           "serverPasswordEdit", "serverJoinButton", "serverLeaveButton",
                           "serverDisconnectButton", "serverEmitButton", "serverRoomEdit")
    finally:
        for other in others:
            ui.network.settle(other.disconnect(), 5)
        ui.window.schemeActions[Choice.SYSTEM].trigger()
