"""Render the window in the state a new user reaches by following the README (demo server,
/chat opened, a room joined, an echo answered, a drop and its gap) and check the picture.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/test_screenshot.py  refreshes the README's.
"""
import os
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from inspector.log.entry import IN, Flag, Kind
from inspector.log.timeline import DOWN
from inspector.ui import palette
from inspector.ui.log.timeline import PAD, ROW_H
from inspector.wire.options import Transport
from tests.ui.looks import assert_row_shown_whole, assert_shown_whole, settle

STRIP_COLOURS = {"up": palette.TIMELINE_UP, "down": palette.TIMELINE_DOWN, "recovered": palette.TIMELINE_RECOVERED}

# what a user of the main window works with: on screen whole, their texts not cut
MAIN_WIDGETS = ("urlEdit", "connectButton", "disconnectButton", "optionsButton", "statusLabel",
                "namespaceList", "namespaceEdit", "openNamespaceButton", "roomList", "roomEdit",
                "joinRoomButton", "leaveRoomButton", "timelineView", "clearButton", "rawCaptureCheck",
                "countLabel", "latestButton", "filterEdit", "eventFilterButton", "flagFilterButton",
                "logView", "detailHeader", "detailTree", "emitNamespaceCombo", "eventEdit", "argsEdit",
                "ackCheck", "ackTimeoutSpin", "compressCheck", "volatileCheck", "bytesFileButton",
                "emitButton", "templatesButton", "sessionFileLabel")


def save(image: QImage, name: str, tmp_path) -> None:
    out_dir = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
    assert image.save(str(out_dir / name))



def close_to(c: QColor, want: QColor, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in
               ((c.red(), want.red()), (c.green(), want.green()), (c.blue(), want.blue())))


def strip_colours(image: QImage, window, ns: str) -> dict[str, list[int]]:
    """Where (x) the timeline's strip of `ns` is drawn in each colour, in the window's picture."""
    timeline = window.timeline
    names = timeline.timeline.namespaces()
    y = PAD + names.index(ns) * ROW_H + ROW_H // 2
    origin = timeline.mapTo(window, timeline.rect().topLeft())
    strip = [QColor(image.pixel(origin.x() + x, origin.y() + y)) for x in range(timeline.width())]
    return {name: [x for x, c in enumerate(strip) if close_to(c, STRIP_COLOURS[name].qcolor())]
            for name in ("up", "down", "recovered")}


def down_between_up(xs: dict[str, list[int]], down: str) -> bool:
    """Up, then down (drawn as `down`), then up again, left to right."""
    return bool(xs["up"] and xs[down]) and min(xs["up"]) < min(xs[down]) <= max(xs[down]) < max(xs["up"])


def test_main_window_screenshot(inspector, tmp_path):
    ui = inspector
    ui.window.resize(1360, 820)
    ui.session.note_seconds = 0.5        # "/chat back after …" is true for a moment, then goes
    ui.widget("delaySpin").setValue(0.2)
    ui.connect()
    ui.open_namespace("/chat")
    ui.join("lobby", ns="/chat")
    ui.emit("message", {"room": "lobby", "text": "hello, lobby"}, ns="/chat", ack=True)
    ui.wait_for_event("message", ns="/chat")
    ui.emit("echo", "ping", {"n": 1}, ack=True)
    echo = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.emit("binary", 24, ack=True)
    ui.wait_for_event("binary_data")
    ui.emit("ask", "What is your name?")
    ui.wait_for_event("answer_received")
    ui.emit("drop")
    ui.wait_for(kind=Kind.GAP, ns="/chat", timeout=20)
    ui.wait_for_status("Connected")
    ui.qtbot.waitUntil(lambda: " back after " not in ui.status, timeout=5000)
    ui.window.logView.scroll_to_seq(echo.seq)
    ui.type_into("eventEdit", "echo")
    ui.type_into("argsEdit", '"ping"\n{"n": 1}')
    settle(ui.qtbot, ui.window.logView)
    image = ui.window.grab().toImage()
    save(image, "screenshot-main.png", tmp_path)
    assert (image.width(), image.height()) == (ui.window.width(), ui.window.height()) == (1360, 820)
    assert_shown_whole(ui.window, *MAIN_WIDGETS)
    assert ui.status.startswith(f"Connected to {ui.url} over websocket") and "back after" not in ui.status
    assert ui.window.namespaces.namespace_states() == {"/": "connected", "/chat": "connected"}
    assert ui.window.namespaces.roomList.item(0).text().startswith("lobby    joined")
    # the echo's answer is the selected row, whole in the log, and the detail pane shows it
    view = ui.window.logView
    assert [e.seq for e in view.selected_entries()] == [echo.seq]
    assert_row_shown_whole(view.table, view.table.row_of_seq(echo.seq))
    assert f"#{echo.seq}" in ui.window.detail.header.text() and "round trip" in ui.window.detail.header.text()
    assert view.countLabel.text() == f"{ui.window.model.rowCount()} entries"
    # the drop, on the timeline: each namespace up, down (red: the demo server does not
    # recover), up again
    for ns in ("/", "/chat"):
        xs = strip_colours(image, ui.window, ns)
        assert down_between_up(xs, "down") and not xs["recovered"], (ns, {k: len(v) for k, v in xs.items()})
    assert ui.widget("emitButton").isEnabled() and ui.widget("argsEdit").toPlainText() == '"ping"\n{"n": 1}'


def test_timeline_screenshot_with_a_recovered_gap(inspector_at, node_server, tmp_path):
    """Against the official Node server with connection state recovery: the drop shows
    amber (recovered) on the timeline and the replayed events are flagged in the log."""
    server = node_server("--recovery")
    ui = inspector_at(server.url)
    ui.window.resize(1360, 820)
    ui.widget("delaySpin").setValue(0.6)
    ui.connect(transport=Transport.WEBSOCKET)
    ui.open_namespace("/chat")
    ui.join("numbers", ns="/")
    ui.emit("emit_numbers", {"count": 3, "interval_ms": 20})
    ui.wait_for_event("number", count=3)
    ui.emit("drop_and_emit", {"room": "numbers", "count": 4})
    gap = ui.wait_for(kind=Kind.GAP, ns="/", timeout=20)
    assert gap.detail["recovered"] is True and gap.detail["recovered_events"] == 4
    replayed = ui.wait_for(kind=Kind.EVENT, event="number", flag=Flag.RECOVERED, count=4)
    assert replayed.args == [{"seq": 4}]
    ui.emit("echo", "after the drop", ack=True)
    ui.wait_for(kind="ack", dir="in", event="echo")
    settle(ui.qtbot, ui.window.logView)
    image = ui.window.grab().toImage()
    save(image, "screenshot-timeline.png", tmp_path)
    assert_shown_whole(ui.window, "timelineView", "logView", "statusLabel", "countLabel")
    # the timeline's "/" strip: up, amber where it was down and recovered, up again; never red
    assert ui.window.timeline.timeline.namespaces() == ["/", "/chat"]
    xs = strip_colours(image, ui.window, "/")
    assert down_between_up(xs, "recovered") and not xs["down"], {k: len(v) for k, v in xs.items()}
    [down] = [p for p in ui.window.timeline.timeline.periods["/"] if p.state == DOWN]
    assert down.recovered
    # the replayed events are in the log, flagged
    flagged = [e for e in ui.entries() if "recovered" in e.flags]
    assert [e.args for e in flagged] == [[{"seq": n}] for n in range(1, 5)]
    table = ui.window.logView.table                 # following: they are in view, whole
    for e in flagged:
        assert_row_shown_whole(table, table.row_of_seq(e.seq))
