"""A Socket.IO server written by hand on aiohttp's websocket (Engine.IO 4, Socket.IO 5): it
sends exactly the text a test gives it, which python-socketio's server could not encode
(nesting deeper than Python's json accepts, numbers json would refuse)."""
from __future__ import annotations

import asyncio
import json
import threading
from typing import Callable

from aiohttp import WSMsgType, web

OPEN = json.dumps({"sid": "raw", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000,
                   "maxPayload": 1 << 30})


def nested(depth: int, leaf: str = "0") -> str:
    """The JSON text of a value `depth` arrays deep around `leaf`."""
    return "[" * depth + leaf + "]" * depth


class RawServer:
    """On 127.0.0.1:0, on a thread of its own.  A client's event `["give", NAME, ...]` is answered
    with the packet texts `replies[NAME](*rest)` returns, sent as they are (the leading "4" of an
    Engine.IO message is added)."""

    def __init__(self, replies: dict[str, Callable[..., list[str]]]):
        self.replies = replies
        self.received: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the raw server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/socket.io/", self._ws)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("transport") != "websocket":
            return web.Response(status=400, text="websocket only")
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str("0" + OPEN)
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            text = msg.data
            self.received.append(text)
            if text == "3" or text == "2":
                continue
            if text.startswith("40"):
                ns_end = text.find(",") if text[2:3] == "/" else 1
                ns = text[2:ns_end] + "," if ns_end > 1 else ""
                await ws.send_str(f"40{ns}" + json.dumps({"sid": "raw-ns"}))
            elif text.startswith("42"):
                data = json.loads(text[2:])
                if data and data[0] == "give" and data[1] in self.replies:
                    for packet in self.replies[data[1]](*data[2:]):
                        await ws.send_str("4" + packet)
            elif text.startswith("41"):
                break
        return ws

    def stop(self) -> None:
        async def down() -> None:
            await self._runner.cleanup()
        asyncio.run_coroutine_threadsafe(down(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def big_event(megabytes: float) -> list[str]:
    """One event of about `megabytes` MB: a long string in an object (what a log dump or a
    base64 blob sent as text looks like)."""
    return ['2["big",{"kind":"dump","text":"' + "lorem ipsum " * int(megabytes * 1e6 / 12) + '"}]']


if __name__ == "__main__":       # a process of its own: READY <url>, then serves until killed
    server = RawServer({"big": big_event})
    print("READY", server.url, flush=True)
    threading.Event().wait()
