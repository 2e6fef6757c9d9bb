"""python-socketio servers for the Compatibility rows: the namespaces and handlers of
tests/node/handlers.js ported to python-socketio (what `smoke()` in test_servers.py checks),
served by aiohttp or, as an ASGI app, by uvicorn, with the JSON or the msgpack serializer;
each on 127.0.0.1:0 in a thread of its own."""
from __future__ import annotations

import asyncio
import threading
from typing import Any

import socketio
import uvicorn
from aiohttp import web

from tests.helpers import until

ADMIN_TOKEN = "demo-token"


def install(sio: socketio.AsyncServer) -> None:
    """handlers.js's "/" and "/chat" (welcome, echo, join, history, broadcast, ask) and
    "/admin" (refused without auth {"token": "demo-token"}, as its middleware does)."""
    received: list[list[Any]] = []      # [ns, event, args], in arrival order

    def setup(ns: str) -> None:
        @sio.on("connect", namespace=ns)
        async def connect(sid, environ, auth=None):
            if ns == "/admin" and (auth or {}).get("token") != ADMIN_TOKEN:
                raise socketio.exceptions.ConnectionRefusedError(
                    "unauthorized", {"hint": "send auth {\"token\": \"demo-token\"}"})
            await sio.emit("welcome", {"id": sid, "rooms": sio.rooms(sid, namespace=ns)},
                           to=sid, namespace=ns)

        def handler(event):
            def register(fn):
                async def wrapped(sid, *args):
                    received.append([ns, event, list(args)])
                    return await fn(sid, *args)
                sio.on(event, wrapped, namespace=ns)
                return fn
            return register

        @handler("echo")
        async def echo(sid, *args):
            return args

        @handler("join")
        async def join(sid, room, *_):
            await sio.enter_room(sid, room, namespace=ns)
            return {"room": room, "joined": True}

        @handler("broadcast")
        async def broadcast(sid, spec, *_):
            await sio.emit(spec.get("event", "room_message"), {"room": spec["room"], "data": spec.get("data")},
                           room=spec["room"], namespace=ns)
            return {"room": spec["room"]}

        @handler("ask")
        async def ask(sid, question, *_):
            def answered(*answer):
                sio.start_background_task(sio.emit, "answer_received",
                                          {"question": question, "answer": list(answer)},
                                          to=sid, namespace=ns)
            await sio.emit("question", question, to=sid, namespace=ns, callback=answered)
            return {"asked": question}

        @sio.on("history", namespace=ns)
        async def history(sid, *_):
            return received             # a list is one argument (a tuple would be several)

    for ns in ("/", "/chat", "/admin"):
        setup(ns)


class PythonServer:
    """python-socketio on aiohttp (`asgi=False`) or as an ASGI app under uvicorn."""

    def __init__(self, *, asgi: bool, serializer: str = "default"):
        self.sio = socketio.AsyncServer(async_mode="asgi" if asgi else "aiohttp",
                                        serializer=serializer)
        install(self.sio)
        self._asgi = asgi
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._serve, name="python-sio-server", daemon=True)
        self.url = ""
        self._error: BaseException | None = None
        self._thread.start()
        if not self._ready.wait(20):
            raise RuntimeError("the python-socketio server did not start within 20 s")
        if self._error is not None:
            raise self._error

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            left = asyncio.all_tasks(self._loop)      # handlers still running, cut short
            for task in left:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            if self._asgi:
                await self._main_asgi()
            else:
                await self._main_aiohttp()
        except BaseException as exc:   # handed to the test's thread, which raises it
            self._error = exc
            self._ready.set()
        finally:
            await self.sio.shutdown()   # its engine's service task

    async def _main_aiohttp(self) -> None:
        app = web.Application()
        self.sio.attach(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.url = "http://127.0.0.1:%d" % runner.addresses[0][1]
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    async def _main_asgi(self) -> None:
        config = uvicorn.Config(socketio.ASGIApp(self.sio), host="127.0.0.1", port=0, ws="wsproto",
                                lifespan="off", log_level="warning", access_log=False,
                                # a long-poll python-engineio leaves open after CLOSE: not waited for
                                timeout_graceful_shutdown=0.5)
        server = uvicorn.Server(config)
        serving = asyncio.ensure_future(server.serve())
        await until(lambda: server.started or serving.done(), 20, "uvicorn to start")
        if serving.done():
            serving.result()            # it failed to start: raise why
        self.url = "http://127.0.0.1:%d" % server.servers[0].sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop.wait()
        server.should_exit = True
        await serving

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)
