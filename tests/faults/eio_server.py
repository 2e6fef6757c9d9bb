"""A hostile Engine.IO 4 server of the tests' own, on aiohttp (websocket and long-polling):
it does the handshake, answers the client's CONNECTs, then sends exactly the frames a test
scripts, malformed ones included (python-socketio's server would never write them).

The script is sent once, on the first connection, right after `/` is connected; a later
connection (the client's reconnect) gets `after_reconnect` instead, so a test can see the
client come back.  Text items go as text frames (long-polling: packets of a payload), bytes
as binary frames (long-polling: `b<base64>`); CLOSE (websocket only) closes the websocket
there, with a close frame, after the frames before it.  Runs on the test's own event loop."""
from __future__ import annotations

import asyncio
import base64
import json
import ssl
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

OPEN = {"upgrades": [], "pingInterval": 25000, "pingTimeout": 20000, "maxPayload": 1000000}
Frame = str | bytes


class _Close:
    def __repr__(self) -> str:
        return "CLOSE"


CLOSE = _Close()        # a script item: the server closes the websocket here


@dataclass
class EngineSession:
    sid: str
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)   # what the long-poll answers with
    closed: bool = False


class ScriptedEioServer:
    def __init__(self, script: list[Frame], after_reconnect: list[Frame] = (),
                 ssl_context: ssl.SSLContext | None = None):
        self.script = list(script)
        self.after_reconnect = list(after_reconnect)
        self.ssl_context = ssl_context
        self.handshakes: list[str] = []     # the transport of each Engine.IO session opened
        self.received: list[str] = []       # every text packet the client sent
        self.sessions: dict[str, EngineSession] = {}

    # -- what the server says ---------------------------------------------------------------
    def _replies(self, session: EngineSession, text: str) -> list[Frame]:
        """What the server sends back for one packet of the client."""
        self.received.append(text)
        if not text.startswith("40"):
            return []
        ns = text[2:text.index(",")] if text[2:3] == "/" and "," in text else \
            (text[2:] if text[2:3] == "/" else "/")
        prefix = "" if ns == "/" else ns + ","
        out: list[Frame] = ["40" + prefix + json.dumps({"sid": f"{session.sid}-{ns}"})]
        if ns == "/":
            out += self.script if len(self.handshakes) == 1 else self.after_reconnect
        return out

    def _open(self, transport: str) -> tuple[EngineSession, str]:
        self.handshakes.append(transport)
        session = EngineSession(sid=f"s{len(self.handshakes)}")
        self.sessions[session.sid] = session
        return session, "0" + json.dumps({"sid": session.sid, **OPEN})

    # -- transports -------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("transport") == "websocket":
            return await self._websocket(request)
        sid = request.query.get("sid")
        if sid is None:
            _, opened = self._open("polling")
            return web.Response(text=opened)
        session = self.sessions.get(sid)
        if session is None or session.closed:
            return web.json_response({"code": 1, "message": "Session ID unknown"}, status=400)
        if request.method == "POST":
            for text in (await request.text()).split("\x1e"):
                if text == "1":
                    session.closed = True
                    session.outbox.put_nowait("6")
                for frame in self._replies(session, text):
                    session.outbox.put_nowait(frame)
            return web.Response(text="ok")
        frames = [await session.outbox.get()]
        while not session.outbox.empty():
            frames.append(session.outbox.get_nowait())
        return web.Response(text="\x1e".join(
            f if isinstance(f, str) else "b" + base64.b64encode(f).decode("ascii") for f in frames))

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session, opened = self._open("websocket")
        await ws.send_str(opened)
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            for frame in self._replies(session, msg.data):
                if frame is CLOSE:
                    await ws.close()
                    return ws
                await (ws.send_str(frame) if isinstance(frame, str) else ws.send_bytes(frame))
        return ws

    # -- lifetime ----------------------------------------------------------------------------
    async def __aenter__(self) -> "ScriptedEioServer":
        app = web.Application()
        app.router.add_route("*", "/socket.io/", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        for session in self.sessions.values():   # a long-poll still waiting ends
            session.outbox.put_nowait("6")
        await self.runner.cleanup()
