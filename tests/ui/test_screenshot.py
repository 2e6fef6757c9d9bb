"""Render the window in the state a new user reaches by following the README (demo server,
/chat opened, a room joined, an echo answered, a drop and its gap) and check the picture.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot.py  refreshes the README's.
"""
import os
from pathlib import Path

from PySide6.QtGui import QImage
from tests.ui.looks import settle


def _distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_main_window_screenshot(inspector, tmp_path):
    ui = inspector
    ui.window.resize(1360, 820)
    ui.widget("delaySpin").setValue(0.2)
    ui.connect()
    ui.open_namespace("/chat")
    ui.join("lobby", ns="/chat")
    ui.emit("message", {"room": "lobby", "text": "hello, lobby"}, ns="/chat", ack=True)
    ui.wait_for_event("message", ns="/chat")
    ui.emit("echo", "ping", {"n": 1}, ack=True)
    echo = ui.wait_for(kind="ack", dir="in", event="echo")
    ui.emit("binary", 24, ack=True)
    ui.wait_for_event("binary_data")
    ui.emit("ask", "What is your name?")
    ui.wait_for_event("answer_received")
    ui.emit("drop")
    ui.wait_for(kind="gap", ns="/chat", timeout=20)
    ui.wait_for_status("Connected")
    ui.window.logView.scroll_to_seq(echo.seq)
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"ping"\n{"n": 1}')
    settle(ui.qtbot, ui.window.logView)
    image = ui.window.grab().toImage()
    out_dir = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
    path = out_dir / "screenshot-main.png"
    assert image.save(str(path))
    assert image.width() >= 1300 and image.height() >= 800
    assert _distinct_colours(image) > 20   # a real picture, not a blank window


def test_timeline_screenshot_with_a_recovered_gap(inspector_at, node_server, tmp_path):
    """Against the official Node server with connection state recovery: the drop shows
    amber (recovered) on the timeline and the replayed events are flagged in the log."""
    server = node_server("--recovery")
    ui = inspector_at(server.url)
    ui.window.resize(1360, 820)
    ui.widget("delaySpin").setValue(0.6)
    ui.connect(transport="websocket")
    ui.open_namespace("/chat")
    ui.join("numbers", ns="/")
    ui.emit("emit_numbers", {"count": 3, "interval_ms": 20})
    ui.wait_for_event("number", count=3)
    ui.emit("drop_and_emit", {"room": "numbers", "count": 4})
    gap = ui.wait_for(kind="gap", ns="/", timeout=20)
    assert gap.detail["recovered"] is True and gap.detail["recovered_events"] == 4
    replayed = ui.wait_for(kind="event", event="number", flag="recovered", count=4)
    assert replayed.args == [{"seq": 4}]
    ui.emit("echo", "after the drop", ack=True)
    ui.wait_for(kind="ack", dir="in", event="echo")
    settle(ui.qtbot, ui.window.logView)
    image = ui.window.grab().toImage()
    path = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path) / "screenshot-timeline.png"
    assert image.save(str(path))
    assert _distinct_colours(image) > 20
