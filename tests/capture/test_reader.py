"""The window's reading thread (capture/reader.py) over a real socket pair: frames cut anywhere
by the sender arrive whole and in order on the loop's thread, a blob larger than the read
buffer arrives byte for byte, a batch's entries come made, and an end of the stream inside a
frame is named."""
from __future__ import annotations

import asyncio
import socket
import threading
import time

import msgpack

from inspector.capture import protocol as P
from inspector.capture.reader import BUFFER, ENTRIES, FrameReader
from inspector.log.entry import LogEntry
from tests.helpers import run, until


def _entry_row(seq: int, args) -> list:
    return [seq, time.time(), "in", "event", "/", "big", args, None, None, 10, [], None, "default"]


def _read_all(stream: bytes, pieces: int = 7):
    """Send `stream` in uneven pieces, then close; (messages delivered, end reasons, threads)."""
    async def scenario():
        ours, theirs = socket.socketpair()
        loop = asyncio.get_running_loop()
        got, ended, threads = [], [], set()

        def deliver(message):
            threads.add(threading.current_thread())
            got.append(message)
        reader = FrameReader(ours, loop, deliver, ended.append).start()

        def send():
            cuts = sorted({len(stream) * i // pieces + i for i in range(pieces)} | {len(stream)})
            start = 0
            for cut in cuts:
                theirs.sendall(stream[start:cut])
                start = cut
            theirs.close()
        sender = threading.Thread(target=send)
        sender.start()
        await until(lambda: ended, timeout=30, what="the end of the stream")
        sender.join()
        reader.stop()
        ours.close()
        return got, ended, threads
    return run(scenario())


def test_frames_cut_anywhere_arrive_whole_in_order_on_the_loops_thread_with_a_large_blob_intact():
    blob = b'[{"text":"' + b"lorem ipsum " * (3 * BUFFER // 12) + b'"}]'
    stream = (P.pack({"id": 1, "ok": "first"})
              + P.pack({"entries": [_entry_row(1, msgpack.ExtType(P.EXT_BLOB, b"0"))], "blobs": 1})
              + P.raw_frame(blob)
              + P.pack({"entries": [_entry_row(2, ["small"])]}))
    got, ended, threads = _read_all(stream)
    assert threads == {threading.main_thread()}
    assert ended == [None]                       # a clean end, between frames
    assert got[0] == {"id": 1, "ok": "first"}
    [large] = got[1][ENTRIES]
    assert isinstance(large, LogEntry) and large.seq == 1
    assert bytes(large.args.data) == blob
    assert P.resolve_large(large).args == [{"text": "lorem ipsum " * (3 * BUFFER // 12)}]
    assert [e.args for e in got[2][ENTRIES]] == [["small"]]


def test_a_stream_that_ends_inside_a_frame_is_named():
    frame = P.pack({"id": 1, "ok": "x" * 100})
    got, ended, _ = _read_all(frame + frame[:50])
    assert got == [{"id": 1, "ok": "x" * 100}]
    assert ended == [f"the capture process broke the protocol: the stream ended inside a frame of "
                     f"{len(frame) - 4:,} bytes"]


def test_large_arguments_cross_as_a_skeleton_and_long_strings_and_come_back_equal():
    import mmap

    from inspector.capture.ascii_text import WORKS
    from inspector.wire.payload import from_jsonable
    assert WORKS            # on CPython the long ASCII strings are made with the GIL released
    dump = "lorem ipsum " * (3 * P.LONG_STR // 12)
    cases = {
        "parts": [{"kind": "dump", "text": dump}, "é" * P.LONG_STR, "\ud800" + "x" * P.LONG_STR,
                  b"\x00\xff" * P.LONG_STR, {"n": 2 ** 70, "short": "s"}],
        "json": [list(range(20_000))],           # many small values: their JSON text
    }
    for form, args in cases.items():
        blob = P.large_args_to_wire(args)
        assert blob[:1] == (b"\x00" if form == "parts" else b"[")
        received = mmap.mmap(-1, len(blob))          # as reader.py receives a blob
        received[:] = blob
        for data in (received, blob):
            back = from_jsonable(P.large_args_from_wire(data))
            assert back == args
    assert hash(from_jsonable(P.large_args_from_wire(P.large_args_to_wire([dump])))[0]) == hash(dump)
