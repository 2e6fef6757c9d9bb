"""The detail pane: the selected entry, whole."""
from __future__ import annotations

import json

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget

from ..core.entries import LogEntry
from ..core.payload import pretty
from .json_field import monospace_font
from .log_model import event_label, format_size, format_time


def describe(e: LogEntry) -> str:
    """The one-line header above the arguments."""
    parts = [f"#{e.seq}", format_time(e.t), e.dir, e.kind]
    if e.ns:
        parts.append(e.ns)
    label = event_label(e)
    if label:
        parts.append(label)
    if e.ack_id is not None:
        parts.append(f"ack id {e.ack_id}")
    if e.rtt_ms is not None:
        parts.append(f"round trip {e.rtt_ms:.1f} ms")
    if e.bytes is not None:
        parts.append(format_size(e.bytes))
    if e.flags:
        parts.append("[" + ", ".join(e.flags) + "]")
    return "   ".join(parts)


class DetailView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = QLabel("Select an entry to see it whole", objectName="detailHeader")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: 600; padding: 2px;")
        self.tabs = QTabWidget(objectName="detailTabs")
        self.argsText = QPlainTextEdit(objectName="detailArgs")
        self.entryText = QPlainTextEdit(objectName="detailEntry")
        for w in (self.argsText, self.entryText):
            w.setReadOnly(True)
            w.setFont(monospace_font())
            w.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs.addTab(self.argsText, "Arguments")
        self.tabs.addTab(self.entryText, "Entry (JSON)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

    def show_entry(self, e: LogEntry | None) -> None:
        if e is None:
            self.header.setText("Select an entry to see it whole")
            self.argsText.setPlainText("")
            self.entryText.setPlainText("")
            return
        self.header.setText(describe(e))
        if e.args is None:
            text = "(no arguments)" if e.kind in ("event", "ack") else ""
        elif not e.args:
            text = "(no arguments)"
        else:
            text = "\n".join(f"// argument {i + 1} of {len(e.args)}\n{pretty(a)}"
                             for i, a in enumerate(e.args))
        if e.detail:
            text += ("\n\n" if text else "") + "// detail\n" + pretty(e.detail)
        self.argsText.setPlainText(text)
        self.entryText.setPlainText(json.dumps(e.to_json(), ensure_ascii=False, indent=2))
