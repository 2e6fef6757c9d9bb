"""The log as a table model: one row per LogEntry, display strings built lazily.

Rows arrive in batches (one beginInsertRows per batch, as Wireshark's packet
list does); the text of a cell is made only when a view asks for it, and the
argument preview is cached.  An outgoing emit that asked for an ack shows the
answer's round trip (or `late` / `timeout`) in its own row, next to it.
"""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..core.entries import IN, OUT, LogEntry
from ..core.packets import summary
from ..core.payload import preview

COLUMNS = ("#", "Time", "Dir", "Namespace", "Event", "Arguments", "Size", "Ack", "Flags")
(COL_SEQ, COL_TIME, COL_DIR, COL_NS, COL_EVENT, COL_ARGS, COL_SIZE, COL_ACK, COL_FLAGS) = range(9)
PREVIEW_CHARS = 200

EntryRole = Qt.ItemDataRole.UserRole + 1

_DIR_TEXT = {IN: "↓ in", OUT: "↑ out", "sys": "● sys"}
_DIR_COLOR = {IN: QColor("#1f6feb"), OUT: QColor("#1a7f37"), "sys": QColor("#6e7781")}
_KIND_COLOR = {
    "connect_error": QColor("#cf222e"), "error": QColor("#cf222e"), "dropped": QColor("#cf222e"),
    "disconnect": QColor("#bc4c00"), "gap": QColor("#9a6700"), "reconnect_attempt": QColor("#9a6700"),
    "reconnect": QColor("#1a7f37"), "connect": QColor("#1a7f37"),
}
_GAP_BACKGROUND = QColor(255, 243, 205)


def format_time(t: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(t)) + f".{int((t % 1) * 1000):03d}"


def format_size(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def event_label(e: LogEntry) -> str:
    """What the Event column says: the event name, or what a lifecycle entry is."""
    if e.kind == "event":
        return e.event or ""
    if e.kind == "ack":
        if "timeout" in e.flags:
            return f"ack timeout ({e.event})"
        return f"ack ({e.event})" if e.event else "ack"
    d = e.detail or {}
    if e.kind == "disconnect":
        return f"disconnect: {d.get('reason', '')}"
    if e.kind == "connect_error":
        return f"connect_error: {d.get('message', '')}"
    if e.kind == "reconnect_attempt":
        return f"reconnect attempt {d.get('attempt', '')} failed: {d.get('error', '')}"
    if e.kind == "reconnect":
        return f"reconnected (attempt {d.get('attempt', '?')})"
    if e.kind == "gap":
        dur = d.get("duration_s")
        text = f"gap: down {dur:.2f} s ({d.get('reason', '')})" if dur is not None else "gap"
        if d.get("recovered") is True:
            text += ", recovered"
        elif d.get("recovered") is False:
            text += ", not recovered"
        return text
    if e.kind == "dropped":
        return f"dropped {e.event}: {d.get('reason', '')}"
    if e.kind == "error":
        return f"error: {d.get('message', '')}"
    if e.kind == "packet":
        return "packet: " + summary(d)
    if e.kind == "connect":
        return "connect" + (" (recovered)" if d.get("recovered") else "")
    return e.kind


class LogModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[LogEntry] = []
        self._previews: dict[int, str] = {}
        self._ack_rows: dict[tuple[str | None, int], int] = {}   # emit's (ns, ack_id) -> row
        self._asked_rows: dict[tuple[str | None, int], int] = {}  # server's ack requests -> row
        self._ack_text: dict[int, str] = {}
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)

    # -- feeding -------------------------------------------------------------
    def append(self, entries: list[LogEntry]) -> None:
        if not entries:
            return
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self._entries.extend(entries)
        self.endInsertRows()
        for row in range(first, first + len(entries)):
            self._track_ack(row, self._entries[row])

    def _track_ack(self, row: int, e: LogEntry) -> None:
        if e.ack_id is None or e.kind not in ("event", "ack"):
            return
        key = (e.ns, e.ack_id)
        if e.kind == "event" and e.dir == OUT:
            self._ack_rows[key] = row
            self._ack_text[row] = "waiting…"
            return
        if e.kind == "event" and e.dir == IN:
            # the server asks us for an ack: its row says whether we answered
            self._asked_rows[key] = row
            self._ack_text[row] = "asked"
            return
        if e.dir == OUT:
            asked_row = self._asked_rows.pop(key, None)
            if asked_row is not None:
                self._ack_text[asked_row] = self._ack_text[row] = "answered"
                idx = self.index(asked_row, COL_ACK)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
            return
        emit_row = self._ack_rows.get(key)
        if emit_row is None:
            return
        if "timeout" in e.flags:
            text = "timeout"
        elif "late" in e.flags:
            text = f"late, {e.rtt_ms:.1f} ms"
        else:
            text = f"✓ {e.rtt_ms:.1f} ms" if e.rtt_ms is not None else "✓"
        self._ack_text[emit_row] = text
        self._ack_text[row] = text
        idx = self.index(emit_row, COL_ACK)
        self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self._previews.clear()
        self._ack_rows.clear()
        self._asked_rows.clear()
        self._ack_text.clear()
        self.endResetModel()

    def entry(self, row: int) -> LogEntry:
        return self._entries[row]

    def entries(self) -> list[LogEntry]:
        return self._entries

    def ack_text(self, row: int) -> str:
        return self._ack_text.get(row, "")

    def preview_text(self, row: int) -> str:
        text = self._previews.get(row)
        if text is None:
            e = self._entries[row]
            if e.kind == "packet" and e.args and isinstance(e.args[0], str):
                text = e.args[0][:PREVIEW_CHARS]      # the packet as it was encoded
            else:
                text = preview(e.args, PREVIEW_CHARS)
            self._previews[row] = text
        return text

    # -- Qt model interface ----------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if row >= len(self._entries):
            return None
        e = self._entries[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col, e)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_DIR:
                return QBrush(_DIR_COLOR.get(e.dir, QColor("black")))
            color = _KIND_COLOR.get(e.kind)
            if col == COL_ACK and e.kind in ("event", "ack"):
                text = self._ack_text.get(row, "")
                if text.startswith(("timeout", "late")):
                    color = QColor("#cf222e")
            return QBrush(color) if color is not None and col in (COL_EVENT, COL_ACK) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_GAP_BACKGROUND) if e.kind == "gap" else None
        if role == Qt.ItemDataRole.FontRole and col == COL_ARGS:
            return self._mono
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_SEQ, COL_SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_EVENT:
            return event_label(e)
        if role == EntryRole:
            return e
        return None

    def _display(self, row: int, col: int, e: LogEntry) -> str:
        if col == COL_SEQ:
            return str(e.seq)
        if col == COL_TIME:
            return format_time(e.t)
        if col == COL_DIR:
            return _DIR_TEXT.get(e.dir, e.dir)
        if col == COL_NS:
            return e.ns or ""
        if col == COL_EVENT:
            return event_label(e)
        if col == COL_ARGS:
            return self.preview_text(row)
        if col == COL_SIZE:
            return format_size(e.bytes)
        if col == COL_ACK:
            return self._ack_text.get(row, "")
        if col == COL_FLAGS:
            return " ".join(e.flags)
        return ""
