"""One ingest measurement, run in a process of its own (so runs do not disturb each other):

    python benchmarks/ingest.py bare URL N [--uvloop]
    python benchmarks/ingest.py inspector URL N SESSION_FILE [--heartbeat]

prints one JSON object: the rate, and for the inspector what reached the model
and the session file, and the longest gap of a 10 ms QTimer on the GUI thread.
--heartbeat (run.py's ping-timeout bursts): the client reconnects as an application
would (the bare one stops once no event came for IDLE_S), and the inspector reports
the states its window's status line showed, with the wall-clock time of each (`states`).
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IDLE_S = 30.0           # --heartbeat: a bare client that got nothing for this long is done
RECONNECT = [False]     # --heartbeat: the clients reconnect
STATES: list = []       # --heartbeat: (time.time(), state) as the window got them


# -- a bare python-socketio AsyncClient counting the events --------------------------------
async def bare(url: str, n: int) -> dict:
    import socketio
    sio = socketio.AsyncClient(handle_sigint=False, reconnection=RECONNECT[0])
    got = 0
    done = asyncio.Event()
    last = [0.0]
    connects = []

    @sio.on("connect")
    async def on_connect():
        connects.append(time.perf_counter())

    @sio.on("burst")
    async def on_burst(*_data):      # with recovery on, the offset comes as a second argument
        nonlocal got
        got += 1
        last[0] = time.perf_counter()
        if got == n:
            done.set()

    await sio.connect(url, transports=["websocket"])
    t0 = last[0] = time.perf_counter()
    await sio.emit("burst", {"count": n})
    deadline = t0 + max(60.0, n / 2000)
    while not done.is_set() and time.perf_counter() < deadline:
        now = time.perf_counter()
        # (the server may take many seconds to queue a large burst after its first event)
        if RECONNECT[0] and (got > 1 and now - last[0] > IDLE_S or len(connects) > 1 and now - connects[-1] > 3.0):
            break           # dropped, and python-socketio has no recovery: the rest is lost
        try:
            await asyncio.wait_for(done.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass
    elapsed = (last[0] if got else time.perf_counter()) - t0
    await sio.disconnect()
    return {"events": got, "seconds": elapsed, "events_per_s": got / elapsed if elapsed > 0 else 0.0}


# -- the inspector: capture process (Session + session file) + bridge + window -------------
def inspector(url: str, n: int, session_file: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.store.reader import SessionStore
    from inspector.ui.bridge import SessionBridge, start_capture
    from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop
    from inspector.ui.free_memory import one_heap
    from inspector.ui.main_window import MainWindow
    from inspector.ui.settings import Settings
    from inspector.wire.options import ConnectionOptions
    one_heap()                               # as app.py, before any thread
    app = QApplication.instance() or QApplication([])
    loop = install_qasync_loop(app)          # the app's loop set-up (app.py)
    tmp = tempfile.TemporaryDirectory(prefix="inspector-bench-")
    settings = Settings(QSettings(str(Path(tmp.name) / "s.ini"), QSettings.Format.IniFormat))
    bridge = SessionBridge(start_capture())     # as app.py: capture in a process of its own
    session = bridge.session
    window = MainWindow(bridge, settings, session_file=session_file)
    window.show()
    model = window.model

    gaps = {"last": None, "max": 0.0, "on": False, "all": []}

    def tick() -> None:
        now = time.perf_counter()
        if gaps["on"] and gaps["last"] is not None:
            gaps["max"] = max(gaps["max"], now - gaps["last"])
            gaps["all"].append(now - gaps["last"])
        gaps["last"] = now
    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(tick)
    heartbeat.start()

    def burst_rows(first: int = 0) -> int:
        cols = model.cols
        bid = cols.event_names.id_of("burst")
        if bid is None:
            return 0
        return int(np.count_nonzero((cols.event.view()[first:] == bid) & (cols.dir.view()[first:] == 0)))

    # counted as rows arrive (in the model's own signal, on the GUI thread: no polling)
    arrived = {"n": 0, "t": None, "want": n}
    all_in = asyncio.Event()

    def on_rows(_parent, first: int, last: int) -> None:
        arrived["n"] += burst_rows(first)
        if arrived["n"] >= arrived["want"] and arrived["t"] is None:
            arrived["t"] = time.perf_counter()
            all_in.set()
    model.rowsInserted.connect(on_rows)
    # what the status line shows (ahead of the rows still being shown, where the bridge has one)
    line = getattr(bridge, "statusLine", bridge.stateChanged)
    line.connect(lambda st: STATES.append((time.time(), getattr(st.state, "value", st.state))))

    async def run() -> dict:
        await bridge.call(session.connect(ConnectionOptions(url=url, transport="websocket",
                                                            reconnection=RECONNECT[0])))
        await asyncio.sleep(0.5)           # settle: the window laid out, the connect rows drawn
        gaps["on"], gaps["last"] = True, time.perf_counter()
        t0 = time.perf_counter()
        await bridge.call(session.emit("/", "burst", [{"count": n}]))
        try:
            await asyncio.wait_for(all_in.wait(), max(60.0, n / 2000))
        except asyncio.TimeoutError:
            pass
        in_model = burst_rows()
        t_model = arrived["t"] or time.perf_counter()
        # the file: everything the session published so far is committed (flushed by the
        # capture process's writer; the GUI thread goes on meanwhile)
        await bridge.client.call("flush")
        t_file = time.perf_counter()
        gaps["on"] = False
        with SessionStore((await bridge.client.call("info"))["session_file"]) as store:
            in_file = store._conn.execute(
                "SELECT count(*) FROM entries WHERE event='burst' AND dir='in'").fetchone()[0]
        elapsed = max(t_model, t_file) - t0
        await bridge.call(session.disconnect())
        return {"events": min(in_model, in_file), "in_model": in_model, "in_file": in_file,
                "seconds": elapsed, "model_seconds": t_model - t0,
                "events_per_s": min(in_model, in_file) / elapsed,
                "max_stall_ms": gaps["max"] * 1000.0, "rows": model.rowCount(),
                "median_gap_ms": float(np.median(gaps["all"])) * 1000.0 if gaps["all"] else None,
                "p99_gap_ms": float(np.percentile(gaps["all"], 99)) * 1000.0 if gaps["all"] else None,
                "gaps_over_50ms": int(sum(g > 0.05 for g in gaps["all"]))}

    try:
        task = loop.create_task(run())
        task.add_done_callback(lambda _task: app.quit())
        app.exec()                            # as app.py runs it
        result = task.result()
    finally:
        heartbeat.stop()
        window.close()
        bridge.close()
        close_qasync_loop(loop, app)
        tmp.cleanup()
    return result


def main(argv: list[str]) -> int:
    mode, url, n = argv[0], argv[1], int(argv[2])
    RECONNECT[0] = "--heartbeat" in argv
    if mode == "bare":
        if "--uvloop" in argv:
            from inspector.wire.loop import run
            result = run(bare(url, n))
        else:
            result = asyncio.run(bare(url, n))      # a plain asyncio loop
    elif mode == "inspector":
        result = inspector(url, n, argv[3])
        if RECONNECT[0]:
            result["states"] = STATES
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
