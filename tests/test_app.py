"""The window's bootstrap: what it logs where (the loop and the window: tests/ui/test_event_loop.py)."""
from __future__ import annotations

import logging
import sys

import pytest

from inspector import app


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    sys.excepthook = hook


@pytest.mark.expect_error(r"MainWindow\.emit failed|nobody caught me")
def test_errors_reach_the_terminal_as_one_line_and_the_log_file_whole(tmp_path, capsys, restored_logging):
    path = app.configure_logging(tmp_path / "logs")
    assert path == tmp_path / "logs" / "inspector.log"
    try:
        {}["missing"]
    except KeyError as exc:
        logging.getLogger("inspector.ui.tasks").error("MainWindow.emit failed", exc_info=exc)
    try:
        raise ValueError("nobody caught me")
    except ValueError:
        sys.excepthook(*sys.exc_info())          # what PySide does with a slot's exception
    logging.getLogger("inspector.ui.tasks").info("Opening /x failed: refused")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"socketio-inspector: MainWindow.emit failed (KeyError: 'missing'; the traceback is in {path})",
        f"socketio-inspector: uncaught error (ValueError: nobody caught me; the traceback is in {path})",
    ]
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = path.read_text(encoding="utf-8")
    assert written.count("Traceback (most recent call last)") == 2
    assert "KeyError: 'missing'" in written and "ValueError: nobody caught me" in written
    assert "INFO MainThread inspector.ui.tasks: Opening /x failed: refused" in written


def test_demo_says_its_servers_url_in_the_terminal(tmp_path):
    """`--demo` picks a free port: the terminal says which (issue 14, point 8)."""
    import os
    import re
    import subprocess

    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "inspector", "--demo", "--screenshot", str(shot)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = re.search(r"demo server listens on (http://127\.0\.0\.1:\d+)", done.stdout)
    assert found, done.stdout
    assert shot.exists()
    # and its Admin UI namespace, with the credentials (issue 13)
    assert f"namespace /admin-ui on {found.group(1)}, username 'admin', password 'demo-admin'" in done.stdout


def test_demo_cluster_starts_two_nodes_on_redis_and_stops_them_with_the_window(tmp_path):
    """`--demo-cluster` (issue 12): redis-server and two demo nodes, node A connected; all of
    them gone once the window has closed."""
    import os
    import re
    import shutil
    import socket
    import subprocess

    import pytest
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (tests/install_system_packages.sh installs it)")
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "inspector", "--demo-cluster", "--screenshot", str(shot)],
                          env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    found = re.search(r"node A listens on http://127\.0\.0\.1:(\d+), node B on http://127\.0\.0\.1:(\d+), "
                      r"sharing redis://127\.0\.0\.1:(\d+)/0", done.stdout)
    assert found, done.stdout
    assert shot.exists()
    for port in found.groups():          # the nodes and redis-server stopped with the window
        with socket.socket() as s, pytest.raises(ConnectionRefusedError):
            s.connect(("127.0.0.1", int(port)))
