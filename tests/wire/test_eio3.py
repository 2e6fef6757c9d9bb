"""Engine.IO 3's framing (wire/eio3.py): long-polling `length:packet` payloads, base64
binary, the websocket type byte; checked against engine.io-parser 2.x itself (the one
socket.io 2.5's server runs, in tests/node/node_modules)."""
from __future__ import annotations

import asyncio
import json
import subprocess

import pytest
from aiohttp import web
from engineio import packet as eio_packet

from inspector.session.session import Session
from inspector.wire import eio3
from inspector.wire.options import ConnectionOptions
from tests.conftest import NODE_DIR
from tests.helpers import Recorder, run

TEXTS = ["42[\"a\"]", "42[\"é\"]", "42[\"😀\"]", "42[\"日本語 — 😀😀 e\u0301\"]", ""]


def message(data) -> eio_packet.Packet:
    return eio_packet.Packet(eio_packet.MESSAGE, data=data)


@pytest.mark.parametrize("text, units", [("abc", 3), ("é", 1), ("😀", 2), ("日本", 2), ("a😀é", 4)])
def test_a_length_counts_utf16_code_units_as_javascript_does(text, units):
    assert eio3.js_length(text) == units


def test_a_payload_is_length_colon_packet_repeated():
    body = eio3.encode_payload([message("2[\"x\"]"), eio_packet.Packet(eio_packet.PING),
                                message("2[\"😀\"]")])
    assert body == '7:42["x"]1:28:42["😀"]'
    assert eio3.split_payload(body) == ['42["x"]', "2", '42["😀"]']


def test_binary_goes_as_b4_base64_and_comes_back_as_bytes():
    body = eio3.encode_payload([message(b"\x00\xff\x10")])
    assert body == "6:b4AP8Q"
    [pkt] = eio3.decode_payload(body)
    assert pkt.packet_type == eio_packet.MESSAGE and pkt.data == b"\x00\xff\x10"


def test_the_handshake_answer_is_decoded_with_the_implicit_connect_behind_it():
    body = '97:0{"sid":"IrW4eTtEz5PQeAB7AAAA","upgrades":["websocket"],"pingInterval":25000,' \
           '"pingTimeout":20000}2:40'
    assert eio3.is_eio3_payload(body)
    opened, connect = eio3.decode_payload(body)
    assert opened.packet_type == eio_packet.OPEN and opened.data["sid"] == "IrW4eTtEz5PQeAB7AAAA"
    assert connect.packet_type == eio_packet.MESSAGE and connect.data == "0"


@pytest.mark.parametrize("body", ['0{"sid":"x","upgrades":[],"pingInterval":1,"pingTimeout":1}',
                                  "40\x1e42[\"a\"]", "6", ""])
def test_an_engine_io_4_payload_is_not_taken_for_engine_io_3(body):
    assert not eio3.is_eio3_payload(body)


@pytest.mark.parametrize("body, why", [("5:4abc", "past the end"), ("x:40", "expected `length:`"),
                                       ("1:😀", "splits a character"), ("4:b0AA", "not a message")])
def test_a_malformed_payload_is_an_error_that_says_where(body, why):
    with pytest.raises(eio3.FramingError, match=why):
        eio3.decode_payload(body)


def test_a_websocket_binary_frame_has_the_message_type_byte_first():
    assert eio3.ws_binary(b"\x00\xff") == b"\x04\x00\xff"
    assert eio3.ws_unbinary(b"\x04\x00\xff") == b"\x00\xff"
    with pytest.raises(eio3.FramingError):
        eio3.ws_unbinary(b"\x00\xff")


NODE_PARSER = """
const parser = require("./node_modules/socket.io-v2/node_modules/engine.io-parser");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const decoded = [];
const packets = input.texts.map((t) => ({ type: "message", data: t.slice(1) }));
packets.push({ type: "message", data: Buffer.from(input.binary, "base64") });
parser.encodePayload(packets, false, (encoded) => {
  parser.decodePayload(input.ours, (p) => { decoded.push(p.type === "message" && Buffer.isBuffer(p.data)
    ? { binary: p.data.toString("base64") } : { type: p.type, data: p.data || "" }); });
  console.log(JSON.stringify({ encoded, decoded }));
});
"""


@pytest.mark.node
def test_the_framing_is_engine_io_parser_2s_both_ways():
    """engine.io-parser 2.x (socket.io 2.5's) encodes what we encode, and decodes what we
    encode into the same packets: UTF-16 lengths of multi-byte text, base64 binary."""
    if not (NODE_DIR / "node_modules" / "socket.io-v2").is_dir():
        raise RuntimeError("run `npm ci --prefix tests/node` (as .ci/run does)")
    binary = b"\x00\x01\xfe\xff"
    ours = eio3.encode_payload([message(t[1:]) for t in TEXTS] + [message(binary)])
    done = subprocess.run(["node", "-e", NODE_PARSER], cwd=NODE_DIR, capture_output=True, text=True,
                          input=json.dumps({"texts": TEXTS, "binary": "AAH+/w==", "ours": ours}),
                          timeout=30, check=True)
    theirs = json.loads(done.stdout)
    assert theirs["encoded"] == ours
    assert theirs["decoded"] == [{"type": "message", "data": t[1:]} for t in TEXTS] + [{"binary": "AAH+/w=="}]
    assert [p.data for p in eio3.decode_payload(theirs["encoded"])] == [t[1:] for t in TEXTS] + [binary]


class SilentEio3Server:
    """A socket.io 2.x server that stops answering: it opens the session and connects "/",
    then never answers a ping (a server that hung, a connection that went dead)."""

    OPEN = '0{"sid":"s1","upgrades":[],"pingInterval":100,"pingTimeout":200}'

    def __init__(self):
        self.pings = 0
        self.closing = asyncio.Event()

    async def handle(self, request):
        if request.query.get("transport") == "websocket":
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await ws.send_str(self.OPEN)
            await ws.send_str("40")
            async for msg in ws:
                self.pings += msg.data == "2"
            return ws
        if request.method == "POST":
            self.pings += (await request.text()).count("1:2")
            return web.Response(text="ok")
        if "sid" not in request.query:
            return web.Response(text=eio3.encode_payload([eio_packet.Packet(encoded_packet=self.OPEN),
                                                          message("0")]))
        await self.closing.wait()      # a long-poll that is never answered
        return web.Response(text="6")

    async def __aenter__(self):
        app = web.Application()
        app.router.add_route("*", "/socket.io/", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc):
        self.closing.set()
        await self.runner.cleanup()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_no_pong_within_ping_timeout_of_a_ping_is_a_ping_timeout(transport):
    async def scenario():
        async with SilentEio3Server() as server:
            session = Session(ConnectionOptions(url=server.url, transport=transport, protocol="v2",
                                                reconnection=False))
            rec = Recorder(session)
            try:
                await session.connect()
                [gone] = await rec.wait_for(kind="disconnect", timeout=5)
                assert gone.detail["reason"] == "ping timeout"
                assert "no pong within 0.2 s of a ping" in gone.detail["transport"]
                assert server.pings >= 1
            finally:
                await session.disconnect()
    run(scenario())
