"""The window and its capture process: what ships is what the GUI tests run (the qasync
loop, a capture process of its own), and capture killed under the window (the window
killed under capture: tests/capture/test_process_deaths.py)."""
from __future__ import annotations

import asyncio
import gc
import os
import signal

import qasync

from inspector.log.entry import SYS, Kind
from inspector.session.session import Session


def test_the_gui_tests_run_the_window_as_it_ships_on_qasync_with_capture_in_its_own_process(inspector):
    assert isinstance(asyncio.get_running_loop(), qasync.QEventLoop)
    process = inspector.bridge.client.process
    with open(f"/proc/{process.pid}/cmdline", "rb") as f:
        argv = f.read().split(b"\0")
    assert argv[1:3] == [b"-m", b"inspector.capture"] and process.pid != os.getpid()
    inspector.connect()
    inspector.emit("echo", {"n": 1}, ack=True)
    assert inspector.wait_for(kind=Kind.ACK, event="echo", dir="in").args == [{"n": 1}]
    assert inspector.capture_info()["sid"]                   # the Session is there...
    gc.collect()          # (an earlier in-process test's Session may be garbage not yet collected)
    assert not [o for o in gc.get_objects() if isinstance(o, Session)]    # ...and not here


def test_capture_killed_under_the_window_is_said_and_what_the_user_typed_stays(inspector):
    inspector.connect()
    inspector.type_into("eventEdit", "my_event")
    inspector.type_into("argsEdit", '{"kept": true}')
    os.kill(inspector.bridge.client.process.pid, signal.SIGKILL)
    [lost] = [inspector.wait_for(kind=Kind.ERROR, dir=SYS)]
    assert lost.detail["message"].startswith("Capture stopped: the capture process was killed (SIGKILL)")
    inspector.qtbot.waitUntil(lambda: inspector.status.startswith("Capture stopped"))
    assert "killed (SIGKILL)" in inspector.message
    assert inspector.widget("eventEdit").text() == "my_event"
    assert inspector.widget("argsEdit").toPlainText() == '{"kept": true}'
    inspector.type_into("urlEdit", inspector.url)
    inspector.click("connectButton")        # said, not raised: no traceback, no bug message
    inspector.qtbot.waitUntil(lambda: "was killed (SIGKILL)" in inspector.message
                              and not inspector.message.startswith("Capture stopped"))
    assert "a bug in the inspector" not in inspector.message
    assert inspector.widget("eventEdit").text() == "my_event"
