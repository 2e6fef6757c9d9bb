"""The window's longest GUI stall while one large event arrives (issue 11: a 10 MB event,
issue 15: a 50 MB one; target < 50 ms each), in a process of its own:

    python benchmarks/arrival.py [--sizes 10,50] [--rounds 3] [--json results.json]

The server is tests/faults/raw_server.py in a process of its own (it sends one event of
N MB, a long string in an object, over a websocket); the window is the app's (its qasync
loop, its capture process recording to a file).  A 5 ms PreciseTimer on the GUI thread
is the probe: the longest gap between its ticks from the emit until the event's row is
in the model, the capture process has committed it to the session file (its writer runs
there; the GUI thread goes on meanwhile) and 10 more ticks have passed (the paints).
Prints min / median / max per size and one JSON object; --json merges it into that file
under "arrival" (benchmarks/results.json), leaving the other keys as they are.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.faults.raw_server"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"the raw server did not start: {line!r}")
    return proc, line.split()[1]


def measure(url: str, sizes: list[float], rounds: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.ui.bridge import SessionBridge, start_capture
    from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop
    from inspector.ui.free_memory import one_heap
    from inspector.ui.main_window import MainWindow
    from inspector.ui.settings import Settings
    from inspector.wire.options import ConnectionOptions
    one_heap()                               # as app.py, before any thread
    app = QApplication.instance() or QApplication([])
    loop = install_qasync_loop(app)
    tmp = tempfile.TemporaryDirectory(prefix="inspector-arrival-")
    settings = Settings(QSettings(str(Path(tmp.name) / "s.ini"), QSettings.Format.IniFormat))
    bridge = SessionBridge(start_capture(str(Path(tmp.name) / "arrival.sqlite")))
    window = MainWindow(bridge, settings)
    window.show()
    model = window.model

    probe = {"last": 0.0, "longest": 0.0, "ticks": 0}

    def tick() -> None:
        now = time.perf_counter()
        probe["longest"] = max(probe["longest"], now - probe["last"])
        probe["last"] = now
        probe["ticks"] += 1
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(tick)

    async def ticks(n: int) -> None:
        until = probe["ticks"] + n
        while probe["ticks"] < until:
            await asyncio.sleep(0.005)

    async def one(mb: float) -> float:
        rows = model.rowCount()
        probe["last"], probe["longest"] = time.perf_counter(), 0.0
        timer.start()
        await bridge.call(bridge.session.emit("/", "give", ["big", mb]))
        while not any(model.row_label(r) == "big" for r in range(rows, model.rowCount())):
            await asyncio.sleep(0.005)
        await bridge.client.call("flush")
        await ticks(10)
        timer.stop()
        tick()
        return probe["longest"] * 1000.0

    async def run() -> dict:
        await bridge.call(bridge.session.connect(ConnectionOptions(url=url, transport="websocket")))
        await asyncio.sleep(0.5)            # settle: the window laid out, the connect rows drawn
        out = {}
        for mb in sizes:
            runs = [await one(mb) for _ in range(rounds)]
            out[f"{mb:g}MB"] = {"min": round(min(runs), 1), "median": round(statistics.median(runs), 1),
                               "max": round(max(runs), 1), "runs": [round(r, 1) for r in runs]}
            print(f"{mb:g} MB event: longest GUI stall {out[f'{mb:g}MB']['min']:.0f} / "
                  f"{out[f'{mb:g}MB']['median']:.0f} / {out[f'{mb:g}MB']['max']:.0f} ms "
                  f"(min / median / max of {rounds})", file=sys.stderr, flush=True)
        await bridge.call(bridge.session.disconnect())
        return out

    try:
        task = loop.create_task(run())
        task.add_done_callback(lambda _t: app.quit())
        app.exec()
        result = task.result()
    finally:
        window.close()
        bridge.close()
        close_qasync_loop(loop, app)
        tmp.cleanup()
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50", help="event sizes in MB, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="merge the figures into this JSON file under 'arrival'")
    args = parser.parse_args(argv)
    server, url = start_server()
    try:
        figures = measure(url, [float(s) for s in args.sizes.split(",")], args.rounds)
    finally:
        server.kill()
        server.wait()
    result = {"max_stall_ms": figures, "rounds": args.rounds,
              "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}
    print(json.dumps(result))
    if args.json:
        path = Path(args.json)
        whole = json.loads(path.read_text()) if path.exists() else {}
        whole["arrival"] = result
        path.write_text(json.dumps(whole, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
