"""GUI tests run on the asyncio loop the app ships with (registered in tests/conftest.py).

The app installs qasync's loop with inspector.ui.event_loop.install_qasync_loop and lets
QApplication.exec() run it; here the same call installs it once per test session, and
pytest-qt's waits run it.  `qtbot.wait(ms)` runs a nested QEventLoop until a timer ends
it, and `qtbot.waitUntil` calls `wait(10)` between its checks, so every Qt event is
processed while a test waits; qasync's callbacks are Qt events (a QTimer per call_soon /
call_later, a queued signal per call_soon_threadsafe), so the window's handler tasks run
then, as they do under exec().  qasync's loop counts as running from its installation
(`already_running=True`), so `asyncio.get_running_loop()` on the GUI thread is this loop.

Between GUI tests the loop is not the thread's running loop (a plain test's
`asyncio.run()` refuses to start inside a running loop); each GUI test makes it so again.
A GUI test fails when the loop saw an error no one handled or a handler failed with an
error that is not the user's (see inspector.ui.tasks); a test that provokes one on
purpose takes it out of `gui_loop.errors`.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import qasync

from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop

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


@pytest.fixture(scope="session")
def qasync_loop(qapp):
    """The qasync loop, installed as app.py installs it, once for the whole session."""
    loop = install_qasync_loop(qapp)
    asyncio.events._set_running_loop(None)       # until a GUI test takes it (gui_loop)
    yield loop
    asyncio.events._set_running_loop(loop)
    close_qasync_loop(loop, qapp)                # as app.py does once exec() returned


@pytest.fixture(autouse=True)
def gui_loop(request):
    """For a GUI test: the qasync loop, running on the GUI thread while the test runs."""
    if not _is_gui_test(request):
        yield None
        return
    qapp = request.getfixturevalue("qapp")
    loop = request.getfixturevalue("qasync_loop")
    asyncio.events._set_running_loop(loop)
    asyncio.set_event_loop(loop)
    seen = GuiLoop(loop)
    handler = _Errors(seen.errors)
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield seen
        _end_leftover_tasks(loop, qapp)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
    if seen.errors:
        pytest.fail("the GUI loop saw errors nobody handled:\n" + "\n".join(
            f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
            for r in seen.errors), pytrace=False)


def _end_leftover_tasks(loop: asyncio.AbstractEventLoop, qapp) -> None:
    """Handlers still in flight when the test's windows closed: cancelled, and let end."""
    left = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in left:
        task.cancel()
    for _ in range(200):
        if all(t.done() for t in left):
            return
        qapp.processEvents()
