"""A Job's end: `done` turns True only once `finished` (or `failed`) has been delivered."""
from __future__ import annotations

import threading
import time

from inspector.ui.jobs import Job
from tests.helpers import wait_until


def test_done_means_finished_was_delivered(qtbot):
    delivered: list = []
    pieces: list = []
    job = Job(lambda report, deliver: (deliver("a piece"), report(1, 1), 42)[-1])
    job.piece.connect(pieces.append)
    job.finished.connect(lambda result: delivered.append((result, job.done)))
    job.start()
    assert job.wait(10)               # the work's thread has ended; the GUI has not run yet
    assert not job.done or delivered, "done before finished was delivered"
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    # delivered once, while done was still False; the piece before it
    assert delivered == [(42, False)] and pieces == ["a piece"]


def test_done_means_failed_was_delivered(qtbot):
    failures: list = []

    def work(report, deliver):
        raise ValueError("no such file")
    job = Job(work)
    job.failed.connect(failures.append)
    job.finished.connect(lambda _r: failures.append("finished?"))
    job.start()
    assert job.wait(10)
    assert not job.done or failures, "done before failed was delivered"
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert failures == ["no such file"]


def test_a_slot_on_the_gui_thread_sees_the_end_in_order(qtbot):
    """finished runs on the thread the Job lives on, not on the worker."""
    threads: list = []
    job = Job(lambda report, deliver: None)
    job.finished.connect(lambda _r: threads.append(threading.current_thread()))
    job.start()
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert threads == [threading.main_thread()]


def test_a_worker_faster_than_the_gui_waits_for_it(qtbot):
    """At most PIECES_AHEAD pieces are queued for the GUI thread: the rest wait their turn,
    and every piece arrives, in order."""
    from inspector.ui import jobs
    handed: list = []
    pieces: list = []

    def work(report, deliver):
        for i in range(20):
            deliver(i)
            handed.append(i)
    job = Job(work)
    job.piece.connect(pieces.append)
    job.start()
    # the GUI thread's loop does not run meanwhile: nothing is taken
    wait_until(lambda: len(handed) >= jobs.PIECES_AHEAD, 5, "the first pieces handed over")
    time.sleep(0.3)  # not a wait: a negative, the worker must stay blocked this long
    assert handed == list(range(jobs.PIECES_AHEAD))
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert pieces == list(range(20))
