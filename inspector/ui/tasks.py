"""Handler coroutines started from Qt signals, on the GUI thread's (qasync) loop.

A Qt slot cannot await, and an exception raised in one is printed by PySide and
lost.  `Tasks.spawn` starts the coroutine as a task, holds it until it ends (asyncio
keeps only a weak reference: a task nobody holds can vanish mid-flight) and hands its
failure to `on_error`, which shows it in the window; it is logged too, with its
traceback when it is not one of the `expected` errors (those are the user's, such as
a refused connection, not the program's).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Coroutine

log = logging.getLogger(__name__)

OnError = Callable[[BaseException], None]


class NoGuiLoop(RuntimeError):
    """A handler was started where no asyncio loop runs (see ui.event_loop)."""


class Tasks:
    """The handler tasks of one window that have not ended yet."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task] = set()

    @property
    def running(self) -> frozenset[asyncio.Task]:
        return frozenset(self._running)

    def spawn(self, coro: Coroutine[Any, Any, Any], on_error: OnError, *,
              expected: tuple[type[BaseException], ...] = (), name: str | None = None,
              on_end: Callable[[], None] | None = None) -> asyncio.Task | None:
        """Run `coro` on the running loop; its failure goes to `on_error`, never to Qt.
        `on_end` runs when it ends, however it ends (cancelled before it began included)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            error = NoGuiLoop("no asyncio loop runs on the GUI thread: "
                              "inspector.ui.event_loop.install_qasync_loop was not called")
            log.error("%s", error)
            if on_end is not None:
                on_end()
            on_error(error)
            return None
        task = loop.create_task(coro, name=name)
        self._running.add(task)
        task.add_done_callback(lambda t: self._ended(t, on_error, expected, on_end))
        return task

    def _ended(self, task: asyncio.Task, on_error: OnError,
               expected: tuple[type[BaseException], ...], on_end: Callable[[], None] | None) -> None:
        self._running.discard(task)
        if on_end is not None:
            on_end()
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        if isinstance(error, expected):
            log.info("%s: %s", task.get_name(), error)
        else:
            log.error("%s failed", task.get_name(), exc_info=error)
        on_error(error)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()
