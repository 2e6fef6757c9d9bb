"""The statistics panel: its periodic numbers are made off the GUI thread."""
from __future__ import annotations

import threading
import time

from inspector.log.entry import LogEntry
from inspector.ui.log import stats as stats_view
from inspector.ui.log.model import LogModel
from inspector.ui.log.stats import StatsView


def _model(n: int) -> LogModel:
    now = time.time()
    model = LogModel()
    model.append([LogEntry(i + 1, now - 30 + i * 0.001, "in" if i % 2 else "out", "event", "/",
                           f"e{i % 3}", [i], None, None, 10, (), None) for i in range(n)])
    return model


def test_refresh_soon_computes_on_a_worker_and_shows_the_same_numbers(qtbot, monkeypatch):
    model = _model(3000)
    view = StatsView(model, live=True)
    qtbot.addWidget(view)
    threads = []
    compute = stats_view.compute

    def watched(*args, **kw):
        threads.append(threading.current_thread())
        return compute(*args, **kw)
    monkeypatch.setattr(stats_view, "compute", watched)
    with qtbot.waitSignal(view.shown, timeout=5000) as shown:
        view.refresh_soon()
    assert threads and threads[-1] is not threading.main_thread()
    s = shown.args[0]
    assert view.stats is s and (s.total_in, s.total_out) == (1500, 1500)
    assert "In: 1,500 events" in view.summary.text()
    assert s.per_event == view.refresh().per_event       # the same numbers as on the GUI thread


def test_requests_while_one_is_on_its_way_make_one_more_that_sees_every_row(qtbot):
    model = _model(1000)
    view = StatsView(model, live=False)
    qtbot.addWidget(view)
    seen = []
    view.refresh_soon()
    model.append([LogEntry(2001, time.time(), "in", "event", "/", "late", [], None, None, 5, (), None)])
    view.refresh_soon(then=seen.append)
    view.refresh_soon(then=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen[0] is seen[1] and seen[0].total_in == 501
    assert ("late", 1, 0) in seen[0].per_event
