"""The window's workspace of clients (issue 12): the client list beside the namespaces, the
Client column and filter of the log, and the delivery view as a dock.

The clients live in the capture process (capture/clients.py); the window holds a
RemoteSession per client (bridge.sessions, by key) and `window.session` is the selected
one's, so every panel that calls the session (connection, namespaces, rooms, composer,
server acks) acts on the selected client and shows its state.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QScrollArea, QSplitter

from inspector.capture.protocol import DEFAULT_CLIENT
from inspector.log import delivery
from inspector.log.chunk import Chunk
from inspector.log.kinds import Direction, Kind
from inspector.session.state import NamespaceState
from inspector.session.workspace import node_of
from inspector.ui.client_forms import ClientForms
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.log.delivery_view import DeliveryView
from inspector.ui.panels.clients import ClientListPanel, ClientRow
from inspector.wire.options import OptionsError

if TYPE_CHECKING:
    from inspector.log.entry import LogEntry
    from inspector.session.state import SessionState
    from inspector.ui.main_window import MainWindow

REFRESH_MS = 300          # the delivery view is regrouped at most this often while entries come
KEPT = 200_000            # the entries the delivery view groups (events, room changes, disconnects)


class ClientsUi:
    def __init__(self, window: "MainWindow"):
        self.w = window
        self.bridge = window.bridge
        self.key = DEFAULT_CLIENT                 # the selected client's
        self.forms = ClientForms(window)          # its connection form and ack answers, drafts
        self.rows: list[dict] = []
        self.nodes: dict[str, str] = {}           # host:port -> a cluster node's label (set_nodes)
        self.panel = ClientListPanel()
        self.panel.setObjectName("clientListPanel")
        # above the side tabs (a tab more would widen the side column and narrow the log):
        # the client list, then the selected client's namespaces, rooms, acks
        side, splitter = window.sideTabs, window.mainSplitter
        index, sizes = splitter.indexOf(side), splitter.sizes()
        self.column = QSplitter(Qt.Orientation.Vertical, objectName="clientColumn")
        splitter.insertWidget(index, self.column)
        # in a scroll area: a short window squeezes the list, never the window's own height
        self.scroll = QScrollArea(objectName="clientScroll", widgetResizable=True)
        self.scroll.setWidget(self.panel)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setMinimumHeight(1)           # its own hint would add to the window's minimum
        self.column.addWidget(self.scroll)
        # the side tabs scroll too: with the Deliveries dock below, a 700 px window keeps its
        # height (the Namespaces page alone would hold the central area at 630 px and more)
        self.sideScroll = QScrollArea(objectName="sideScroll", widgetResizable=True)
        self.sideScroll.setWidget(side)
        self.sideScroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sideScroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.sideScroll.setMinimumWidth(side.minimumSizeHint().width())
        self._side_min = side.minimumSizeHint().height()
        self.column.addWidget(self.sideScroll)
        self.column.setStretchFactor(1, 1)
        self.column.setCollapsible(1, False)
        self.column.setCollapsible(0, True)      # the side tabs keep the height they had
        splitter.setSizes(sizes)
        self.column.setSizes([self.panel.sizeHint().height(), 10_000])
        self.panel.list.setMaximumHeight(self.panel.list.fontMetrics().height() * 6)
        for button, tip in ((self.panel.addButton, "A new client (alice, bob, ...) with the first one's "
                             "connection options and room events; not its namespaces, rooms, ack "
                             "answers or checks (not connected)"),
                            (self.panel.duplicateButton, "A copy of the selected client's set-up: options, "
                             "namespaces, auth, rooms, room events, ack answers, checks (not connected)"),
                            (self.panel.renameButton, "Rename the selected client (its entries from now on)"),
                            (self.panel.removeButton, "Disconnect the selected client and remove it"),
                            (self.panel.connectButton, "Connect the selected client"),
                            (self.panel.connectAllButton, "Connect every client not connected"),
                            (self.panel.disconnectButton, "Disconnect the selected client"),
                            (self.panel.disconnectAllButton, "Disconnect every client")):
            button.setToolTip(tip)
        self.deliveries = DeliveryView()
        self.deliveries.setObjectName("deliveryView")
        self.deliveries.incompleteCheck.setToolTip("Only the deliveries that did not reach every client")
        self.dock = QDockWidget("Deliveries", window, objectName="deliveryDock")
        self.dock.setWidget(self.deliveries)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self._entries: list[LogEntry] = []
        self._dirty = False
        self._cause: LogEntry | None = None
        self._timer = QTimer(window, interval=REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self._timer.start()
        self._wire()
        self._show_column(False)

    # -- wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        p, b, start = self.panel, self.bridge, self.w._start
        call = self._call
        p.addRequested.connect(lambda: start(call("client_add"), "Adding a client failed"))
        p.duplicateRequested.connect(lambda name: start(
            call("client_add", duplicate_of=self.key_of(name)), f"Duplicating {name} failed"))
        p.renameRequested.connect(lambda old, new: start(
            call("client_rename", self.key_of(old), new), f"Renaming {old} failed"))
        p.removeRequested.connect(lambda name: start(
            call("client_remove", self.key_of(name)), f"Removing {name} failed"))
        p.connectRequested.connect(lambda name: start(self.connect(name, self._form_for(name)),
                                                      "Connection failed"))
        p.disconnectRequested.connect(lambda name: start(self.disconnect(name), "Disconnect failed"))
        p.selected.connect(lambda name: self.select(self.key_of(name)))
        p.addOnNodeRequested.connect(lambda node: start(
            call("client_add", node=node), f"Adding a client on node {self.nodes.get(node, node)} failed"))
        p.duplicateOnNodeRequested.connect(lambda name, node: start(
            call("client_add", duplicate_of=self.key_of(name), node=node), f"Duplicating {name} failed"))
        b.clientsChanged.connect(self._clients_changed)
        b.clientStateChanged.connect(self._client_state)
        b.entriesReady.connect(self._on_entries)
        self.w.logView.entrySelected.connect(self._entry_selected)
        # not a window handler (Tasks): a read the user did not ask for; a lost capture says so itself
        self._rows_task = self.bridge.run(self._first_rows(), lambda _rows, _error: None)

    async def _first_rows(self) -> None:
        rows = await self.bridge.client.call("clients")
        if not self.bridge.client_rows:      # a list pushed since (a client added) is newer
            self._clients_changed(rows)

    async def _call(self, name: str, *args, **kw):
        return await self.bridge.call(self.bridge.client.call(name, *args, **kw))

    def key_of(self, name: str) -> str:
        return next((r["key"] for r in self.rows if r["name"] == name), name)

    def name_of(self, key: str) -> str:
        return next((r["name"] for r in self.rows if r["key"] == key), key)

    def set_nodes(self, nodes: dict[str, str]) -> None:
        """The servers that are a cluster's nodes (host:port, or a URL -> its label: "A",
        "B"), as the app knows them when it started the cluster (--demo-cluster): the list
        shows a client on one by the label, and Add / Duplicate offer each node.  Empty: the
        list shows host:port."""
        self.nodes = {node_of(k) if "://" in k else k: label for k, label in nodes.items()}
        self.panel.set_nodes(self.nodes)
        for button, what in ((self.panel.addButton, "A new client"), (self.panel.duplicateButton,
                             "A copy of the selected client's set-up (not connected)")):
            base = button.toolTip().split("\n")[0]
            button.setToolTip(f"{base}\n{what} on the node you pick" if self.nodes else base)
        if self.rows:
            self._show_rows()

    @property
    def several(self) -> bool:
        return len(self.rows) > 1

    # -- connecting ---------------------------------------------------------------------------
    def _form_for(self, name: str):
        """The form's options if `name` is the selected client (its Connect is the form's, as
        the form's Connect is), read as the user clicks: the task runs later, perhaps once
        another client (and its form) is shown; options not valid: the error, said then."""
        if not name or self.key_of(name) != self.key:
            return None
        try:
            return self.w.connection.options()
        except OptionsError as error:
            return error

    async def connect(self, name: str, form=None) -> None:
        """`form`: the options `_form_for` read (None: the client's own, as last connected)."""
        if not name:
            await self._call("clients_connect_all")
            return
        if isinstance(form, OptionsError):
            raise form
        session = self.bridge.sessions[self.key_of(name)]
        if form is not None:
            await self.w.connect_to(form, session=session)
        else:
            await self.bridge.call(session.connect(None, None, None))

    async def disconnect(self, name: str) -> None:
        if not name:
            await self._call("clients_disconnect_all")
        else:
            await self.bridge.call(self.bridge.sessions[self.key_of(name)].disconnect())

    # -- what the capture says ---------------------------------------------------------------
    def _clients_changed(self, rows: list[dict]) -> None:
        self.rows = list(rows)
        if self.key not in {r["key"] for r in rows}:
            self.select(DEFAULT_CLIENT)
        self._show_rows()
        several = self.several
        self.w.model.name_first_client(rows[0]["name"] if several and rows else "")
        if several:       # its strips from before, named no client, are its
            self.w.timeline.name_first(rows[0]["name"])
        self._show_column(several)
        combo = self.w.logView.filterBar.clientCombo
        keep = combo.currentText()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for i, r in enumerate(rows):
            # the first client's entries from before there were several name no client
            combo.addItem(r["name"], frozenset({r["name"], None}) if i == 0 else frozenset({r["name"]}))
        combo.setCurrentIndex(max(combo.findText(keep), 0))
        combo.blockSignals(False)
        combo.setVisible(several)
        if several and not self.dock.isVisible():
            self.dock.show()
        self._fit_list()
        self._dirty = True

    def _fit_list(self) -> None:
        """The client list as tall as its rows need (up to half the column): the selected
        client's namespaces and rooms keep the rest."""
        total = sum(self.column.sizes())
        if total <= 0:
            return
        want = min(self.panel.sizeHint().height(), total // 2)
        self.column.setSizes([want, total - want])

    def _show_rows(self) -> None:
        states = [self._state_of(r["key"]) for r in self.rows]
        nodes = [node_of(st.url) if st is not None and st.url else r["node"]
                 for r, st in zip(self.rows, states, strict=True)]
        # every client on one server: the status line says which; the rows keep their width
        one_server = len(set(nodes)) == 1 and not self.nodes
        out = []
        for r, st, node in zip(self.rows, states, nodes, strict=True):
            label = self.nodes.get(node)
            shown = label or ("" if one_server else node)
            out.append(ClientRow(r["name"], r["colour"], shown, str(st.state) if st else r["state"],
                                 address=node if shown != node else ""))
        self.panel.blockSignals(True)
        self.panel.set_clients(out)
        self.panel.select(self.name_of(self.key))
        self.panel.blockSignals(False)

    def _state_of(self, key: str) -> "SessionState | None":
        return self.bridge.state if key == DEFAULT_CLIENT else self.bridge.client_states.get(key)

    def _client_state(self, key: str, st: "SessionState") -> None:
        if self.rows:
            self._show_rows()
        if key == self.key and key != DEFAULT_CLIENT:
            self._show_panels(st)
        if key == self.key and key in self.bridge.sessions:
            self.forms.heard(key, self.bridge.sessions[key])

    # -- selecting ----------------------------------------------------------------------------
    def select(self, key: str) -> None:
        """Show this client's namespaces, rooms, connection options and ack answers (what
        was typed for the one left kept as its draft); the panels act on it."""
        session = self.bridge.sessions.get(key)
        if session is None:
            return
        other = key != self.key
        if other:
            self.forms.leave(self.key, self.bridge.sessions.get(self.key))
        self.key = key
        self.w.session = session
        st = self._state_of(key)
        if st is not None:
            self._show_panels(st)
        if other:
            self.forms.show(key, session)

    def _show_panels(self, st: "SessionState") -> None:
        w = self.w
        w.connection.set_state(st, self.bridge.status_line if self.shows_first() else None)
        w.namespaces.set_state(st)
        w.emitPanel.set_state(st)
        w._state = st
        w._update_actions()

    def shows_first(self) -> bool:
        return self.key == DEFAULT_CLIENT

    def connected_namespaces(self) -> list[tuple[str | None, str]]:
        """(client, namespace) for every namespace connected now, each client's in the list's
        order; the client's name once there are several (its timeline strips' names), else
        None (one client: its strips are the namespaces alone)."""
        rows = self.rows or [{"key": DEFAULT_CLIENT, "name": ""}]
        several = self.several
        out = []
        for r in rows:
            st = self._state_of(r["key"])
            out += [(r["name"] if several else None, v.name) for v in (st.namespaces if st else ())
                    if v.state == NamespaceState.CONNECTED]
        return out

    # -- the log ------------------------------------------------------------------------------
    def _show_column(self, shown: bool) -> None:
        self.w.logView.table.setColumnHidden(position(ColumnKey.CLIENT), not shown)
        # one client: the side tabs whole, as before; several: they scroll (the dock is below)
        self.sideScroll.setMinimumHeight(1 if shown else self._side_min)

    def _on_entries(self, chunk: Chunk) -> None:
        if not self.several:
            return      # one client: no delivery to group (and a burst's entries not held twice)
        keep = [e for e in chunk.entries or ()
                if e.kind == Kind.EVENT or (e.kind == Kind.DISCONNECT and e.ns)]
        if keep:
            self._entries += keep
            if len(self._entries) > KEPT:
                del self._entries[:len(self._entries) - KEPT]
            self._dirty = True

    def _named(self) -> list["LogEntry"]:
        """The kept entries, those of the first client from before it had a name named."""
        first = self.rows[0]["name"] if self.rows else ""
        return [e if e.client is not None else dataclasses.replace(e, client=first) for e in self._entries]

    def _entry_selected(self, entry: "LogEntry | None") -> None:
        cause = entry if (entry is not None and entry.dir == Direction.OUT and entry.kind == Kind.EVENT) else None
        if cause is not self._cause:
            self._cause = cause
            self._dirty = True
            self._refresh()

    def _refresh(self) -> None:
        if not self._dirty or not self.several:
            return
        self._dirty = False
        entries = self._named()
        clients = [r["name"] for r in self.rows]
        deliveries = delivery.group(entries)
        if self._cause is not None:
            emit = self._cause if self._cause.client is not None else dataclasses.replace(
                self._cause, client=clients[0])
            session = self.bridge.sessions.get(self.key)
            join, leave = (session.rooms.join_event, session.rooms.leave_event) if session else ("join", "leave")
            self.deliveries.show_cause(delivery.cause_of(emit, entries, deliveries, join_event=join,
                                                         leave_event=leave), clients)
        else:
            self.deliveries.set_deliveries(deliveries, clients)

    def refresh_now(self) -> None:
        self._dirty = True
        self._refresh()


def export_deliveries(session_file, dest) -> None:
    """The delivery matrix beside a JSON Lines export (a session with several clients)."""
    from inspector.store.deliveries import export_deliveries as write
    from inspector.store.reader import SessionStore
    with SessionStore(session_file) as store:
        write(store, dest)


def install(window: "MainWindow") -> ClientsUi:
    return ClientsUi(window)
