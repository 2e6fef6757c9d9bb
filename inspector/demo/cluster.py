"""The demo as a cluster: two DemoServer nodes sharing a real Redis adapter.

Each node is a python-socketio AsyncServer with an `AsyncRedisManager` on the same Redis
channel, listening on a port of its own, so a client's URL says which node it is on.  An
emit on one node reaches the sockets of both (the manager publishes it on Redis), but
`io.local` (python-socketio's `ignore_queue=True`) stays on its node: that is what the
Cheatsheet tour's cluster variant shows.

`RedisServer` runs a `redis-server` process on a free loopback port for it (redis cannot
be told "port 0": a free port is found by binding 127.0.0.1:0 and closing it, and taken
again when another process took it meanwhile).
"""
from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from typing import Any

import redis.asyncio as aioredis
import socketio

from inspector.demo.server import DemoServer, until_interrupted

CHANNEL = "socketio-inspector-demo"
NODES = ("A", "B")


class RedisError(RuntimeError):
    """redis-server missing, or it did not start; the message says which and how to fix it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server child process on 127.0.0.1, nothing saved to disk; start() and stop()."""

    def __init__(self, executable: str = "redis-server", attempts: int = 5):
        self.executable = executable
        self.attempts = attempts
        self.port: int | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        exe = shutil.which(self.executable)
        if exe is None:
            raise RedisError("the demo cluster needs redis-server: install it (Debian/Ubuntu: "
                             "apt-get install redis-server; macOS: brew install redis) or give --redis URL")
        last = ""
        for _ in range(self.attempts):
            port = free_port()
            proc = subprocess.Popen(
                [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--protected-mode", "no", "--loglevel", "notice"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            deadline = time.monotonic() + timeout
            lines = []
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:                      # it ended: most likely the port was taken
                    break
                lines.append(line.rstrip())
                if "Ready to accept connections" in line:
                    self._proc, self.port = proc, port
                    return self.url
            proc.kill()
            proc.wait(5)
            proc.stdout.close()
            last = "\n".join(lines[-5:])
        raise RedisError(f"redis-server did not start on a free loopback port ({self.attempts} tries):\n{last}")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
            self._proc.stdout.close()
            self._proc = None


class DemoCluster:
    """Two demo nodes on one Redis; start() returns their URLs (node A's first)."""

    def __init__(self, redis_url: str, ports: tuple[int, int] = (0, 0), host: str = "127.0.0.1",
                 **kwargs: Any):
        self.redis_url = redis_url
        self.nodes = [DemoServer(host, port, node=name, client_manager=socketio.AsyncRedisManager(
                          redis_url, channel=CHANNEL), **kwargs)
                      for name, port in zip(NODES, ports, strict=True)]

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    async def start(self, timeout: float = 10.0) -> list[str]:
        for node in self.nodes:
            await node.start()
            # the manager subscribes to Redis at the first connection; here, at once, so that
            # a node with no client yet already hears the other's emits
            node.sio.manager_initialized = True
            node.sio.manager.initialize()
        await self._until_subscribed(timeout)
        return self.urls

    async def _until_subscribed(self, timeout: float) -> None:
        probe = aioredis.Redis.from_url(self.redis_url)
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                [(_, n)] = await probe.pubsub_numsub(CHANNEL)
                if n >= len(self.nodes):
                    return
                if asyncio.get_running_loop().time() > deadline:
                    raise RedisError(f"the demo nodes did not subscribe to {self.redis_url} in {timeout:g} s")
                await asyncio.sleep(0.02)   # polling Redis for a condition, not a fixed wait
        finally:
            await probe.aclose()

    async def stop(self) -> None:
        for node in self.nodes:
            await node.stop()
            manager = node.sio.manager
            thread = getattr(manager, "thread", None)
            if thread is not None:
                thread.cancel()
                await asyncio.gather(thread, return_exceptions=True)
            client = getattr(manager, "redis", None)
            if client is not None:
                await client.aclose()


async def serve_cluster(args) -> None:
    """`python -m inspector.demo.server --cluster`: prints `READY <node A url> <node B url>`."""
    redis_server = None
    if not args.redis:
        redis_server = RedisServer()
        args.redis = await asyncio.get_running_loop().run_in_executor(None, redis_server.start)
    ports = (args.port, args.port + 1 if args.port else 0)
    cluster = DemoCluster(args.redis, ports, args.host, tick_interval=args.tick,
                          ping_interval=args.ping_interval, ping_timeout=args.ping_timeout,
                          path=args.path, parser=args.parser)
    try:
        urls = await cluster.start()
        print(f"READY {' '.join(urls)}", flush=True)
        await until_interrupted()
    finally:
        await cluster.stop()
        if redis_server is not None:
            redis_server.stop()
