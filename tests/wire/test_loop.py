import threading
import time

from inspector.wire import loop
from inspector.wire.loop import Courtesy
from tests.helpers import wait_until


class CountingSleep:
    """Stands in for `time` in inspector.wire.loop: counts the naps step_aside takes."""

    def __init__(self):
        self.naps = 0
        self.monotonic = time.monotonic

    def sleep(self, seconds: float) -> None:
        self.naps += 1
        time.sleep(seconds)            # not a wait: the nap step_aside asked for


def test_other_threads_step_aside_while_the_gui_works_and_never_too_long(monkeypatch):
    clock = CountingSleep()
    monkeypatch.setattr(loop, "time", clock)
    c = Courtesy()
    c.MAX_WAIT_S = 5.0          # for the first part: long enough that only the release ends the wait
    assert not c.wanted
    c.step_aside()                       # nobody asked: no wait
    assert clock.naps == 0
    returned: list[float] = []

    def other():
        c.step_aside()
        returned.append(time.monotonic())

    with c:
        worker = threading.Thread(target=other)
        worker.start()
        # the worker is stepping aside: it keeps napping while the GUI works
        wait_until(lambda: clock.naps >= 3, timeout=c.MAX_WAIT_S, what="the worker to step aside")
        assert not returned
        released = time.monotonic()
    worker.join()
    assert not c.wanted
    # back when the GUI let go (it naps half a millisecond at a time), long before its limit
    assert 0 <= returned[0] - released < 1.0
    c.MAX_WAIT_S = Courtesy.MAX_WAIT_S
    with c:                               # a GUI that never lets go is not waited for forever
        t = time.monotonic()
        c.step_aside()
        assert Courtesy.MAX_WAIT_S <= time.monotonic() - t < Courtesy.MAX_WAIT_S + 0.25
