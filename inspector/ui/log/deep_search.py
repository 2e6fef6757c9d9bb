"""The rest of long rows: a text filter over rows whose text was cut.

The table's text filter scans the first TEXT_CAP characters of every row (fast,
in memory).  A row cut there may still match further on; those rows are
checked here, against their whole arguments: the newest ones from memory at
once, the others read from the session file on a worker thread, a few hundred
at a time, the matches handed back to the filtered model as they are found.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from inspector.log.filter import LogFilter
from inspector.log.row_text import args_text, full_text
from inspector.store.reader import SessionStore
from inspector.ui.jobs import Job

CHUNK = 500


def _scan(f: LogFilter, path: Path, seqs: list[int], report, deliver) -> int:
    done = 0
    with SessionStore(path) as store:
        for rows in store.rows(seqs, chunk=CHUNK):
            hits = [r[0] for r in rows if r[6] is not None and f.text_matches(full_text(r[6]))]
            if hits:
                deliver(hits)
            done += len(rows)
            if not report(done, len(seqs)):
                break
    return done


class DeepSearch(QObject):
    found = Signal(int, object)        # generation, source rows (np.ndarray) that match
    progress = Signal(int)             # rows still to check (0: done)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._generation = 0
        self.pending = 0

    def cancel(self) -> None:
        self._generation += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        if self.pending:
            self.pending = 0
            self.progress.emit(0)

    def start(self, generation: int, f: LogFilter, cols, rows: np.ndarray) -> None:
        """Check `rows` (source rows, cut, not matched on their first characters)."""
        self._generation = generation
        fetch = cols.fetch
        path = fetch.path() if fetch is not None and hasattr(fetch, "path") else None
        in_memory, on_disk = [], []
        for row in rows.tolist():
            e = cols.kept_whole(row)
            (in_memory if e is not None else on_disk).append((row, e))
        hits = [row for row, e in in_memory if f.text_matches(args_text(e.args, cap=None)[0])]
        if hits:
            self.found.emit(generation, np.asarray(hits, np.int64))
        if not on_disk or path is None or not Path(path).exists():
            return
        seq_to_row = {int(cols.seq.a[row]): row for row, _e in on_disk}
        self.pending += len(seq_to_row)
        self.progress.emit(self.pending)
        job = Job(lambda report, deliver: _scan(f, Path(path), list(seq_to_row), report, deliver), self)

        def piece(seqs: list[int]) -> None:
            if generation == self._generation:
                self.found.emit(generation, np.asarray(sorted(seq_to_row[s] for s in seqs), np.int64))

        def done(_result) -> None:
            if job in self._jobs:
                self._jobs.remove(job)
            if generation == self._generation:
                self.pending = max(self.pending - len(seq_to_row), 0)
                self.progress.emit(self.pending)
        job.piece.connect(piece)
        job.finished.connect(done)
        job.failed.connect(done)
        self._jobs.append(job)
        job.start()
