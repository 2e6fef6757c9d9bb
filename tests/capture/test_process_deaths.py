"""Either side killed: the window (the app, and a stand-in that records) killed under the capture
process, which then finishes the session file with every row; the capture process killed
under its client, which says so once and fails what was in flight."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.capture.client import CaptureClient, RemoteSession
from inspector.capture.protocol import CaptureLost
from inspector.log.entry import Kind
from inspector.store.reader import SessionStore
from inspector.wire.options import ConnectionOptions
from tests.helpers import run, until

ROOT = Path(__file__).resolve().parents[2]


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@pytest.mark.faults
def test_the_window_killed_under_capture_the_session_file_is_finished_with_every_row(demo_server, tmp_path):
    path = tmp_path / "killed.sqlite"
    window = subprocess.Popen([sys.executable, "-m", "tests.capture.attached", demo_server.url, str(path), "5000"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = window.stdout.readline()
        assert line.startswith("ATTACHED"), line
        _, pid, seen = line.split()
        window.send_signal(signal.SIGKILL)
        window.wait(10)
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
        window.stdout.close()
    run(until(lambda: _ended(int(pid)), timeout=30, what="the capture process to end"))
    with SessionStore(path) as store:
        rows = store.entries()
    assert len(rows) >= int(seen)
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert sum(1 for e in rows if e.event == "burst" and e.dir == "in") == 5000
    assert rows[-1].kind == Kind.DISCONNECT        # it said goodbye to the server, then closed the file


def test_capture_killed_under_its_client_is_said_once_and_fails_what_was_in_flight(demo_server):
    async def scenario():
        client = await CaptureClient.spawn()
        lost: list[str] = []
        client.on_lost = lost.append
        session = RemoteSession(client)
        await session.connect(ConnectionOptions(url=demo_server.url), ["/"])
        sent = await session.emit("/", "slow_echo", [{"delay": 30}], ack=True, timeout=60)
        os.kill(client.process.pid, signal.SIGKILL)
        with pytest.raises(CaptureLost, match="killed"):
            await sent.answer
        await until(lambda: lost)
        assert lost == ["the capture process was killed (SIGKILL)"]
        with pytest.raises(CaptureLost, match="killed"):
            await session.emit("/", "echo", [])
        await client.close()
    run(scenario())


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found += [int(p) for p in f.read().split()]
    return found


@pytest.mark.faults
def test_the_real_window_killed_under_capture_leaves_a_finished_session_file_with_every_row(demo_server, tmp_path):
    path = tmp_path / "window-killed.sqlite"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        window = subprocess.Popen([sys.executable, "-m", "inspector", "--url", demo_server.url, "--connect",
                                   "--session-file", str(path)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        def recorded(kind: str, count: int = 1) -> bool:
            try:
                with SessionStore(path) as store:
                    return sum(1 for e in store.entries() if e.kind == kind) >= count
            except Exception:
                return False          # not created yet
        def connected() -> bool:
            assert window.poll() is None, (tmp_path / "stderr.txt").read_text()   # the window is up
            return path.exists() and recorded(Kind.CONNECT)
        run(until(connected, timeout=120, what="the window's connect row in the file"), timeout=150)
        for i in range(2000):
            demo_server.call(demo_server.server.sio.emit("burst", {"i": i}))
        run(until(lambda: recorded(Kind.EVENT, 2000), timeout=120, what="the burst in the file"), timeout=150)
        [capture] = _children(window.pid)
        window.send_signal(signal.SIGKILL)
        window.wait(10)
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
    run(until(lambda: _ended(capture), timeout=30, what="the capture process to end"))
    with SessionStore(path) as store:
        rows = store.entries()
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert [e.args[0]["i"] for e in rows if e.event == "burst"] == list(range(2000))   # every row
    assert rows[-1].kind == Kind.DISCONNECT      # it said goodbye to the server, then closed the file


def _window(demo_server, tmp_path, path: Path) -> subprocess.Popen:
    """The app as a user starts it (offscreen, its own home), recording to `path`, connected."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        return subprocess.Popen([sys.executable, "-m", "inspector", "--url", demo_server.url, "--connect",
                                 "--session-file", str(path)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=stderr)


def _count(path: Path, where: str) -> int:
    """Rows of the session file matching `where` (read as any reader would, while it is written)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute(f"SELECT count(*) FROM entries WHERE {where}").fetchone()[0]
    except sqlite3.Error:
        return 0          # not created yet


BURST = 100_000


@pytest.mark.faults
def test_the_real_window_killed_mid_burst_capture_stops_at_once_and_the_file_has_every_row_it_got(
        demo_server, tmp_path):
    """PROTOCOL.md "Ends": once it sees its window gone, the capture disconnects, finishes the
    session file and exits; it does not wait for the rest of the burst.  So the file holds the
    burst from its first event, none missing, up to where the capture stopped, then its goodbye."""
    path = tmp_path / "killed-mid-burst.sqlite"
    window = _window(demo_server, tmp_path, path)
    sending = None
    try:
        def connected() -> bool:
            assert window.poll() is None, (tmp_path / "stderr.txt").read_text()   # the window is up
            return _count(path, "kind = 'connect'") >= 1
        run(until(connected, timeout=120, what="the window's connect row in the file"), timeout=150)

        async def burst() -> None:
            for i in range(BURST):
                await demo_server.server.sio.emit("burst", {"i": i})
        sending = asyncio.run_coroutine_threadsafe(burst(), demo_server.loop)
        run(until(lambda: _count(path, "event = 'burst'") >= 2000, timeout=120,
                  what="the burst under way in the file"), timeout=150)
        [capture] = _children(window.pid)
        window.send_signal(signal.SIGKILL)
        window.wait(10)
        run(until(lambda: _ended(capture), timeout=30, what="the capture process to end"))
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
        if sending is not None:
            sending.cancel()
    with SessionStore(path) as store:
        rows = store.entries()
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    got = [e.args[0]["i"] for e in rows if e.event == "burst"]
    assert got == list(range(len(got)))             # every row from the first, none missing
    assert 2000 <= len(got) < BURST                 # it stopped at once: the burst was not finished
    assert rows[-1].kind == Kind.DISCONNECT         # it said goodbye to the server, then closed the file
