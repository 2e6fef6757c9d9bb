"""Wire truth, proven by a frame-reading proxy between the inspector and real servers:
compression per frame, bytes written, raw packets in wire order, volatile and buffering."""
from __future__ import annotations

import contextlib

import pytest

from inspector.demo.server import DemoServer
from inspector.log.entry import IN, OUT, Flag, Kind
from inspector.session.session import EmitOutcome, Session
from inspector.wire.options import ConnectionOptions, Transport
from tests.helpers import Recorder, run
from tests.wire_proxy import S2C, FrameProxy

BIG = "compress me " * 200


@contextlib.asynccontextmanager
async def proxied(server_url: str | None = None, **options):
    """A session connected through a FrameProxy to the demo server (or to server_url)."""
    demo = None
    if server_url is None:
        demo = DemoServer(tick_interval=0)
        server_url = await demo.start()
    proxy = FrameProxy(server_url)
    url = await proxy.start()
    opts = dict(url=url, transport=Transport.WEBSOCKET, reconnection=False)
    opts.update(options)
    session = Session(ConnectionOptions(**opts))
    rec = Recorder(session)
    try:
        await session.connect()
        yield session, rec, proxy
    finally:
        await session.disconnect()
        await proxy.stop()
        if demo is not None:
            await demo.stop()


async def emit_and_wait(session, rec, event, args, **kw):
    result = await session.emit("/", event, args, ack=True, **kw)
    await result.answer
    [out] = [e for e in rec.find(kind=Kind.EVENT, dir=OUT, event=event)][-1:]
    return out


def test_compress_on_sets_rsv1_and_records_the_bytes_written():
    async def scenario():
        async with proxied() as (session, rec, proxy):
            assert session.client.deflate is True
            assert "deflate on" in session.status
            out = await emit_and_wait(session, rec, "echo", [BIG], compress=True)
            [frame] = proxy.sent(BIG[:40])
            assert frame.rsv1 and frame.length < len(BIG) / 5
            assert Flag.COMPRESSED in out.flags
            assert frame.text == f'420["echo","{BIG}"]'
            assert out.bytes == len(frame.data)                 # encoded size, before deflate
            assert out.detail["wire_bytes"] == frame.wire_size  # what crossed the socket
    run(scenario())


def test_compress_off_on_a_deflate_connection_leaves_rsv1_clear():
    async def scenario():
        async with proxied() as (session, rec, proxy):
            out = await emit_and_wait(session, rec, "echo", [BIG], compress=False)
            [frame] = proxy.sent(BIG[:40])
            assert not frame.rsv1 and frame.length == len(BIG.encode()) + len('420["echo",""]')
            assert Flag.COMPRESSED not in out.flags
            assert out.detail["wire_bytes"] == frame.wire_size
            # and compression still works for the next frame (the deflate context is intact)
            await emit_and_wait(session, rec, "echo", ["second " + BIG], compress=True)
            [second] = proxy.sent("second compress me")
            assert second.rsv1 and second.text.endswith('"]')
    run(scenario())


def test_polling_records_that_compress_has_no_effect():
    async def scenario():
        async with proxied(transport=Transport.POLLING) as (session, rec, proxy):
            out = await emit_and_wait(session, rec, "echo", ["x"], compress=True)
            assert Flag.COMPRESSED not in out.flags
            assert out.detail["compress"] == "no effect: the transport is long-polling"
            assert proxy.frames == []          # no websocket at all
    run(scenario())


def test_compression_not_offered_is_said_and_never_negotiated():
    async def scenario():
        async with proxied(compression=False) as (session, rec, proxy):
            assert session.client.deflate is False and "deflate off" in session.status
            out = await emit_and_wait(session, rec, "echo", [BIG], compress=True)
            [frame] = proxy.sent(BIG[:40])
            assert not frame.rsv1
            assert out.detail["compress"].startswith("no effect: compression is not offered")
    run(scenario())


@pytest.mark.node
@pytest.mark.parametrize("deflate", [False, True])
def test_node_server_with_and_without_deflate(node_server, deflate):
    server = node_server(*(["--deflate"] if deflate else []))

    async def scenario():
        async with proxied(server.url) as (session, rec, proxy):
            assert session.client.deflate is deflate
            out = await emit_and_wait(session, rec, "echo", [BIG], compress=True)
            [frame] = proxy.sent(BIG[:40])
            assert frame.rsv1 is deflate
            if deflate:
                assert Flag.COMPRESSED in out.flags
                # the server's answer came back compressed too
                assert any(f.rsv1 for f in proxy.frames if f.direction == S2C and BIG[:40] in f.text)
            else:
                assert out.detail["compress"] == "no effect: the server did not accept permessage-deflate"
    run(scenario())


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET, Transport.UPGRADE])
def test_raw_capture_shows_the_packets_of_an_emit_and_its_ack_in_wire_order(transport):
    async def scenario():
        demo = DemoServer(tick_interval=0)
        url = await demo.start()
        session = Session(ConnectionOptions(url=url, transport=transport, reconnection=False))
        session.set_raw_capture(True)
        rec = Recorder(session)
        await session.connect()
        result = await session.emit("/", "echo", ["hi", 2], ack=True)
        await result.answer
        await session.disconnect()
        await demo.stop()
        return rec.entries

    entries = run(scenario())
    packets = [e for e in entries if e.kind == Kind.PACKET]
    kinds = [(p.dir, p.detail["eio"], p.detail.get("sio")) for p in packets]
    # the handshake is there, first
    assert kinds[0] == (IN, "open", None)
    if transport == Transport.UPGRADE:
        assert (OUT, "ping", None) in kinds and (IN, "pong", None) in kinds and (OUT, "upgrade", None) in kinds
        assert packets[0].detail["transport"] == Transport.POLLING
    assert (OUT, "message", "CONNECT") in kinds and (IN, "message", "CONNECT") in kinds
    out = next(e for e in entries if e.kind == Kind.EVENT and e.dir == OUT)
    ack = next(e for e in entries if e.kind == Kind.ACK and e.dir == IN)
    [out_packet] = [p for p in packets if p.seq in out.detail["packet_seqs"]]
    [ack_packet] = [p for p in packets if p.seq in ack.detail["packet_seqs"]]
    assert out_packet.args == ['420["echo","hi",2]'] and out_packet.detail["sio"] == "EVENT"
    assert out_packet.detail["id"] == 0 and out_packet.bytes == len('420["echo","hi",2]')
    assert ack_packet.args == ['430["hi",2]'] and ack_packet.detail["sio"] == "ACK"
    assert out_packet.seq < out.seq < ack_packet.seq < ack.seq
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs)
    assert entries[-1].kind in (Kind.DISCONNECT, Kind.PACKET)


def test_raw_capture_of_binary_lists_each_attachment():
    async def scenario():
        demo = DemoServer(tick_interval=0)
        url = await demo.start()
        session = Session(ConnectionOptions(url=url, transport=Transport.WEBSOCKET, reconnection=False))
        session.set_raw_capture(True)
        rec = Recorder(session)
        await session.connect()
        result = await session.emit("/", "echo", [{"a": b"\x00\x01", "b": [b"\xff"]}], ack=True)
        await result.answer
        await session.disconnect()
        await demo.stop()
        return rec.entries

    entries = run(scenario())
    by_seq = {e.seq: e for e in entries}
    out = next(e for e in entries if e.kind == Kind.EVENT and e.dir == OUT)
    parts = [by_seq[s] for s in out.detail["packet_seqs"]]
    assert parts[0].detail["sio"] == "BINARY_EVENT" and parts[0].detail["attachments"] == 2
    assert [p.args[0] for p in parts[1:]] == [b"\x00\x01", b"\xff"]
    assert all(p.detail.get("attachment") and Flag.BINARY in p.flags for p in parts[1:])
    assert out.bytes == sum(p.bytes for p in parts)
    ack = next(e for e in entries if e.kind == Kind.ACK and e.dir == IN)
    assert len(ack.detail["packet_seqs"]) == 3 and ack.args == [{"a": b"\x00\x01", "b": [b"\xff"]}]


def test_a_volatile_emit_is_dropped_while_the_transport_is_busy_writing():
    async def scenario():
        async with proxied() as (session, rec, proxy):
            big = await session.emit("/", "echo", ["x" * 4_000_000], ack=True, timeout=30)
            dropped = await session.emit("/", "tick", [1], volatile=True)
            assert dropped.outcome == EmitOutcome.DROPPED
            [entry] = rec.find(kind=Kind.DROPPED)
            assert entry.detail["reason"] == "volatile emit while the transport was busy writing"
            await big.answer
            sent = await session.emit("/", "echo", ["calm"], volatile=True, ack=True)
            assert sent.outcome == EmitOutcome.SENT
            await sent.answer
            [out] = rec.find(kind=Kind.EVENT, dir=OUT, event="echo", flag=Flag.VOLATILE)
            assert out.args == ["calm"]
            assert not proxy.sent('"tick"')
    run(scenario())


@pytest.mark.parametrize("log_secrets", [False, True])
def test_raw_capture_masks_auth_unless_asked(log_secrets):
    async def scenario():
        demo = DemoServer(tick_interval=0)
        url = await demo.start()
        session = Session(ConnectionOptions(url=url, transport=Transport.WEBSOCKET, reconnection=False,
                                            auth={"token": "s3cret-root"}, log_secrets=log_secrets))
        session.set_raw_capture(True)
        rec = Recorder(session)
        await session.connect()
        info = await session.open_namespace("/admin", {"token": "demo-token"})
        assert info["sid"]                       # the server got the real token
        await session.disconnect()
        await demo.stop()
        return rec.entries

    entries = run(scenario())
    text = "\n".join(e.to_jsonl() for e in entries)
    connects = [e.args[0] for e in entries if e.kind == Kind.PACKET and e.dir == OUT
                and e.detail.get("sio") == "CONNECT"]
    assert len(connects) == 2
    if log_secrets:
        assert "s3cret-root" in text and "demo-token" in text
    else:
        assert "s3cret-root" not in text and "demo-token" not in text
        assert connects == ['40{"token":"••••"}', '40/admin,{"token":"••••"}']


def test_a_token_in_the_url_is_masked_in_what_is_logged_and_shown():
    async def scenario():
        # one reconnect attempt after the first failure: the series' texts are masked too
        session = Session(ConnectionOptions(url="http://user:pw@127.0.0.1:1/?token=abc",
                                            connect_timeout=2, reconnection_attempts=1,
                                            reconnection_delay=0.01))
        rec = Recorder(session)
        with pytest.raises(Exception) as err:
            await session.connect()
        return rec.entries, session.status, str(err.value)
    entries, status, error = run(scenario())
    assert [e.kind for e in entries] == ["connect_error", "reconnect_attempt", "disconnect"]
    for text in ["\n".join(e.to_jsonl() for e in entries), status, error]:
        assert "abc" not in text and "pw" not in text
    assert "127.0.0.1:1" in status
