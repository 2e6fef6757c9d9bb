import threading
import time

from inspector.wire.loop import Courtesy


def test_other_threads_step_aside_while_the_gui_works_and_never_too_long():
    c = Courtesy()
    assert not c.wanted
    t0 = time.monotonic()
    c.step_aside()                       # nobody asked: no wait
    assert time.monotonic() - t0 < 0.01
    waited = []

    def other():
        t = time.monotonic()
        c.step_aside()
        waited.append(time.monotonic() - t)

    with c:
        worker = threading.Thread(target=other)
        worker.start()
        time.sleep(0.02)
    worker.join()
    assert 0.015 < waited[0] < Courtesy.MAX_WAIT_S + 0.02 and not c.wanted
    with c:                               # a GUI that never lets go is not waited for forever
        t = time.monotonic()
        c.step_aside()
        assert Courtesy.MAX_WAIT_S <= time.monotonic() - t < Courtesy.MAX_WAIT_S + 0.05
