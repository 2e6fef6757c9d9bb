"""Every line of the emit cheatsheet on the official Node.js socket.io server (4.x,
tests/node/cheatsheet.js), with the three clients in two rooms the demo's test uses: the
same receivers, and volatile / compress(false) done by the server itself (no note)."""
from __future__ import annotations

import pytest

from tests.cheatsheet_clients import every_line_reaches_exactly_who_it_should
from tests.helpers import run

pytestmark = [pytest.mark.node, pytest.mark.interop]


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_every_line_reaches_exactly_who_it_should_on_the_node_server(node_server, transport):
    server = node_server()
    run(every_line_reaches_exactly_who_it_should(server.url, transport, notes={}))
