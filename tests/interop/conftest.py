"""Fixtures of the interop tests: socket.io-client's own test server (ported to
tests/node/support_server.js), started by the fixture and stopped by it."""
from __future__ import annotations

import pytest

from tests.interop.support import SupportServer


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "interop: socket.io-client's own test cases, ported, against its test server")


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
