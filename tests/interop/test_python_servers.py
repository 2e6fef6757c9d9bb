"""The python-socketio rows of README's Compatibility table: the checks of the Node rows
(test_servers.py `smoke`) against python-socketio on aiohttp and as an ASGI app under
uvicorn, with the JSON and the msgpack serializers, on every transport."""
from __future__ import annotations

import pytest

from tests.helpers import run
from tests.interop.python_servers import PythonServer
from tests.interop.test_servers import TRANSPORTS, smoke

pytestmark = [pytest.mark.interop]


@pytest.fixture
def python_server():
    started: list[PythonServer] = []

    def start(**kwargs) -> PythonServer:
        server = PythonServer(**kwargs)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("asgi", [False, True], ids=["aiohttp", "asgi"])
@pytest.mark.parametrize("parser", ["json", "msgpack"])
def test_the_python_socketio_row_works_end_to_end(python_server, asgi, parser, transport):
    server = python_server(asgi=asgi, serializer="msgpack" if parser == "msgpack" else "default")
    run(smoke(server.url, transport, parser=parser))
