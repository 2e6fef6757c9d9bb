"""`socketio-inspector admin URL`: one JSON line per server message, and one clear line
(never a traceback) when the password is wrong, there is no admin namespace, or the server
cannot be reached."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from inspector.demo.admin_ui import ADMIN_UI_NAMESPACE
from tests import admin_servers
from tests.admin_servers import DEMO_ADMIN

admin_node = admin_servers.admin_node                    # a fixture
instrumented_demo = admin_servers.instrumented_demo      # a fixture


def _admin(*args: str, password: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "ADMIN_PW": password} if password is not None else dict(os.environ)
    return subprocess.run([sys.executable, "-m", "inspector", "admin", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def _lines(done: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.node
def test_admin_prints_the_servers_messages_normalized(admin_node):
    server = admin_node("--auth", "admin:pw-123")
    done = _admin(server.url, "--username", "admin", "--password-env", "ADMIN_PW", "--duration", "2.5",
                  password="pw-123")
    assert done.returncode == 0, done.stderr
    lines = _lines(done)
    assert all(m["kind"] == "server" for m in lines)
    events = [m["event"] for m in lines]
    assert {"session", "config", "all_sockets", "server_stats"} <= set(events)
    config = next(m for m in lines if m["event"] == "config")
    assert config["development"] and not config["read_only"]
    stats = next(m for m in lines if m["event"] == "server_stats")["server"]
    assert stats["clients"] >= 1 and "/admin" in stats["namespaces"]
    listed = next(m for m in lines if m["event"] == "all_sockets")["sockets"]
    assert any(s["ns"] == "/admin" for s in listed)           # the inspector's own admin socket
    assert "pw-123" not in done.stdout + done.stderr


@pytest.mark.node
@pytest.mark.parametrize("args,words", [
    (("--username", "admin", "--password-env", "ADMIN_PW"), "refused the admin username or password"),
    (("--namespace", "/nothing-here"), "has no /nothing-here namespace"),
])
def test_admin_says_what_went_wrong_in_one_line(admin_node, args, words):
    server = admin_node("--auth", "admin:right")
    done = _admin(server.url, *args, password="wrong")
    assert done.returncode == 2 and done.stdout == ""
    assert words in done.stderr and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_admin_on_the_instrumented_demo(instrumented_demo):
    done = _admin(instrumented_demo.url, "-n", ADMIN_UI_NAMESPACE, "-u", DEMO_ADMIN[0], "--password-env",
                  "ADMIN_PW", "--duration", "3", password=DEMO_ADMIN[1])
    assert done.returncode == 0, done.stderr
    events = [m["event"] for m in _lines(done)]
    assert "config" in events and "all_sockets" in events and "server_stats" in events


def test_admin_unreachable_and_unset_password_are_said():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = _admin(f"http://127.0.0.1:{port}")          # nothing listens there
    assert done.returncode == 2 and "could not open /admin on http://127.0.0.1" in done.stderr
    assert "Traceback" not in done.stderr
    done = _admin("http://127.0.0.1:1", "--password-env", "NO_SUCH_VARIABLE_HERE")
    assert done.returncode == 2 and "NO_SUCH_VARIABLE_HERE: that environment variable is not set" in done.stderr
