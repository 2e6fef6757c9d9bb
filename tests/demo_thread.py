"""The bundled demo server in the test process, on an event loop of its own thread.

What `socketio-inspector --demo` runs, without a subprocess to start (about half a second
each) when the process is not what a test is about.  The clients under test still reach it
over a real socket on 127.0.0.1; they may be in this process (a Session, the window) or
another (the CLI).
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable

from inspector.demo.server import DemoServer


class ThreadedDemoServer:
    """A DemoServer (no periodic ticks unless asked) listening on 127.0.0.1:0."""

    def __init__(self, server_class: type[DemoServer] = DemoServer, **kwargs: Any):
        kwargs.setdefault("tick_interval", 0)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="demo-server", daemon=True)
        self._thread.start()
        self.server: DemoServer = self.call(self._make(server_class, kwargs))
        self.url: str = self.call(self.server.start())

    async def _make(self, server_class, kwargs) -> DemoServer:
        return server_class(**kwargs)          # made on its loop, as in the app's network thread

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def call(self, coro: Awaitable, timeout: float = 10.0) -> Any:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def received(self) -> list[tuple[str, str, list]]:
        return self.server.received

    def stop(self) -> None:
        try:
            self.call(self.server.stop())
            self.call(self._cancel_rest())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()

    async def _cancel_rest(self) -> None:
        """Tasks the server left (handlers of cut connections, a slow_echo): ended here, so
        none is destroyed pending when the loop closes."""
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)
        await self.loop.shutdown_asyncgens()
