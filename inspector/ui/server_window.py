"""The window's side of the server view (issue 13): the "Server view" row of the connection
panel, the window's own ServerView fed from the entry batches (the admin namespace is one
more namespace of the connection, hosted by the capture process's ServerAdmin), the server
panel in a dock, its actions as capture calls, and the inspector's own sockets linked to
their entries.

Attaching is the capture's (`server_attach`): when the connection comes up with the server
view on, or when it is turned on while connected.  Each action's answer (what the server
did, or why it was refused, in its words) is logged by the capture as a `sys` entry of kind
`server`, and said on the panel's action line and the status bar.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Coroutine

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QScrollArea

from inspector.log.chunk import Chunk
from inspector.log.entry import SYS, Kind, LogEntry
from inspector.session.server_view.admin import AdminRefused
from inspector.session.server_view.protocol import COMMAND_FEATURE
from inspector.session.server_view.view import ServerView
from inspector.session.state import ConnectionState, NamespaceState, SessionState
from inspector.ui import shortcuts as K
from inspector.ui.log.model import EntryRole
from inspector.ui.panels.server_view import ServerPanel
from inspector.ui.panels.server_view_control import ServerViewControl

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow
    from inspector.ui.panels.profiles import ConnectPlan

LOG_KEEPS = 740
_OPEN = (NamespaceState.CONNECTED, NamespaceState.CONNECTING, NamespaceState.RECONNECTING)


class ServerWindow(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.view = ServerView()
        self.own_ids: set[str] = set()
        self.own_names: dict[str, str] = {}     # own socket id -> its client's name (the delivery view)
        self.attached: str | None = None        # the admin namespace the capture hosts
        self._was_connected = False
        self.control = ServerViewControl()
        top = window.connection.layout().itemAt(0).layout()       # the URL row: the check box
        top.addWidget(self.control.check)
        self.panel = ServerPanel(self.view, on_join=self.join, on_leave=self.leave,
                                 on_disconnect=self.disconnect, on_emit=self.emit)
        self.dock = QDockWidget("Server view", window, objectName="serverDock")
        self.panel.layout().insertWidget(0, self.control)          # its fields, atop the panel
        # in a scroll area: on a laptop's 1024 px the log keeps its width and the panel scrolls
        scroll = QScrollArea(objectName="serverScroll", widgetResizable=True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.panel)
        self.dock.setWidget(scroll)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.showAction = self.dock.toggleViewAction()
        self.showAction.setText("&Server view")
        self.showAction.setShortcut(K.SERVER_VIEW.first)
        self.showAction.setToolTip(K.SERVER_VIEW.does)
        view_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&View"), None)
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.showAction)
        window.bridge.entriesReady.connect(self._entries)      # after the log's own handler
        window.bridge.stateChanged.connect(self._state)
        self.control.toggled.connect(self._toggled)
        self.panel.ownSocketActivated.connect(self.show_own_socket)

    # -- attaching ----------------------------------------------------------------------
    def _connected(self) -> bool:
        st = self.window._state
        return st is not None and st.state == ConnectionState.CONNECTED

    def _toggled(self, on: bool) -> None:
        if on:
            self.show_dock()
            if self._connected():
                self.window._start(self.attach(), "Server view failed")
            else:
                self.control.say("on at the next Connect")
        elif self.attached is not None:
            self.window._start(self.detach(), "Server view not turned off")

    def show_dock(self) -> None:
        """Shown beside the log with room for the socket table (about half the window)."""
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first:
            # the log keeps the width its composer needs (740 px: narrower, its hint wraps and
            # the window grows taller than a laptop's 700 px)
            width = min(int(self.window.width() * 0.45), self.window.width() - LOG_KEEPS)
            self.window.resizeDocks([self.dock], [max(width, 240)], Qt.Orientation.Horizontal)

    def _state(self, st: SessionState) -> None:
        connected = st.state == ConnectionState.CONNECTED
        came_up, self._was_connected = connected and not self._was_connected, connected
        if st.state == ConnectionState.DISCONNECTED:
            self.attached = None
            if self.control.on:
                self.control.say("on at the next Connect")
        if came_up and self.control.on:
            ns = self.control.namespace()
            if not any(v.name == ns and v.state in _OPEN for v in st.namespaces):
                self.window._start(self.attach(), "Server view failed")

    async def attach(self) -> None:
        ns, auth = self.control.namespace(), self.control.auth() or {}
        if self.view.namespace != ns:
            self.view.namespace = ns
            self.view.stats.clear()
            self.view.events.clear()
            self.view.room_history.clear()
        self.control.say(f"attaching to {ns}…")
        try:
            result = await self.window.bridge.call(self.session.server_attach(
                ns, auth.get("username"), auth.get("password")))
        except AdminRefused as exc:
            self.control.say(f"refused: {exc}")
            raise
        except Exception:
            self.control.say("not attached")
            raise
        self.attached = result["namespace"]
        read_only = not any(f in result["features"] for f in COMMAND_FEATURE.values())
        self.control.say(f"on: {ns}" + (" (read-only)" if read_only else ""))
        self.window.show_message(f"Server view on: {ns} ({', '.join(result['features']) or 'no feature'})")

    async def detach(self) -> None:
        self.attached = None
        await self.window.bridge.call(self.session.server_detach())
        self.control.say("off")

    # -- acting as the server --------------------------------------------------------------
    def join(self, ns: str, room: str, socket_id: str | None) -> None:
        self._act(self.session.server_join(ns, room, socket_id), f"Server join {room}")

    def leave(self, ns: str, room: str, socket_id: str | None) -> None:
        self._act(self.session.server_leave(ns, room, socket_id), f"Server leave {room}")

    def disconnect(self, ns: str, socket_id: str | None) -> None:
        self._act(self.session.server_disconnect(ns, socket_id), "Server disconnect")

    def emit(self, ns: str, event: str, args: list, to: str | None) -> None:
        self._act(self.session.server_emit(ns, event, args, to), f"Server emit {event}")

    def _act(self, call: Coroutine[Any, Any, dict], what: str) -> None:
        self.window._start(self._run(call, what), f"{what} failed")

    async def _run(self, call: Coroutine[Any, Any, dict], what: str) -> None:
        try:
            detail = await self.window.bridge.call(call)
        except AdminRefused as exc:
            self.panel.actionNote.setText(f"{what}: refused: {exc}")
            raise
        self.panel.actionNote.setText(f"{what}: {detail['answer']}")
        self.window.show_message(f"{what}: {detail['answer']}")

    # -- what comes in ------------------------------------------------------------------------
    def _entries(self, chunk: Chunk) -> None:
        own = len(self.own_ids)
        for e in chunk.entries:
            self.view.feed(e)
            if e.dir == SYS and e.kind == Kind.CONNECT and (e.detail or {}).get("sid"):
                self.own_ids.add(e.detail["sid"])
                self.own_names[e.detail["sid"]] = e.client or ""
        if len(self.own_ids) != own:
            self.panel.set_own_ids(self.own_ids)

    def show_own_socket(self, sid: str) -> LogEntry | None:
        """The log row where this client's socket connected, selected and shown in the detail."""
        table = self.window.logView.table
        model = table.model()
        for row in range(model.rowCount() - 1, -1, -1):
            index = model.index(row, 0)
            entry = index.data(EntryRole)
            if entry is not None and entry.kind == Kind.CONNECT and (entry.detail or {}).get("sid") == sid:
                table.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                              | QItemSelectionModel.SelectionFlag.Rows)
                table.scrollTo(index)
                self.window.detail.show_entry(entry)
                where = f" ({entry.client})" if entry.client else ""
                self.window.show_message(f"{entry.ns} connected as {sid}{where}: its entries follow that row")
                return entry
        self.window.show_message(f"Socket {sid} connected before the log's first shown row "
                                 "(clear the filter to find it)")
        return None

    # -- the delivery view meets the server's (issue 13, point 4) --------------------------------
    def attach_delivery_view(self, delivery_view) -> None:
        """Give a DeliveryView the server's room members over time, the inspector's own socket
        ids with their clients' names and the rooms to choose from; kept up to date."""
        def update() -> None:
            rooms = sorted({room for _ns, room in self.view.rooms()})
            delivery_view.set_server_view(self.view.members_at, self.own_names, rooms)
        timer = QTimer(delivery_view, singleShot=True, interval=500)
        timer.timeout.connect(update)
        stop = self.view.listen(lambda _m: timer.isActive() or timer.start())
        delivery_view.destroyed.connect(lambda *_: stop())
        update()

    # -- profiles --------------------------------------------------------------------------------
    def strip(self, plan: "ConnectPlan | None") -> "ConnectPlan | None":
        """A profile's plan without the admin namespace: the server view attaches to it."""
        if plan is None or not self.control.on:
            return plan
        ns = self.control.namespace()
        plan.namespaces = [n for n in plan.namespaces if n != ns]
        plan.ns_auth.pop(ns, None)
        plan.rooms.pop(ns, None)
        return plan


def install(window: "MainWindow") -> ServerWindow:
    return ServerWindow(window)
