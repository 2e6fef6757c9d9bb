"""Every GUI test runs on the asyncio loop the app ships with (registered in tests/conftest.py).

The app installs qasync's loop with inspector.ui.event_loop.install_qasync_loop and lets
QApplication.exec() run it.  The tests install it with the same call, once per session
(inspector.testing's `qasync_loop`), and pytest-qt's waits run it: qtbot's wait for ms runs a
nested QEventLoop until a timer ends it, and `qtbot.waitUntil` calls `wait(10)` between
its checks, so every Qt event is processed while a test waits.  qasync's callbacks are Qt
events (a QTimer per call_soon / call_later, a queued signal per call_soon_threadsafe),
so the window's handler tasks run then, as they do under exec().  qasync's loop counts as
running from its installation (`already_running=True`), so `asyncio.get_running_loop()`
on the GUI thread is this loop while a GUI test runs (`gui_asyncio_loop`).

`gui_loop` below gives that to every GUI test (one that uses Qt, or any under tests/ui),
and fails a GUI test when the loop saw an error nobody handled or a window handler failed
with an error that is not the user's (see inspector.ui.tasks); a test that provokes one on
purpose takes it out of `gui_loop.errors`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import qasync

UI_TESTS = Path(__file__).resolve().parent / "ui"
WATCHED_LOGGERS = ("inspector.ui.event_loop", "inspector.ui.tasks")


@dataclass
class GuiLoop:
    loop: qasync.QEventLoop
    errors: list[logging.LogRecord] = field(default_factory=list)


class _Errors(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]):
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def _is_gui_test(request: pytest.FixtureRequest) -> bool:
    return "qapp" in request.fixturenames or UI_TESTS in Path(request.node.path).parents


@pytest.fixture(autouse=True)
def gui_loop(request):
    """For a GUI test: the qasync loop, running on the GUI thread, and the errors it saw."""
    if not _is_gui_test(request):
        yield None
        return
    seen = GuiLoop(request.getfixturevalue("gui_asyncio_loop"))
    handler = _Errors(seen.errors)
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield seen
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    if seen.errors:
        pytest.fail("the GUI loop saw errors nobody handled:\n" + "\n".join(
            f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
            for r in seen.errors), pytrace=False)
