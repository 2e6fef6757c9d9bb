"""The log table's columns, declared once.

Each column says what its header reads, how wide it starts, how its cell text is made
from a row of the log, and what it answers for each of the model's other roles (the
brush its text is drawn with, its font, its alignment, its tooltip).  The model, the
delegate, the view and the tests take them from here, by key: no column number is
written anywhere else.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt

from inspector.log.entry import DIRECTIONS, FLAGS, IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.log.words import duration
from inspector.wire.packets import summary

if TYPE_CHECKING:
    from inspector.ui.log.model import LogModel


class ColumnKey(StrEnum):
    SEQ = "seq"
    TIME = "time"
    DIR = "dir"
    CLIENT = "client"
    NS = "ns"
    EVENT = "event"
    ARGS = "args"
    SIZE = "size"
    ACK = "ack"
    FLAGS = "flags"


class Tint(Enum):
    """Which of a row's brushes draws a column's text (ForegroundRole); the value is the
    brush's place in the (none, direction, kind, ack) tuple LogModel makes for a row."""
    NONE = 0          # the view's text colour
    DIRECTION = 1     # in / out / sys
    KIND = 2          # errors, disconnects, gaps, connects
    ACK = 3           # the kind's, or red when the ack came late or never


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class LogColumn:
    key: ColumnKey
    header: str
    tooltip: str                          # the header's
    width: int | None                     # pixels at start; None: it stretches to fill the table
    text: Callable[["LogModel", int], str]  # DisplayRole: the cell text of a (source) row
    tint: Tint = Tint.NONE                # ForegroundRole
    monospace: bool = False               # FontRole
    align: int | None = None              # TextAlignmentRole; None: left, centred vertically
    tooltip_is_text: bool = False         # ToolTipRole: the whole text (for a label the cell cuts)


# -- how the texts are made ---------------------------------------------------------------
DIR_TEXT = {IN: "↓ in", OUT: "↑ out", SYS: "● sys"}
_DIR_TEXTS = tuple(DIR_TEXT[d] for d in DIRECTIONS)       # by direction code


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
    if e.kind == Kind.EVENT:
        return e.event or ""
    if e.kind == Kind.ACK:
        if Flag.TIMEOUT in e.flags:
            return f"ack timeout ({e.event})"
        return f"ack ({e.event})" if e.event else "ack"
    d = e.detail or {}
    if e.kind == Kind.DISCONNECT:
        return f"disconnect: {d.get('reason', '')}"
    if e.kind == Kind.CONNECT_ERROR:
        return f"connect_error: {d.get('message', '')}"
    if e.kind == Kind.RECONNECT_ATTEMPT:
        return f"reconnect attempt {d.get('attempt', '')} failed: {d.get('error', '')}"
    if e.kind == Kind.RECONNECT:
        return f"reconnected (attempt {d.get('attempt', '?')})"
    if e.kind == Kind.GAP:
        dur = d.get("duration_s")
        text = f"gap: down {duration(dur)} ({d.get('reason', '')})" if dur is not None else "gap"
        if d.get("recovered") is True:
            text += ", recovered"
        elif d.get("recovered") is False:
            text += ", not recovered"
        return text
    if e.kind == Kind.DROPPED:
        return f"dropped {e.event}: {d.get('reason', '')}"
    if e.kind == Kind.ERROR:
        return f"error: {d.get('message', '')}"
    if e.kind == Kind.PACKET:
        return "packet: " + summary(d)
    if e.kind == Kind.CONNECT:
        return "connect" + (" (recovered)" if d.get("recovered") else "")
    return e.kind


def _size_text(model: LogModel, row: int) -> str:
    size = int(model.cols.size.a[row])
    return format_size(None if size < 0 else size)


# -- the columns, in the order the table shows them -------------------------------------------
COLUMNS: tuple[LogColumn, ...] = (
    LogColumn(ColumnKey.SEQ, "#", "The entry's number in the session (never reused)", 48,
              lambda m, row: str(m.cols.seq.a[row]), align=_RIGHT),
    LogColumn(ColumnKey.TIME, "Time", "When it happened (local time)", 92,
              lambda m, row: format_time(float(m.cols.t.a[row]))),
    LogColumn(ColumnKey.DIR, "Dir", "↓ from the server, ↑ sent by you, ● the connection itself", 46,
              lambda m, row: _DIR_TEXTS[m.cols.dir.a[row]], tint=Tint.DIRECTION),
    # shown once the workspace has several clients (ui/workspace_window.py)
    LogColumn(ColumnKey.CLIENT, "Client", "Which client of the workspace logged it", 64,
              lambda m, row: m.cols.client_names.values[m.cols.client.a[row]]
              or getattr(m, "first_client_name", "")),
    LogColumn(ColumnKey.NS, "Namespace", "The Socket.IO namespace", 80,
              lambda m, row: m.cols.ns_names.values[m.cols.ns.a[row]] or ""),
    # 116: "ack (message)" whole, and at 1024x700 the arguments keep 120 px (they had 90)
    LogColumn(ColumnKey.EVENT, "Event", "The event name, or what happened to the connection", 116,
              lambda m, row: m.row_label(row), tint=Tint.KIND, tooltip_is_text=True),
    LogColumn(ColumnKey.ARGS, "Arguments", "The arguments as JSON (long ones cut: the detail pane has all)",
              None, lambda m, row: m.preview_text(row), monospace=True),
    LogColumn(ColumnKey.SIZE, "Size", "Size on the wire", 58, _size_text, align=_RIGHT),
    LogColumn(ColumnKey.ACK, "Ack", "An emit's ack: waiting, its round trip, late or timeout; "
              "a server's ack request: asked or answered", 76,
              lambda m, row: m.ack_text(row), tint=Tint.ACK),
    LogColumn(ColumnKey.FLAGS, "Flags", ", ".join(FLAGS), 96,     # "compressed" whole: most emits are
              lambda m, row: " ".join(m.cols.flag_names(row))),
)

_POSITION = {c.key: i for i, c in enumerate(COLUMNS)}


def position(key: ColumnKey) -> int:
    """The column's number in the table (what QModelIndex.column() says)."""
    return _POSITION[key]


def column(key: ColumnKey) -> LogColumn:
    return COLUMNS[_POSITION[key]]
