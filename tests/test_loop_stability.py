"""The pinned Qt must survive what the app's loop does all day: many timer events.

PySide6 6.12.0 on CPython 3.11 aborts (Fatal Python error: none_dealloc) after
some 10^5 timer events under qasync; this runs 300,000 Qt timer events and
100,000 asyncio callbacks in a child process and fails if it dies.
"""
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("loop_stress.py")


def test_the_gui_loop_survives_hundreds_of_thousands_of_timer_events():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(SCRIPT.parent.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, str(SCRIPT), "300000", "100000"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (
        f"the Qt/qasync loop died (exit {proc.returncode}); stderr:\n{proc.stderr[-3000:]}")
    assert "OK timer=300000 soon=100000" in proc.stdout
