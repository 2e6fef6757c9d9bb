"""The suite's own strictness, proven on small test files run by pytester in a subprocess with
this project's pytest settings: an unexpected error entry, inspector warning or Qt warning
fails a test; a declared one does not; a declared one that never comes does."""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from inspector import cli
from inspector.app import build_parser
from inspector.demo.server import DemoServer
from inspector.wire.loop import run as run_on_network_loop
from tests.demo_thread import ThreadedDemoServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_tests(pytester, monkeypatch):
    """Run a test file with the project's [tool.pytest.ini_options] and tests/strict.py."""
    # the subprocess runs in pytester's folder: it finds `tests.strict` through the checkout
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))

    def run(source: str, *args: str):
        pytester.makepyfile(test_it=source)
        return pytester.runpytest_subprocess(
            "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(pytester.path),
            "-p", "tests.strict", "-p", "no:cacheprovider", *args, str(pytester.path / "test_it.py"))
    return run


ERROR_ENTRY = '''
import asyncio, threading
import pytest
from inspector.session.session import Session

def test_an_error_entry_nobody_expected():
    Session().protocol_error("bad packet", "2probe")

@pytest.mark.expect_error(r"bad packet")
def test_an_error_entry_the_test_expects():
    Session().protocol_error("bad packet", "2probe")

def test_expected_at_run_time(expected_errors):
    expected_errors.add(r"garbled")
    Session().protocol_error("garbled", "x")

def test_an_error_entry_on_a_network_thread():
    session = Session()          # made here, its entries logged on another thread's loop
    async def network():
        session.protocol_error("on the network thread", "x")
    t = threading.Thread(target=asyncio.run, args=(network(),))
    t.start()
    t.join()

@pytest.mark.expect_error(r"never happens")
def test_an_expected_error_that_never_comes():
    Session()

def test_no_error_at_all():
    Session()
'''


def test_an_unexpected_error_entry_fails_the_test(run_tests):
    result = run_tests(ERROR_ENTRY, "-rA")
    # the test whose expected error never came passed its call, and errs at its teardown
    result.assert_outcomes(passed=4, failed=2, errors=1)
    out = result.stdout.str()
    for name in ("test_an_error_entry_the_test_expects", "test_expected_at_run_time", "test_no_error_at_all"):
        assert f"PASSED test_it.py::{name}" in out
    for name in ("test_an_error_entry_nobody_expected", "test_an_error_entry_on_a_network_thread"):
        assert f"FAILED test_it.py::{name}" in out
    assert "ERROR test_it.py::test_an_expected_error_that_never_comes" in out
    result.stdout.re_match_lines([
        r"_+ test_an_error_entry_nobody_expected _+",
        r'unexpected error entry: \{"seq":1,.*"kind":"error","args":\["2probe"\],"detail":\{"message":"bad packet"\}\}',
        r"_+ test_an_error_entry_on_a_network_thread _+",
        r'unexpected error entry: \{.*"kind":"error",.*"detail":\{"message":"on the network thread"\}\}',
    ])
    # noticed at the end of the test, when every fixture is down
    result.stdout.fnmatch_lines(["*_ ERROR at teardown of test_an_expected_error_that_never_comes _*",
                                 "expected an error matching 'never happens', none came"])


WARNING_RECORD = '''
import logging
import pytest

def test_a_warning_from_an_inspector_logger():
    logging.getLogger("inspector.session.session").warning("a log subscriber failed on entry %s", 7)

@pytest.mark.expect_error(r"inspector\\.store: disk full")
def test_an_expected_error_record():
    logging.getLogger("inspector.store").error("disk full")

def test_a_task_that_died_unseen():
    import asyncio, gc
    async def main():
        async def crash():
            raise RuntimeError("the write loop died")
        task = asyncio.ensure_future(crash())
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        del task
        gc.collect()
    asyncio.run(main())

def test_info_and_other_loggers_are_not_errors():
    logging.getLogger("inspector.wire").info("fine")
    logging.getLogger("somebody.else").error("not ours")
'''


def test_an_unexpected_inspector_or_asyncio_log_record_fails_the_test(run_tests):
    result = run_tests(WARNING_RECORD)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_a_warning_from_an_inspector_logger _*",
        "unexpected WARNING log record: inspector.session.session: a log subscriber failed on entry 7"])
    result.stdout.fnmatch_lines([
        "*_ test_a_task_that_died_unseen _*",
        "unexpected ERROR log record: asyncio: Task exception was never retrieved",
        "future: <Task finished *exception=RuntimeError('the write loop died')> (RuntimeError: the write loop died)"])


QT_WARNING = '''
import pytest
from PySide6.QtCore import qWarning

def test_a_qt_warning(qtbot):
    qWarning("QPainter::begin: Paint device returned engine == 0")

@pytest.mark.qt_log_ignore("QPainter::begin")
def test_an_ignored_qt_warning(qtbot):
    qWarning("QPainter::begin: Paint device returned engine == 0")

def test_the_offscreen_plugin_note_is_ignored(qtbot):
    qWarning("This plugin does not support propagateSizeHints()")
'''


def test_an_unexpected_qt_warning_fails_the_test(run_tests):
    result = run_tests(QT_WARNING)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*Qt messages with level WARNING or above emitted*",
                                 "*QPainter::begin: Paint device returned engine == 0*"])
    result.stdout.fnmatch_lines(["*FAILED test_it.py::test_a_qt_warning*"])


# -- every Session of this process is watched: the window's, the CLI's, the scenario runner's --

class GarblingDemoServer(DemoServer):
    """The demo server plus `garble`: an EVENT packet whose name is not a string (the client
    logs an error entry for it), then an `after` event."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

        @self.sio.on("garble")
        async def garble(sid, *_):
            await self.sio.eio.send(self.sio.manager.eio_sid_from_sid(sid, "/"), "2[42]")
            await self.sio.emit("after", {"garbled": True}, to=sid)


@pytest.fixture
def garbling_server():
    server = ThreadedDemoServer(GarblingDemoServer)
    yield server
    server.stop()


def seen(expected_errors) -> list[int]:
    return [e.seen for e in expected_errors.expectations]


def test_the_window_session_on_the_network_thread_is_watched(inspector_at, garbling_server, expected_errors):
    expected_errors.add(r'"kind":"error".*event packet without an event name')
    ui = inspector_at(garbling_server.url)
    ui.connect()
    ui.emit("garble")
    error = ui.wait_for(kind="error")
    ui.wait_for_event("after")
    assert error.args == ["[42]"] and seen(expected_errors) == [1]


def test_the_cli_and_the_scenario_runner_in_process_are_watched(garbling_server, expected_errors, tmp_path):
    expected_errors.add(r"event packet without an event name")
    out = io.StringIO()
    args = build_parser().parse_args(["listen", garbling_server.url, "--emit", "garble", "--count", "2"])
    assert run_on_network_loop(cli.listen(args, out)) == 0          # ends after welcome and after
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["kind"], e.get("event")) for e in printed if e["dir"] != "out"][1:4] == [
        ("event", "welcome"), ("error", None), ("event", "after")]
    assert seen(expected_errors) == [1]

    scenario = tmp_path / "garble.yaml"
    scenario.write_text("steps:\n  - emit: garble\n  - expect: after\n")
    code = cli.run(build_parser().parse_args(["run", str(scenario), "--url", garbling_server.url]))
    assert code == 0 and seen(expected_errors) == [2]
