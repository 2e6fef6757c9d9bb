"""The Socket.IO parsers (wire/parsers.py): msgpack packets as socket.io-msgpack-parser writes
and reads them, what raw capture shows of them, and a server that answers in the other
parser's form (a hand-written Engine.IO 4 server on 127.0.0.1, since socket.io 3/4 and
python-socketio never answer a CONNECT they cannot read)."""
from __future__ import annotations

import base64
import json

import msgpack
import pytest
from aiohttp import WSMsgType, web
from socketio import packet as sio_packet

from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions, OptionsError, Parser
from inspector.wire.packets import MASK, summary
from inspector.wire.parsers import (
    JsonPacket,
    MsgPackPacket,
    describe_msgpack,
    mask_msgpack_connect,
    packet_class,
    parser_mismatch,
)
from inspector.wire.sio import ConnectError
from tests.helpers import Recorder, run


def round_trip(pkt: MsgPackPacket) -> MsgPackPacket:
    frame = pkt.encode()
    assert isinstance(frame, bytes)              # one frame, never attachments
    return MsgPackPacket(encoded_packet=frame)


def test_an_event_round_trips_with_its_namespace_and_id():
    back = round_trip(MsgPackPacket(sio_packet.EVENT, namespace="/chat", data=["hi", {"n": 1}], id=7))
    assert (back.packet_type, back.namespace, back.data, back.id) == (sio_packet.EVENT, "/chat",
                                                                      ["hi", {"n": 1}], 7)


def test_nested_binary_is_msgpack_bin_in_the_same_frame_and_typed_binary():
    data = ["file", {"head": b"\x89PNG", "parts": [b"\x00\xff", "text", [b""]]}]
    pkt = MsgPackPacket(sio_packet.EVENT, namespace="/", data=data, id=1)
    frame = pkt.encode()
    assert b"\xc4\x04\x89PNG" in frame           # bin 8, length 4: raw bytes, not base64 or placeholders
    assert msgpack.unpackb(frame)["type"] == 2    # on the wire an EVENT: the msgpack parser has no BINARY_EVENT
    back = MsgPackPacket(encoded_packet=frame)
    assert back.data == data and back.attachment_count == 0
    assert back.packet_type == sio_packet.BINARY_EVENT    # flagged binary, as the JSON parser's
    ack = round_trip(MsgPackPacket(sio_packet.ACK, namespace="/", data=[b"\x01"], id=3))
    assert ack.packet_type == sio_packet.BINARY_ACK and ack.data == [b"\x01"]


def test_connect_and_disconnect_carry_no_null_data():
    # socket.io-msgpack-parser refuses a CONNECT or DISCONNECT whose data is null (python-socketio's
    # own MsgPackPacket writes data: nil)
    assert msgpack.unpackb(MsgPackPacket(sio_packet.CONNECT, namespace="/").encode()) == {"type": 0, "nsp": "/"}
    assert msgpack.unpackb(MsgPackPacket(sio_packet.DISCONNECT, namespace="/a").encode()) == {"type": 1, "nsp": "/a"}
    auth = msgpack.unpackb(MsgPackPacket(sio_packet.CONNECT, namespace="/", data={"token": "t"}).encode())
    assert auth == {"type": 0, "nsp": "/", "data": {"token": "t"}}


def test_notepack_undefined_and_date_are_read_as_none_and_iso_text():
    # what socket.io 4 sends for a CONNECT without recovery: pid is `undefined` (fixext 1, type 0)
    frame = bytes.fromhex("83a474797065 00 a464617461 82 a3736964 a161 a3706964 d40000 a36e7370 a12f".replace(" ", ""))
    back = MsgPackPacket(encoded_packet=frame)
    assert back.data == {"sid": "a", "pid": None}
    # new Date(1700000000123) as notepack writes it (fixext 8, type 0: hi and lo of the ms)
    ms = 1700000000123
    date = b"\xd7\x00" + (ms // 2 ** 32).to_bytes(4, "big") + (ms % 2 ** 32).to_bytes(4, "big")
    frame = b"\x83\xa4type\x02\xa3nsp\xa1/\xa4data\x92\xa4when" + date
    assert MsgPackPacket(encoded_packet=frame).data == ["when", "2023-11-14T22:13:20.123Z"]


@pytest.mark.parametrize("frame, why", [
    (msgpack.packb([1, 2]), "not a packet map"),
    (msgpack.packb({"type": 9, "nsp": "/"}), "invalid packet type"),
    (msgpack.packb({"type": 2, "nsp": None, "data": []}), "invalid namespace"),
    (msgpack.packb({"type": 2, "nsp": "/", "data": [], "id": "x"}), "invalid packet id"),
    (b"\xc1", None)])          # a byte msgpack never uses
def test_what_the_node_decoder_refuses_is_undecodable(frame, why):
    with pytest.raises(ValueError, match=why):
        MsgPackPacket(encoded_packet=frame)


def test_a_text_frame_is_undecodable_for_the_msgpack_parser():
    with pytest.raises(ValueError, match="text frame"):
        MsgPackPacket(encoded_packet='0{"sid":"a"}')


def test_the_parser_is_an_option_chosen_once():
    assert packet_class(Parser.JSON) is JsonPacket and issubclass(JsonPacket, sio_packet.Packet)
    assert packet_class("msgpack") is MsgPackPacket
    assert ConnectionOptions().parser == "json"
    with pytest.raises(OptionsError, match="unknown parser 'protobuf'"):
        ConnectionOptions(parser="protobuf").validate()
    with pytest.raises(OptionsError, match="socket.io 3.x and 4.x only"):
        ConnectionOptions(parser="msgpack", protocol="v2").validate()


def test_raw_capture_reads_a_msgpack_frame_and_its_base64_polling_form():
    frame = MsgPackPacket(sio_packet.EVENT, namespace="/chat", data=["echo", b"\x00"], id=4).encode()
    for data, transport in ((frame, "websocket"), ("b" + base64.b64encode(frame).decode(), "polling")):
        info = describe_msgpack(data, transport)
        assert info["sio"] == "EVENT" and info["ns"] == "/chat" and info["id"] == 4
        assert info["msgpack"] == {"type": 2, "nsp": "/chat", "data": ["echo", b"\x00"], "id": 4}
        assert info.get("base64", False) is (transport == "polling")
        assert summary(info) == "message EVENT /chat id 4 (msgpack)"     # the log's Event column
    assert describe_msgpack("2", "polling")["eio"] == "ping"       # Engine.IO's own: as before
    assert "msgpack_error" in describe_msgpack(b"\xc1", "websocket")
    assert summary(describe_msgpack(b"\xc1", "websocket")) == "message (msgpack, undecodable)"


def test_raw_capture_masks_a_msgpack_connect_auth():
    frame = MsgPackPacket(sio_packet.CONNECT, namespace="/", data={"token": "s3cret", "pid": "p"}).encode()
    for data in (frame, "b" + base64.b64encode(frame).decode()):
        info = describe_msgpack(data, "websocket")
        masked = mask_msgpack_connect(data, info)
        raw = masked if isinstance(masked, bytes) else base64.b64decode(masked[1:])
        assert b"s3cret" not in raw and msgpack.unpackb(raw)["data"] == {"token": MASK, "pid": "p"}
        assert info["msgpack"]["data"] == {"token": MASK, "pid": "p"}


def test_the_mismatch_words_name_the_other_parser():
    assert parser_mismatch("json", "the server closed it").endswith(
        "it probably uses the msgpack parser (set Parser: msgpack)")
    assert "uses the JSON parser (set Parser: json)" in parser_mismatch("msgpack", data='0{"sid":"a"}')
    assert "msgpack parser" in parser_mismatch("json", data=msgpack.packb({"type": 0, "nsp": "/"}))
    assert parser_mismatch("json", data=b"\x00\x01") is None          # just bytes: no guess
    assert parser_mismatch("msgpack", data="hello") is None


# -- a server that answers CONNECT in the other parser's form ----------------------------
OPEN = "0" + json.dumps({"sid": "s1", "upgrades": [], "pingInterval": 25000,
                         "pingTimeout": 20000, "maxPayload": 1000000})


async def other_parser_server(answer):
    """Engine.IO 4 over websocket by hand: OPEN, then `answer` to the first frame."""
    frames: list = []

    async def handler(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(OPEN)
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            frames.append(msg.data)
            if len(frames) == 1:
                await (ws.send_bytes(answer) if isinstance(answer, bytes) else ws.send_str(answer))
        return ws
    app = web.Application()
    app.router.add_get("/socket.io/", handler)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}", runner, frames


@pytest.mark.parametrize("client, answer, theirs", [
    ("msgpack", '40{"sid":"abc"}', "JSON"),                                 # socket.io-parser text
    ("json", msgpack.packb({"type": 0, "nsp": "/", "data": {"sid": "abc"}}), "msgpack")])
def test_a_connect_answered_in_the_other_parser_is_named_and_not_retried(client, answer, theirs):
    async def scenario():
        url, runner, frames = await other_parser_server(answer)
        session = Session(ConnectionOptions(url=url, transport="websocket", parser=client,
                                            connect_timeout=5))
        rec = Recorder(session)
        try:
            results = await session.connect()
            assert isinstance(results["/"], ConnectError)
            assert f"it uses the {theirs} parser (set Parser: {theirs.lower()})" in str(results["/"])
            assert not rec.find(kind="error") and not rec.find(kind="reconnect_attempt")
            [failed] = rec.find(kind="connect_error")
            assert failed.detail["parser"] == client
            assert len(frames) == 1                      # our CONNECT, nothing more
        finally:
            await session.disconnect()
            await runner.cleanup()
    run(scenario())


@pytest.mark.expect_error(r"undecodable Socket\.IO packet.*JSON parser|no answer to CONNECT")
def test_tolerated_the_other_parsers_packet_is_an_error_row_naming_it():
    async def scenario():
        url, runner, _ = await other_parser_server('40{"sid":"abc"}')
        session = Session(ConnectionOptions(url=url, transport="websocket", parser="msgpack",
                                            connect_timeout=1, tolerate_undecodable=True))
        rec = Recorder(session)
        try:
            await session.connect()
            [error] = [e for e in rec.find(kind="error") if "undecodable" in e.detail["message"]]
            assert "set Parser: json" in error.detail["message"]
            assert session.client.engine_connected        # kept open for inspection
        finally:
            await session.disconnect()
            await runner.cleanup()
    run(scenario())
