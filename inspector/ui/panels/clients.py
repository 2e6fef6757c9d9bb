"""The client list: a workspace's clients with their colour, name, node and state; buttons to
add, duplicate, rename and remove one, and to connect or disconnect one or all.

Fed by plain rows (ClientRow: name, colour index, node, state word); what a button asks for
goes out as a signal naming the client, for whoever holds the Workspace (the window, once
it hosts several clients) to do on the network loop and feed the new rows back.  Given a
cluster's nodes (`set_nodes`), Add and Duplicate are menus of them: the new client on the
node the user picks.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.ui import palette


@dataclass(frozen=True)
class ClientRow:
    name: str
    colour: int            # index into palette.CLIENT_COLOURS (session/workspace.py's)
    node: str              # which server: host:port it talks to, its cluster node's label, or ""
    state: str             # the session's connection state word
    address: str = ""      # host:port, when `node` is a label or left out


def client_colour(index: int) -> palette.Swatch:
    return palette.CLIENT_COLOURS[index % len(palette.CLIENT_COLOURS)]


def _dot(swatch: palette.Swatch, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(palette.CLEAR.qcolor())
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(swatch.css()))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pix)


class ClientListPanel(QGroupBox):
    addRequested = Signal()
    duplicateRequested = Signal(str)
    renameRequested = Signal(str, str)        # old, new
    removeRequested = Signal(str)
    connectRequested = Signal(str)            # "" : every client
    disconnectRequested = Signal(str)         # "" : every client
    selected = Signal(str)                    # its namespaces and rooms are shown
    addOnNodeRequested = Signal(str)          # host:port of the cluster node picked
    duplicateOnNodeRequested = Signal(str, str)   # name, host:port

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Clients", parent)
        self.list = QListWidget(objectName="clientList")
        self.addButton = QPushButton("Add", objectName="addClientButton")
        self.duplicateButton = QPushButton("Duplicate", objectName="duplicateClientButton")
        self.renameButton = QPushButton("Rename…", objectName="renameClientButton")
        self.removeButton = QPushButton("Remove", objectName="removeClientButton")
        self.connectButton = QPushButton("Connect", objectName="connectClientButton")
        self.connectAllButton = QPushButton("Connect all", objectName="connectAllButton")
        self.disconnectButton = QPushButton("Disconnect", objectName="disconnectClientButton")
        self.disconnectAllButton = QPushButton("Disconnect all", objectName="disconnectAllButton")
        # two buttons a row: the side column stays as narrow as its tab labels
        buttons = QGridLayout()
        for i, b in enumerate((self.addButton, self.duplicateButton, self.renameButton, self.removeButton,
                               self.connectButton, self.disconnectButton, self.connectAllButton,
                               self.disconnectAllButton)):
            buttons.addWidget(b, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._rows: list[ClientRow] = []
        self.addButton.clicked.connect(self.addRequested)
        self.duplicateButton.clicked.connect(lambda: self._for_current(self.duplicateRequested.emit))
        self.removeButton.clicked.connect(lambda: self._for_current(self.removeRequested.emit))
        self.renameButton.clicked.connect(lambda: self._for_current(self._ask_rename))
        self.connectButton.clicked.connect(lambda: self._for_current(self.connectRequested.emit))
        self.disconnectButton.clicked.connect(lambda: self._for_current(self.disconnectRequested.emit))
        self.connectAllButton.clicked.connect(lambda: self.connectRequested.emit(""))
        self.disconnectAllButton.clicked.connect(lambda: self.disconnectRequested.emit(""))
        self.list.currentRowChanged.connect(self._current_changed)
        self._current_changed(-1)

    def set_nodes(self, nodes: dict[str, str]) -> None:
        """A cluster's nodes (host:port -> label): Add and Duplicate become menus of them;
        none: plain buttons again."""
        for button, ask in ((self.addButton, self.addOnNodeRequested.emit),
                            (self.duplicateButton, lambda address: self._for_current(
                                lambda name: self.duplicateOnNodeRequested.emit(name, address)))):
            old = button.menu()
            if not nodes:
                button.setMenu(None)
            else:
                menu = QMenu(button, objectName=f"{button.objectName()}Menu")
                for address, label in nodes.items():
                    action = menu.addAction(f"On node {label}   {address}")
                    action.setObjectName(f"{button.objectName()}Node{label}")
                    action.triggered.connect(lambda _=False, a=address, ask=ask: ask(a))
                button.setMenu(menu)
            if old is not None:
                old.deleteLater()

    # -- fed by plain rows ---------------------------------------------------------------
    def set_clients(self, rows: list[ClientRow]) -> None:
        """Show these clients (the selection stays on the same name when it is still there)."""
        keep = self.current()
        self._rows = list(rows)
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            node = f"node {row.node}" if row.node and row.address else row.node
            item = QListWidgetItem(_dot(client_colour(row.colour)),
                                   "   ".join(part for part in (row.name, node, row.state) if part))
            item.setData(Qt.ItemDataRole.UserRole, row.name)
            where = f"{node} ({row.address})" if node and row.address else node or row.address
            item.setToolTip(f"{row.name}: {row.state}, on {where}")
            self.list.addItem(item)
        names = [r.name for r in rows]
        self.list.setCurrentRow(names.index(keep) if keep in names else (0 if rows else -1))
        self.list.blockSignals(False)
        self._current_changed(self.list.currentRow())

    def current(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select(self, name: str) -> None:
        names = [r.name for r in self._rows]
        if name in names:
            self.list.setCurrentRow(names.index(name))

    # -- what the buttons ask -------------------------------------------------------------
    def _for_current(self, fn) -> None:
        name = self.current()
        if name is not None:
            fn(name)

    def _ask_rename(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename client", f"New name for {name}:", text=name)
        if ok and new.strip() and new.strip() != name:
            self.renameRequested.emit(name, new.strip())

    def _current_changed(self, row: int) -> None:
        has = row >= 0
        for b in (self.duplicateButton, self.renameButton, self.removeButton, self.connectButton,
                  self.disconnectButton):
            b.setEnabled(has)
        self.connectAllButton.setEnabled(bool(self._rows))
        self.disconnectAllButton.setEnabled(bool(self._rows))
        if has:
            self.selected.emit(self.current())
