"""Handler coroutines started from Qt signals (inspector.ui.tasks)."""
from __future__ import annotations

import asyncio
import gc
import warnings

import pytest

from inspector.ui.tasks import NoGuiLoop, Tasks


def test_a_task_is_held_until_it_ends_and_its_error_goes_to_on_error(gui_loop, qtbot):
    tasks, errors, ended = Tasks(), [], []
    release = asyncio.Event()

    reached = []

    async def handler():
        reached.append(1)
        await release.wait()
        raise ValueError("refused")
    task = tasks.spawn(handler(), errors.append, expected=(ValueError,), on_end=lambda: ended.append(1))
    assert tasks.running == {task}
    qtbot.waitUntil(lambda: reached == [1], timeout=2000)     # it runs, and waits there
    assert tasks.running == {task} and not errors and not ended
    release.set()
    qtbot.waitUntil(lambda: not tasks.running, timeout=2000)
    assert [str(e) for e in errors] == ["refused"] and ended == [1]
    assert not gui_loop.errors                  # an expected error is the user's, not a bug


def test_a_cancelled_handler_gives_its_control_back_and_reports_nothing(gui_loop, qtbot):
    tasks, errors, ended = Tasks(), [], []
    started = []

    async def handler():
        started.append(1)
        await asyncio.Event().wait()         # until cancelled
    tasks.spawn(handler(), errors.append, on_end=lambda: ended.append(1))
    tasks.cancel_all()                          # before its first step, even
    qtbot.waitUntil(lambda: not tasks.running, timeout=2000)
    assert ended == [1] and not errors and not started


@pytest.mark.expect_error(r"no asyncio loop runs on the GUI thread")
def test_without_a_running_loop_the_handler_is_refused_and_closed(gui_loop):
    tasks, errors, ended = Tasks(), [], []

    async def handler():
        pass
    asyncio.events._set_running_loop(None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")      # no "coroutine ... was never awaited"
            assert tasks.spawn(handler(), errors.append, on_end=lambda: ended.append(1)) is None
            gc.collect()
    finally:
        asyncio.events._set_running_loop(gui_loop.loop)
    [error] = errors
    assert isinstance(error, NoGuiLoop) and "install_qasync_loop" in str(error) and ended == [1]
    [record] = gui_loop.errors
    gui_loop.errors.clear()
    assert record.name == "inspector.ui.tasks"
