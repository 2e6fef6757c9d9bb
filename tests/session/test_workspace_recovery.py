"""Three clients of a workspace in one room on the official Node.js server with recovery on:
one is dropped, the server emits to the room while it is gone, and the others keep receiving
while it reconnects and gets what it missed replayed (issue 12's "a client dropped and
recovered while the others keep receiving")."""
from __future__ import annotations

import pytest

from inspector.log import delivery
from inspector.log.entry import IN, Flag, Kind
from inspector.session.workspace import Workspace
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import run, until

COUNT = 5


def numbers(entries, client: str) -> list:
    return [e for e in entries if e.client == client and e.dir == IN and e.kind == Kind.EVENT
            and e.event == "number"]


@pytest.mark.node
def test_a_dropped_client_recovers_what_it_missed_while_the_others_keep_receiving(node_server):
    server = node_server("--recovery")

    async def scenario():
        ws = Workspace()
        entries = []
        ws.subscribe(entries.append)
        for name in ("alice", "bob", "carol"):
            ws.add(name, ConnectionOptions(url=server.url, transport=Transport.WEBSOCKET, reconnection_delay=0.2,
                                           reconnection_delay_max=0.5, randomization_factor=0.0))
        got = await ws.connect_all()
        assert all(not isinstance(v, Exception) for v in got.values()), got
        try:
            for name in ws.names():
                joined = await ws[name].session.join_room("/", "numbers")
                await joined.answer
            # the server cuts bob's transport, then emits COUNT numbers to the room
            await ws["bob"].session.emit("/", "drop_and_emit", [{"room": "numbers", "count": COUNT}])
            want = [[{"seq": n}] for n in range(1, COUNT + 1)]
            await until(lambda: all(len(numbers(entries, c)) == COUNT for c in ("alice", "bob", "carol")), 15,
                        "every client to have every number")
            for name in ("alice", "carol"):          # they never stopped
                assert [e.args for e in numbers(entries, name)] == want
                assert not any(Flag.RECOVERED in e.flags for e in numbers(entries, name))
                assert not [e for e in entries if e.client == name and e.kind == Kind.DISCONNECT]
            bob = numbers(entries, "bob")
            assert [e.args for e in bob] == want and all(Flag.RECOVERED in e.flags for e in bob)
            [down] = [e for e in entries if e.client == "bob" and e.kind == Kind.DISCONNECT and e.ns == "/"]
            [gap] = [e for e in entries if e.client == "bob" and e.kind == Kind.GAP]
            assert gap.detail["recovered"] is True and gap.detail["recovered_events"] == COUNT
            # the others got each number while bob was down: before his gap closed
            assert all(down.seq < e.seq < gap.seq for c in ("alice", "carol") for e in numbers(entries, c))
            # and the delivery view reads: every number reached all three, bob's replayed
            rows = [d for d in delivery.group(entries) if d.event == "number"]
            assert len(rows) == COUNT and all(set(d.receipts) == {"alice", "bob", "carol"} for d in rows)
        finally:
            await ws.disconnect_all()

    run(scenario())
