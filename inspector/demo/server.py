"""The bundled demo Socket.IO server (python-socketio AsyncServer on aiohttp).

It shows what the inspector can see without a server of your own:

  /        welcome, echo (acks with its arguments), join / leave (ack), broadcast
           to a room, binary data, a server emit that asks the client for an ack
           (question), a periodic `tick` {"i": n}, `drop` (the server cuts the
           transport so a reconnect gap can be seen), `burst` (many events fast),
           `slow_echo` (an ack after a delay), `history` (what the server received)
  /chat    join / leave, `message` {"room", "text"} broadcast to the room, echo
  /admin   needs auth {"token": "demo-token"}; `stats`, `kick`
  /cheatsheet  every server-side emit form on request (demo/cheatsheet.py)
  /admin-ui  with admin_ui=True (--admin-ui; the window's --demo): python-socketio's
           instrument(), the Admin UI protocol, username "admin", password "demo-admin"

Run it alone with `python -m inspector.demo.server [--port 0]`: it prints
`READY <url>` once it listens.
"""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
import weakref
from typing import Any

import socketio
from aiohttp import web

from inspector.demo import admin_ui as admin_ui_module
from inspector.demo import cheatsheet

DEMO_TOKEN = "demo-token"


class DemoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 tick_interval: float = 2.0, admin_token: str = DEMO_TOKEN,
                 ping_interval: float = 25.0, ping_timeout: float = 20.0,
                 path: str = "socket.io", parser: str = "json",
                 client_manager: Any = None, node: str = "", admin_ui: bool = False):
        self.host, self.port = host, port
        self.node = node                    # its name in a cluster (demo/cluster.py), e.g. "A"
        self.tick_interval = tick_interval
        self.admin_token = admin_token
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp", cors_allowed_origins="*",
            ping_interval=ping_interval, ping_timeout=ping_timeout,
            max_http_buffer_size=64 * 1024 * 1024,
            # "msgpack": python-socketio's msgpack serializer (what socket.io-msgpack-parser speaks)
            serializer="msgpack" if parser == "msgpack" else "default",
            **({"client_manager": client_manager} if client_manager is not None else {}))
        self.app = web.Application(middlewares=[self._track_transports])
        self.sio.attach(self.app, socketio_path=path.strip("/"))
        self.received: list[tuple[str, str, list]] = []   # (ns, event, args), in order
        self.auth: dict[str, Any] = {}                      # sid -> auth sent with CONNECT
        self.url: str | None = None
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task | None = None
        self._ws_transports: dict[str, Any] = {}
        self._poll_transports: dict[str, Any] = {}
        self._all_transports: weakref.WeakSet = weakref.WeakSet()
        self._register()
        # the Admin UI namespace (demo/admin_ui.py): once per process, so never by default
        self.instrumented = admin_ui_module.instrument(self.sio) if admin_ui else None

    # -- lifecycle -------------------------------------------------------------
    async def start(self, ssl_context=None) -> str:
        """Listen (over TLS with `ssl_context`, an ssl.SSLContext); returns the URL."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=ssl_context)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.port = port
        self.url = f"{'https' if ssl_context else 'http'}://{host}:{port}"
        if self.tick_interval > 0:
            self._ticker = asyncio.ensure_future(self._tick())
        return self.url

    async def stop(self) -> None:
        """Stop listening and cut every connection, as a crashed server would."""
        if self._ticker is not None:
            self._ticker.cancel()
        if self.instrumented is not None:
            await self.instrumented.shutdown()
        for transport in list(self._all_transports):
            transport.abort()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _tick(self) -> None:
        i = 0
        while True:
            await asyncio.sleep(self.tick_interval)
            i += 1
            await self.sio.emit("tick", {"i": i, "t": time.time()}, namespace="/")

    @web.middleware
    async def _track_transports(self, request: web.Request, handler):
        # kept so `drop` can cut a client's transport the way a network failure would
        if request.transport is not None:
            self._all_transports.add(request.transport)
        sid = request.query.get("sid")
        if sid:
            if request.query.get("transport") == "websocket":
                self._ws_transports[sid] = request.transport
            elif request.method == "GET":
                self._poll_transports[sid] = request.transport
        return await handler(request)

    def _cut(self, sid: str, namespace: str) -> bool:
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, namespace)
        transport = self._ws_transports.pop(eio_sid, None)
        if transport is None:
            environ = self.sio.get_environ(sid, namespace) or {}
            request = environ.get("aiohttp.request")
            if request is not None and request.query.get("transport") == "websocket":
                transport = request.transport
        if transport is None:
            transport = self._poll_transports.pop(eio_sid, None)
        if transport is None:
            return False
        transport.abort()
        return True

    # -- handlers --------------------------------------------------------------
    def _on(self, event: str, namespace: str = "/"):
        def register(fn):
            async def handler(sid, *args):
                self.received.append((namespace, event, list(args)))
                return await fn(sid, *args)
            self.sio.on(event, handler, namespace=namespace)
            return fn
        return register

    def _register(self) -> None:
        sio = self.sio

        @sio.on("connect", namespace="/")
        async def connect(sid, environ, auth=None):
            self.auth[sid] = auth
            await sio.emit("welcome", {"sid": sid, "message": "Welcome to the socketio-inspector demo",
                                       "try": ["echo", "join", "broadcast", "binary", "ask", "drop"]},
                           to=sid)

        @sio.on("*", namespace="*")
        async def anything(event, namespace, sid, *args):
            self.received.append((namespace, event, list(args)))
            return {"unknown_event": event}

        cheatsheet.register(self)           # /cheatsheet: every server-side emit form
        for ns in ("/", "/chat", "/admin", cheatsheet.NS):
            self._on("echo", ns)(self._echo)
            self._on("join", ns)(self._make_join(ns))
            self._on("leave", ns)(self._make_leave(ns))
            self._on("history", ns)(self._make_history(ns))
            self._on("drop", ns)(self._make_drop(ns))

        @self._on("whoami")
        async def whoami(sid, *_):
            """What the server received with the handshake: query, headers, auth."""
            environ = sio.get_environ(sid) or {}
            query = dict(p.split("=", 1) if "=" in p else (p, "")
                         for p in environ.get("QUERY_STRING", "").split("&") if p)
            headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items()
                       if k.startswith("HTTP_")}
            return {"sid": sid, "query": query, "headers": headers, "auth": self.auth.get(sid)}

        @self._on("broadcast")
        async def broadcast(sid, spec=None):
            spec = spec if isinstance(spec, dict) else {}
            room = spec.get("room")
            if not room:
                return {"error": "broadcast needs {\"room\": ..., \"data\": ...}"}
            event = spec.get("event", "room_message")
            await sio.emit(event, {"room": room, "from": sid, "data": spec.get("data")},
                           room=room, namespace="/")
            return {"room": room, "event": event, "members": self._members(room, "/")}

        @self._on("binary")
        async def binary(sid, size=32):
            size = size if isinstance(size, int) and 0 < size <= 1 << 20 else 32
            blob = bytes(i % 256 for i in range(size))
            await sio.emit("binary_data", {"name": "demo.bin", "data": blob,
                                           "nested": {"header": b"\x89PNG", "parts": [b"\x00\xff", "text"]}},
                           to=sid)
            return b"\x01\x02\x03"

        @self._on("ask")
        async def ask(sid, question="What is your name?"):
            async def on_answer(*answer):
                await sio.emit("answer_received", {"question": question, "answer": list(answer)}, to=sid)
            await sio.emit("question", question, to=sid, callback=on_answer)
            return {"asked": question}

        @self._on("slow_echo")
        async def slow_echo(sid, spec=None):
            spec = spec if isinstance(spec, dict) else {}
            await asyncio.sleep(min(float(spec.get("delay", 1.0)), 60.0))
            return spec.get("data")

        @self._on("burst")
        async def burst(sid, spec=None):
            spec = spec if isinstance(spec, dict) else {}
            count = min(int(spec.get("count", 100)), 10_000_000)
            event = str(spec.get("event", "burst"))
            room = spec.get("room")
            for i in range(count):
                await sio.emit(event, {"i": i}, to=room or sid)
            return {"sent": count}

        @self._on("emit_numbers")
        async def emit_numbers(sid, spec=None):
            """Emit {"seq": n} to a room with a pause between: for sequence-gap detection."""
            spec = spec if isinstance(spec, dict) else {}
            room, event = spec.get("room", "numbers"), spec.get("event", "number")
            start, count = int(spec.get("start", 1)), int(spec.get("count", 10))
            interval = float(spec.get("interval", 0.05))
            skip = set(spec.get("skip") or ())      # numbers never sent, to show a gap

            async def run():
                for n in range(start, start + count):
                    if n in skip:
                        continue
                    await sio.emit(event, {"seq": n}, room=room, namespace="/")
                    await asyncio.sleep(interval)
            asyncio.ensure_future(run())
            return {"room": room, "from": start, "count": count}

        @self._on("message", "/chat")
        async def chat_message(sid, msg=None):
            msg = msg if isinstance(msg, dict) else {"text": msg}
            room = msg.get("room")
            payload = {"from": sid, "room": room, "text": msg.get("text")}
            await sio.emit("message", payload, room=room, namespace="/chat")
            return {"delivered": True}

        @sio.on("connect", namespace="/admin")
        async def admin_connect(sid, environ, auth=None):
            token = auth.get("token") if isinstance(auth, dict) else None
            if token != self.admin_token:
                raise socketio.exceptions.ConnectionRefusedError(
                    "unauthorized", {"hint": "send auth {\"token\": \"demo-token\"}"})
            await sio.emit("admin_welcome", {"role": "admin"}, to=sid, namespace="/admin")

        @self._on("stats", "/admin")
        async def stats(sid, *_):
            return {"clients": len(self.sio.manager.rooms.get("/", {}).get(None, {})),
                    "received": len(self.received)}

        @self._on("kick", "/admin")
        async def kick(sid, target=None):
            """Disconnect a client's / socket (default: the caller's own): a server disconnect."""
            if not target:
                eio_sid = sio.manager.eio_sid_from_sid(sid, "/admin")
                target = sio.manager.sid_from_eio_sid(eio_sid, "/")
            if not target:
                return {"error": "no / socket to kick"}
            await sio.disconnect(target, namespace="/")
            return {"kicked": target}

    async def _echo(self, sid, *args):
        return tuple(args) if len(args) != 1 else args[0]

    def _members(self, room: str, ns: str) -> int:
        return len(self.sio.manager.rooms.get(ns, {}).get(room, {}))

    def _make_join(self, ns: str):
        async def join(sid, room=None):
            if not isinstance(room, str) or not room:
                return {"error": "join needs a room name"}
            await self.sio.enter_room(sid, room, namespace=ns)
            return {"room": room, "joined": True, "members": self._members(room, ns)}
        return join

    def _make_leave(self, ns: str):
        async def leave(sid, room=None):
            await self.sio.leave_room(sid, room, namespace=ns)
            return {"room": room, "left": True}
        return leave

    def _make_history(self, ns: str):
        async def history(sid, *_):
            return [[n, e, a] for n, e, a in self.received if e != "history"]
        return history

    def _make_drop(self, ns: str):
        async def drop(sid, spec=None):
            spec = spec if isinstance(spec, dict) else {}
            after = float(spec.get("after_ms", 50)) / 1000.0
            asyncio.get_running_loop().call_later(after, self._cut, sid, ns)
            return {"dropping_in_ms": after * 1000}
        return drop


async def _serve(args) -> None:
    if args.cluster:
        from inspector.demo.cluster import serve_cluster
        return await serve_cluster(args)
    server = DemoServer(args.host, args.port, tick_interval=args.tick,
                        ping_interval=args.ping_interval, ping_timeout=args.ping_timeout,
                        path=args.path, parser=args.parser, admin_ui=args.admin_ui)
    url = await server.start()
    if args.admin_ui:
        print(admin_ui_module.banner(url), flush=True)
    print(f"READY {url}", flush=True)
    await until_interrupted()
    await server.stop()


async def until_interrupted() -> None:
    """Until SIGINT or SIGTERM (the demo run alone, or a cluster's nodes)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover (Windows)
            pass
    await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inspector.demo.server",
                                     description="The socketio-inspector demo Socket.IO server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--tick", type=float, default=2.0, help="seconds between `tick` events, 0 for none")
    parser.add_argument("--ping-interval", type=float, default=25.0)
    parser.add_argument("--ping-timeout", type=float, default=20.0)
    parser.add_argument("--path", default="socket.io", help="handshake path (default socket.io)")
    parser.add_argument("--parser", choices=["json", "msgpack"], default="json",
                        help="the Socket.IO parser: json (default) or msgpack (python-socketio's "
                             "msgpack serializer, as socket.io-msgpack-parser)")
    parser.add_argument("--cluster", action="store_true",
                        help="two nodes sharing a Redis adapter (needs redis-server, started on a free "
                             "port unless --redis is given); --port and --port+1 (0: free ports)")
    parser.add_argument("--redis", metavar="URL", help="with --cluster: this Redis instead of starting one")
    parser.add_argument("--admin-ui", action="store_true",
                        help="serve the Admin UI namespace (python-socketio's instrument()) at "
                             f"{admin_ui_module.ADMIN_UI_NAMESPACE}, username "
                             f"{admin_ui_module.ADMIN_USERNAME!r}, password {admin_ui_module.ADMIN_PASSWORD!r}")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
