"""Handshake refusals keep the server's reason (issue 10), from real servers on every
transport: a polling-only socket.io server (400 Transport unknown), an `allowRequest` that
refuses (403 and its JSON body on polling, 400 and its text on the websocket upgrade), a
path with no Socket.IO server (404), and nothing but that one line on the CLI's stderr."""
from __future__ import annotations

import subprocess
import sys

import pytest

from inspector.session.errors import ConnectError
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.demo_thread import ThreadedDemoServer
from tests.helpers import run

pytestmark = [pytest.mark.node, pytest.mark.interop]

TRANSPORTS = ["websocket", "polling", "upgrade"]


async def refusal(url: str, transport: str) -> str:
    session = Session(ConnectionOptions(url=url, transport=transport, reconnection=False))
    try:
        with pytest.raises(ConnectError) as caught:
            await session.connect()
        return str(caught.value)
    finally:
        await session.disconnect()


def test_a_polling_only_server_says_transport_unknown_to_websocket(node_generation):
    server = node_generation("server.js", "--transports", "polling")
    message = run(refusal(server.url, "websocket"))
    assert message == ("the server refused the handshake (HTTP 400 Bad Request): Transport unknown "
                       "— it does not accept WebSocket: choose long-polling")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_allow_request_refusing_is_shown_in_the_servers_words(node_generation, transport):
    server = node_generation("server.js", "--refuse", "go away, token expired")
    message = run(refusal(server.url, transport))
    # engine.io answers a refused upgrade 400 (abortUpgrade), a refused poll 403 with JSON
    status = "400 Bad Request" if transport == "websocket" else "403 Forbidden"
    assert message == f"the server refused the handshake (HTTP {status}): go away, token expired"


@pytest.fixture
def demo_under_api():
    server = ThreadedDemoServer(path="api/socket.io")
    yield server
    server.stop()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_404_says_there_is_no_socket_io_server_at_the_path(demo_under_api, transport):
    host = demo_under_api.url.removeprefix("http://")
    message = run(refusal(demo_under_api.url + "/api", transport))
    assert message.startswith(f"no Socket.IO server at /socket.io/ on {host} (HTTP 404) — check the path")
    assert "set the path to /api/socket.io" in message
    # and the suggestion is right
    ok = Session(ConnectionOptions(url=demo_under_api.url, path="/api/socket.io", transport=transport))

    async def connect():
        try:
            assert (await ok.connect())["/"]["sid"]
        finally:
            await ok.disconnect()
    run(connect())


def test_the_cli_prints_the_refusal_alone(demo_under_api):
    proc = subprocess.run(
        [sys.executable, "-m", "inspector", "emit", demo_under_api.url + "/api", "echo", "1",
         "--no-reconnect"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()          # no "Unclosed client session", no traceback
    assert "no Socket.IO server at /socket.io/" in line
