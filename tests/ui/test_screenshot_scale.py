"""Render the log at work: a burst filtered by the filter bar, the statistics panel, an old
session opened read-only; check each picture is a real one.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot_scale.py  refreshes the README's.
"""
import os
import time
from pathlib import Path

from tests.ui.test_screenshot import _distinct_colours

from inspector.ui.log.workspace import STATS_TAB
from tests.ui.looks import settle


def _save(widget, name: str, tmp_path) -> Path:
    out_dir = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
    image = widget.grab().toImage()
    path = out_dir / name
    assert image.save(str(path))
    assert _distinct_colours(image) > 20
    return path


def test_filter_statistics_and_read_only_screenshots(inspector, tmp_path):
    ui = inspector
    ui.window.resize(1360, 820)
    ui.connect()
    ui.open_namespace("/chat")
    for i in range(12):
        ui.emit("echo", {"i": i, "user": ["alice", "bob", "carol"][i % 3]}, ack=True)
        ui.wait_for(kind="ack", dir="in", event="echo", count=i + 1)
    ui.emit("burst", {"count": 3000})
    ui.wait_for(kind="event", event="burst", count=3000, timeout=20)
    ui.emit("binary", 48, ack=True)
    ui.wait_for_event("binary_data")
    bar = ui.window.logView.filterBar
    bar.set_events(["echo", "binary_data"])
    bar.filterEdit.setText("carol|demo")
    bar.regexButton.setChecked(True)
    bar.apply_now()
    shown = ui.shown_entries()
    assert shown and all(e.event in ("echo", "binary_data") for e in shown)
    binary = next(e for e in shown if e.event == "binary_data")
    ui.window.logView.scroll_to_seq(binary.seq)
    settle(ui.qtbot, ui.window.logView)
    _save(ui.window, "screenshot-filter.png", tmp_path)

    bar.reset()
    ui.window.workspace.bottomTabs.setCurrentIndex(STATS_TAB)
    ui.window.stats.refresh(now=time.time() + 1.0)
    settle(ui.qtbot, ui.window.logView)
    _save(ui.window.workspace, "screenshot-stats.png", tmp_path)

    ui.flush_session_file()
    viewer = ui.window.open_session(ui.session_file)
    ui.qtbot.waitUntil(lambda: viewer.done_loading, timeout=10000)
    viewer.resize(1200, 700)
    viewer.logView.filterBar.set_direction("out")
    settle(ui.qtbot, viewer.logView)
    _save(viewer, "screenshot-readonly.png", tmp_path)
    viewer.close()
