"""The main window: connection bar on top, namespaces and rooms on the left, the log and
its detail in the middle, the emit composer below."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QTabWidget, QVBoxLayout,
    QWidget,
)

from ..core.entries import IN, LogEntry
from ..core.options import ConnectionOptions
from ..core.server_acks import AckReply
from ..core.state import SessionState
from . import settings as S
from .bridge import SessionBridge
from .connection_panel import ConnectionPanel
from .detail_view import DetailView
from .emit_panel import EmitPanel, EmitRequest
from .log_model import EntryRole, LogModel
from .log_view import LogView
from .namespace_panel import NamespacePanel
from .scenario_panel import ScenarioDock, ScenarioPanel
from .sequence_panel import SequencePanel
from .server_ack_panel import ServerAckPanel
from .timeline_view import TimelineView


class MainWindow(QMainWindow):
    def __init__(self, bridge: SessionBridge, settings: S.Settings | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self.settings = settings or S.Settings()
        self.setWindowTitle("socketio-inspector")
        self.resize(1280, 820)

        self.connection = ConnectionPanel(self.settings)
        self.namespaces = NamespacePanel(self.settings)
        self.serverAcks = ServerAckPanel()
        self.sequences = SequencePanel()
        self.timeline = TimelineView()
        self.emitPanel = EmitPanel(self.settings)
        self.model = LogModel(self)
        self.logView = LogView()
        self.logView.setModel(self.model)
        self.rawCaptureCheck = QCheckBox("Raw packets", objectName="rawCaptureCheck")
        self.rawCaptureCheck.setToolTip("Log every Engine.IO / Socket.IO packet in and out, as it "
                                        "crosses, linked to the event it carries (Ctrl+R)")
        self.logView.toolbar.insertWidget(1, self.rawCaptureCheck)
        self.detail = DetailView()

        side = QTabWidget(objectName="sideTabs")
        side.addTab(self.namespaces, "Namespaces")
        side.addTab(self.serverAcks, "Server acks")
        side.addTab(self.sequences, "Checks")
        # list above detail, as in Wireshark and the DevTools frames panel: the
        # table gets the whole width for its argument previews
        self.logSplitter = QSplitter(Qt.Orientation.Vertical, objectName="logSplitter")
        self.logSplitter.addWidget(self.timeline)
        self.logSplitter.addWidget(self.logView)
        self.logSplitter.addWidget(self.detail)
        self.logSplitter.setStretchFactor(1, 3)
        self.logSplitter.setStretchFactor(2, 1)
        self.logSplitter.setCollapsible(0, False)
        self.logSplitter.setSizes([self.timeline.height(), 420, 200])
        self.mainSplitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.mainSplitter.addWidget(side)
        self.mainSplitter.addWidget(self.logSplitter)
        self.mainSplitter.setStretchFactor(1, 1)
        self.mainSplitter.setSizes([300, 980])
        self.centerSplitter = QSplitter(Qt.Orientation.Vertical, objectName="centerSplitter")
        self.centerSplitter.addWidget(self.mainSplitter)
        self.centerSplitter.addWidget(self.emitPanel)
        self.centerSplitter.setStretchFactor(0, 1)
        self.centerSplitter.setCollapsible(1, False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.connection)
        layout.addWidget(self.centerSplitter, 1)
        self.setCentralWidget(central)
        self.messageLabel = QLabel(objectName="messageLabel")
        self.statusBar().addWidget(self.messageLabel, 1)

        self._build_menus()
        self._wire()
        self._restore_layout()
        self._add_scenario_dock()

    # -- wiring ------------------------------------------------------------------
    def _wire(self) -> None:
        b = self.bridge
        b.entriesReady.connect(self._on_entries)
        b.stateChanged.connect(self._on_state)
        self.connection.connectRequested.connect(self.connect_to)
        self.connection.disconnectRequested.connect(self.disconnect)
        self.namespaces.openRequested.connect(self.open_namespace)
        self.namespaces.closeRequested.connect(
            lambda ns: b.run(self.session.close_namespace(ns), self._report))
        self.namespaces.joinRequested.connect(
            lambda ns, room: b.run(self.session.join_room(ns, room), self._report))
        self.namespaces.leaveRequested.connect(
            lambda ns, room: b.run(self.session.leave_room(ns, room), self._report))
        self.namespaces.roomEventsChanged.connect(self._set_room_events)
        self.serverAcks.repliesChanged.connect(self._set_ack_replies)
        self.sequences.rulesChanged.connect(
            lambda rules: b.call_soon(self.session.set_sequence_rules, rules))
        self.timeline.periodClicked.connect(self.logView.table.select_seq_range)
        self.rawCaptureCheck.toggled.connect(self.set_raw_capture)
        self.emitPanel.emitRequested.connect(self.emit)
        self.logView.entrySelected.connect(self.detail.show_entry)
        self.logView.clearRequested.connect(self.clear_log)
        self._set_room_events(self.namespaces.joinEventEdit.text(), self.namespaces.leaveEventEdit.text())
        if b.state is not None:
            self._on_state(b.state)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        conn = self.menuBar().addMenu("&Connection")
        self.connectAction = QAction("&Connect", self, shortcut=QKeySequence("Ctrl+Shift+C"))
        self.connectAction.triggered.connect(self.connection._connect_clicked)
        self.disconnectAction = QAction("&Disconnect", self, shortcut=QKeySequence("Ctrl+Shift+D"))
        self.disconnectAction.triggered.connect(self.disconnect)
        self.dropAction = QAction("Simulate network &drop", self, shortcut=QKeySequence("Ctrl+Shift+X"))
        self.dropAction.setToolTip("Cut the transport without a goodbye, as a network failure would")
        self.dropAction.triggered.connect(
            lambda: self.bridge.run(self.session.drop_transport(), self._report))
        self.rawAction = QAction("Capture &raw packets", self, shortcut=QKeySequence("Ctrl+R"),
                                 checkable=True)
        self.rawAction.toggled.connect(lambda on: self.rawCaptureCheck.setChecked(on))
        conn.addActions([self.connectAction, self.disconnectAction, self.dropAction, self.rawAction])
        view = self.menuBar().addMenu("&View")
        clear = QAction("&Clear log", self, shortcut=QKeySequence("Ctrl+L"))
        clear.triggered.connect(self.clear_log)
        latest = QAction("Jump to &latest", self, shortcut=QKeySequence("End"))
        latest.triggered.connect(self.logView.table.follow)
        focus_event = QAction("Focus the &emit composer", self, shortcut=QKeySequence("Ctrl+E"))
        focus_event.triggered.connect(lambda: self.emitPanel.eventEdit.setFocus())
        focus_url = QAction("Focus the &URL", self, shortcut=QKeySequence("Ctrl+U"))
        focus_url.triggered.connect(lambda: self.connection.urlEdit.setFocus())
        self.timelineAction = QAction("Connection &timeline", self, shortcut=QKeySequence("Ctrl+T"),
                                      checkable=True, checked=True)
        self.timelineAction.toggled.connect(self.timeline.setVisible)
        view.addActions([clear, latest, focus_event, focus_url, self.timelineAction])
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(lambda: QMessageBox.about(
            self, "socketio-inspector",
            "A desktop monitor and client for Socket.IO servers.\n\n"
            "Shortcuts: Ctrl+Return emit · Ctrl+L clear · End follow the log · "
            "Ctrl+E composer · Ctrl+U URL · Ctrl+Shift+C / D connect / disconnect"))
        help_menu.addAction(about)

    def _add_scenario_dock(self) -> None:
        """The Scenario dock (right of the log, shown when used) and its menu."""
        table = self.logView.table
        self.scenario = ScenarioPanel(
            self.bridge, entries=self.model.entries,
            selected=lambda: [i.data(EntryRole) for i in table.selectionModel().selectedRows()],
            current_url=lambda: self.connection.urlEdit.text().strip())
        self.scenarioDock = ScenarioDock(self.scenario, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.scenarioDock)
        self.resizeDocks([self.scenarioDock], [340], Qt.Orientation.Horizontal)
        self.scenarioDock.hide()
        self.scenario.entryActivated.connect(self.detail.show_entry)
        menu = QMenu("&Scenario", self, objectName="scenarioMenu")

        def shown(fn):
            return lambda: (self.scenarioDock.show(), self.scenarioDock.raise_(), fn())
        for text, key, fn in (("&Open scenario…", None, self.scenario.ask_open),
                              ("&Save session as scenario…", None, self.scenario.ask_save),
                              (None, None, None),
                              ("S&tep", "F10", self.scenario.step),
                              ("&Run to end", "F5", self.scenario.run_to_end),
                              ("St&op", "Shift+F5", self.scenario.stop)):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            if key:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(shown(fn))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.scenarioDock.toggleViewAction())
        help_action = next((a for a in self.menuBar().actions() if a.text() == "&Help"), None)
        self.menuBar().insertMenu(help_action, menu)

    # -- intent ------------------------------------------------------------------
    def connect_to(self, options: ConnectionOptions, namespaces: list[str] | None = None) -> None:
        self.show_message("")
        self.bridge.run(self.session.connect(options, namespaces), self._connected)

    def _connected(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.show_message(f"Connection failed: {error}", error=True)
            return
        refused = [f"{ns}: {r}" for ns, r in (result or {}).items() if isinstance(r, Exception)]
        if refused:
            self.show_message("; ".join(refused), error=True)

    def disconnect(self) -> None:
        self.bridge.run(self.session.disconnect(), self._report)

    def open_namespace(self, ns: str, auth: Any = None) -> None:
        self.bridge.run(self.session.open_namespace(ns, auth), self._namespace_opened)

    def _namespace_opened(self, result: Any, error: BaseException | None) -> None:
        if error is None and isinstance(result, Exception):
            error = result
        self._report(result, error)

    def emit(self, req: EmitRequest) -> None:
        self.bridge.run(self.session.emit(req.ns, req.event, req.args, ack=req.ack,
                                          timeout=req.timeout, compress=req.compress,
                                          volatile=req.volatile), self._emitted)

    def _emitted(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self._report(None, error)
        elif result is not None and result.outcome == "buffered":
            self.show_message("Not connected: the emit is held and goes out when the namespace is back")
        elif result is not None and result.outcome == "dropped":
            self.show_message("Volatile emit dropped: the transport was not ready", error=True)
        else:
            self.show_message("")

    def _report(self, _result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.show_message(str(error) or type(error).__name__, error=True)

    def show_message(self, text: str, error: bool = False) -> None:
        self.messageLabel.setText(text)
        self.messageLabel.setStyleSheet("color: #cf222e;" if error else "")

    def set_raw_capture(self, on: bool) -> None:
        self.rawAction.setChecked(on)
        self.bridge.call_soon(self.session.set_raw_capture, on)

    def _set_room_events(self, join: str, leave: str) -> None:
        def apply() -> None:
            self.session.rooms.join_event, self.session.rooms.leave_event = join, leave
        self.bridge.call_soon(apply)

    def _set_ack_replies(self, default: AckReply, by_event: dict[str, AckReply]) -> None:
        def apply() -> None:
            self.session.server_acks.default = default
            self.session.server_acks.by_event = dict(by_event)
        self.bridge.call_soon(apply)

    # -- what the session reports -------------------------------------------------
    def clear_log(self) -> None:
        self.model.clear()
        self.timeline.clear()

    def _on_entries(self, batch: list[LogEntry]) -> None:
        self.model.append(batch)
        self.timeline.add(batch)
        self.emitPanel.note_events({e.event for e in batch if e.dir == IN and e.kind == "event" and e.event})

    def _on_state(self, st: SessionState) -> None:
        self.connection.set_state(st)
        self.namespaces.set_state(st)
        self.emitPanel.set_state(st)
        self.connectAction.setEnabled(st.state == "disconnected")
        self.disconnectAction.setEnabled(st.state != "disconnected")
        self.dropAction.setEnabled(st.state == "connected")

    # -- layout persistence ---------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.get(S.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        sizes = self.settings.get(S.SPLITTERS)
        if sizes:
            try:
                for splitter, part in zip(self._splitters(), sizes.split(";")):
                    saved = [int(x) for x in part.split(",")]
                    if len(saved) == splitter.count():   # a layout from another version is ignored
                        splitter.setSizes(saved)
            except ValueError:
                pass

    def _splitters(self) -> list[QSplitter]:
        return [self.logSplitter, self.mainSplitter, self.centerSplitter]

    def closeEvent(self, event) -> None:  # noqa: N802
        self.settings.set(S.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(S.SPLITTERS, ";".join(",".join(str(s) for s in sp.sizes())
                                                 for sp in self._splitters()))
        self.connection.save()
        self.settings.sync()
        super().closeEvent(event)
