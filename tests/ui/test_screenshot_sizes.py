"""The main window at a laptop's 1024x700 and a desktop's 1600x1000, light and dark, in the
state the README's tour reaches; each picture is checked for what matters at that size.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot_sizes.py  refreshes the README's.
"""
import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from inspector.log.entry import IN, Kind
from inspector.ui import palette
from inspector.ui.appearance import Choice
from tests.ui.looks import assert_shown_whole, settle
from tests.ui.test_window_layout import visible_rows


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)], ids=["1024x700", "1600x1000"])
@pytest.mark.parametrize("scheme", [Choice.LIGHT, Choice.DARK])
def test_main_window_at_both_sizes_and_schemes(inspector, tmp_path, size, scheme):
    ui = inspector
    ui.window.schemeActions[scheme].trigger()
    try:
        ui.window.resize(*size)
        ui.connect()
        ui.open_namespace("/chat")
        ui.join("lobby", ns="/chat")
        ui.emit("message", {"room": "lobby", "text": "hello, lobby"}, ns="/chat", ack=True)
        ui.wait_for_event("message", ns="/chat")
        for i in range(12):
            ui.emit("echo", "ping", {"n": i}, ack=True)
            ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", count=i + 1)
        echo = ui.find(kind=Kind.ACK, dir=IN, event="echo")[-1]
        ui.window.logView.scroll_to_seq(echo.seq)
        settle(ui.qtbot, ui.window.logView)
        image = ui.window.grab().toImage()
        out = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
        assert image.save(str(out / f"screenshot-{size[0]}x{size[1]}-{scheme}.png"))
        assert (image.width(), image.height()) == size
        assert visible_rows(ui.window.logView.table) >= 15
        assert_shown_whole(ui.window, "urlEdit", "connectButton", "disconnectButton", "optionsButton",
                           "statusLabel", "filterEdit", "flagFilterButton", "eventFilterButton",
                           "emitButton", "argsEdit", "detailButton", "countLabel")
        # the log's ground is the scheme's (the table's base colour, beside the last row)
        table = ui.window.logView.table
        corner = table.viewport().mapTo(ui.window, table.viewport().rect().bottomRight())
        ground = QColor(image.pixel(corner.x() - 2, corner.y() - 2))
        grounds = [QColor(s.css()) for s in (palette.BASE, palette.ALTERNATE_BASE, palette.HIGHLIGHT)]
        assert ground in grounds, (ground.name(), [c.name() for c in grounds])
    finally:
        ui.window.schemeActions[Choice.SYSTEM].trigger()
