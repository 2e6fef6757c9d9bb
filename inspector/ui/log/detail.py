"""The detail pane: the selected entry, whole.

Tabs: a JSON tree of the arguments (expand/collapse, copy value, copy path
such as `$[0].data.items[2]`), the raw text, a hex dump of every bytes value
(nested ones included) and the entry's JSON Lines form.  The tab that fits is
chosen for each entry: Hex when it holds bytes, the tree for JSON, the raw
text otherwise.  Detail keys that name other entries (`for_seq`, `*_seq`,
`*_seqs`) are links that select those rows.

Any size and any depth: the text tabs show a page (TEXT_PAGE characters, HEX_PAGE
bytes) and "Show more" adds the next, encoded only then; the tree makes children
when a node is first expanded, TREE_PAGE at a time, and "Expand all" stops at
EXPAND_DEPTH; a large entry says its size above the tabs, with "Save value…".
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
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
from inspector.log.entry import Flag, Kind, LogEntry
from inspector.log.json_form import dumps
from inspector.log.words import duration_ms, plural
from inspector.ui.log.columns import event_label, format_size, format_time
from inspector.ui.panels.json_field import monospace_font
from inspector.wire import deep_json
from inspector.wire.payload import to_jsonable

PathStep = int | str
TREE_TAB, RAW_TAB, HEX_TAB, ENTRY_TAB = range(4)
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
NodeRole = Qt.ItemDataRole.UserRole + 1      # index into JsonTree._nodes
FILLED_ROLE = Qt.ItemDataRole.UserRole + 2
TEXT_PAGE = 100_000        # characters of a text tab shown at a time
HEX_PAGE = 16 * 2048       # bytes of a hex dump shown at a time (2,048 lines)
TREE_PAGE = 1000           # children of a tree node made at a time
EXPAND_DEPTH = 32          # "Expand all" leaves deeper nodes collapsed
LARGE = 1 << 20            # an entry this big (on the wire, or its text) gets the note
VALUE_CHARS = 200          # characters of a value in the tree's Value column


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
    """Every bytes value in `value`, with its path, in document order (any depth)."""
    found = []
    stack = [(value, steps or [])]
    while stack:
        v, path = stack.pop()
        if isinstance(v, (bytes, bytearray)):
            found.append((path, v))
        elif isinstance(v, list):
            stack.extend((x, path + [i]) for i, x in reversed(list(enumerate(v))))
        elif isinstance(v, dict):
            stack.extend((x, path + [k]) for k, x in reversed(list(v.items())))
    return found


def hexdump(data: bytes, width: int = 16, start: int = 0, stop: int | None = None) -> str:
    """The hex dump of data[start:stop] (offsets as in the whole)."""
    lines = []
    stop = len(data) if stop is None else min(stop, len(data))
    for off in range(start, stop, width):
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
        return f"<{len(v)} bytes>"          # as the Arguments column and the filter read it
    if isinstance(v, dict):
        return f"{{{plural(len(v), 'key')}}}"
    if isinstance(v, list):
        return f"[{plural(len(v), 'item')}]"
    if isinstance(v, str) and len(v) > VALUE_CHARS:
        return json.dumps(v[:VALUE_CHARS], ensure_ascii=False)[:-1] + f"…\" ({len(v):,} characters)"
    return json.dumps(v, ensure_ascii=False)


class TextPager:
    """The text of a tab, a page at a time: its pieces come from a generator that encodes
    only what is asked for."""

    def __init__(self, pieces):
        self._pieces = iter(pieces)
        self._rest = ""
        self.done = False

    def next_page(self, size: int = TEXT_PAGE) -> str:
        out, n = [self._rest], len(self._rest)
        while n <= size and not self.done:
            piece = next(self._pieces, None)
            if piece is None:
                self.done = True
                break
            out.append(piece)
            n += len(piece)
        text = "".join(out)
        self._rest = text[size:]
        return text[:size]

    @property
    def more(self) -> bool:
        return bool(self._rest) or not self.done


def _args_pieces(e: LogEntry):
    """The Raw tab's text in pieces: each argument pretty-printed, then the detail (an error's
    detail first: it says what went wrong, its argument is the packet, maybe pages long)."""
    if e.kind == Kind.ERROR and e.detail:
        yield "// detail\n"
        yield from deep_json.iterencode(e.detail, indent=2, bytes_b64=True)
        yield "\n\n"
        e = dataclasses.replace(e, detail=None)
    if e.args is None:
        head = "(no arguments)" if e.kind in (Kind.EVENT, Kind.ACK) else ""
    elif not e.args:
        head = "(no arguments)"
    else:
        head = None
        for i, a in enumerate(e.args):
            yield ("\n" if i else "") + f"// argument {i + 1} of {len(e.args)}\n"
            yield from deep_json.iterencode(a, indent=2, bytes_b64=True)
    if head is not None:
        yield head
    if e.detail:
        yield ("\n\n" if head is None or head else "") + "// detail\n"
        yield from deep_json.iterencode(e.detail, indent=2, bytes_b64=True)


def _hex_pieces(found: list[tuple[list[PathStep], bytes]]):
    for n, (steps, data) in enumerate(found):
        yield ("\n\n" if n else "") + f"{json_path(steps)}: {len(data)} bytes\n"
        if not data:
            yield "(empty)"
        for off in range(0, len(data), HEX_PAGE):
            yield ("\n" if off else "") + hexdump(data, start=off, stop=off + HEX_PAGE)


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
        self.itemDoubleClicked.connect(self._double_clicked)
        self.copyValueAction = QAction("Copy value", self, objectName="copyValueAction")
        self.copyValueAction.triggered.connect(self.copy_value)
        self.copyPathAction = QAction("Copy path", self, objectName="copyPathAction")
        self.copyPathAction.triggered.connect(self.copy_path)
        # values and paths stay Python objects here (a QVariant would turn bytes and
        # dicts into Qt types)
        self._nodes: list[tuple[Any, list[PathStep]]] = []
        self._args: list = []

    def node(self, item: QTreeWidgetItem) -> tuple[Any, list[PathStep]]:
        index = item.data(0, NodeRole)
        return self._nodes[index] if index >= 0 else (None, [])

    def show_args(self, args: list | None) -> None:
        self.clear()
        self._nodes = []
        self._args = args or []
        if not args:
            return
        self._add_top(0)
        for i in range(min(self.topLevelItemCount(), 10)):
            self.topLevelItem(i).setExpanded(True)

    def _add_top(self, start: int) -> None:
        stop = start + TREE_PAGE
        self.addTopLevelItems([self._item(f"[{i}]", a, [i])
                               for i, a in enumerate(self._args[start:stop], start)])
        if len(self._args) > stop:
            self.addTopLevelItem(self._more_item(len(self._args) - stop))

    def _more_item(self, left: int) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"… {left:,} more", "double-click to show them", ""])
        item.setData(0, NodeRole, -1)
        return item

    def _item(self, key: str, value: Any, steps: list[PathStep]) -> QTreeWidgetItem:
        text = _value_text(value)
        item = QTreeWidgetItem([key, text, _type_name(value)])
        item.setData(0, NodeRole, len(self._nodes))
        self._nodes.append((value, steps))
        item.setToolTip(1, text[:2000])
        if isinstance(value, (list, dict)) and value:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        return item

    def _fill(self, item: QTreeWidgetItem) -> None:
        if item.data(0, FILLED_ROLE) or item.data(0, NodeRole) == -1:
            return
        item.setData(0, FILLED_ROLE, True)
        self._add_children(item, 0)

    def _add_children(self, item: QTreeWidgetItem, start: int) -> None:
        """The next TREE_PAGE children of `item`, from its `start`-th; a "more" item after."""
        value, steps = self.node(item)
        stop = start + TREE_PAGE
        if isinstance(value, list):
            pairs = [(f"[{i}]", v, steps + [i]) for i, v in enumerate(value[start:stop], start)]
        elif isinstance(value, dict):
            pairs = [(str(k), v, steps + [k]) for k, v in itertools.islice(value.items(), start, stop)]
        else:
            return
        item.addChildren([self._item(k, v, s) for k, v, s in pairs])
        if len(value) > stop:
            item.addChild(self._more_item(len(value) - stop))

    def show_more(self, more: QTreeWidgetItem) -> None:
        """A "… n more" item: replaced by the next page of its parent's children."""
        parent = more.parent()
        if parent is None:
            start = self.indexOfTopLevelItem(more)
            self.takeTopLevelItem(start)
            self._add_top(start)
        else:
            start = parent.indexOfChild(more)
            parent.removeChild(more)
            self._add_children(parent, start)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, NodeRole) == -1:
            self.show_more(item)

    def expand_everything(self, limit: int = 5000, depth: int = EXPAND_DEPTH) -> None:
        """Expand all (up to `limit` items and `depth` levels, so a huge or deep payload
        does not freeze the pane)."""
        stack = [(self.topLevelItem(i), 1) for i in range(self.topLevelItemCount())]
        n = 0
        while stack and n < limit:
            item, level = stack.pop()
            item.setExpanded(True)
            n += 1
            if level < depth:
                stack.extend((item.child(i), level + 1) for i in range(item.childCount()))

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
        text = value if isinstance(value, str) else deep_json.dumps(to_jsonable(value), indent=2)
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


def _entry_form(e: LogEntry) -> dict:
    """LogEntry.to_json's fields, bytes left as they are (the encoder's default turns those
    it reaches into {"_bytes": base64}: a page does not convert what it does not show)."""
    out: dict[str, Any] = {"seq": e.seq, "t": e.t, "dir": e.dir, "kind": e.kind}
    for name in ("ns", "event", "args", "ack_id", "rtt_ms", "bytes", "flags", "detail"):
        value = getattr(e, name)
        if value is None or (name == "flags" and not value):
            continue
        out[name] = list(value) if name == "flags" else value
    return out


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
        self.largeNote = QLabel(objectName="detailLargeNote")
        self.largeNote.setWordWrap(True)
        self.largeNote.setVisible(False)
        self.saveValueButton = QToolButton(objectName="saveValueButton", text="Save value…")
        self.saveValueButton.setToolTip("Write the arguments, whole, to a JSON file")
        self.saveValueButton.clicked.connect(self._save_value_as)
        self.saveValueButton.setVisible(False)
        self.moreButton = QToolButton(objectName="detailMoreButton", text="Show more")
        self.moreButton.setToolTip("Add the next page of this tab's text")
        self.moreButton.clicked.connect(self.show_more)
        self.moreButton.setEnabled(False)
        self.moreButton.setVisible(False)
        self._pagers: dict[int, TextPager] = {}
        self._texts: dict[int, QPlainTextEdit] = {}
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
        self._texts = {RAW_TAB: self.argsText, HEX_TAB: self.hexText, ENTRY_TAB: self.entryText}
        self.tabs.currentChanged.connect(self._tab_shown)
        corner = QWidget()
        cl = QHBoxLayout(corner)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        for b in (self.moreButton, self.expandButton, self.collapseButton, self.copyCodeButton):
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
        note = QHBoxLayout()
        note.setContentsMargins(0, 0, 0, 0)
        note.addWidget(self.largeNote, 1)
        note.addWidget(self.saveValueButton)
        layout.addLayout(note)
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
            self._pagers = {}
            self._more_shown(False)
            self.largeNote.setVisible(False)
            self.saveValueButton.setVisible(False)
            return
        self.header.setText(describe(e))
        # bytes come with the binary flag; a large entry without it is not walked for them
        found = find_bytes(e.args or []) if Flag.BINARY in e.flags or (e.bytes or 0) < LARGE else []
        # each text tab is made a page at a time
        self._pagers = {RAW_TAB: TextPager(_args_pieces(e)),
                        HEX_TAB: TextPager(_hex_pieces(found) if found else ["(no bytes in the arguments)"]),
                        ENTRY_TAB: TextPager(deep_json.iterencode(_entry_form(e), indent=2,
                                                                  bytes_b64=True))}
        for index, w in self._texts.items():        # the first page of each: cheap
            w.setPlainText(self._pagers[index].next_page())
        self.tree.show_args(e.args)
        self._show_large_note(e, found)
        self.tabs.setTabEnabled(HEX_TAB, bool(found))
        self.tabs.setTabEnabled(TREE_TAB, bool(e.args))
        if found:
            self.tabs.setCurrentIndex(HEX_TAB)
        elif e.args and any(isinstance(a, (dict, list)) for a in e.args):
            self.tabs.setCurrentIndex(TREE_TAB)
        else:
            self.tabs.setCurrentIndex(RAW_TAB)
        self._tab_shown(self.tabs.currentIndex())
        links = seq_links(e.detail) + seq_links(related)
        self.links.setText("   ".join(
            f"{key}: " + " ".join(f'<a href="seq:{s}">#{s}</a>' for s in seqs[:20])
            + (f" (+{len(seqs) - 20})" if len(seqs) > 20 else "") for key, seqs in links))
        self.links.setVisible(bool(links))

    def _tab_shown(self, index: int) -> None:
        pager = self._pagers.get(index)
        self._more_shown(pager is not None and pager.more)

    def _more_shown(self, more: bool) -> None:
        self.moreButton.setEnabled(more)
        self.moreButton.setVisible(more)

    def show_more(self) -> None:
        """The next page of the current text tab."""
        index = self.tabs.currentIndex()
        pager, text = self._pagers.get(index), self._texts.get(index)
        if pager is None or text is None or not pager.more:
            return
        cursor = text.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(pager.next_page())
        self._more_shown(pager.more)

    def _show_large_note(self, e: LogEntry, found: list) -> None:
        size = max(e.bytes or 0, sum(len(d) for _, d in found))
        large = size >= LARGE or any(isinstance(a, str) and len(a) >= LARGE for a in e.args or ())
        if large:
            self.largeNote.setText(
                f"Large value: {format_size(size) if size else 'over ' + format_size(LARGE)}. "
                f"The text tabs show it {TEXT_PAGE:,} characters at a time (Show more), the tree "
                f"{TREE_PAGE:,} children at a time; Save value… writes it whole.")
        self.largeNote.setVisible(large)
        self.saveValueButton.setVisible(large)

    def save_value(self, path: str) -> None:
        """The arguments, whole, as one JSON array (bytes as {"_bytes": base64})."""
        if self.entry is None:
            return
        with open(path, "w", encoding="utf-8") as f:
            f.write(dumps(self.entry.args if self.entry.args is not None else []))
        self.copied.emit(f"Saved the arguments of #{self.entry.seq} to {path}")

    def _save_value_as(self) -> None:
        if self.entry is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save value", f"entry-{self.entry.seq}.json",
                                              "JSON (*.json)")
        if path:
            try:
                self.save_value(path)
            except OSError as exc:
                self.copied.emit(f"Could not save {path}: {exc.strerror or exc}")

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
