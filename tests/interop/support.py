"""The Node servers of the interop tests, and what they saw.

tests/node/support_server.js is a port of socket.io-client's own test server
(packages/socket.io-client/test/support/server.ts); it prints one `SAW <json>` line
per connection, received event and disconnection, and `UNCAUGHT <text>` when one of
upstream's checks inside a handler fails.  `SupportServer` reads those lines.
"""
from __future__ import annotations

import contextlib
import json
import socket
from typing import Any

from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.conftest import NODE_DIR, ServerProcess
from tests.helpers import Recorder, until


def require_node_modules() -> None:
    if not (NODE_DIR / "node_modules" / "socket.io").is_dir():
        raise RuntimeError("the npm packages are not installed: "
                           "run `npm ci --prefix tests/node` (as .ci/run does)")


class SupportServer:
    """A node server that prints `READY <url>`, and what it printed since."""

    def __init__(self, script: str, *flags: str):
        require_node_modules()
        self.process = ServerProcess(["node", script, *flags], cwd=NODE_DIR)
        self.url = self.process.url
        self.port = self.process.port
        self.start = 0      # where the current test's output starts (set by the fixture)

    def stop(self) -> None:
        self.process.stop()

    def lines(self, start: int = 0) -> list[str]:
        return [line.rstrip("\n") for line in self.process.output[start:]]

    def mark(self) -> int:
        """Where the output is now: `saw(since=mark)` reads what came after."""
        return len(self.process.output)

    def saw(self, since: int | None = None, **match: Any) -> list[dict]:
        """The server's SAW records since a mark (default: since the test started)
        whose fields equal `match`."""
        found = []
        for line in self.lines(self.start if since is None else since):
            if line.startswith("SAW "):
                record = json.loads(line[4:])
                if all(record.get(k) == v for k, v in match.items()):
                    found.append(record)
        return found

    def uncaught(self, since: int = 0) -> list[str]:
        return [json.loads(line[9:]) for line in self.lines(since) if line.startswith("UNCAUGHT ")]

    async def wait_saw(self, count: int = 1, since: int | None = None, timeout: float = 10.0,
                       **match: Any) -> list[dict]:
        """Wait until the server saw `count` records matching; returns them all."""
        await until(lambda: len(self.saw(since, **match)) >= count, timeout,
                    f"the server to see {count} x {match}; it saw {self.saw(since)[-6:]}")
        return self.saw(since, **match)


def client_options(server: SupportServer | None, path: str = "", **options: Any) -> ConnectionOptions:
    """Options for a session on `server` (a namespace path and query in `path`, as the
    JS tests write `BASE_URL + "/abc?b=c"`; or url=... for no server), with short
    reconnection delays."""
    defaults = {"url": (server.url if server else "") + path, "reconnection_delay": 0.05,
                "reconnection_delay_max": 0.2, "randomization_factor": 0.0, "connect_timeout": 5}
    defaults.update(options)
    return ConnectionOptions(**defaults)


@contextlib.asynccontextmanager
async def session_on(server: SupportServer, path: str = "", *, connect: bool = True,
                     namespaces: list[str] | None = None, raw: bool = False, **options: Any):
    """A session on `server` (connected unless connect=False), disconnected at the end."""
    session = Session(client_options(server, path, **options))
    rec = Recorder(session)
    if raw:
        session.set_raw_capture(True)
    try:
        if connect:
            await session.connect(namespaces=namespaces)
        yield session, rec
    finally:
        await session.disconnect()


def out_packets(rec: Recorder) -> list[str]:
    """The Engine.IO message packets the session wrote (raw capture), without the
    leading "4": what socket.io-client's `packetCreate` test hook shows."""
    return [e.args[0][1:] for e in rec.find(kind="packet", dir="out")
            if isinstance(e.args[0], str) and e.detail.get("eio") == "message"]


def in_packets(rec: Recorder) -> list[str]:
    """The Engine.IO packets the session read, as socket.io-client's engine `packet`
    event gives their data (messages without the "4"), handshake included."""
    out = []
    for e in rec.find(kind="packet", dir="in"):
        data = e.args[0]
        if isinstance(data, str) and e.detail.get("eio") in ("message", "open"):
            out.append(data[1:] if e.detail["eio"] == "message" else data)
    return out


def bound_unlistened_port() -> tuple[socket.socket, int]:
    """A port on 127.0.0.1 where nothing listens (kept bound, so nothing will):
    connecting to it is refused at once, like upstream's localhost:9823."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]
