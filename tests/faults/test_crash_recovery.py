"""kill -9 while a session is being recorded: the file keeps everything up to about a second
before the kill, with no hole.  The recorder is the real one (Session + StoreWriter) in a
process of its own, on a server bursting events at it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

from inspector.log.entry import IN, Kind
from inspector.store.reader import SessionStore
from tests.helpers import wait_until

CHILD = textwrap.dedent("""
    import sys, time
    from inspector.wire.loop import run
    from inspector.wire.options import ConnectionOptions, Transport
    from inspector.session.session import Session
    from inspector.store.writer import StoreWriter

    async def main(url, path):
        session = Session(ConnectionOptions(url=url, transport=Transport.WEBSOCKET))
        writer = StoreWriter(path)
        writer.attach(session)
        def report(entry):              # what the session has published, every 100 entries
            if entry.seq % 100 == 0:
                print("SEQ", entry.seq, time.time(), flush=True)
        session.subscribe(report)
        await session.connect()
        while True:                     # events keep coming until the kill, a burst at a time
            sent = await session.emit("/", "burst", [{"count": 500}], ack=True, timeout=30)
            await sent.answer

    run(main(sys.argv[1], sys.argv[2]))
""")


def test_a_killed_recording_keeps_all_but_the_last_second(demo_server, tmp_path):
    path = tmp_path / "crash.sqlite"
    reports: list[tuple[int, float]] = []
    with subprocess.Popen([sys.executable, "-c", CHILD, demo_server.url, str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        def read() -> None:
            for line in proc.stdout:
                if line.startswith("SEQ "):
                    _, seq, t = line.split()
                    reports.append((int(seq), float(t)))
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            # recording for over two seconds, past 5000 entries
            wait_until(lambda: proc.poll() is not None or (
                reports and reports[-1][0] > 5000 and reports[-1][1] - reports[0][1] > 2.0), timeout=30,
                what="the recorder to get going")
            assert proc.poll() is None, f"the recorder ended: {proc.stderr.read()}"
            killed_at = time.time()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
        reader.join(5)
    # what the session had published one second before the kill
    before = max(seq for seq, t in reports if t <= killed_at - 1.0)
    with SessionStore(path) as store:
        seqs = store.seqs()
        entries = store.entries()
    print(f"reported last {reports[-1][0]}, due (1 s before the kill) {before}, in the file {len(seqs)}")
    assert seqs == list(range(1, len(seqs) + 1))            # no hole
    assert len(seqs) >= before, f"lost entries older than a second: file has {len(seqs)}, {before} were due"
    assert any(e.kind == Kind.CONNECT for e in entries[:5]) and any(e.event == "burst" and e.dir == IN for e in entries)
