"""A stand-in for a window that records: `python -m tests.capture.attached URL FILE COUNT`
starts a capture process recording to FILE, connects it to URL, asks the demo server for a
burst of COUNT events, and once it has been handed them all prints
`ATTACHED <capture pid> <last seq>`; then it waits to be killed."""
from __future__ import annotations

import asyncio
import sys

from inspector.capture.client import CaptureClient, RemoteSession
from inspector.wire.options import ConnectionOptions


async def main(url: str, path: str, count: int) -> None:
    client = await CaptureClient.spawn(session_file=path)
    got = asyncio.Event()
    last = [0]
    burst = [0]

    def entries(batch) -> None:
        last[0] = batch[-1].seq
        burst[0] += sum(1 for e in batch if e.event == "burst" and e.dir == "in")
        if burst[0] >= count:
            got.set()
    client.on_entries = entries
    session = RemoteSession(client)
    await session.connect(ConnectionOptions(url=url), ["/"])
    await session.emit("/", "burst", [{"count": count}])
    await got.wait()
    print(f"ATTACHED {client.process.pid} {last[0]}", flush=True)
    await asyncio.Event().wait()        # until killed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
