"""Answers owed to the server (session/server_acks.py, issue 10 behaviour 6): an answer to
the server's own ack request made while the namespace is down is held and sent once it
is back, as socket.io-client's socket does, not dropped.  Against socket.io-client's test
server (tests/node/support_server.js): its "ack" handler emits "ack" with a callback."""
from __future__ import annotations

import pytest

from inspector.session.server_acks import AckReply
from tests.helpers import run, until
from tests.interop.support import SupportServer, out_packets, session_on

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def support_server():
    server = SupportServer("support_server.js")
    yield server
    server.stop()


def test_an_answer_made_while_disconnected_is_sent_after_reconnecting(support_server):
    async def scenario():
        since = support_server.mark()
        async with session_on(support_server, raw=True, connect=False) as (session, rec):
            session.server_acks.set("ack", AckReply(enabled=False))     # answered by hand
            await session.connect()
            await session.emit("/", "ack", [])
            [asked] = await rec.wait_for(kind="event", dir="in", event="ack")
            await session.drop_transport()
            await until(lambda: session.ns_state["/"] == "reconnecting", what="the drop")
            assert session.answer_server_ack("/", asked.ack_id, [5, {"test": True}])
            assert session.snapshot().buffered == 1          # held, as the composer shows
            [answer] = await rec.wait_for(kind="ack", dir="out")
            assert answer.args == [5, {"test": True}] and answer.ack_id == asked.ack_id
            assert "buffered" in answer.flags and "answered while disconnected" in answer.detail["note"]
            _, back = rec.find(kind="connect", ns="/")
            assert answer.seq > back.seq                     # after the namespace was back
            assert out_packets(rec)[-1] == f'3{asked.ack_id}[5,{{"test":true}}]'
            [seen] = await support_server.wait_saw(kind="ack", since=since)
            assert seen["packet"] == f'3{asked.ack_id}[5,{{"test":true}}]'
            # it came on the new connection; socket.io no longer waited for it (the note's
            # words): its callback, which would emit "got it", is gone with the old one
            marker = await session.emit("/", "echo", ["marker"], ack=True)
            await marker.answer
            assert not rec.find(kind="event", event="got it")
            assert not rec.find(kind="dropped")
    run(scenario())


def test_an_answer_to_a_closed_namespace_is_refused(support_server):
    async def scenario():
        async with session_on(support_server, connect=False) as (session, rec):
            session.server_acks.set("ack", AckReply(enabled=False))
            await session.connect(namespaces=["/", "/foo"])
            await session.emit("/", "ack", [])
            [asked] = await rec.wait_for(kind="event", dir="in", event="ack")
            await session.close_namespace("/")
            assert not session.answer_server_ack("/", asked.ack_id, [5])     # nobody to answer
            assert session.snapshot().buffered == 0
            assert not rec.find(kind="ack", dir="out")
    run(scenario())
