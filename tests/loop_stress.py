"""Fire many Qt timer events and asyncio callbacks under the app's own loop setup
(inspector.ui.event_loop.install_qasync_loop, then QApplication.exec(), as app.py does).

Run as a script (by tests/test_loop_stability.py) so that an abort kills only
this process: PySide6 6.12.0 on CPython 3.11 dies here with "Fatal Python
error: none_dealloc" after some 10^5 timer events.
"""
import asyncio
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop


def main(timer_events: int, callbacks: int) -> int:
    app = QApplication(sys.argv[:1])
    loop = install_qasync_loop(app)
    fired = {"timer": 0, "soon": 0}
    done = asyncio.Event()

    def on_timer():
        fired["timer"] += 1
        if fired["timer"] >= timer_events:
            timer.stop()
            if fired["soon"] >= callbacks:
                done.set()

    def on_soon():
        fired["soon"] += 1
        if fired["soon"] < callbacks:
            loop.call_soon(on_soon)
        elif fired["timer"] >= timer_events:
            done.set()

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(on_timer)
    timer.start()
    loop.call_soon(on_soon)
    waiter = loop.create_task(asyncio.wait_for(done.wait(), 600))
    waiter.add_done_callback(lambda _task: app.quit())
    app.exec()
    close_qasync_loop(loop, app)
    waiter.result()             # raises TimeoutError when the events did not all fire
    print(f"OK timer={fired['timer']} soon={fired['soon']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
