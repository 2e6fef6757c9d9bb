"""Shared fixtures: real servers on 127.0.0.1, port 0: the demo server in this process on a thread
of its own, or as a subprocess (readiness read from its stdout), and the official Node.js server."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from inspector.ui.free_memory import one_heap
from tests.demo_thread import ThreadedDemoServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
one_heap()         # the window's threads share one C heap, as app.py sets it up

# tests.strict: a test fails on an unexpected error entry or inspector warning; pytester: tests of that
pytest_plugins = ["inspector.testing", "tests.qt_loop", "tests.strict", "tests.keyrings", "pytester"]

ROOT = Path(__file__).resolve().parent.parent


class ServerProcess:
    """A server started as a subprocess that prints `READY <url>` when it listens."""

    def __init__(self, argv: list[str], cwd: Path | None = None, env: dict | None = None,
                 ready_timeout: float = 30.0):
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1)
        self.url = self._wait_ready(ready_timeout)
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _wait_ready(self, timeout: float) -> str:
        result: list[str] = []

        def read() -> None:
            for line in self.proc.stdout:
                if line.startswith("READY "):
                    result.append(line.split(None, 1)[1].strip())
                    return
        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        if not result:
            self.proc.kill()                 # then its stderr ends, and can be read whole
            self.proc.wait(10)
            err = self.proc.stderr.read() if self.proc.stderr else ""
            self.stop()
            raise RuntimeError(f"{self.argv} did not print READY within {timeout} s: {err[-2000:]}")
        return result[0]

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def start_demo(*extra: str) -> ServerProcess:
    """`python -m inspector.demo.server` as a subprocess on 127.0.0.1:0 (no periodic ticks):
    for the tests about that process (its command line, killing it)."""
    return ServerProcess([sys.executable, "-m", "inspector.demo.server", "--port", "0",
                          "--tick", "0", *extra])


@pytest.fixture
def demo_server():
    """The bundled demo server on 127.0.0.1:0 in this process, on its own thread's event
    loop (no periodic ticks); stopped after the test."""
    server = ThreadedDemoServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_demo_server():
    """One in-process demo server for a module's tests that do not change its state."""
    server = ThreadedDemoServer()
    yield server
    server.stop()


NODE_DIR = ROOT / "tests" / "node"


@pytest.fixture
def node_server():
    """A factory: node_server("--recovery", ...) starts the official socket.io server
    (tests/node/server.js) on 127.0.0.1:0; every server it started is stopped after the test."""
    started: list[ServerProcess] = []

    def start(*flags: str) -> ServerProcess:
        if not (NODE_DIR / "node_modules" / "socket.io").is_dir():
            raise RuntimeError("the socket.io npm package is not installed: "
                               "run `npm ci --prefix tests/node` (as .ci/run does)")
        server = ServerProcess(["node", "server.js", *flags], cwd=NODE_DIR)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


SUITES = {"interop": Path(__file__).resolve().parent / "interop",
          "faults": Path(__file__).resolve().parent / "faults"}


def pytest_collection_modifyitems(config, items):
    """The slow suites are marked by their folder, so `-m "not interop and not faults"`
    (and `not node`) leaves the fast tests."""
    for item in items:
        for marker, folder in SUITES.items():
            if folder in Path(item.path).parents:
                item.add_marker(marker)
