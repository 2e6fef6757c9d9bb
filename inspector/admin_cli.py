"""`socketio-inspector admin URL`: the server's own view, headless, as JSON Lines.

It attaches to the server's Admin UI namespace (instrument() of @socket.io/admin-ui or
python-socketio; default /admin, `--namespace` as instrument()'s namespaceName) and prints
one line per server message, normalized (session/server_view/protocol.py):
{"kind": "server", "event": "socket_connected", "socket": {...}, "t": ...}.  The password
comes from an environment variable (`--password-env VAR`), never from the command line
(where `ps` and the shell's history would keep it), and is never printed.

Exit codes: 0 done (--duration, Ctrl+C, the reader went away), 2 with one line on stderr
when the server could not be reached, refused the credentials, has no admin namespace,
or closed the connection.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Callable, TextIO

from inspector.log.entry import SYS, Kind, LogEntry
from inspector.log.json_form import dumps
from inspector.session.server_view.admin import AdminRefused, ServerAdmin
from inspector.session.server_view.protocol import DEFAULT_NAMESPACE
from inspector.session.session import Session, normalize_namespace
from inspector.wire.options import ConnectionOptions, OptionsError

EXIT_OK, EXIT_FAILED = 0, 2


def add_arguments(p: argparse.ArgumentParser, seconds: Callable[[str], float]) -> None:
    p.add_argument("url", help="the server")
    p.add_argument("--namespace", "-n", default=DEFAULT_NAMESPACE, metavar="NS",
                   help=f"the admin namespace (instrument()'s namespaceName; default {DEFAULT_NAMESPACE})")
    p.add_argument("--username", "-u", metavar="U", help="the admin username (when the server has auth on)")
    p.add_argument("--password-env", metavar="VAR",
                   help="the environment variable holding the admin password (never given on the "
                        "command line, never printed)")
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    p.add_argument("--path", default="/socket.io", help="handshake path (default /socket.io)")
    p.add_argument("--insecure", action="store_true", help="do not check TLS certificates")
    p.add_argument("--connect-timeout", type=seconds, default=10.0, metavar="S")


class _Lines:
    """One JSON line per message; stops (and says so) when the reader went away."""

    def __init__(self, out: TextIO, stop: asyncio.Event):
        self.out, self.stop = out, stop

    def __call__(self, message: dict) -> None:
        if self.stop.is_set():
            return
        try:
            self.out.write(dumps(message) + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError, OSError):
            self.stop.set()


def _fail(message: str) -> int:
    print(f"socketio-inspector: admin: {message}", file=sys.stderr)
    return EXIT_FAILED


async def admin(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            return _fail(f"--password-env {args.password_env}: that environment variable is not set")
    opts = ConnectionOptions(url=args.url, path=args.path, verify_tls=not args.insecure,
                             connect_timeout=args.connect_timeout, reconnection=False)
    try:
        opts.validate()
    except (OptionsError, ValueError) as exc:
        return _fail(str(exc))
    ns = normalize_namespace(args.namespace)
    session = Session(opts)
    server = ServerAdmin(session, ns)
    stop = asyncio.Event()
    closed: list[str] = []

    def watch(entry: LogEntry) -> None:
        if entry.dir == SYS and entry.kind == Kind.DISCONNECT and entry.ns in (ns, None) and not stop.is_set():
            closed.append(str((entry.detail or {}).get("reason", "no reason given")))
            stop.set()
    server.view.listen(_Lines(out, stop))
    try:
        try:
            await server.attach(args.username, password)      # the admin namespace is the only one
        except AdminRefused as exc:
            return _fail(str(exc))
        session.subscribe(watch)
        try:
            await asyncio.wait_for(stop.wait(), args.duration)
        except asyncio.TimeoutError:
            pass
        if closed:
            return _fail(f"the server closed {ns} ({closed[0]})")
        return EXIT_OK
    finally:
        server.close()
        await session.disconnect()
