"""Fixtures of the interop tests: socket.io-client's own test server (ported to
tests/node/support_server.js), started by the fixture and stopped by it."""
from __future__ import annotations

import gc

import pytest

from tests.interop.support import SupportServer, bound_unlistened_port


@pytest.fixture(autouse=True)
def _collect_garbage():
    """Objects a test left behind are collected at its end, so a ResourceWarning (an
    aiohttp session never closed) is reported by the test that caused it."""
    yield
    gc.collect()


def _check(server: SupportServer, since: int) -> None:
    uncaught = server.uncaught(since)
    assert not uncaught, f"a check inside the support server's handlers failed: {uncaught[0]}"


@pytest.fixture(scope="module")
def _module_support_server():
    server = SupportServer("support_server.js")
    yield server
    server.stop()


@pytest.fixture
def support_server(_module_support_server):
    """The support server shared by a module's tests (tests that change no server state);
    a test fails when one of upstream's checks inside a handler failed during it."""
    since = _module_support_server.start = _module_support_server.mark()
    yield _module_support_server
    _check(_module_support_server, since)


@pytest.fixture
def fresh_support_server():
    """A support server of the test's own (for tests that stop it or read all it saw)."""
    server = SupportServer("support_server.js")
    yield server
    try:
        _check(server, 0)
    finally:
        server.stop()


@pytest.fixture
def node_generation():
    """A factory: node_generation("server_v3.js", "--parser", "msgpack") starts one of
    tests/node's servers on 127.0.0.1:0; every server it started is stopped after the test."""
    started: list[SupportServer] = []

    def start(script: str, *flags: str) -> SupportServer:
        server = SupportServer(script, *flags)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens, and nothing will while the test runs."""
    sock, port = bound_unlistened_port()
    yield port
    sock.close()
