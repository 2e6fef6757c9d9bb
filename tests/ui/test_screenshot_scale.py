"""Render the log at work: a burst filtered by the filter bar, the statistics panel, an old
session opened read-only; check each shows what it is for, whole.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot_scale.py  refreshes the README's.
"""
import os
import time
from pathlib import Path

from PySide6.QtWidgets import QWidget

from inspector.log.entry import IN, Kind
from inspector.ui.log.workspace import STATS_TAB
from tests.ui.looks import assert_row_shown_whole, assert_shown_whole, settle


def _save(widget, name: str, tmp_path) -> Path:
    out_dir = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
    image = widget.grab().toImage()
    path = out_dir / name
    assert image.save(str(path))
    assert (image.width(), image.height()) == (widget.width(), widget.height())
    return path


def test_filter_statistics_and_read_only_screenshots(inspector, tmp_path):
    ui = inspector
    ui.window.resize(1360, 820)
    ui.connect()
    ui.open_namespace("/chat")
    for i in range(12):
        ui.emit("echo", {"i": i, "user": ["alice", "bob", "carol"][i % 3]}, ack=True)
        ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", count=i + 1)
    ui.emit("burst", {"count": 3000})
    ui.wait_for(kind=Kind.EVENT, event="burst", count=3000, timeout=20)
    ui.emit("binary", 48, ack=True)
    ui.wait_for_event("binary_data")
    bar = ui.window.logView.filterBar
    bar.set_events(["echo", "binary_data"])
    bar.filterEdit.setText("carol|demo")
    bar.regexButton.setChecked(True)
    bar.apply_now()
    ui.wait_for(kind="ack", dir="in", event="binary")
    total = len(ui.entries())
    shown = ui.shown_entries()
    # carol's echoes (i = 2, 5, 8, 11) and their answers, and the binary data from demo.bin
    assert [(e.event, e.dir, e.args[0].get("i")) for e in shown] == [
        ("echo", d, i) for i in (2, 5, 8, 11) for d in ("out", "in")] + [("binary_data", "in", None)]
    binary = shown[-1]
    view = ui.window.logView
    view.scroll_to_seq(binary.seq)
    settle(ui.qtbot, view)
    _save(ui.window, "screenshot-filter.png", tmp_path)
    assert view.countLabel.text() == f"9 of {total:,} entries"
    assert bar.eventButton.text() == "Events: 2" and bar.state == "valid"
    assert view.table.model().rowCount() == 9
    for row in range(9):                                   # all nine rows in view, whole
        assert_row_shown_whole(view.table, row)
    assert [e.seq for e in view.selected_entries()] == [binary.seq]
    assert ui.window.detail.header.text().startswith(f"#{binary.seq} ")
    assert_shown_whole(ui.window, "filterEdit", "regexButton", "eventFilterButton", "countLabel",
                       "latestButton", "logView", "detailHeader", "detailTabs")

    bar.reset()
    ui.window.workspace.bottomTabs.setCurrentIndex(STATS_TAB)
    ui.window.stats.refresh(now=time.time() + 1.0)
    settle(ui.qtbot, view)
    _save(ui.window.workspace, "screenshot-stats.png", tmp_path)
    stats = ui.window.stats
    # in: welcome, 3000 bursts, the binary data; out: 12 echoes, the burst and binary asks;
    # 13 of them answered
    assert stats.summary.text().startswith("In: 3,002 events, ") and "Out: 14 events, " in stats.summary.text()
    assert stats.rttLabel.text().startswith("Ack round trips (13): p50 ")
    counts = stats.countsModel
    assert [tuple(counts.index(r, c).data() for c in range(3)) for r in range(counts.rowCount())] == [
        ("burst", "3,000", "1"), ("echo", "0", "12"), ("welcome", "1", "0"), ("binary", "0", "1"),
        ("binary_data", "1", "0")]
    assert_shown_whole(ui.window, "statsSummary", "rttLabel", "eventsPlot", "bytesPlot", "eventCountsTable")

    ui.flush_session_file()
    viewer = ui.window.open_session(ui.session_file)
    ui.qtbot.waitUntil(lambda: viewer.done_loading, timeout=10000)
    viewer.resize(1200, 700)
    viewer.logView.filterBar.set_direction("out")
    settle(ui.qtbot, viewer.logView)
    _save(viewer, "screenshot-readonly.png", tmp_path)
    out = [e for e in ui.entries() if e.dir == "out"]
    assert viewer.logView.countLabel.text() == f"{len(out)} of {total:,} entries" and len(out) == 14
    assert viewer.banner.text().startswith(f"Read-only: {ui.session_file}")
    assert_shown_whole(viewer, "readOnlyBanner", "countLabel", "logView", "dirOutButton")
    assert not viewer.findChild(QWidget, "clearButton").isVisible()      # nothing to change here
    viewer.close()
