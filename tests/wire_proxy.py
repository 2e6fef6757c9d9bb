"""A TCP proxy on 127.0.0.1:0 that reads the websocket frames crossing it.

Plain asyncio, between the client and a real server.  HTTP is passed through
as bytes; once a connection upgrades to websocket, every frame in both
directions is parsed and recorded: opcode, RSV1 (set on a permessage-deflate
compressed frame), payload length, its size on the wire, and its text (masks
removed, deflate undone) so a test can find the frame it is about.
"""
from __future__ import annotations

import asyncio
import struct
import zlib
from dataclasses import dataclass

C2S, S2C = "client->server", "server->client"


@dataclass
class Frame:
    direction: str
    opcode: int
    rsv1: bool
    length: int           # payload length as sent (compressed, when RSV1)
    wire_size: int        # header + mask + payload
    data: bytes           # the payload, unmasked and inflated

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


class _FrameReader:
    def __init__(self, direction: str, frames: list[Frame]):
        self.direction = direction
        self.frames = frames
        self.buffer = bytearray()
        self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)   # context takeover: one per direction

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while True:
            frame = self._next()
            if frame is None:
                return
            self.frames.append(frame)

    def _next(self) -> Frame | None:
        buf = self.buffer
        if len(buf) < 2:
            return None
        b0, b1 = buf[0], buf[1]
        length, pos = b1 & 0x7F, 2
        if length == 126:
            if len(buf) < 4:
                return None
            length, pos = struct.unpack(">H", buf[2:4])[0], 4
        elif length == 127:
            if len(buf) < 10:
                return None
            length, pos = struct.unpack(">Q", buf[2:10])[0], 10
        mask = None
        if b1 & 0x80:
            if len(buf) < pos + 4:
                return None
            mask, pos = bytes(buf[pos:pos + 4]), pos + 4
        if len(buf) < pos + length:
            return None
        payload = bytes(buf[pos:pos + length])
        del buf[:pos + length]
        if mask is not None:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        rsv1 = bool(b0 & 0x40)
        opcode = b0 & 0x0F
        data = payload
        if rsv1:
            data = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
        return Frame(self.direction, opcode, rsv1, length, pos + length, data)


class FrameProxy:
    def __init__(self, target_url: str):
        rest = target_url.split("://", 1)[1]
        host, port = rest.split("/", 1)[0].rsplit(":", 1)
        self.target = (host, int(port))
        self.frames: list[Frame] = []
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.url = ""

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def sent(self, needle: str) -> list[Frame]:
        """Frames from the client whose text contains `needle`."""
        return [f for f in self.frames if f.direction == C2S and needle in f.text]

    async def _handle(self, c_reader, c_writer) -> None:
        s_reader, s_writer = await asyncio.open_connection(*self.target)
        upgraded = asyncio.Event()
        up = asyncio.ensure_future(self._pump(c_reader, s_writer, C2S, upgraded))
        down = asyncio.ensure_future(self._pump(s_reader, c_writer, S2C, upgraded))
        self._tasks |= {up, down}
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        for t in (up, down):
            t.cancel()
        for w in (c_writer, s_writer):
            w.close()

    async def _pump(self, reader, writer, direction: str, upgraded: asyncio.Event) -> None:
        frames = _FrameReader(direction, self.frames)
        head = bytearray()
        in_frames = False
        while True:
            data = await reader.read(65536)
            if not data:
                return
            writer.write(data)
            await writer.drain()
            if in_frames:
                frames.feed(data)
                continue
            head += data
            end = head.find(b"\r\n\r\n")
            if end == -1:
                continue
            headers, rest = bytes(head[:end]).lower(), bytes(head[end + 4:])
            head.clear()
            # a kept-alive connection may carry earlier bodies before this header block
            status_at = headers.rfind(b"http/1.1 ")
            if direction == S2C and status_at != -1 and headers[status_at + 9:status_at + 12] == b"101":
                upgraded.set()
                in_frames = True
                frames.feed(rest)
            elif direction == C2S and b"upgrade: websocket" in headers:
                # the client sends frames only once the server has said 101
                in_frames = True
                frames.feed(rest)
