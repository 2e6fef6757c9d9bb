"""Every line of the emit cheatsheet on the demo server, with three clients in two rooms:
who received it and who did not (a real python-socketio server on 127.0.0.1:0).  The same
check against the official Node.js server: tests/interop/test_cheatsheet_node.py."""
from __future__ import annotations

import pytest

from inspector.demo.cheatsheet import LINES, NOTES
from inspector.demo.server import DemoServer
from tests.cheatsheet_clients import EXPECTED, every_line_reaches_exactly_who_it_should
from tests.helpers import run


def test_the_table_covers_every_line():
    assert set(EXPECTED) == set(LINES)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_every_line_reaches_exactly_who_it_should(transport):
    async def scenario():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        try:
            await every_line_reaches_exactly_who_it_should(url, transport, NOTES)
        finally:
            await server.stop()
    run(scenario())
