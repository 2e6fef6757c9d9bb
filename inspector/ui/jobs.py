"""Long work (load, import, export of a million rows) on a worker thread, with progress.

The GUI thread only gets signals: progress, results in pieces (a chunk of
rows to append), and the end.  The work function gets `report(done, total)`,
which returns False once the user has cancelled, and `deliver(obj)`, which
hands a piece to the GUI thread.
"""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# Pieces handed to the GUI thread and not yet taken, at most: a worker that reads faster than
# the GUI appends waits, instead of queueing the whole file's rows (at ten million rows the
# queue's objects, freed, left the window 50 MiB larger from one open to the next).
PIECES_AHEAD = 3
_WAIT_S = 0.2             # how often a waiting worker looks whether it was cancelled


class Job(QObject):
    """Work on a thread of its own.  The end is told on the thread the Job lives on (the GUI
    thread): `finished` or `failed` is delivered to its receivers there, and only then does
    `done` turn True, so a caller that sees `done` can rely on the end having been handled.
    Pieces are delivered before the end (queued in order)."""

    progress = Signal(int, int)      # done, total
    piece = Signal(object)
    finished = Signal(object)        # the result
    failed = Signal(str)
    _ended = Signal(object, object)  # (result, error message or None), from the worker thread

    def __init__(self, work: Callable[..., Any], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self.cancelled = False
        self.done = False
        self._ended.connect(self._end, Qt.ConnectionType.QueuedConnection)
        self._room = threading.Semaphore(PIECES_AHEAD)
        self.piece.connect(self._taken, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name="inspector-job", daemon=True)

    def start(self) -> "Job":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.cancelled = True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the work's thread to end (its end is delivered by the GUI thread's loop)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _report(self, done: int, total: int) -> bool:
        self.progress.emit(int(done), int(total))
        return not self.cancelled

    def _deliver(self, piece: Any) -> None:
        while not self._room.acquire(timeout=_WAIT_S):
            if self.cancelled:
                return
        self.piece.emit(piece)

    def _taken(self, _piece: Any) -> None:
        self._room.release()

    def _run(self) -> None:
        try:
            result = self._work(self._report, self._deliver)
        except Exception as exc:  # shown to the user, not raised on a thread nobody watches
            traceback.print_exc()
            self._ended.emit(None, str(exc) or type(exc).__name__)
            return
        self._ended.emit(result, None)

    def _end(self, result: Any, error: str | None) -> None:
        try:
            if error is None:
                self.finished.emit(result)
            else:
                self.failed.emit(error)
        finally:
            self.done = True


def run_with_progress(parent: QWidget, label: str, work: Callable[..., Any],
                      on_piece: Callable[[Any], None] | None = None,
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None) -> Job:
    """Start `work` on a thread with a progress dialog (Cancel stops it at the next report)."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    job = Job(work, parent)
    dialog.canceled.connect(job.cancel)

    def progress(done: int, total: int) -> None:
        if total > 0:
            scale = max(1, total // 1_000_000 + 1)
            dialog.setMaximum(total // scale)
            dialog.setValue(min(done, total) // scale)

    def finish(result: Any) -> None:
        dialog.close()
        dialog.deleteLater()
        if on_done is not None:
            on_done(result)

    def fail(message: str) -> None:
        dialog.close()
        dialog.deleteLater()
        if on_error is not None:
            on_error(message)

    job.progress.connect(progress)
    if on_piece is not None:
        job.piece.connect(on_piece)
    job.finished.connect(finish)
    job.failed.connect(fail)
    job.dialog = dialog
    return job.start()
