"""The log as a table model: one row per LogEntry, held compactly (log.table).

Rows arrive in batches (one beginInsertRows per batch, as Wireshark's packet
list does); the text of a cell is made only when a view asks for it, from
numpy columns and the row's argument text cut to a few hundred characters, so
a million rows fit in a few hundred megabytes.  The whole entry (its full
arguments) is rebuilt, or fetched from the session file, when it is asked for.
An outgoing emit that asked for an ack shows the answer's round trip (or
`late` / `timeout`) in its own row, next to it.
"""
from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from inspector.log.table import Chunk, LogColumns, chunk_from_entries
from inspector.log.entry import DIRECTIONS, IN, KINDS, OUT, LogEntry
from inspector.wire.packets import summary

COLUMNS = ("#", "Time", "Dir", "Namespace", "Event", "Arguments", "Size", "Ack", "Flags")
(COL_SEQ, COL_TIME, COL_DIR, COL_NS, COL_EVENT, COL_ARGS, COL_SIZE, COL_ACK, COL_FLAGS) = range(9)

EntryRole = Qt.ItemDataRole.UserRole + 1
_R = Qt.ItemDataRole
ROLES = frozenset({_R.DisplayRole, _R.ForegroundRole, _R.BackgroundRole, _R.FontRole,
                   _R.TextAlignmentRole, _R.ToolTipRole, EntryRole})    # what cell() answers

_DIR_TEXT = {IN: "↓ in", OUT: "↑ out", "sys": "● sys"}
_DIR_TEXTS = [_DIR_TEXT[d] for d in DIRECTIONS]
_DIR_COLOR = {IN: QColor("#1f6feb"), OUT: QColor("#1a7f37"), "sys": QColor("#6e7781")}
_KIND_COLOR = {
    "connect_error": QColor("#cf222e"), "error": QColor("#cf222e"), "dropped": QColor("#cf222e"),
    "disconnect": QColor("#bc4c00"), "gap": QColor("#9a6700"), "reconnect_attempt": QColor("#9a6700"),
    "reconnect": QColor("#1a7f37"), "connect": QColor("#1a7f37"),
}
_GAP_BACKGROUND = QColor(255, 243, 205)
_DIR_BRUSHES = [QBrush(_DIR_COLOR[d]) for d in DIRECTIONS]
_KIND_BRUSHES = [QBrush(_KIND_COLOR[k]) if k in _KIND_COLOR else None for k in KINDS]
_RED = QBrush(QColor("#cf222e"))
_GAP_BRUSH = QBrush(_GAP_BACKGROUND)
_EVENT, _ACK, _GAP = KINDS.index("event"), KINDS.index("ack"), KINDS.index("gap")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGNS = tuple(_RIGHT if c in (COL_SEQ, COL_SIZE) else None for c in range(len(COLUMNS)))
_DISPLAY, _FOREGROUND, _BACKGROUND = (int(_R.DisplayRole), int(_R.ForegroundRole),
                                      int(_R.BackgroundRole))
_FONT, _ALIGN, _TOOLTIP = int(_R.FontRole), int(_R.TextAlignmentRole), int(_R.ToolTipRole)
ROW_CACHE = 4000
ROLE_DISPLAY, ROLE_FOREGROUND, ROLE_BACKGROUND, ROLE_FONT, ROLE_ALIGN = (
    _DISPLAY, _FOREGROUND, _BACKGROUND, _FONT, _ALIGN)


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
    """All the rows of a session's log (the table shows them through FilteredLogModel)."""

    namesChanged = Signal()      # a namespace or an event name was seen for the first time

    def __init__(self, parent=None, fetch=None):
        super().__init__(parent)
        self.cols = LogColumns(fetch)
        self._ack_rows: dict[tuple[str | None, int], int] = {}   # emit's (ns, ack_id) -> row
        self._asked_rows: dict[tuple[str | None, int], int] = {}  # server's ack requests -> row
        self._packet_owner: dict[int, int] = {}    # raw packet seq -> the decoded entry's seq
        self._ack_text: dict[int, str] = {}
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)
        self._fonts = tuple(self._mono if c == COL_ARGS else None for c in range(len(COLUMNS)))
        self._row_cache: dict[int, dict[int, tuple]] = {}

    # -- feeding -------------------------------------------------------------
    def append(self, entries: list[LogEntry]) -> None:
        if entries:
            self.append_chunk(chunk_from_entries(entries))

    def append_chunk(self, chunk: Chunk) -> None:
        """One beginInsertRows for the whole chunk."""
        n = len(chunk)
        if not n:
            return
        cols = self.cols
        first = len(cols)
        names = len(cols.ns_names.values), len(cols.event_names.values)
        self.beginInsertRows(QModelIndex(), first, first + n - 1)
        cols.append(chunk)
        self.endInsertRows()
        for i, d in chunk.detail.items():
            if '"packet_seqs"' in d:      # raw capture on: remember which entry each packet became
                for p in json.loads(d).get("packet_seqs", ()):
                    self._packet_owner[p] = chunk.seq[i]
        acked = np.flatnonzero(np.asarray(chunk.ack_id) >= 0)
        for i in acked.tolist():
            self._track_ack(first + i, chunk, i)
        if names != (len(cols.ns_names.values), len(cols.event_names.values)):
            self.namesChanged.emit()

    def _track_ack(self, row: int, c: Chunk, i: int) -> None:
        kind = KINDS[c.kind[i]]
        if kind not in ("event", "ack"):
            return
        direction = DIRECTIONS[c.dir[i]]
        key = (c.ns[i], c.ack_id[i])
        if kind == "event" and direction == OUT:
            self._ack_rows[key] = row
            self._ack_text[row] = "waiting…"
            self._forget_rows(row)
            return
        if kind == "event" and direction == IN:
            # the server asks us for an ack: its row says whether we answered
            self._asked_rows[key] = row
            self._ack_text[row] = "asked"
            self._forget_rows(row)
            return
        if direction == OUT:
            asked_row = self._asked_rows.pop(key, None)
            if asked_row is not None:
                self._ack_text[asked_row] = self._ack_text[row] = "answered"
                self._forget_rows(asked_row, row)
                idx = self.index(asked_row, COL_ACK)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
            return
        emit_row = self._ack_rows.get(key)
        if emit_row is None:
            return
        flags = self.cols.flag_names(row)
        rtt = c.rtt[i]
        if "timeout" in flags:
            text = "timeout"
        elif "late" in flags:
            text = f"late, {rtt:.1f} ms"
        else:
            text = f"✓ {rtt:.1f} ms" if rtt == rtt else "✓"
        self._ack_text[emit_row] = text
        self._ack_text[row] = text
        self._forget_rows(emit_row, row)
        idx = self.index(emit_row, COL_ACK)
        self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def clear(self) -> None:
        self.beginResetModel()
        self.cols.clear()
        self._row_cache.clear()
        self._ack_rows.clear()
        self._asked_rows.clear()
        self._packet_owner.clear()
        self._ack_text.clear()
        self.endResetModel()
        self.namesChanged.emit()

    def related(self, e: LogEntry) -> dict[str, list[int]]:
        """Links an entry does not carry itself: the entry a raw packet was decoded into."""
        owner = self._packet_owner.get(e.seq) if e.kind == "packet" else None
        return {"decoded_as_seq": [owner]} if owner is not None else {}

    def entry(self, row: int) -> LogEntry:
        return self.cols.entry(row)

    def entries(self) -> list[LogEntry]:
        """Every entry, whole (slow on a huge log: meant for tests and small logs)."""
        return [self.cols.entry(r) for r in range(len(self.cols))]

    def seq(self, row: int) -> int:
        return int(self.cols.seq.a[row])

    def row_of_seq(self, seq: int) -> int | None:
        return self.cols.row_of_seq(seq)

    def namespaces(self) -> list[str]:
        return sorted(n for n in self.cols.ns_names.values if n is not None)

    def event_names(self) -> list[str]:
        return sorted(n for n in self.cols.event_names.values if n is not None)

    def incoming_event_names(self, first: int = 0) -> set[str]:
        """The names of the events the server sent (in the rows from `first` on)."""
        cols = self.cols
        mask = (cols.dir.view()[first:] == DIRECTIONS.index(IN)) & (cols.kind.view()[first:] == _EVENT)
        names = cols.event_names.values
        return {names[i] for i in np.unique(cols.event.view()[first:][mask]).tolist() if names[i]}

    def ack_text(self, row: int) -> str:
        return self._ack_text.get(row, "")

    def preview_text(self, row: int) -> str:
        """At most TEXT_CAP characters, the last one an ellipsis when the text goes on."""
        text = self.cols.text(row)
        return text[:-1] + "…" if self.cols.is_cut(row) else text

    # -- Qt model interface ----------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cols)

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
        return self.cell(index.row(), index.column(), role)

    def cell(self, row: int, col: int, role: int) -> Any:
        """data() by row and column (the filtered model calls it without making indexes).

        A repaint asks for five roles of nine cells of every visible row, each a call
        into Python; the answers of a row are made together and kept (a few thousand
        rows at most), so most calls are two dictionary lookups."""
        if role == EntryRole:
            return self.cols.entry(row) if row < len(self.cols) else None
        cached = self._row_cache.get(row) or self.row_roles(row)
        if cached is None:
            return None
        values = cached.get(role)
        return None if values is None else values[col]

    def row_roles(self, row: int) -> dict[int, tuple] | None:
        """The cell values of a row by role (each a tuple by column), made once and cached."""
        cached = self._row_cache.get(row)
        if cached is None:
            if row >= len(self.cols):
                return None
            if len(self._row_cache) > ROW_CACHE:
                self._row_cache.clear()
            cached = self._row_cache[row] = self._make_row(row)
        return cached

    def _make_row(self, row: int) -> dict[int, tuple]:
        cols = self.cols
        kind = int(cols.kind.a[row])
        ack_brush = _KIND_BRUSHES[kind]
        if kind in (_EVENT, _ACK) and self._ack_text.get(row, "").startswith(("timeout", "late")):
            ack_brush = _RED
        fg = [None] * len(COLUMNS)
        fg[COL_DIR], fg[COL_EVENT], fg[COL_ACK] = _DIR_BRUSHES[cols.dir.a[row]], _KIND_BRUSHES[kind], ack_brush
        label = self._event_label(row)
        tips = [None] * len(COLUMNS)
        tips[COL_EVENT] = label
        roles = {
            _DISPLAY: tuple(label if c == COL_EVENT else self._display(row, c) for c in range(len(COLUMNS))),
            _FOREGROUND: tuple(fg),
            _FONT: self._fonts,
            _ALIGN: _ALIGNS,
            _TOOLTIP: tuple(tips),
        }
        if kind == _GAP:
            roles[_BACKGROUND] = (_GAP_BRUSH,) * len(COLUMNS)
        return roles

    def _forget_rows(self, *rows: int) -> None:
        for r in rows:
            self._row_cache.pop(r, None)

    def _event_label(self, row: int) -> str:
        cols = self.cols
        kind = cols.kind.a[row]
        if kind == _EVENT:
            return cols.event_names.values[cols.event.a[row]] or ""
        return event_label(cols.entry(row))

    def _display(self, row: int, col: int) -> str:
        cols = self.cols
        if col == COL_SEQ:
            return str(cols.seq.a[row])
        if col == COL_TIME:
            return format_time(float(cols.t.a[row]))
        if col == COL_DIR:
            return _DIR_TEXTS[cols.dir.a[row]]
        if col == COL_NS:
            return cols.ns_names.values[cols.ns.a[row]] or ""
        if col == COL_EVENT:
            return self._event_label(row)
        if col == COL_ARGS:
            return self.preview_text(row)
        if col == COL_SIZE:
            size = int(cols.size.a[row])
            return format_size(None if size < 0 else size)
        if col == COL_ACK:
            return self._ack_text.get(row, "")
        if col == COL_FLAGS:
            return " ".join(cols.flag_names(row))
        return ""
