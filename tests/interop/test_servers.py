"""End to end, the server rows of issue 10: the official Node.js socket.io server 4.x
(tests/node/server.js), 3.x (tests/node/server_v3.js, npm socket.io 3.1) and 2.x
(tests/node/server_v2.js, npm socket.io 2.5: Engine.IO 3, Socket.IO protocol 4), with the
JSON parser and (4.x, 3.x) the msgpack parser (socket.io-msgpack-parser 3.0), on websocket,
long-polling and polling-then-upgrade: connect two namespaces, emit with an ack (binary
arguments too), rooms, a server ack request, a refused namespace and one opened with auth.
python-socketio's msgpack serializer (the bundled demo server, --parser msgpack) has a row of
its own, and a server whose parser differs from ours is one clear message, in both
directions, with no reconnect.  README's "Compatibility" table is what these rows prove.
"""
from __future__ import annotations

import time

import pytest

from inspector.log.entry import Flag
from inspector.session.errors import ConnectError
from inspector.session.session import NamespaceRefused, Session
from inspector.wire.options import ConnectionOptions
from tests.demo_thread import ThreadedDemoServer
from tests.helpers import Recorder, run

TRANSPORTS = ["websocket", "polling", "upgrade"]

pytestmark = [pytest.mark.node, pytest.mark.interop]

ADMIN_REFUSED = {"message": "unauthorized", "data": {"hint": "send auth {\"token\": \"demo-token\"}"}}
# socket.io 2.x refuses with `socket.error(err.data || err.message)` (its namespace.js): the
# ERROR packet carries the middleware's err.data alone, without the message
ADMIN_REFUSED_V2 = ADMIN_REFUSED["data"]


async def smoke(url: str, transport: str, admin_auth: dict | None = None,
                refusal: dict = ADMIN_REFUSED, **options) -> None:
    """The row's checks; `admin_auth` is how "/admin" is opened (default: auth {"token"}),
    `refusal` the data of its refusal without it."""
    session = Session(ConnectionOptions(url=url, transport=transport, **options))
    rec = Recorder(session)
    try:
        results = await session.connect(namespaces=["/", "/chat"])
        assert all(r["sid"] for r in results.values()), results
        welcomes = await rec.wait_for(2, kind="event", dir="in", event="welcome")
        assert {w.ns for w in welcomes} == {"/", "/chat"}
        expected = "polling" if transport == "polling" else "websocket"
        if transport != "upgrade":
            assert session.client.transport_name == expected
        # an emit with an ack, binary arguments in both directions
        r = await session.emit("/chat", "echo", [1, {"b": b"\x00\xff"}, "text"], ack=True)
        answer = await r.answer
        assert answer.args == [1, {"b": b"\x00\xff"}, "text"]
        [ack] = rec.find(kind="ack", dir="in")
        assert "binary" in ack.flags and ack.ns == "/chat"
        # rooms
        joined = await session.join_room("/chat", "r1")
        assert (await joined.answer).args == [{"room": "r1", "joined": True}]
        await session.emit("/chat", "broadcast", [{"room": "r1", "data": {"n": 5}}])
        [msg] = await rec.wait_for(kind="event", dir="in", event="room_message")
        assert msg.args == [{"room": "r1", "data": {"n": 5}}] and msg.ns == "/chat"
        # the server asks for an ack; the session answers it
        await session.emit("/", "ask", ["ok?"])
        [got] = await rec.wait_for(kind="event", dir="in", event="answer_received")
        assert got.args == [{"question": "ok?", "answer": []}]
        # a namespace refused by a middleware, then opened with its auth
        refused = await session.open_namespace("/admin")
        assert isinstance(refused, NamespaceRefused) and refused.data == refusal
        ok = await session.open_namespace("/admin", admin_auth or {"token": "demo-token"})
        assert ok["sid"]
        r = await session.emit("/admin", "echo", ["admin"], ack=True)
        assert (await r.answer).args == ["admin"]
        # what the server received, in order
        r = await session.emit("/", "history", [], ack=True)
        [history] = (await r.answer).args
        assert [h[:2] for h in history] == [["/chat", "echo"], ["/chat", "join"],
                                            ["/chat", "broadcast"], ["/", "ask"],
                                            ["/admin", "echo"]]
        assert not rec.find(kind="error") and not rec.find(kind="reconnect")
    finally:
        await session.disconnect()


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("script", ["server.js", "server_v3.js"], ids=["socket.io 4.x", "socket.io 3.x"])
def test_the_server_row_works_end_to_end(node_generation, script, transport):
    server = node_generation(script)
    run(smoke(server.url, transport))


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("protocol", ["auto", "v2"])
def test_socket_io_2x_row(node_generation, protocol, transport):
    # on 2.x "/admin"'s auth goes as its CONNECT query (40/admin?token=demo-token,): the
    # same {"token"} the other rows send as the CONNECT payload
    server = node_generation("server_v2.js")
    run(smoke(server.url, transport, refusal=ADMIN_REFUSED_V2, protocol=protocol))


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_socket_io_2x_has_no_false_ping_timeout(node_generation, transport):
    # Engine.IO 3: the client sends the pings; a server that hears none closes the session
    server = node_generation("server_v2.js", "--ping-interval", "100", "--ping-timeout", "200")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport))
        session.set_raw_capture(True)
        rec = Recorder(session)
        try:
            await session.connect()
            pongs = await rec.wait_for(5, kind="packet", dir="in",
                                       where=lambda e: e.detail.get("eio") == "pong")
            assert all(e.detail["transport"] == transport for e in pongs)
            assert not rec.find(kind="disconnect") and session.state == "connected"
        finally:
            await session.disconnect()
    run(scenario())


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_socket_io_2x_text_and_binary_round_trip_whatever_the_characters(node_generation, transport):
    # Engine.IO 3's long-polling lengths count UTF-16 code units: a wrong count would cut a
    # packet in the middle (the server closes the session) or desynchronise the ones after
    server = node_generation("server_v2.js")
    args = ["é", "😀 日本語 e\u0301", {"b": b"\x00\xfe\xff", "t": "😀"}, "x" * 70_000]

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport, protocol="v2"))
        rec = Recorder(session)
        try:
            await session.connect(namespaces=["/chat"])
            for _ in range(2):       # two in a row: the second is read right after the first
                r = await session.emit("/chat", "echo", args, ack=True)
                assert (await r.answer).args == args
            assert not rec.find(kind="disconnect")
        finally:
            await session.disconnect()
    run(scenario())


def test_protocol_v3_plus_against_a_2x_server_says_what_it_is(node_generation):
    server = node_generation("server_v2.js")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="polling", protocol="v3+",
                                            reconnection=False))
        with pytest.raises(ConnectError, match=r"Engine\.IO 3 \(socket\.io 2\.x\).*choose auto or v2"):
            await session.connect()
    run(scenario())


def test_auto_on_websocket_tells_a_3x_server_from_a_2x_one(node_generation):
    # socket.io 3.x's OPEN packet is a 2.x one's (no maxPayload): auto waits for the first
    # frame, and 3.x sends none before the CONNECT
    server = node_generation("server_v3.js")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket"))
        rec = Recorder(session)
        try:
            results = await session.connect(namespaces=["/", "/chat"])
            assert all(r["sid"] and "#" not in r["sid"] for r in results.values())
            assert not any("server" in e.detail for e in rec.find(kind="connect"))
        finally:
            await session.disconnect()
    run(scenario())


def test_socket_io_2x_auth_goes_as_the_namespace_query_and_is_masked_in_raw_capture(node_generation):
    server = node_generation("server_v2.js")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket", protocol="v2"))
        session.set_raw_capture(True)
        rec = Recorder(session)
        try:
            await session.connect(namespaces=["/"])
            info = await session.open_namespace("/admin", {"token": "demo-token"})
            assert info["sid"] == f"/admin#{session.client.sid}"     # what a 2.x client's socket.id is
            [connect] = [e for e in rec.find(kind="packet", dir="out") if e.detail.get("sio") == "CONNECT"]
            assert connect.args == ["40/admin?token=••••,"]
            [entry] = rec.find(kind="connect", ns="/admin")
            assert "as the namespace's query" in entry.detail["auth"]
            assert "server" in entry.detail and "recovery" not in entry.detail   # said once, on "/"
            [root] = rec.find(kind="connect", ns="/")
            assert "no connection state recovery" in root.detail["recovery"]
            assert session.status.endswith("; the server is socket.io 2.x (Engine.IO 3, Socket.IO protocol 4)")
            # an ERROR packet whose data is a string: 2.x's words for a namespace it lacks
            refused = await session.open_namespace("/nope")
            assert isinstance(refused, NamespaceRefused) and refused.data == "Invalid namespace"
            [error] = rec.find(kind="connect_error", ns="/nope")
            assert error.args == ["Invalid namespace"] and error.detail["message"] == "Invalid namespace"
        finally:
            await session.disconnect()
    run(scenario())


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("script", ["server.js", "server_v3.js"], ids=["socket.io 4.x", "socket.io 3.x"])
def test_msgpack_parser_row(node_generation, script, transport):
    server = node_generation(script, "--parser", "msgpack")
    run(smoke(server.url, transport, parser="msgpack"))


@pytest.mark.parametrize("transport", ["websocket", "polling"])
@pytest.mark.parametrize("client, server_parser", [("json", "msgpack"), ("msgpack", "json")])
def test_a_parser_mismatch_is_one_clear_message_and_no_reconnect_storm(node_generation, client,
                                                                       server_parser, transport):
    # socket.io 3/4 close the connection when their parser cannot read our CONNECT
    # (websocket: 1006; polling: a CLOSE packet); socket.io-client reconnects at once, for ever
    flags = ["--parser", "msgpack"] if server_parser == "msgpack" else []
    server = node_generation("server.js", *flags)

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport, parser=client,
                                            connect_timeout=3))
        rec = Recorder(session)
        started = time.monotonic()
        try:
            results = await session.connect()
            assert isinstance(results["/"], ConnectError)
            assert server_parser in str(results["/"])          # names the likely parser
            assert time.monotonic() - started <= 3.5
            assert not rec.find(kind="reconnect") and not rec.find(kind="reconnect_attempt")
            [failed] = rec.find(kind="connect_error")          # one message, in the log too
            assert failed.detail["message"] == str(results["/"])
            assert session.state == "disconnected" and str(results["/"]) in session.status
        finally:
            await session.disconnect()
    run(scenario())


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_msgpack_connection_state_recovery_replays_what_was_missed(node_generation, transport):
    # the pid and offsets of connection state recovery, over msgpack
    server = node_generation("server.js", "--parser", "msgpack", "--recovery")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport, parser="msgpack",
                                            reconnection_delay=0.2, reconnection_delay_max=0.5,
                                            randomization_factor=0.0))
        rec = Recorder(session)
        try:
            [first] = (await session.connect()).values()
            assert isinstance(first["pid"], str)
            joined = await session.join_room("/", "numbers")
            await joined.answer
            await session.emit("/", "drop_and_emit", [{"room": "numbers", "count": 3}])
            numbers = await rec.wait_for(3, kind="event", event="number", timeout=15)
            assert [e.args for e in numbers] == [[{"seq": n}] for n in (1, 2, 3)]
            assert all(Flag.RECOVERED in e.flags and isinstance(e.detail["offset"], str)
                       for e in numbers)
            [_, back] = rec.find(kind="connect", ns="/")
            assert back.detail["recovered"] is True
        finally:
            await session.disconnect()
    run(scenario())


@pytest.fixture
def msgpack_demo_server():
    """The bundled python-socketio demo server with its msgpack serializer."""
    server = ThreadedDemoServer(parser="msgpack")
    yield server
    server.stop()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_python_socketio_msgpack_row(msgpack_demo_server, transport):
    server = msgpack_demo_server

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport, parser="msgpack"))
        rec = Recorder(session)
        try:
            results = await session.connect(namespaces=["/", "/chat"])
            assert all(r["sid"] for r in results.values()), results
            [welcome] = await rec.wait_for(kind="event", dir="in", event="welcome")
            assert welcome.args[0]["message"] == "Welcome to the socketio-inspector demo"
            # binary, nested, both ways
            r = await session.emit("/chat", "echo", [{"b": b"\x00\xff", "n": [1, b"\x01"]}], ack=True)
            assert (await r.answer).args == [{"b": b"\x00\xff", "n": [1, b"\x01"]}]
            [out] = rec.find(kind="event", dir="out", event="echo")
            assert Flag.BINARY in out.flags
            r = await session.emit("/", "binary", [4], ack=True)
            assert (await r.answer).args == [b"\x01\x02\x03"]
            [data] = await rec.wait_for(kind="event", dir="in", event="binary_data")
            assert data.args[0]["nested"] == {"header": b"\x89PNG", "parts": [b"\x00\xff", "text"]}
            assert Flag.BINARY in data.flags
            # the server asks for an ack; the session answers it
            await session.emit("/", "ask", ["ok?"])
            [got] = await rec.wait_for(kind="event", dir="in", event="answer_received")
            assert got.args == [{"question": "ok?", "answer": []}]
            # refused, then opened with auth; then the server disconnects "/"
            refused = await session.open_namespace("/admin")
            assert isinstance(refused, NamespaceRefused) and refused.data["message"] == "unauthorized"
            assert (await session.open_namespace("/admin", {"token": "demo-token"}))["sid"]
            r = await session.emit("/admin", "kick", [], ack=True)
            await r.answer
            [gone] = await rec.wait_for(kind="disconnect", ns="/")
            assert gone.detail["reason"] == "server disconnect"
            assert [e[:2] for e in server.received] == [
                ("/chat", "echo"), ("/", "binary"), ("/", "ask"), ("/admin", "kick")]
            assert not rec.find(kind="error") and not rec.find(kind="reconnect")
        finally:
            await session.disconnect()
    run(scenario())


@pytest.mark.expect_error(r"no answer to CONNECT")
@pytest.mark.parametrize("client", ["json", "msgpack"])
def test_a_python_socketio_server_of_the_other_parser_is_named_at_the_connect_timeout(client):
    # python-socketio's server ignores a packet its parser cannot read, in silence: the
    # only moment to say so is the connect timeout
    server = ThreadedDemoServer(parser="msgpack" if client == "json" else "json")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="websocket", parser=client,
                                            connect_timeout=1))
        try:
            results = await session.connect()
            theirs = "msgpack" if client == "json" else "json"
            assert f"set Parser: {theirs}" in str(results["/"])
            assert str(results["/"]).startswith("no answer to CONNECT / within 1 s")
        finally:
            await session.disconnect()
    try:
        run(scenario())
    finally:
        server.stop()


def test_the_msgpack_parser_against_a_2x_server_is_one_clear_message(node_generation):
    # socket.io-msgpack-parser 3 speaks protocol 5 only; protocol auto recognises 2.x first
    server = node_generation("server_v2.js")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport="polling", parser="msgpack"))
        rec = Recorder(session)
        try:
            results = await session.connect()
            assert isinstance(results["/"], ConnectError)
            assert "socket.io 3.x and 4.x only (set Parser: json)" in str(results["/"])
            assert not rec.find(kind="reconnect_attempt")
        finally:
            await session.disconnect()
    run(scenario())


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_socket_io_2x_reconnects_after_the_server_cut_the_transport(node_generation, transport):
    # 2.x's "/" is connected by the server unasked on the new engine too, "/chat" asked again
    server = node_generation("server_v2.js")

    async def scenario():
        session = Session(ConnectionOptions(url=server.url, transport=transport, reconnection_delay=0.1,
                                            reconnection_delay_max=0.2, randomization_factor=0.0))
        rec = Recorder(session)
        try:
            first = await session.connect(namespaces=["/", "/chat"])
            r = await session.emit("/chat", "drop", [], ack=True)
            assert (await r.answer).args == [{"dropping": True}]
            [gone] = await rec.wait_for(kind="disconnect", ns="/chat")
            assert gone.detail["reason"] in ("transport close", "server disconnect")
            back = await rec.wait_for(2, kind="connect", where=lambda e: e.seq > gone.seq)
            assert {e.ns for e in back} == {"/", "/chat"}
            assert back[0].detail["sid"] != first["/"]["sid"]
            r = await session.emit("/chat", "echo", [b"\x01", "after"], ack=True)
            assert (await r.answer).args == [b"\x01", "after"]
            assert not rec.find(kind="error")
        finally:
            await session.disconnect()
    run(scenario())
