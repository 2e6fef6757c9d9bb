"""Start-up: seconds from launching `socketio-inspector --demo` to its window being shown.

    python benchmarks/start.py [RUNS]

Each run is a fresh process (the first one also pays for a cold disk cache);
prints one JSON object with every run and the median.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

# what runs in the child: the real entry point, with MainWindow.show reporting the time
CHILD = """
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from inspector.ui import main_window
shown = main_window.MainWindow.show
def show(self):
    shown(self)
    print(f"SHOWN {time.time() - t0:.3f}", flush=True)
    QTimer.singleShot(0, QApplication.instance().quit)
main_window.MainWindow.show = show
from inspector.app import main
sys.exit(main(["--demo"]))
"""


def once() -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(t0)], capture_output=True, text=True,
                          env=env, timeout=120)
    for line in proc.stdout.splitlines():
        if line.startswith("SHOWN "):
            return float(line.split()[1])
    raise RuntimeError(f"the window was never shown (exit {proc.returncode}): {proc.stderr[-1000:]}")


def main(argv: list[str]) -> int:
    runs = [once() for _ in range(int(argv[0]) if argv else 3)]
    print(json.dumps({"start_s_runs": runs, "start_s": statistics.median(runs)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
