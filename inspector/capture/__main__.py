"""`python -m inspector.capture`: the capture process.

Started by the window with `--fd N` (one end of a socket pair; the token in the
environment variable INSPECTOR_CAPTURE_TOKEN), or alone with `--socket PATH` (a Unix
socket) or `--tcp PORT` (127.0.0.1), when it prints the address and the token a window
needs on one line.  It serves one window, and ends when that window goes: it disconnects,
finishes the session file (`--session-file`) and exits 0.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys

from inspector.capture import protocol as P
from inspector.capture.host import Capture, ToWindow
from inspector.wire.loop import run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m inspector.capture", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--fd", type=int, help="a connected socket inherited from the window")
    where.add_argument("--socket", metavar="PATH", help="listen on this Unix socket")
    where.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT (0: any free port)")
    parser.add_argument("--session-file", metavar="PATH", help="record the session to PATH")
    return parser


async def main_async(args: argparse.Namespace) -> int:
    capture = Capture(session_file=args.session_file, token=os.environ.pop(P.TOKEN_ENV, None))
    loop = asyncio.get_running_loop()
    logging.getLogger().addHandler(ToWindow(capture, loop))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = None
    if args.fd is not None:          # the one window there will be: its connection's end is ours
        sock = socket.socket(fileno=args.fd)
        reader, writer = await asyncio.open_connection(sock=sock, limit=P.MAX_FRAME)
        ended = capture.handle(reader, writer)
    else:
        ended = capture.detached.wait()
        if args.socket:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old = os.umask(0o177)         # the socket is the user's alone
            try:
                sock.bind(args.socket)
            finally:
                os.umask(old)
            address = args.socket
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", args.tcp))
            address = "127.0.0.1:%d" % sock.getsockname()[1]
        sock.listen(1)
        server = await capture.serve_socket(sock)
        print(f"capture listening on {address} token {capture.token}", flush=True)
    waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(ended)]
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for w in waits:
        w.cancel()
    if server is not None:
        server.close()
    await capture.finish()
    if args.socket:
        try:
            os.unlink(args.socket)
        except OSError:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(main_async(build_parser().parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
