"""The GUI thread's asyncio loop: qasync's QEventLoop, run by Qt's own event loop.

One loop per process, installed "already running" (qasync's `already_running=True`):
its callbacks are Qt timer and signal events, so whatever processes Qt's events runs
them — `QApplication.exec()` in the app, pytest-qt's `qtbot.wait` / `waitUntil` (a
nested QEventLoop) in the tests — and `asyncio.get_running_loop()` answers this loop
anywhere on the GUI thread.  The app and its tests install it with the same call, so
the window's handler coroutines run the same way in both.

A trap (measured with PySide6 6.11): qasync's `stop()` calls `QApplication.exit()`, and
outside `exec()` that leaves Qt's quit flag set for good, so every later
`QEventLoop.exec()` (a dialog, a menu, pytest-qt's waits) returns at once without
processing an event.  `close_qasync_loop` is therefore only for after `exec()` returned.
"""
from __future__ import annotations

import asyncio
import logging

import qasync
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)


def install_qasync_loop(app: QApplication) -> qasync.QEventLoop:
    """Make qasync's loop the GUI thread's running asyncio loop, driven by `app`'s events."""
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(log_unhandled)
    return loop


def log_unhandled(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """What asyncio could hand to nobody (a callback that raised, a task whose error
    nobody asked for): logged, not printed to the terminal by qasync's default handler."""
    exc = context.get("exception")
    message = context.get("message") or "unhandled error in the GUI loop"
    where = context.get("task") or context.get("future") or context.get("handle")
    if where is not None:
        message = f"{message} ({where!r})"
    log.error("%s", message, exc_info=exc if isinstance(exc, BaseException) else None)


def close_qasync_loop(loop: qasync.QEventLoop, app: QApplication) -> None:
    """After `app.exec()` returned: cancel the tasks still running, let them end, close."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    for _ in range(100):           # each turn runs the callbacks that are due
        if all(t.done() for t in pending):
            break
        app.processEvents()
    loop.stop()                    # qasync: Qt's exit (harmless now) and "not running"
    loop.close()
    asyncio.events._set_running_loop(None)     # what qasync set for "already running"
    asyncio.set_event_loop(None)
