"""The window's reading of the capture socket, on a thread of its own (plain threads and
asyncio, no Qt).

Read on the window's loop (asyncio streams), a 50 MB event cost the GUI thread one 50 MB
copy (StreamReader.readexactly joining its buffer) plus hundreds of reads and msgpack
unpacks between paints.  Here a thread does all of it: `recv_into` a preallocated buffer
(the GIL is released while the kernel copies; a blob is received straight into a buffer
of its own size, so its pages are touched with the GIL released too), the frames split,
each unpacked, a batch's blobs put in place, its entries made (`entry_from_wire`).  The
loop's thread is handed whole messages through a deque, with one wake-up
(`call_soon_threadsafe`) per run of messages however many arrive meanwhile.

The asyncio transport stays the writer (calls go out on the loop, as before); its reading
is paused before the hello is written, so every byte the capture sends is read here.
"""
from __future__ import annotations

import asyncio
import mmap
import socket
import struct
import threading
from collections import deque
from typing import Callable

from inspector.capture import protocol as P

BUFFER = 1 << 20          # what one recv_into may take; frames up to this size are cut from it
POLL_S = 0.5              # how often a blocked read looks whether it was asked to stop
ENTRIES = "_entries"      # a batch message's entries, already made (LogEntry objects)
_HEADER = struct.Struct(">I")     # protocol.py's frame length


class FrameReader:
    """Reads messages from `sock` (a duplicate is taken: the transport keeps its own) on a
    daemon thread and hands each to `deliver(message)` on `loop`, in order; `end(reason)`
    once, on that loop, when the stream ends or breaks (reason None: a clean end).
    `resolve(entry)` is applied to each entry on this thread (decoding large arguments
    here, when the taker does not do it itself)."""

    def __init__(self, sock, loop: asyncio.AbstractEventLoop, deliver: Callable[[dict], None],
                 end: Callable[[str | None], None], resolve: Callable | None = None):
        self._sock = socket.socket(fileno=sock.dup().detach())
        self._sock.settimeout(POLL_S)   # blocking with a timeout: the fd stays non-blocking for the transport
        self._loop, self._deliver, self._end, self.resolve = loop, deliver, end, resolve
        self._out: deque = deque()
        self._woken = False
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._buf = bytearray(BUFFER)
        self._view = memoryview(self._buf)
        self._start = self._stop = 0      # the unread bytes are _buf[_start:_stop]
        self._thread = threading.Thread(target=self._run, name="inspector-capture-reader", daemon=True)

    def start(self) -> "FrameReader":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading (the window detaches); the socket is shut down, so the capture sees
        the end of the stream even while the transport's own socket is still open."""
        self._stopping.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- the thread -------------------------------------------------------------------------
    def _run(self) -> None:
        reason: str | None = None
        try:
            while True:
                body = self._frame()
                if body is None:
                    break
                message = P.unpack(body)
                if message.get("blobs"):          # the batch's large arguments follow, raw
                    blobs = []
                    for _ in range(int(message["blobs"])):
                        blob = self._frame(raw=True)
                        if blob is None:
                            raise P.ProtocolError("the stream ended before a batch's blobs")
                        blobs.append(blob)
                    for row in message.get("entries") or ():
                        if isinstance(row[6], P.BlobRef):
                            row[6] = P.LargeArgs(blobs[row[6].index])
                if "entries" in message:
                    entries = [P.entry_from_wire(list(row)) for row in message["entries"]]
                    resolve = self.resolve
                    if resolve is not None:
                        entries = [resolve(e) for e in entries]
                    message[ENTRIES] = entries
                self._post(message)
        except _Stopped:
            return
        except (ConnectionError, OSError) as exc:
            reason = f"the connection to the capture process broke ({type(exc).__name__}: {exc})"
        except P.ProtocolError as exc:
            reason = f"the capture process broke the protocol: {exc}"
        except Exception as exc:        # whatever it was, the window must hear that reading stopped
            reason = f"reading from the capture process failed ({type(exc).__name__}: {exc})"
        finally:
            self._sock.close()
        if not self._stopping.is_set():
            self._post(_End(reason))

    def _post(self, item) -> None:
        with self._lock:
            self._out.append(item)
            if self._woken:
                return
            self._woken = True
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:          # the loop is closed: nobody is listening any more
            pass

    def _drain(self) -> None:
        """On the loop's thread: every message that came since the last wake-up, in order."""
        with self._lock:
            self._woken = False
            items, self._out = self._out, deque()
        for item in items:
            if isinstance(item, _End):
                self._end(item.reason)
                return
            self._deliver(item)

    def _fill(self, want: int) -> None:
        """Until _buf holds `want` unread bytes (want <= BUFFER); EOFError at the end."""
        if self._start and len(self._buf) - self._start < want:
            n = self._stop - self._start          # move the unread bytes to the front
            self._buf[:n] = self._view[self._start:self._stop]
            self._start, self._stop = 0, n
        while self._stop - self._start < want:
            got = self._recv_into(self._view[self._stop:])
            if not got:
                raise EOFError(self._stop - self._start)
            self._stop += got

    def _recv_into(self, view: memoryview) -> int:
        while True:
            if self._stopping.is_set():
                raise _Stopped
            try:
                return self._sock.recv_into(view)
            except TimeoutError:
                continue

    def _take(self, n: int) -> memoryview:
        piece = self._view[self._start:self._start + n]
        self._start += n
        return piece

    def _frame(self, raw: bool = False) -> bytes | mmap.mmap | None:
        """The next frame's body; None at a clean end of the stream (between frames).  A body
        over BUFFER is received into an anonymous map of its own (a blob: kept as it is)."""
        try:
            self._fill(4)
        except EOFError as exc:
            if exc.args[0]:
                raise P.ProtocolError("the stream ended inside a frame's length") from None
            return None
        (length,) = _HEADER.unpack(self._take(4))
        if length > P.MAX_FRAME:
            raise P.ProtocolError(f"a frame of {length:,} bytes is over the {P.MAX_FRAME:,}-byte limit")
        if length <= BUFFER:
            try:
                self._fill(length)
            except EOFError:
                raise P.ProtocolError(f"the stream ended inside a frame of {length:,} bytes") from None
            return bytes(self._take(length))
        # not bytearray(length), which zero-fills: 50 MB of fresh pages faulted in one C call
        # holding the GIL (35-40 ms here); an anonymous map's pages are faulted by the kernel
        # as recv_into fills them, the GIL released
        body = mmap.mmap(-1, length)
        have = self._stop - self._start
        view = memoryview(body)
        view[:have] = self._take(have)
        while have < length:
            got = self._recv_into(view[have:])
            if not got:
                raise P.ProtocolError(f"the stream ended inside a frame of {length:,} bytes")
            have += got
        if raw:
            return body
        with view:
            return bytes(view)


class _Stopped(Exception):
    """The window detached: the thread ends without a word."""


class _End:
    __slots__ = ("reason",)

    def __init__(self, reason: str | None):
        self.reason = reason
