"""Every line of the emit cheatsheet on the demo server, with three clients in two rooms:
who received it and who did not (a real python-socketio server on 127.0.0.1:0)."""
from __future__ import annotations

import pytest

from inspector.demo.cheatsheet import LINES, NOTES
from inspector.demo.server import DemoServer
from inspector.log import delivery
from inspector.log.entry import IN, OUT, Kind
from inspector.session.server_acks import AckReply
from tests.cheatsheet_clients import NS, receivers, sid_of, three_clients
from tests.helpers import run, until

# sender alice; see tests/cheatsheet_clients.py for the rooms
EXPECTED = {
    "broadcast": {"bob", "carol"},
    "to_room": {"bob"},                  # room1 but the sender
    "to_rooms": {"bob", "carol"},        # room1 ∪ room2 but the sender, bob once
    "in_room": {"alice", "bob"},         # room1, the sender too
    "of_namespace": {"alice", "bob"},    # everyone on /chat
    "to_socket": {"carol"},
    "local": {"alice", "bob", "carol"},  # one node: everyone
    "all": {"alice", "bob", "carol"},
    "volatile": {"alice"},
    "compress_false": {"alice"},
    "with_ack": {"alice"},
}


def test_the_table_covers_every_line():
    assert set(EXPECTED) == set(LINES)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_every_line_reaches_exactly_who_it_should(transport):
    async def scenario():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        ws, entries = await three_clients({n: url for n in ("alice", "bob", "carol")}, transport)
        try:
            for c in ws.clients():
                assert c.node == url.split("://")[1]
            ws["alice"].session.server_acks.set("with_ack", AckReply(["roger"]))
            carol = sid_of(entries, "carol")
            alice = ws["alice"].session
            for line in LINES:
                spec = {"data": line, **({"to": carol} if line == "to_socket" else {})}
                result = await alice.emit(NS, line, [spec], ack=True)
                answer = await result.answer
                assert answer.args[0]["line"] == line
                if line in NOTES:
                    assert answer.args[0]["note"] == NOTES[line]
                want = EXPECTED[line]
                # the last of those who should get it, then a marker to every client, so a
                # late stray copy would be there by the time we look
                await until(lambda want=want, line=line: receivers(entries, line) >= want, 5,
                            f"{line} to reach {sorted(want)}")
            await alice.emit(NS, "all", [{"data": "marker"}])
            await until(lambda: sum(1 for e in entries if e.dir == IN and e.kind == Kind.EVENT and e.event == "all"
                                    and e.args[0]["data"] == "marker") == 3, 5)
            await until(lambda: any(e.event == "ack_answer" for e in entries), 5)
            for line in LINES:
                got = {c for d in delivery.group(entries) if d.event == line
                       and d.args[0]["data"] == line for c in d.receipts}
                assert got == EXPECTED[line], line
            to_rooms = next(d for d in delivery.group(entries) if d.event == "to_rooms")
            assert to_rooms.repeats == {}                # the union: bob once
            [answer] = [e for e in entries if e.event == "ack_answer" and e.kind == Kind.EVENT]
            assert answer.args[0]["answer"] == ["roger"]
            # the emit of `to_room` linked to the delivery it caused, with the rooms then
            emit = next(e for e in entries if e.dir == OUT and e.kind == Kind.EVENT and e.event == "to_room")
            cause = delivery.cause_of(emit, entries)
            assert [d.event for d in cause.deliveries] == ["to_room"]
            assert cause.deliveries[0].missing(ws.names()) == ["alice", "carol"]
            assert cause.rooms["alice"][NS] == ["room1"] and cause.rooms["carol"][NS] == ["room2"]
        finally:
            await ws.disconnect_all()
            await server.stop()
    run(scenario())
