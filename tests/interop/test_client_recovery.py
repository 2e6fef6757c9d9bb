"""socket.io-client's test/connection-state-recovery.ts, ported: the inspector's Session
against a port of socket.io-client's own test server (tests/node/support_server.js, which
has connectionStateRecovery on, as upstream's).

Upstream: packages/socket.io-client/test/connection-state-recovery.ts of the socket.io
monorepo, commit d2d753fed4435015c2d83fe62e676b44e07fa3f7 (socket.io-client 4.8).
`socket.io.engine.close()` is Session.drop_transport().

Cases LEFT OUT: none (the file has one case).
"""
from __future__ import annotations

import pytest

from tests.helpers import run
from tests.interop.support import session_on

pytestmark = [pytest.mark.node, pytest.mark.interop]


def test_the_session_is_recovered_with_the_same_socket_id(support_server):
    # "should have an accessible socket id equal to the server-side socket id (default
    # namespace)"
    async def scenario():
        async with session_on(support_server, reconnection_delay=0.01) as (session, rec):
            [first] = rec.find(kind="connect", ns="/")
            assert first.detail["recovered"] is False
            await session.emit("/", "hi", [])           # init the offset
            [hi] = await rec.wait_for(kind="event", dir="in", event="hi")
            assert hi.args == [] and isinstance(hi.detail["offset"], str)
            await session.drop_transport()
            [_, again] = await rec.wait_for(2, kind="connect", ns="/")
            assert again.detail["sid"] == first.detail["sid"]
            assert again.detail["recovered"] is True
            [seen] = await support_server.wait_saw(kind="connection", recovered=True)
            assert seen["id"] == first.detail["sid"]
    run(scenario())
