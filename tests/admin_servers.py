"""Servers for the server-view tests: the official Node server instrumented with
@socket.io/admin-ui (tests/node/admin_server.js), python-socketio's instrumented demo server
(a subprocess: instrument() patches python-engineio's classes, once per process), and a
real redis-server on a free loopback port.  Import the fixtures into a test module."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest

from tests.conftest import NODE_DIR, ServerProcess
from tests.helpers import wait_until

DEMO_ADMIN = ("admin", "demo-admin")       # the demo's credentials (README, the banner)


@pytest.fixture
def admin_node():
    """A factory: admin_node("--auth", "admin:pw", "--readonly", ...) starts
    tests/node/admin_server.js; every server it started is stopped after the test."""
    started: list[ServerProcess] = []

    def start(*flags: str) -> ServerProcess:
        if not (NODE_DIR / "node_modules" / "@socket.io" / "admin-ui").is_dir():
            raise RuntimeError("the @socket.io/admin-ui npm package is not installed: "
                               "run `npm ci --prefix tests/node` (as .ci/run does)")
        server = ServerProcess(["node", "admin_server.js", *flags], cwd=NODE_DIR)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


@pytest.fixture
def instrumented_demo():
    """The demo server with its Admin UI namespace (python -m inspector.demo.server --admin-ui)."""
    server = ServerProcess([sys.executable, "-m", "inspector.demo.server", "--port", "0", "--tick", "0",
                            "--admin-ui"])
    yield server
    server.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(exe: str, port: int) -> tuple[subprocess.Popen | None, str]:
    """redis-server on the port, once it is ready; (None, its last words) when it stopped."""
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    lines: list[str] = []

    def ready() -> bool:
        line = proc.stdout.readline()
        lines.append(line)
        return "Ready to accept connections" in line or proc.poll() is not None
    wait_until(ready, 15, "redis-server to start")
    if proc.poll() is None:
        return proc, ""
    proc.stdout.close()
    return None, "".join(lines[-5:])


@pytest.fixture
def redis_url():
    """redis-server on 127.0.0.1 and a free port (asked of the OS, then given to redis; tried
    again on another port if something took it meanwhile); stopped after the test."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed: tests/install_system_packages.sh installs it")
    words = ""
    for _ in range(5):
        port = _free_port()
        proc, words = _start_redis(exe, port)
        if proc is not None:
            break
    else:
        raise RuntimeError(f"redis-server did not start: {words}")
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)
    proc.stdout.close()
