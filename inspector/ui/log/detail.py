"""The detail pane: the selected entry, whole.

Tabs: a JSON tree of the arguments (expand/collapse, copy value, copy path
such as `$[0].data.items[2]`), the raw text, a hex dump of every bytes value
(nested ones included) and the entry's JSON Lines form.  The tab that fits is
chosen for each entry: Hex when it holds bytes, the tree for JSON, the raw
text otherwise.  Detail keys that name other entries (`for_seq`, `*_seq`,
`*_seqs`) are links that select those rows.
"""
from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.log import codegen
from inspector.log.entry import Kind, LogEntry
from inspector.log.words import duration_ms
from inspector.ui.log.columns import event_label, format_size, format_time
from inspector.ui.panels.json_field import monospace_font
from inspector.wire.payload import pretty, to_jsonable

PathStep = int | str
TREE_TAB, RAW_TAB, HEX_TAB, ENTRY_TAB = range(4)
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
NodeRole = Qt.ItemDataRole.UserRole + 1      # index into JsonTree._nodes
FILLED_ROLE = Qt.ItemDataRole.UserRole + 2


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
        parts.append(f"round trip {duration_ms(e.rtt_ms)}")
    if e.bytes is not None:
        parts.append(format_size(e.bytes))
    if e.flags:
        parts.append("[" + ", ".join(e.flags) + "]")
    return "   ".join(parts)


def json_path(steps: list[PathStep]) -> str:
    """$[0].data.items[2]; keys that are not identifiers as ["a key"]."""
    out = ["$"]
    for s in steps:
        if isinstance(s, int):
            out.append(f"[{s}]")
        elif _IDENT.match(s):
            out.append(f".{s}")
        else:
            out.append(f"[{json.dumps(s, ensure_ascii=False)}]")
    return "".join(out)


def find_bytes(value: Any, steps: list[PathStep] | None = None) -> list[tuple[list[PathStep], bytes]]:
    """Every bytes value in `value`, with its path."""
    steps = steps or []
    if isinstance(value, (bytes, bytearray)):
        return [(steps, bytes(value))]
    found = []
    if isinstance(value, list):
        for i, v in enumerate(value):
            found += find_bytes(v, steps + [i])
    elif isinstance(value, dict):
        for k, v in value.items():
            found += find_bytes(v, steps + [k])
    return found


def hexdump(data: bytes, width: int = 16) -> str:
    lines = []
    for off in range(0, len(data), width):
        chunk = data[off:off + width]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:08x}  {hexes:<{width * 3 - 1}}  |{text}|")
    return "\n".join(lines) if lines else "(empty)"


def seq_links(detail: dict | None) -> list[tuple[str, list[int]]]:
    """(key, seqs) for the detail keys that name other entries."""
    out = []
    for key, value in (detail or {}).items():
        if not (key == "for_seq" or key.endswith("_seq") or key.endswith("_seqs")):
            continue
        values = value if isinstance(value, list) else [value]
        seqs = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if seqs:
            out.append((key, seqs))
    return out


def _value_text(v: Any) -> str:
    if isinstance(v, (bytes, bytearray)):
        return f"<{len(v)} bytes>"
    if isinstance(v, dict):
        return f"{{{len(v)} keys}}"
    if isinstance(v, list):
        return f"[{len(v)} items]"
    return json.dumps(v, ensure_ascii=False)


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array",
            dict: "object", bytes: "bytes", bytearray: "bytes"}.get(type(v), type(v).__name__)


class JsonTree(QTreeWidget):
    """The arguments as a tree; children are made when their parent is first expanded,
    so a huge payload costs nothing until it is opened."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailTree")
        self.setColumnCount(3)
        self.setHeaderLabels(["Key", "Value", "Type"])
        self.setUniformRowHeights(True)
        self.setFont(monospace_font())
        self.setColumnWidth(0, 200)
        self.setColumnWidth(1, 360)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemExpanded.connect(self._fill)
        self.copyValueAction = QAction("Copy value", self, objectName="copyValueAction")
        self.copyValueAction.triggered.connect(self.copy_value)
        self.copyPathAction = QAction("Copy path", self, objectName="copyPathAction")
        self.copyPathAction.triggered.connect(self.copy_path)
        # values and paths stay Python objects here (a QVariant would turn bytes and
        # dicts into Qt types)
        self._nodes: list[tuple[Any, list[PathStep]]] = []

    def node(self, item: QTreeWidgetItem) -> tuple[Any, list[PathStep]]:
        return self._nodes[item.data(0, NodeRole)]

    def show_args(self, args: list | None) -> None:
        self.clear()
        self._nodes = []
        if not args:
            return
        for i, a in enumerate(args):
            self.addTopLevelItem(self._item(f"[{i}]", a, [i]))
        for i in range(self.topLevelItemCount()):
            self.topLevelItem(i).setExpanded(True)

    def _item(self, key: str, value: Any, steps: list[PathStep]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([key, _value_text(value), _type_name(value)])
        item.setData(0, NodeRole, len(self._nodes))
        self._nodes.append((value, steps))
        item.setToolTip(1, _value_text(value)[:2000])
        if isinstance(value, (list, dict)) and value:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        return item

    def _fill(self, item: QTreeWidgetItem) -> None:
        if item.data(0, FILLED_ROLE):
            return
        item.setData(0, FILLED_ROLE, True)
        value, steps = self.node(item)
        if isinstance(value, list):
            pairs = [(f"[{i}]", v, steps + [i]) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            pairs = [(str(k), v, steps + [k]) for k, v in value.items()]
        else:
            return
        item.addChildren([self._item(k, v, s) for k, v, s in pairs])

    def expand_everything(self, limit: int = 5000) -> None:
        """Expand all (up to `limit` items, so a huge payload does not freeze the pane)."""
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        n = 0
        while stack and n < limit:
            item = stack.pop()
            item.setExpanded(True)
            n += 1
            stack.extend(item.child(i) for i in range(item.childCount()))

    def item_at_path(self, steps: list[PathStep]) -> QTreeWidgetItem | None:
        if not steps or not isinstance(steps[0], int) or steps[0] >= self.topLevelItemCount():
            return None
        item = self.topLevelItem(steps[0])
        for depth in range(1, len(steps)):
            item.setExpanded(True)
            want = steps[:depth + 1]
            item = next((item.child(i) for i in range(item.childCount())
                         if self.node(item.child(i))[1] == want), None)
            if item is None:
                return None
        return item

    def _menu(self, pos) -> None:
        if self.itemAt(pos) is None:
            return
        menu = QMenu(self)
        menu.addActions([self.copyValueAction, self.copyPathAction])
        menu.exec(self.viewport().mapToGlobal(pos))

    def copy_value(self) -> str | None:
        """The current item's value as JSON (a string as its text) on the clipboard."""
        item = self.currentItem()
        if item is None:
            return None
        value = self.node(item)[0]
        text = value if isinstance(value, str) else json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
        QGuiApplication.clipboard().setText(text)
        self.copied.emit("Copied the value")
        return text

    def copy_path(self) -> str | None:
        item = self.currentItem()
        if item is None:
            return None
        text = json_path(self.node(item)[1])
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(f"Copied the path {text}")
        return text


class DetailView(QWidget):
    seqLinkActivated = Signal(int)
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry: LogEntry | None = None
        self.header = QLabel("Select an entry to see it whole", objectName="detailHeader")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: 600; padding: 2px;")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.links = QLabel(objectName="detailLinks")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.linkActivated.connect(self._link)
        self.links.setVisible(False)
        self.copyCodeButton = QToolButton(objectName="copyCodeButton", text="Copy as code")
        self.copyCodeButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # the style's menu arrow is drawn over the end of the text: the arrow is in the text
        self.copyCodeButton.setText("Copy as code ▾")
        self.copyCodeButton.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.copyCodeButton.setToolTip("The python-socketio or socket.io-client call that sends this emit again")
        code_menu = QMenu(self.copyCodeButton)
        code_menu.addAction("Python (python-socketio)", lambda: self.copy_code("python"))
        code_menu.addAction("JavaScript (socket.io-client)", lambda: self.copy_code("javascript"))
        self.copyCodeButton.setMenu(code_menu)
        self.copyCodeButton.setEnabled(False)
        self.expandButton = QToolButton(objectName="expandAllButton", text="Expand all")
        self.collapseButton = QToolButton(objectName="collapseAllButton", text="Collapse all")
        self.expandButton.setToolTip("Open every level of the arguments' tree")
        self.collapseButton.setToolTip("Close the tree to its first level")

        self.tabs = QTabWidget(objectName="detailTabs")
        self.tree = JsonTree()
        self.argsText = QPlainTextEdit(objectName="detailArgs")
        self.hexText = QPlainTextEdit(objectName="detailHex")
        self.entryText = QPlainTextEdit(objectName="detailEntry")
        for w in (self.argsText, self.hexText, self.entryText):
            w.setReadOnly(True)
            w.setFont(monospace_font())
            w.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs.addTab(self.tree, "Tree")
        self.tabs.addTab(self.argsText, "Raw")
        self.tabs.addTab(self.hexText, "Hex")
        self.tabs.addTab(self.entryText, "Entry (JSON)")
        corner = QWidget()
        cl = QHBoxLayout(corner)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        for b in (self.expandButton, self.collapseButton, self.copyCodeButton):
            b.setAutoRaise(True)
            cl.addWidget(b)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.expandButton.clicked.connect(lambda: self.tree.expand_everything())
        self.collapseButton.clicked.connect(self.tree.collapseAll)
        self.tree.copied.connect(self.copied)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.header, 1)
        top.addWidget(self.links)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def show_entry(self, e: LogEntry | None, related: dict[str, list[int]] | None = None) -> None:
        """Show an entry whole; `related` adds links the entry does not carry itself."""
        self.entry = e
        self.copyCodeButton.setEnabled(codegen.can_reproduce(e))
        if e is None:
            self.header.setText("Select an entry to see it whole")
            for w in (self.argsText, self.hexText, self.entryText):
                w.setPlainText("")
            self.tree.clear()
            self.links.setVisible(False)
            return
        self.header.setText(describe(e))
        if e.args is None:
            text = "(no arguments)" if e.kind in (Kind.EVENT, Kind.ACK) else ""
        elif not e.args:
            text = "(no arguments)"
        else:
            text = "\n".join(f"// argument {i + 1} of {len(e.args)}\n{pretty(a)}"
                             for i, a in enumerate(e.args))
        if e.detail:
            text += ("\n\n" if text else "") + "// detail\n" + pretty(e.detail)
        self.argsText.setPlainText(text)
        self.entryText.setPlainText(json.dumps(e.to_json(), ensure_ascii=False, indent=2))
        self.tree.show_args(e.args)
        found = find_bytes(e.args or [])
        self.hexText.setPlainText("\n\n".join(
            f"{json_path(steps)}: {len(data)} bytes\n{hexdump(data)}" for steps, data in found)
            if found else "(no bytes in the arguments)")
        self.tabs.setTabEnabled(HEX_TAB, bool(found))
        self.tabs.setTabEnabled(TREE_TAB, bool(e.args))
        if found:
            self.tabs.setCurrentIndex(HEX_TAB)
        elif e.args and any(isinstance(a, (dict, list)) for a in e.args):
            self.tabs.setCurrentIndex(TREE_TAB)
        else:
            self.tabs.setCurrentIndex(RAW_TAB)
        links = seq_links(e.detail) + seq_links(related)
        self.links.setText("   ".join(
            f"{key}: " + " ".join(f'<a href="seq:{s}">#{s}</a>' for s in seqs[:20])
            + (f" (+{len(seqs) - 20})" if len(seqs) > 20 else "") for key, seqs in links))
        self.links.setVisible(bool(links))

    def _link(self, href: str) -> None:
        if href.startswith("seq:"):
            self.seqLinkActivated.emit(int(href[4:]))

    def copy_code(self, language: str) -> str | None:
        if not codegen.can_reproduce(self.entry):
            return None
        text = codegen.snippet(self.entry, language)
        QGuiApplication.clipboard().setText(text)
        name = "python-socketio" if language == "python" else "socket.io-client"
        self.copied.emit(f"Copied #{self.entry.seq} as {name} code")
        return text
