"""The GUI tests run on the loop the app ships with: qasync's, installed by
inspector.ui.event_loop.install_qasync_loop, and the window's handlers run on it."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import qasync

from inspector.ui import event_loop

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.expect_error(r"a probe")
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
        await asyncio.sleep(0)           # a coroutine step that yields to the loop
        fired.append(asyncio.get_running_loop())
    task = loop.create_task(coroutine())
    qtbot.waitUntil(lambda: len(fired) == 3, timeout=2000)      # pytest-qt's wait runs them
    assert fired == ["soon", loop, "later"] and task.done()


def test_a_window_handler_coroutine_runs_on_that_loop(gui_loop, inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.wait_idle()               # what the window set up when it opened
    ui.click("connectButton")
    [handler] = ui.window.tasks.running
    assert handler.get_loop() is gui_loop.loop and handler.get_name() == "MainWindow.connect_to"
    assert ui.widget("connectButton").text() == "Connecting…"
    ui.wait_idle()
    assert handler.done() and handler.exception() is None
    assert ui.wait_for_status("Connected").startswith(f"Connected to {demo_server.url}")
    assert ui.widget("connectButton").text() == "Connect" and ui.message == ""


# The real app (app.main) in a process of its own, its loop set-up and window handlers
# watched: the loop it runs is the one install_qasync_loop made, and the connect handler
# that --demo starts ran on it to the end.
PROBE = r"""
import asyncio, sys
import qasync
from inspector import app
from inspector.ui import event_loop, tasks

installed, ran = [], []
install, spawn = event_loop.install_qasync_loop, tasks.Tasks.spawn

def recording_install(qt_app):
    installed.append(install(qt_app))
    return installed[-1]

def recording_spawn(self, coro, on_error, **kw):
    async def watched():
        result = await coro
        ran.append((kw.get("name"), asyncio.get_running_loop()))
        return result
    return spawn(self, watched(), on_error, **kw)

event_loop.install_qasync_loop, tasks.Tasks.spawn = recording_install, recording_spawn
code = app.main(sys.argv[1:])
[loop] = installed
print("LOOP", type(loop).__name__, isinstance(loop, qasync.QEventLoop), loop.is_closed())
print("RAN", sorted(name for name, on in ran if on is loop), sum(on is not loop for _n, on in ran))
sys.exit(code)
"""


def test_the_app_runs_its_window_handlers_on_the_loop_install_qasync_loop_made(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env.pop(var, None)           # settings, session files and the log go under tmp_path
    shot = tmp_path / "window.png"
    proc = subprocess.run([sys.executable, "-c", PROBE, "--demo", "--screenshot", str(shot),
                           "--session-file", str(tmp_path / "s.sqlite")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "LOOP QSelectorEventLoop True True" in proc.stdout
    # --demo connects and turns the server view on (the demo instruments itself): all on that loop
    assert "RAN ['MainWindow.connect_to', 'MainWindow.set_room_events', 'ServerWindow.attach'] 0" in proc.stdout
    assert shot.stat().st_size > 0
    assert "Traceback" not in proc.stderr
