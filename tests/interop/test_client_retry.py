"""socket.io-client's test/retry.ts, ported: the inspector's Session against a port of
socket.io-client's own test server (tests/node/support_server.js).

Upstream: packages/socket.io-client/test/retry.ts of the socket.io monorepo, commit
d2d753fed4435015c2d83fe62e676b44e07fa3f7 (socket.io-client 4.8): the client options
`retries` and `ackTimeout` (issue 10, behaviour 5; session/retry_queue.py).

The options are written as ConnectionOptions(retries=..., ack_timeout=...) (seconds), and
an emit made with retries on asks for an ack without being told (as socket.io-client adds
one to every packet then).  `packetCreate` is what raw capture shows going out;
`socket._queue` (private) has no counterpart: its effect, one packet in flight at a time,
is asserted from the order of the log.

Adapted, and why: in "should preserve the order of the packets" the ackTimeout is 1 s, not
50 ms: the server answers at once, and on a loaded machine 50 ms could expire and resend,
which is not what the case tests.  "should not drain the queue while the socket is
disconnected" emits while the transport is down between two connections (upstream: before
the first connect, with autoConnect off, which the inspector cannot do).

Cases LEFT OUT: none.
"""
from __future__ import annotations

import pytest

from inspector.session.acks import AckTimeout
from inspector.session.server_acks import AckReply
from tests.helpers import run, until
from tests.interop.support import in_packets, out_packets, session_on

pytestmark = [pytest.mark.node, pytest.mark.interop]


def test_packets_keep_their_order(support_server):
    # "should preserve the order of the packets"
    async def scenario():
        async with session_on(support_server, raw=True, retries=1, ack_timeout=1.0) as (session, rec):
            results = [await session.emit("/", "echo", [n], ack=True) for n in (1, 2, 3)]
            answers = [await r.answer for r in results]
            assert [a.args for a in answers] == [[1], [2], [3]]
            await session.disconnect()
            assert out_packets(rec) == ["0", '20["echo",1]', '21["echo",2]', '22["echo",3]', "1"]
            # one at a time: each goes out after the previous one's ack came in
            outs = rec.find(kind="event", dir="out", event="echo")
            acks = rec.find(kind="ack", dir="in")
            assert outs[1].seq > acks[0].seq and outs[2].seq > acks[1].seq
            assert all(e.detail["attempt"] == 1 for e in outs)
    run(scenario())


def test_fails_when_the_server_never_acknowledges(support_server):
    # "should fail when the server does not acknowledge the packet": the server's "ack"
    # handler answers each try with an "ack" event of its own (left unanswered, as
    # upstream's listener leaves it), and never acks ours
    async def scenario():
        async with session_on(support_server, raw=True, connect=False, retries=3,
                              ack_timeout=0.05) as (session, rec):
            session.server_acks.set("ack", AckReply(enabled=False))
            await session.connect()
            r = await session.emit("/", "ack", [], ack=True)
            with pytest.raises(AckTimeout):
                await r.answer
            assert len(rec.find(kind="event", dir="in", event="ack")) == 4
            tries = rec.find(kind="event", dir="out", event="ack")
            assert [e.detail["attempt"] for e in tries] == [1, 2, 3, 4]
            await session.disconnect()
            assert out_packets(rec) == ["0", '20["ack"]', '21["ack"]', '22["ack"]', '23["ack"]', "1"]
    run(scenario())


def test_the_queue_does_not_drain_while_disconnected(support_server):
    # "should not drain the queue while the socket is disconnected"
    async def scenario():
        async with session_on(support_server, retries=3, ack_timeout=0.01,
                              reconnection_delay=0.1) as (session, rec):
            await session.drop_transport()
            await until(lambda: session.state == "reconnecting", what="the drop")
            r = await session.emit("/", "echo", [1], ack=True)
            assert r.outcome == "buffered"
            assert (await r.answer).args == [1]         # no error: its timer ran only while sent
            [out] = rec.find(kind="event", dir="out", event="echo")
            assert out.detail["attempt"] == 1
            assert not rec.find(kind="ack", flag="timeout")
    run(scenario())


def test_a_packet_is_not_emitted_twice_from_the_connect_handler(support_server):
    # "should not emit a packet twice in the 'connect' handler"
    async def scenario():
        async with session_on(support_server, raw=True, retries=3) as (session, rec):
            await session.emit("/", "echo", [None])
            [ack] = await rec.wait_for(kind="ack", dir="in")
            assert ack.args == [None]
            assert out_packets(rec) == ["0", '20["echo",null]']
            received = in_packets(rec)
            assert len(received) == 3        # OPEN, CONNECT, the ack
            assert received[2] == "30[null]"
    run(scenario())
