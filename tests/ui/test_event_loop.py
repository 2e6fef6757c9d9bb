"""The GUI tests run on the loop the app ships with: qasync's, installed by
inspector.ui.event_loop.install_qasync_loop."""
from __future__ import annotations

import asyncio

import qasync

from inspector.ui import event_loop


def test_a_gui_test_runs_on_the_installed_qasync_loop_and_its_callbacks_run_while_it_waits(
        gui_loop, qtbot):
    loop = asyncio.get_running_loop()
    assert isinstance(loop, qasync.QEventLoop) and loop is gui_loop.loop and loop.is_running()
    loop.call_exception_handler({"message": "a probe"})     # install_qasync_loop's handler logs it
    [record] = gui_loop.errors
    assert record.name == event_loop.log.name and record.getMessage() == "a probe"
    gui_loop.errors.clear()
    fired = []
    loop.call_soon(fired.append, "soon")
    loop.call_later(0.05, fired.append, "later")

    async def coroutine():
        await asyncio.sleep(0.01)
        fired.append(asyncio.get_running_loop())
    task = loop.create_task(coroutine())
    qtbot.waitUntil(lambda: len(fired) == 3, timeout=2000)      # pytest-qt's wait runs them
    assert fired == ["soon", loop, "later"] and task.done()
