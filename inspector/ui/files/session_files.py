"""Session files in the GUI: recording the live session, opening an old one read-only,
importing and exporting JSON Lines.  Long work runs on a worker thread with progress."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector.log.chunk import chunk_from_rows
from inspector.log.words import plural
from inspector.store.jsonl import export_jsonl, first_time, import_jsonl
from inspector.store.paths import default_session_path, free_name, user_sessions_dir
from inspector.store.reader import Fetcher, SessionStore
from inspector.store.rows import StoreError
from inspector.ui import free_memory, palette
from inspector.ui import settings as S
from inspector.ui.bridge import wait_for
from inspector.ui.icon import app_icon
from inspector.ui.jobs import Job, run_with_progress
from inspector.ui.log.model import LogModel
from inspector.ui.log.workspace import LogWorkspace
from inspector.ui.message_line import MessageLine

SESSION_FILTER = "Session files (*.sqlite);;JSON Lines (*.jsonl *.json);;All files (*)"
JSONL_FILTER = "JSON Lines (*.jsonl);;All files (*)"


def sessions_dir(settings: S.Settings) -> Path:
    chosen = settings.get(S.SESSIONS_DIR)
    return Path(chosen).expanduser() if chosen else user_sessions_dir()


class RemoteWriter:
    """The live session's writer, in the capture process (store/writer.py there): its path
    and error as last heard, flush() and move_to() as StoreWriter's, called from a worker
    thread (they wait on a capture call made on the window's loop)."""

    def __init__(self, bridge, path: Path, rename_if_taken: bool = False):
        self.bridge = bridge
        self.error: str | None = None
        self.written = 0
        self._path = Path(path)
        self._loop = asyncio.get_event_loop()
        bridge.run(bridge.client.call("record", str(path), rename_if_taken), self._recording)

    def _recording(self, path, error) -> None:
        if error is not None:
            self.error = f"{type(error).__name__}: {error}" if not str(error) else str(error)
        else:
            self._path = Path(path)

    @property
    def path(self) -> Path:
        return self._path

    def _call(self, timeout: float, name: str, *args):
        try:
            return wait_for(self.bridge.client.call(name, *args), timeout, self._loop)
        except TimeoutError:
            raise StoreError(f"the capture process did not answer {name} within {timeout:g} s") from None

    def flush(self, timeout: float = 10.0) -> bool:
        try:
            return bool(self._call(timeout, "flush"))
        except Exception:
            return False

    def checkpoint(self, timeout: float = 10.0) -> bool:
        try:
            return bool(self._call(timeout, "checkpoint"))
        except Exception:
            return False

    def move_to(self, path: str | Path, timeout: float = 30.0) -> None:
        try:
            self._path = Path(self._call(timeout, "move_session_file", str(path)))
        except StoreError:
            raise
        except Exception as exc:      # what the capture said, as the writer would have
            raise StoreError(str(exc) or type(exc).__name__) from None


class LiveRecording:
    """The live session's file: written by the capture process (RemoteWriter), and a
    Fetcher for the GUI to read whole entries back."""

    def __init__(self, bridge, path: Path, rename_if_taken: bool = False):
        self.bridge = bridge
        self.writer = RemoteWriter(bridge, path, rename_if_taken=rename_if_taken)
        self.fetcher = Fetcher(lambda: self.writer.path)
        self._stopped = False

    @property
    def path(self) -> Path:
        return self.writer.path

    def stop(self) -> None:
        """The capture process finishes the file when the window detaches (bridge.close())."""
        if self._stopped:
            return
        self._stopped = True
        self.fetcher.close()


@dataclass(frozen=True)
class Loaded:
    rows: int
    lifecycle: list          # the entries the connection timeline is drawn from
    meta: dict


def load_session(report, deliver, path: Path) -> Loaded:
    """Worker: read a session file in chunks of rows made ready for LogModel.append_chunk,
    then what the timeline and the banner need (a scan of the file, so here, not on the
    GUI thread)."""
    with SessionStore(path) as store:
        total, done = store.count(), 0
        report(0, total)
        for rows in store.rows(chunk=20000):
            deliver(chunk_from_rows(rows))
            done += len(rows)
            if not report(done, total):
                break
        return Loaded(done, store.lifecycle(), store.meta())


def shown_rows(model: LogModel, view) -> tuple[np.ndarray, np.ndarray]:
    """The log's seq column and the rows the table shows, as they are now: views, no copy
    (the seqs are picked off the GUI thread; a column only grows past its end)."""
    return model.cols.seq.view(), view.filtered.source_rows()


def export_session(parent: QWidget, source: Callable[[], Path], dest: Path,
                   shown: tuple[np.ndarray, np.ndarray] | None, before: Callable[[], object] | None,
                   on_done: Callable[[int], None], on_error: Callable[[str], None]) -> Job:
    """Export the session file, or only the `shown` rows (see shown_rows), on a worker."""
    def work(report, _deliver) -> int:
        # the writer's flush, on this thread, not the GUI's; an export must not be short
        if before is not None and before() is False:
            raise StoreError("the newest entries could not be committed to the session file, "
                             "so the export would miss them")
        seqs = None if shown is None else shown[0][shown[1]].tolist()
        with SessionStore(source()) as store:
            n = export_jsonl(store, dest, seqs, progress=report)
        if seqs is not None and n < len(seqs):
            raise StoreError(f"only {n:,} of the {len(seqs):,} rows asked for are in the session "
                             f"file; {dest} holds those")
        return n
    return run_with_progress(parent, f"Exporting to {dest.name}…", work,
                             on_done=on_done, on_error=on_error)


def ask_export_path(parent: QWidget, suggestion: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Export as JSON Lines", suggestion, JSONL_FILTER)
    return Path(name) if name else None


class SessionViewer(QMainWindow):
    """An old session, read-only: the same log, filters, detail and statistics; no connection,
    nothing can be sent."""

    loaded = Signal(int)          # rows loaded
    failed = Signal(str)

    def __init__(self, path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setObjectName("sessionViewer")
        self.setWindowTitle(f"{self.path.name} — read-only — socketio-inspector")
        self.setWindowIcon(app_icon())
        self.resize(1200, 780)
        self.fetcher = Fetcher(self.path)
        self.model = LogModel(self, fetch=self.fetcher)
        self.workspace = LogWorkspace(self.model, live=False)
        self.logView, self.detail, self.stats = self.workspace.logView, self.workspace.detail, self.workspace.stats
        self.logView.clearButton.setVisible(False)
        self.banner = QLabel(objectName="readOnlyBanner")
        palette.style(self.banner, lambda: f"background: {palette.BANNER_BACKGROUND.css()}; "
                                           f"color: {palette.BANNER_TEXT.css()}; padding: 4px 8px;")
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.banner.setWordWrap(True)      # a long path goes on a second line, not off the edge
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.banner)
        layout.addWidget(self.workspace, 1)
        self.setCentralWidget(central)
        self.messageLabel = QLabel(objectName="messageLabel")
        self.statusBar().addPermanentWidget(self.messageLabel)
        self.messages = MessageLine(self.messageLabel, self)      # news goes after a while
        self.workspace.message.connect(self.messages.show)
        menu = self.menuBar().addMenu("&File")
        self.exportAllAction = QAction("&Export session as JSON Lines…", self)
        self.exportAllAction.triggered.connect(lambda: self.export(filtered=False))
        self.exportFilteredAction = QAction("Export &shown rows as JSON Lines…", self)
        self.exportFilteredAction.triggered.connect(lambda: self.export(filtered=True))
        close = QAction("&Close", self, shortcut=QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        menu.addActions([self.exportAllAction, self.exportFilteredAction, close])
        self.rows_loaded = 0
        self.done_loading = False
        self._set_banner("opening…")
        self.job = run_with_progress(self, f"Opening {self.path.name}…",
                                     lambda report, deliver: load_session(report, deliver, self.path),
                                     on_piece=self.model.append_chunk, on_done=self._loaded,
                                     on_error=self._failed)

    def _set_banner(self, state: str) -> None:
        self.banner.setText(f"Read-only: {self.path}   ·   {state}   ·   nothing can be sent from here")

    def _loaded(self, loaded: Loaded) -> None:
        n = self.rows_loaded = loaded.rows
        # the last rows read may wait for the table's next publish (it shows rows at most so
        # often while they arrive): once the file is read, the table shows every row at once
        self.logView.filtered.publish()
        meta = loaded.meta
        # an imported file was made when it was imported: it says when its entries were recorded
        recorded = meta.get("recorded") or (None if "imported_from" in meta else meta.get("created"))
        when = ""
        if recorded:
            try:
                when = ", recorded " + time.strftime("%Y-%m-%d %H:%M", time.localtime(float(recorded)))
            except ValueError:
                pass
        if "imported_from" in meta:
            when += f", imported from {meta['imported_from']}"
        self._set_banner(f"{plural(n, 'entry')}{when}")
        self.workspace.timeline.add(loaded.lifecycle)
        self.stats.refresh_soon(then=lambda _stats: self._ready(n))

    def _ready(self, n: int) -> None:
        free_memory.give_back()          # what reading the file made and dropped
        self.done_loading = True
        self.loaded.emit(n)

    def _failed(self, message: str) -> None:
        self.done_loading = True
        self._set_banner(f"could not be opened: {message}")
        self.failed.emit(message)

    def export(self, filtered: bool, dest: Path | None = None) -> Job | None:
        dest = dest or ask_export_path(self, str(self.path.with_suffix(".jsonl")))
        if dest is None:
            return None
        shown = shown_rows(self.model, self.logView) if filtered else None
        return export_session(self, lambda: self.path, dest, shown, None,
                              lambda n: self.messages.show(f"Exported {plural(n, 'entry')} to {dest}"),
                              lambda m: QMessageBox.warning(self, "Export failed", m))

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.job.done:
            self.job.cancel()
            self.job.wait(5)
        self.fetcher.close()
        super().closeEvent(event)


def import_path_for(directory: Path, src: Path) -> Path:
    """imported-<name>-<when it was recorded>.sqlite (the time of the import when the file
    says none): the Open dialog lists sessions by when they happened."""
    recorded = first_time(src)
    stamp = time.strftime('%Y-%m-%d_%H-%M-%S', time.localtime(recorded))     # None: now
    return free_name(directory, f"imported-{src.stem}-{stamp}")


def start_import(parent: QWidget, src: Path, directory: Path,
                 on_done: Callable[[Path], None], on_error: Callable[[str], None]) -> Job:
    directory.mkdir(parents=True, exist_ok=True)
    dest = import_path_for(directory, src)

    def work(report, _deliver) -> Path:
        n = import_jsonl(src, dest, progress=report)
        if not n and not dest.exists():
            raise StoreError("the import was cancelled")
        return dest
    return run_with_progress(parent, f"Importing {src.name}…", work, on_done=on_done, on_error=on_error)


def choose_new_default_path(settings: S.Settings) -> Path:
    return default_session_path(sessions_dir(settings))
