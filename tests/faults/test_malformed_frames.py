"""Malformed frames from a hostile server (issue 15, item 3), on websocket and on long-polling:
each is an `error` entry naming the packet, and the connection then does what socket.io-client's
does (socket.io-parser throws -> the Manager closes with "parse error" and reconnects;
engine.io-parser's "error" packet -> engine.io-client closes with "transport error"; a CONNECT
for a namespace it has no socket for -> ignored)."""
from __future__ import annotations

import asyncio
import json
import math
import sys
import time

import pytest

from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.faults.eio_server import ScriptedEioServer
from tests.helpers import Recorder, run

TRANSPORTS = pytest.mark.parametrize("transport", ["websocket", "polling"])
BACK = ['42["back"]']       # what the server sends on the reconnect


async def connected(server: ScriptedEioServer, transport: str, **options) -> tuple[Session, Recorder]:
    session = Session(ConnectionOptions(url=server.url, transport=transport, reconnection_delay=0.05,
                                        reconnection_delay_max=0.1, randomization_factor=0.0,
                                        **options))
    rec = Recorder(session)
    await session.connect()
    return session, rec


def events(rec: Recorder) -> list[str]:
    return [e.event for e in rec.find(kind="event", dir="in")]


@TRANSPORTS
@pytest.mark.expect_error(r"got plaintext data when reconstructing a packet")
def test_an_attachment_count_that_lies_does_not_swallow_the_next_text_frame(transport):
    # says 2 attachments, sends 1, then a text frame: socket.io-parser throws at the text frame
    script = ['452-["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', b"\x01\x02",
              '42["after"]']

    async def scenario():
        async with ScriptedEioServer(script, BACK) as server:
            session, rec = await connected(server, transport)
            try:
                [error] = await rec.wait_for(kind="error")
                assert error.args == ['2["after"]']          # the text frame, as it came
                assert ("a text frame where attachment 2 of 2 of BINARY_EVENT 'file' on / was expected"
                        in error.detail["message"])
                [down] = await rec.wait_for(kind="disconnect")
                assert down.detail["reason"] == "parse error"
                await rec.wait_for(kind="event", event="back")      # reconnected, as the Manager does
                assert events(rec) == ["back"]       # neither the half-built event nor "after"
                assert server.handshakes == [transport, transport]
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
@pytest.mark.expect_error(r"got plaintext data when reconstructing a packet")
def test_tolerated_the_lying_event_is_dropped_and_the_text_frame_is_not_an_attachment(transport):
    script = ['452-["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', b"\x01",
              '42["after"]', '42["next"]']

    async def scenario():
        async with ScriptedEioServer(script, BACK) as server:
            session, rec = await connected(server, transport, tolerate_undecodable=True)
            try:
                await rec.wait_for(kind="event", event="next")
                assert [e.detail["message"][:60] for e in rec.find(kind="error")] == [
                    "undecodable Socket.IO packet: got plaintext data when recons"]
                assert events(rec) == ["next"] and not rec.find(kind="disconnect")
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
@pytest.mark.parametrize("bad, words", [("9hello", "unknown Engine.IO packet type '9': '9hello'"),
                                        ("hello, world", "unknown Engine.IO packet type 'h'")])
def test_an_unknown_engine_io_packet_is_an_error_and_the_transport_closes(transport, bad, words,
                                                                         expected_errors):
    expected_errors.add(r"undecodable Engine.IO packet")
    script = ['42["before"]', bad, '42["after"]']

    async def scenario():
        async with ScriptedEioServer(script, BACK) as server:
            session, rec = await connected(server, transport)
            try:
                [error] = await rec.wait_for(kind="error")
                assert error.args == [bad]
                assert words in error.detail["message"]
                assert "engine.io-client reads it as an error packet" in error.detail["message"]
                [down] = await rec.wait_for(kind="disconnect")
                assert down.detail["reason"] == "transport error"
                assert down.detail["transport"].startswith("undecodable Engine.IO packet: unknown")
                await rec.wait_for(kind="event", event="back")
                assert events(rec) == ["before", "back"]      # nothing read past the bad packet
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
@pytest.mark.expect_error(r"undecodable Engine.IO packet")
def test_tolerated_an_unknown_engine_io_packet_leaves_the_connection_open(transport):
    async def scenario():
        async with ScriptedEioServer(["9hello", '42["after"]'], BACK) as server:
            session, rec = await connected(server, transport, tolerate_undecodable=True)
            try:
                await rec.wait_for(kind="event", event="after")
                [error] = rec.find(kind="error")
                assert "tolerated: the connection stays open" in error.detail["message"]
                assert not rec.find(kind="disconnect")
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
@pytest.mark.expect_error(r"the server connected /ghost, a namespace never opened")
def test_a_connect_for_a_namespace_never_opened_is_an_error_and_nothing_else(transport):
    async def scenario():
        async with ScriptedEioServer(['40/ghost,{"sid":"g"}', '42["after"]']) as server:
            session, rec = await connected(server, transport)
            try:
                await rec.wait_for(kind="event", event="after")
                [error] = rec.find(kind="error")
                assert "socket.io-client ignores the packet" in error.detail["message"]
                assert [e.ns for e in rec.find(kind="connect")] == ["/"]
                assert "/ghost" not in session.ns_state
                assert not rec.find(kind="disconnect")
                assert not [t for t in server.received if t.startswith("41/ghost")]   # nothing sent back
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_a_packet_is_undecodable_as_json_parse_finds_it(transport, constant,
                                                                          expected_errors):
    expected_errors.add(rf"undecodable Socket.IO packet: {constant} is not JSON")
    async def scenario():
        async with ScriptedEioServer([f'42["num",{{"x":{constant}}}]'], BACK) as server:
            session, rec = await connected(server, transport)
            try:
                [error] = await rec.wait_for(kind="error")
                assert error.args == [f'2["num",{{"x":{constant}}}]']
                [down] = await rec.wait_for(kind="disconnect")
                assert down.detail["reason"] == "parse error"
                await rec.wait_for(kind="event", event="back")
                assert events(rec) == ["back"]
                strict = json.loads(error.to_jsonl(), parse_constant=refuse)
                assert strict["args"] == error.args
                # the frames the broken connection held were let go: the goodbye does not
                # wait out its timeouts (4 s) for them
                start = time.monotonic()
                await session.disconnect()
                assert time.monotonic() - start < 1.5
                assert "41" in server.received          # the goodbye went out
            finally:
                await session.disconnect()
    run(scenario())


@TRANSPORTS
def test_a_number_past_a_double_is_json_and_arrives_as_infinity(transport):
    """JSON.parse reads 1e999 as Infinity: the event arrives (how the log writes it is
    log/json_form's)."""
    async def scenario():
        async with ScriptedEioServer(['42["num",1e999,"NaN"]']) as server:
            session, rec = await connected(server, transport)
            try:
                [event] = await rec.wait_for(kind="event", event="num")
                assert event.args[0] == math.inf and event.args[1] == "NaN"
            finally:
                await session.disconnect()
    run(scenario())


def refuse(name: str):
    raise ValueError(f"{name} in JSON Lines output")


@TRANSPORTS
def test_listen_prints_valid_json_lines_when_the_server_sends_nan(transport):
    async def scenario():
        async with ScriptedEioServer(['42["num",NaN]'], BACK) as server:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "inspector", "listen", server.url, "--transport", transport,
                "--reconnect-delay", "0.05", "--count", "1", "--duration", "20",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            assert proc.returncode == 0, err.decode()
            lines = [json.loads(line, parse_constant=refuse) for line in out.decode().splitlines()]
            [error] = [e for e in lines if e["kind"] == "error"]
            assert error["args"] == ['2["num",NaN]'] and "NaN is not JSON" in error["detail"]["message"]
            assert [e["event"] for e in lines if e["kind"] == "event"] == ["back"]
    run(scenario())
