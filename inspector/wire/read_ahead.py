"""Frames taken off the websocket ahead of the read loop, so a heartbeat is seen as it arrives.

Why: engine.io writes its PING behind the backlog it is already sending, but starts the
pingTimeout clock when it queues the PING.  A client that answers only when its read loop
reaches the PING is dropped whenever it handles frames slower than the server writes them
(a burst of 100,000 events at pingTimeout = 1 s was one drop per burst).  aiohttp stops
reading the socket once it holds 512 KiB of parsed frames, so the rest of the backlog, the
PING with it, waits in the kernel.  socket.io-client answers in order too, but keeps up.

What this does: the read loop moves every frame aiohttp has parsed into this queue (which
makes aiohttp read the socket again), and the loop itself yields every SLICE_S while it works
through the queue, so the socket keeps being read.  Each heartbeat frame is handed to
`on_heartbeat` as it is moved here, with how many frames are queued ahead of it: the engine
queues its PONG at once (a deliberate difference from socket.io-client, said on the raw
packet rows and in README).  Every frame is still handled in wire order afterwards.

The end of the transport (a close frame, the socket's end, an error) is read ahead too, and
`on_end(what, queued)` is told at once when frames are still queued before it, so the layers
above can say the connection is gone before its backlog is handled (the log still shows it
in wire order, the close last).

The queue is bounded in bytes (LIMIT, counting each frame's data plus FRAME_COST for its
Python objects): when it is full nothing more is taken from aiohttp, which then stops
reading the socket as it does without this.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Awaitable, Callable

import aiohttp

LIMIT = 64 * 2**20      # bytes a read-ahead may hold: the benchmark's 300,000-event burst, whose PING
                        # comes behind all of it, is ~48 MiB by this count (frames of ~40 bytes)
FRAME_COST = 128        # a frame's Python objects (its message tuple, its data's header, a slot),
                        # the same estimate aiohttp uses for its own queue (MSG_SIZE_OVERHEAD)
SLICE_S = 0.002         # the longest the read loop handles frames before it lets the socket be read

_DATA = (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY)
# control frames aiohttp's receive() answers itself and then reads on (so it would wait)
_SWALLOWED = (aiohttp.WSMsgType.PING, aiohttp.WSMsgType.PONG)


class Answered:
    """A heartbeat frame already acted on when it was read ahead; `note` says so on its row."""

    __slots__ = ("msg", "note")

    def __init__(self, msg, note: str):
        self.msg = msg
        self.note = note


def cost(msg) -> int:
    data = msg.data
    return FRAME_COST + (len(data) if type(data) in (str, bytes) else 0)


class ReadAhead:
    """The frames read off one websocket and not yet handled, in wire order.

    `receive` is the websocket's own receive() (not the tapped one: raw capture reports a
    frame when it is handled, so the log keeps wire order); `buffered` is aiohttp's queue of
    parsed frames (a deque of (message, size)), read only to know receive() will not wait;
    `on_heartbeat(msg, ahead)` is called for a frame `is_heartbeat` picks, as it is read, and
    returns the note for its row (None: nothing was done, it is handled in order).  `is_eof`
    says aiohttp's queue has ended (the socket closed or failed): receive() then answers at
    once, with the message that ends the read.  `on_end(what, queued)` is called as the end
    is read (`what`: the closing message, or the error receive() raised) when frames are
    still queued before it."""

    __slots__ = ("frames", "size", "peak", "error", "ended", "_receive", "_buffered",
                 "_is_heartbeat", "_on_heartbeat", "_limit", "_on_read", "_is_eof", "_on_end")

    def __init__(self, receive: Callable[[], Awaitable[Any]], buffered: deque,
                 is_heartbeat: Callable[[Any], bool], on_heartbeat: Callable[[Any, int], str | None],
                 on_read: Callable[[], None] = lambda: None, limit: int = LIMIT,
                 is_eof: Callable[[], bool] = lambda: False,
                 on_end: Callable[[Any, int], None] = lambda what, queued: None):
        self.frames: deque = deque()
        self.size = 0           # bytes held, as counted against the limit
        self.peak = 0           # the most held at once (tests, the benchmark)
        self.error: BaseException | None = None     # what receive() raised, after the frames
        self.ended = False      # a non-data message (close, error) is queued: nothing follows it
        self._receive = receive
        self._buffered = buffered
        self._is_heartbeat = is_heartbeat
        self._on_heartbeat = on_heartbeat
        self._on_read = on_read
        self._limit = limit
        self._is_eof = is_eof
        self._on_end = on_end

    def __len__(self) -> int:
        return len(self.frames)

    async def wait(self) -> None:
        """Wait for the next frame (the queue is empty), then take what else is there."""
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        self._push(await self._receive())
        self._on_read()
        await self.fill()

    async def fill(self) -> None:
        """Take every frame aiohttp has parsed, up to the limit, without waiting."""
        buffered = self._buffered
        taken = 0
        while not self.ended and self.error is None and self.size < self._limit:
            if not buffered:
                if not self._is_eof():
                    break       # receive() would wait
            elif len(buffered) == 1 and buffered[0][0].type in _SWALLOWED and not self._is_eof():
                break       # receive() would answer it and then wait for the next frame
            try:
                msg = await self._receive()
            except (aiohttp.ClientError, OSError, RuntimeError) as exc:
                self.error = exc
                if self.frames:
                    self._on_end(exc, len(self.frames))
                break
            self._push(msg)
            taken += 1
        if taken:
            self._on_read()

    def _push(self, msg) -> None:
        if msg.type not in _DATA:
            self.ended = True
            if self.frames:
                self._on_end(msg, len(self.frames))
        elif self._is_heartbeat(msg):
            note = self._on_heartbeat(msg, len(self.frames))
            if note is not None:
                self.frames.append(Answered(msg, note))
                self.size += FRAME_COST
                return
        self.size += cost(msg)
        if self.size > self.peak:
            self.peak = self.size
        self.frames.append(msg)

    def pop(self):
        """The next frame in wire order: a message, or Answered."""
        item = self.frames.popleft()
        self.size -= FRAME_COST if type(item) is Answered else cost(item)
        return item
