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
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from inspector.log.chunk import Chunk, chunk_from_entries
from inspector.log.entry import DIRECTIONS, IN, KINDS, OUT, SYS, Flag, Kind, LogEntry
from inspector.log.table import LogTable
from inspector.log.words import duration_ms
from inspector.ui import palette
from inspector.ui.log.columns import COLUMNS, ColumnKey, event_label, position

EntryRole = Qt.ItemDataRole.UserRole + 1
_R = Qt.ItemDataRole
ROLES = frozenset({_R.DisplayRole, _R.ForegroundRole, _R.BackgroundRole, _R.FontRole,
                   _R.TextAlignmentRole, _R.ToolTipRole, EntryRole})    # what cell() answers

_DIR_COLOR = {IN: palette.DIR_IN, OUT: palette.DIR_OUT, SYS: palette.DIR_SYS}
_KIND_COLOR = {
    Kind.CONNECT_ERROR: palette.KIND_ERROR, Kind.ERROR: palette.KIND_ERROR, Kind.DROPPED: palette.KIND_ERROR,
    Kind.DISCONNECT: palette.KIND_DISCONNECT, Kind.GAP: palette.KIND_GAP, Kind.RECONNECT_ATTEMPT: palette.KIND_GAP,
    Kind.RECONNECT: palette.KIND_CONNECT, Kind.CONNECT: palette.KIND_CONNECT,
    Kind.SERVER: palette.KIND_SERVER,          # a command through the server's admin namespace
}


class _Brushes:
    """The model's brushes in the palette's current scheme (made again when it changes)."""

    def __init__(self):
        self.dirs = tuple(_DIR_COLOR[d].brush() for d in DIRECTIONS)        # by direction code
        self.kinds = tuple(_KIND_COLOR[k].brush() if k in _KIND_COLOR else None for k in KINDS)
        self.ack_late = palette.ACK_LATE.brush()
        self.gap_row = palette.GAP_ROW.brush()


_EVENT, _ACK, _GAP = KINDS.index(Kind.EVENT), KINDS.index(Kind.ACK), KINDS.index(Kind.GAP)
_N = len(COLUMNS)
_ACK_COLUMN = position(ColumnKey.ACK)
_TEXTS = tuple(c.text for c in COLUMNS)
_TINTS = tuple(c.tint.value for c in COLUMNS)            # index into a row's (None, dir, kind, ack) brushes
_ALIGNS = tuple(c.align for c in COLUMNS)
_TIPS = tuple(i for i, c in enumerate(COLUMNS) if c.tooltip_is_text)
_DISPLAY, _FOREGROUND, _BACKGROUND = (int(_R.DisplayRole), int(_R.ForegroundRole),
                                      int(_R.BackgroundRole))
_FONT, _ALIGN, _TOOLTIP = int(_R.FontRole), int(_R.TextAlignmentRole), int(_R.ToolTipRole)
ROW_CACHE = 4000
ROLE_DISPLAY, ROLE_FOREGROUND, ROLE_BACKGROUND, ROLE_FONT = _DISPLAY, _FOREGROUND, _BACKGROUND, _FONT


class LogModel(QAbstractTableModel):
    """All the rows of a session's log (the table shows them through FilteredLogModel)."""

    namesChanged = Signal()      # a namespace or an event name was seen for the first time

    def __init__(self, parent=None, fetch=None):
        super().__init__(parent)
        self.cols = LogTable(fetch)
        self._ack_rows: dict[tuple[str | None, int], int] = {}   # emit's (ns, ack_id) -> row
        self._asked_rows: dict[tuple[str | None, int], int] = {}  # server's ack requests -> row
        self._packet_owner: dict[int, int] = {}    # raw packet seq -> the decoded entry's seq
        self._ack_text: dict[int, str] = {}
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)
        self._fonts = tuple(self._mono if c.monospace else None for c in COLUMNS)
        self._row_cache: dict[int, dict[int, tuple]] = {}
        self._brushes = _Brushes()
        palette.on_scheme_changed(self._scheme_changed)

    first_client_name = ""      # the Client column's word for entries that name no client

    def name_first_client(self, name: str) -> None:
        """A workspace's first client has a name once there are several: its rows from
        before, which name no client, show it in the Client column (shown already, too)."""
        if name == self.first_client_name:
            return
        self.first_client_name = name
        self._row_cache.clear()
        if self.rowCount():
            col = position(ColumnKey.CLIENT)
            self.dataChanged.emit(self.index(0, col), self.index(self.rowCount() - 1, col),
                                  [Qt.ItemDataRole.DisplayRole])

    def _scheme_changed(self, _scheme) -> None:
        self._brushes = _Brushes()
        self._row_cache.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole])

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
        if kind not in (Kind.EVENT, Kind.ACK):
            return
        direction = DIRECTIONS[c.dir[i]]
        key = (c.ns[i], c.ack_id[i])
        if kind == Kind.EVENT and direction == OUT:
            self._ack_rows[key] = row
            self._ack_text[row] = "waiting…"
            self._forget_rows(row)
            return
        if kind == Kind.EVENT and direction == IN:
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
                idx = self.index(asked_row, _ACK_COLUMN)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])
            return
        emit_row = self._ack_rows.get(key)
        if emit_row is None:
            return
        flags = self.cols.flag_names(row)
        rtt = c.rtt[i]
        if Flag.TIMEOUT in flags:
            text = "timeout"
        elif Flag.LATE in flags:
            text = f"late, {duration_ms(rtt)}"
        else:
            text = f"✓ {duration_ms(rtt)}" if rtt == rtt else "✓"
        self._ack_text[emit_row] = text
        self._ack_text[row] = text
        self._forget_rows(emit_row, row)
        idx = self.index(emit_row, _ACK_COLUMN)
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
        owner = self._packet_owner.get(e.seq) if e.kind == Kind.PACKET else None
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

    def last_incoming(self, event: str) -> LogEntry | None:
        """The last `event` the server sent that is still in the log (None: none)."""
        cols = self.cols
        code = cols.event_names.id_of(event)
        if code is None:
            return None
        rows = np.flatnonzero((cols.event.view() == code) & (cols.dir.view() == DIRECTIONS.index(IN))
                              & (cols.kind.view() == _EVENT))
        return self.entry(int(rows[-1])) if len(rows) else None

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
        return 0 if parent.isValid() else _N

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _N:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tooltip
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
        brushes = self._brushes
        kind_brush = ack_brush = brushes.kinds[kind]
        if kind in (_EVENT, _ACK) and self._ack_text.get(row, "").startswith(("timeout", "late")):
            ack_brush = brushes.ack_late
        tints = (None, brushes.dirs[cols.dir.a[row]], kind_brush, ack_brush)     # by Tint value
        texts = tuple(text(self, row) for text in _TEXTS)
        tips = [None] * _N
        for i in _TIPS:
            tips[i] = texts[i]
        roles = {
            _DISPLAY: texts,
            _FOREGROUND: tuple(tints[t] for t in _TINTS),
            _FONT: self._fonts,
            _ALIGN: _ALIGNS,
            _TOOLTIP: tuple(tips),
        }
        if kind == _GAP:
            roles[_BACKGROUND] = (brushes.gap_row,) * _N
        return roles

    def _forget_rows(self, *rows: int) -> None:
        for r in rows:
            self._row_cache.pop(r, None)

    def row_label(self, row: int) -> str:
        """The Event column's text of a row: the event name, or what the entry is."""
        cols = self.cols
        if cols.kind.a[row] == _EVENT:
            return cols.event_names.values[cols.event.a[row]] or ""
        return event_label(cols.entry(row))
