"""The main window: connection bar on top, namespaces and rooms on the left, the log and
its detail in the middle, the emit composer below."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Callable, Coroutine

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.capture.client import RemoteSession
from inspector.capture.protocol import CaptureLost
from inspector.log.chunk import Chunk
from inspector.log.entry import OUT, Flag, LogEntry
from inspector.log.words import plural
from inspector.session.acks import FROM_OPTIONS
from inspector.session.server_acks import AckReply
from inspector.session.server_view.admin import AdminRefused
from inspector.session.session import ConnectError, EmitOutcome, NotConnected
from inspector.session.state import ConnectionState, NamespaceState, SessionState
from inspector.ui import appearance, palette, profile_window, server_window, workspace_window
from inspector.ui import settings as S
from inspector.ui import shortcuts as K
from inspector.ui.about import show_about
from inspector.ui.bridge import SessionBridge
from inspector.ui.files.session_files import (
    JSONL_FILTER,
    SESSION_FILTER,
    LiveRecording,
    SessionViewer,
    ask_export_path,
    choose_new_default_path,
    export_session,
    sessions_dir,
    shown_rows,
    start_import,
)
from inspector.ui.icon import app_icon
from inspector.ui.jobs import Job, run_with_progress
from inspector.ui.log.model import EntryRole, LogModel
from inspector.ui.log.workspace import LogWorkspace
from inspector.ui.message_line import MessageLine, Stale, connected, namespace_settled
from inspector.ui.panels.busy import hold, is_busy
from inspector.ui.panels.composer import EmitPanel, EmitRequest
from inspector.ui.panels.connection import ConnectionPanel
from inspector.ui.panels.emit_history import EmitForm
from inspector.ui.panels.namespaces import NamespacePanel
from inspector.ui.panels.sequence import SequencePanel
from inspector.ui.panels.server_acks import ServerAckPanel
from inspector.ui.scenario import builtin as builtin_scenarios
from inspector.ui.scenario.panel import ScenarioDock, ScenarioPanel
from inspector.ui.shortcuts import ShortcutsDialog
from inspector.ui.tasks import Tasks
from inspector.wire.options import ConnectionOptions
from inspector.wire.payload import to_jsonable

log = logging.getLogger(__name__)

# What a Session call raises for a reason of the user's (a refused connection, a namespace
# not open, a value the session will not take): shown as it is, logged without a traceback.
USER_ERRORS = (ConnectError, NotConnected, ValueError, CaptureLost, AdminRefused)


def _nothing() -> None:
    pass


def form_of(entry: LogEntry) -> EmitForm:
    """The composer's fields for an event row: its arguments as JSON lines (bytes as
    {"_bytes": ...}); an outgoing one's ack and flags as they were."""
    args = "\n".join(json.dumps(to_jsonable(a), ensure_ascii=False) for a in entry.args or [])
    detail = entry.detail or {}
    if entry.dir != OUT:
        return EmitForm(entry.event or "", args)
    timeout = detail.get("timeout_s")
    return EmitForm(entry.event or "", args, entry.ack_id is not None,
                    S.NO_TIMEOUT if timeout is None else float(timeout),
                    Flag.COMPRESSED in entry.flags or "compress" in detail, Flag.VOLATILE in entry.flags)


def window_title(st: SessionState | None) -> str:
    """The server (its URL, credentials masked, as the session gives it) and the state."""
    if st is None or not st.url:
        return "socketio-inspector"
    return f"{st.url} — {st.state} — socketio-inspector"


class MainWindow(QMainWindow):
    def __init__(self, bridge: SessionBridge, settings: S.Settings | None = None,
                 parent: QWidget | None = None, *, session_file: str | Path | None = None,
                 record: bool = True):
        """`session_file`: where to record this session (default: a new file in the
        sessions folder); record=False keeps the log in memory only."""
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self.settings = settings or S.Settings()
        appearance.apply_saved(self.settings)     # before the widgets take their colours
        self.setWindowTitle("socketio-inspector")
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)
        self.viewers: list[SessionViewer] = []
        self.jobs: list = []
        self.tasks = Tasks()            # the intent handlers in flight
        self._closing = False
        self._state: SessionState | None = None

        self.connection = ConnectionPanel(self.settings)
        self.namespaces = NamespacePanel(self.settings)
        self.serverAcks = ServerAckPanel()
        self.sequences = SequencePanel()
        self.emitPanel = EmitPanel(self.settings)
        self.recording: LiveRecording | None = None
        startup_note = ""
        if record:
            path = Path(session_file) if session_file else None
            if path is not None and path.exists():
                startup_note = (f"{path} exists already and is never overwritten: "
                                "this session is recorded to a new file")
                path = None
            self.recording = LiveRecording(bridge, path or choose_new_default_path(self.settings),
                                           rename_if_taken=path is None)
        self.model = LogModel(self, fetch=self.recording.fetcher if self.recording else None)
        self.workspace = LogWorkspace(self.model, live=True)
        self.logView, self.detail, self.stats = (self.workspace.logView, self.workspace.detail,
                                                 self.workspace.stats)
        self.timeline = self.workspace.timeline
        self.rawCaptureCheck = QCheckBox("Raw packets", objectName="rawCaptureCheck")
        self.rawCaptureCheck.setToolTip("Log every Engine.IO / Socket.IO packet in and out, as it "
                                        "crosses, linked to the event it carries (Ctrl+R)")
        self.logView.toolbar.insertWidget(1, self.rawCaptureCheck)

        side = QTabWidget(objectName="sideTabs")
        side.addTab(self.namespaces, "Namespaces")
        side.addTab(self.serverAcks, "Server acks")
        side.addTab(self.sequences, "Checks")
        # every tab label in view, whatever squeezes the window (the Scenario dock): the
        # log is what gives way, never the tabs behind scroll arrows
        side.setUsesScrollButtons(False)
        side.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        side.setMinimumWidth(side.tabBar().sizeHint().width() + 4)
        self.sideTabs = side
        self.logSplitter = self.workspace
        self.mainSplitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.mainSplitter.addWidget(side)
        self.mainSplitter.addWidget(self.logSplitter)
        self.mainSplitter.setStretchFactor(1, 1)
        self.mainSplitter.setCollapsible(0, False)
        self.mainSplitter.setCollapsible(1, False)
        self.mainSplitter.setSizes([side.minimumWidth(), 1280 - side.minimumWidth()])
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
        self.messages = MessageLine(self.messageLabel, self)
        self.sessionFileLabel = QLabel(objectName="sessionFileLabel")
        palette.style(self.sessionFileLabel, lambda: f"color: {palette.MUTED.css()}; padding-right: 6px;")
        self.statusBar().addPermanentWidget(self.sessionFileLabel)
        self._show_session_file()
        self._file_timer = QTimer(self, interval=1000)     # a write error shows within a second
        self._file_timer.timeout.connect(self._show_session_file)
        self._file_timer.start()

        self._build_menus()
        self._wire()
        self._restore_layout()
        if startup_note:
            self.show_message(startup_note, error=True)
        self._add_scenario_dock()
        self.server = server_window.install(self)       # the server view (issue 13)
        self.profileBar = profile_window.install(self)
        self.clientsUi = workspace_window.install(self)     # the workspace's clients, the deliveries
        builtin_scenarios.install(self)                      # Scenario > Cheatsheet tour
        self.server.attach_delivery_view(self.clientsUi.deliveries)   # the server's room members beside

    # -- wiring ------------------------------------------------------------------
    def _wire(self) -> None:
        b = self.bridge
        b.entriesReady.connect(self._on_entries)
        b.stateChanged.connect(self._on_state)
        b.statusLine.connect(self._on_status_line)
        b.captureLost.connect(self._capture_lost)
        start, conn, nss = self._start, self.connection, self.namespaces
        # each handler's control says so from the click until its call comes back
        conn.connectRequested.connect(lambda opts: start(
            self.connect_to(opts, session=self.session), "Connection failed",
            conn.in_flight(conn.connectButton, "Connecting…")))
        conn.disconnectRequested.connect(lambda: start(
            self.disconnect(self.session), "Disconnect failed",
            conn.in_flight(conn.disconnectButton, "Disconnecting…")))
        nss.openRequested.connect(lambda ns, auth: start(
            self.open_namespace(ns, auth, self.session), f"Opening {ns} failed",
            nss.in_flight(nss.openNamespaceButton, "Opening…")))
        nss.closeRequested.connect(lambda ns: start(
            self.close_namespace(ns, self.session), f"Closing {ns} failed",
            nss.in_flight(nss.closeNamespaceButton, "Closing…")))
        nss.joinRequested.connect(lambda ns, room: start(
            self.join_room(ns, room, self.session), f"Joining {room} failed",
            nss.in_flight(nss.joinRoomButton, "Joining…")))
        nss.leaveRequested.connect(lambda ns, room: start(
            self.leave_room(ns, room, self.session), f"Leaving {room} failed",
            nss.in_flight(nss.leaveRoomButton, "Leaving…")))
        self.namespaces.roomEventsChanged.connect(
            lambda join, leave: start(self.set_room_events(join, leave, self.session),
                                        "Room events not applied"))
        self.serverAcks.repliesChanged.connect(
            lambda default, by_event: start(self.set_ack_replies(default, by_event, self.session),
                                            "Ack answers not applied"))
        self.sequences.rulesChanged.connect(
            lambda rules: start(self.set_sequence_rules(rules, self.session), "Sequence checks not applied"))
        # the menu's action follows the box at once (in the task, it could be another
        # client's box by then: a client selected meanwhile)
        self.rawCaptureCheck.toggled.connect(self.rawAction.setChecked)
        self.rawCaptureCheck.toggled.connect(lambda on: start(
            self.set_raw_capture(on, self.session), "Raw capture not changed",
            hold(self.rawCaptureCheck, None, _nothing)))
        self.emitPanel.emitRequested.connect(lambda req: start(
            self.emit(req, self.session), f"Emit {req.event} failed", self.emitPanel.in_flight()))
        self.logView.clearRequested.connect(self.clear_log)
        nss.namespaceSelected.connect(self.emitPanel.set_namespace)     # the composer follows the list
        self.logView.reemitRequested.connect(self.reemit)
        self.emitPanel.last_args = lambda name: getattr(self.model.last_incoming(name), "args", None)
        self.workspace.message.connect(self.show_message)
        start(self.set_room_events(self.namespaces.joinEventEdit.text(),
                                   self.namespaces.leaveEventEdit.text()), "Room events not applied")
        if b.state is not None:
            self._on_state(b.state)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.openAction = QAction("&Open session…", self, shortcut=K.OPEN.keys)
        self.openAction.setToolTip("Open a session file (or a JSON Lines export) read-only")
        self.openAction.triggered.connect(self._open_clicked)
        self.importAction = QAction("&Import JSON Lines…", self)
        self.importAction.triggered.connect(self._import_clicked)
        self.exportAllAction = QAction("&Export session as JSON Lines…", self)
        self.exportAllAction.triggered.connect(lambda: self.export(filtered=False))
        self.exportFilteredAction = QAction("Export &shown rows as JSON Lines…", self)
        self.exportFilteredAction.triggered.connect(lambda: self.export(filtered=True))
        self.moveFileAction = QAction("&Move session file…", self)
        self.moveFileAction.setToolTip("Carry on recording this session in a file of your choice")
        self.moveFileAction.triggered.connect(self._move_clicked)
        self.sessionsDirAction = QAction("Session files &folder…", self)
        self.sessionsDirAction.setToolTip("Where new session files go")
        self.sessionsDirAction.triggered.connect(self._folder_clicked)
        for act in (self.exportAllAction, self.exportFilteredAction, self.moveFileAction):
            act.setEnabled(self.recording is not None)
        file_menu.addActions([self.openAction, self.importAction])
        file_menu.addSeparator()
        file_menu.addActions([self.exportAllAction, self.exportFilteredAction])
        file_menu.addSeparator()
        file_menu.addActions([self.moveFileAction, self.sessionsDirAction])
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=K.QUIT.keys)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        conn = self.menuBar().addMenu("&Connection")
        self.connectAction = QAction("&Connect / disconnect", self, shortcut=K.CONNECT.keys)
        self.connectAction.setToolTip(K.CONNECT.does)
        self.connectAction.triggered.connect(self.toggle_connection)
        self.dropAction = QAction("Simulate network &drop", self, shortcut=K.DROP.keys)
        self.dropAction.setToolTip("Cut the transport without a goodbye, as a network failure would")
        self.dropAction.triggered.connect(lambda: self._start(
            self.drop_transport(self.session), "Drop failed", hold(self.dropAction, None, self._update_actions)))
        self.rawAction = QAction("Capture &raw packets", self, shortcut=K.RAW.keys, checkable=True)
        self.rawAction.toggled.connect(lambda on: self.rawCaptureCheck.setChecked(on))
        self.optionsAction = QAction("&Options…", self)
        self.optionsAction.triggered.connect(lambda: self.connection.optionsButton.setChecked(True))
        conn.addActions([self.connectAction, self.dropAction, self.rawAction])
        conn.addSeparator()
        conn.addAction(self.optionsAction)
        view = self.menuBar().addMenu("&View")
        clear = QAction("&Clear log", self, shortcut=K.CLEAR_LOG.keys)
        clear.triggered.connect(self.clear_log)
        latest = QAction("Jump to &latest", self, shortcut=K.FOLLOW.keys)
        latest.triggered.connect(self.logView.table.follow)
        focus_filter = QAction("&Filter the log", self, shortcut=K.FOCUS_FILTER.keys)
        focus_filter.triggered.connect(self.focus_filter)
        focus_event = QAction("Focus the &emit composer", self, shortcut=K.FOCUS_COMPOSER.keys)
        focus_event.triggered.connect(lambda: self.emitPanel.eventEdit.setFocus())
        focus_url = QAction("Focus the &URL", self, shortcut=K.FOCUS_URL.keys)
        focus_url.triggered.connect(lambda: self.connection.urlEdit.setFocus())
        self.detailAction = QAction("Entry &detail pane", self, shortcut=K.DETAIL.keys, checkable=True,
                                    checked=self.workspace.detail_shown())
        self.detailAction.toggled.connect(self.workspace.set_detail_shown)
        self.workspace.detailShownChanged.connect(self._detail_shown)
        self.timelineAction = QAction("Connection &timeline", self, shortcut=K.TIMELINE.keys,
                                      checkable=True, checked=True)
        self.timelineAction.toggled.connect(self.timeline.setVisible)
        view.addActions([clear, latest, focus_filter, focus_event, focus_url])
        view.addSeparator()
        view.addActions([self.detailAction, self.timelineAction])
        view.addSeparator()
        self.schemeMenu = view.addMenu("Colour &scheme")
        self.schemeActions = appearance.scheme_actions(self.schemeMenu, self.settings)
        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keyboard shortcuts", self)
        keys.triggered.connect(self.show_shortcuts)
        about = QAction("&About", self)
        about.setObjectName("aboutAction")
        about.triggered.connect(lambda: show_about(self))
        help_menu.addActions([keys, about])

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def focus_filter(self) -> None:
        edit = self.logView.filterBar.filterEdit
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def toggle_connection(self) -> None:
        """Ctrl+K: the button that applies now, with its rules (disabled while in flight)."""
        conn = self.connection
        button = conn.connectButton if conn.connectButton.isEnabled() else conn.disconnectButton
        if button.isEnabled():
            button.click()

    def _detail_shown(self, shown: bool) -> None:
        if self.detailAction.isChecked() != shown:
            self.detailAction.blockSignals(True)
            self.detailAction.setChecked(shown)
            self.detailAction.blockSignals(False)

    def _add_scenario_dock(self) -> None:
        """The Scenario dock (right of the log, shown when used) and its menu."""
        table = self.logView.table
        self.scenario = ScenarioPanel(
            self.bridge, entries=self.model.entries, row_count=self.model.rowCount,
            selected=lambda: [i.data(EntryRole) for i in table.selectionModel().selectedRows()],
            current_url=lambda: self.connection.urlEdit.text().strip(), connection=self._user_connection)
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
                              ("S&tep", K.STEP.keys, self.scenario.step),
                              ("&Run to end", K.RUN.keys, self.scenario.run_to_end),
                              ("St&op", K.STOP.keys, self.scenario.stop)):
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

    def _user_connection(self) -> tuple:
        """The connection as the user set it: the form's options (None while they are not
        valid) and the auth each namespace was opened with (for the Scenario dock)."""
        try:
            options = self.connection.options()
        except ValueError:
            options = None
        return options, dict(self.session.namespace_auth())

    # -- intent: coroutines on the GUI loop that await the Session on the network loop --
    def _start(self, handler: Coroutine[Any, Any, Any], failed: str,
               release: Callable[[], None] | None = None) -> None:
        """Run an intent handler from a Qt signal; a failure is shown as `failed: why`;
        `release` gives back the control that started it (see panels.busy) when it ends."""
        self.tasks.spawn(handler, lambda error: self._failed(failed, error),
                         expected=USER_ERRORS, name=handler.__qualname__, on_end=release)

    def _failed(self, what: str, error: BaseException) -> None:
        if self._closing:
            return
        why = str(error) or type(error).__name__
        if not isinstance(error, USER_ERRORS):
            why = f"{type(error).__name__}: {why} (a bug in the inspector; the log has the details)"
        self.show_message(f"{what}: {why}", error=True,
                          stale=connected if what == "Connection failed" else None)

    # Each handler takes the client selected when the user asked (`session`, read as the signal
    # fires): the task runs later, perhaps once another client is selected; by default the
    # selected one's (a scenario's or a test's call).
    async def connect_to(self, options: ConnectionOptions, namespaces: list[str] | None = None,
                         session: RemoteSession | None = None) -> None:
        session = session or self.session
        self.show_message("")
        plan = self.profileBar.plan()       # an open profile's namespaces (with auth) and rooms
        plan = self.server.strip(plan)      # the admin namespace is the server view's to open
        result = await self.bridge.call(session.connect(
            options, namespaces or (plan.namespaces if plan else None), plan.ns_auth if plan else None))
        refused = {ns: r for ns, r in (result or {}).items() if isinstance(r, Exception)}
        if refused:
            stale = [namespace_settled(ns) for ns in refused]
            self.show_message("; ".join(f"{ns}: {r}" for ns, r in refused.items()), error=True,
                              stale=lambda st: all(s(st) for s in stale))
        for ns, rooms in (plan.rooms if plan else {}).items():
            if ns in (result or {}) and not isinstance(result[ns], Exception):
                for room in rooms:
                    await self.join_room(ns, room, session)

    async def disconnect(self, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).disconnect())

    async def drop_transport(self, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).drop_transport())

    async def open_namespace(self, ns: str, auth: Any = None, session: RemoteSession | None = None) -> None:
        result = await self.bridge.call((session or self.session).open_namespace(ns, auth))
        if isinstance(result, Exception):     # refused, or no answer in time
            self.show_message(str(result) or type(result).__name__, error=True, stale=namespace_settled(ns))

    async def close_namespace(self, ns: str, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).close_namespace(ns))

    async def join_room(self, ns: str, room: str, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).join_room(ns, room))

    async def leave_room(self, ns: str, room: str, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).leave_room(ns, room))

    async def emit(self, req: EmitRequest, session: RemoteSession | None = None) -> None:
        result = await self.bridge.call((session or self.session).emit(
            req.ns, req.event, req.args, ack=req.ack, timeout=req.timeout,
            compress=req.compress, volatile=req.volatile))
        if result.outcome == EmitOutcome.BUFFERED:
            self.show_message("Not connected: the emit is held and goes out when the namespace is back",
                              stale=namespace_settled(req.ns))
        elif result.outcome == EmitOutcome.DROPPED:
            self.show_message("Volatile emit dropped: the transport was not ready", error=True)
        elif result.outcome == EmitOutcome.QUEUED:
            self.show_message("Retries on: the emit waits until the ones before it are acked")
        else:
            self.show_message("")

    def reemit(self, entry: LogEntry, edit: bool) -> None:
        """A log row's event sent again (an incoming one: back to the server), or put in the
        composer to be changed first."""
        form = form_of(entry)
        if edit:
            self.emitPanel.set_form(form, entry.ns or "/")
            self.emitPanel.eventEdit.setFocus()
            return
        ack = entry.dir == OUT and entry.ack_id is not None
        req = EmitRequest(entry.ns or "/", entry.event, list(entry.args or []), ack,
                          (entry.detail or {}).get("timeout_s") if ack else FROM_OPTIONS,
                          form.compress, form.volatile)
        self.emitPanel.remember(req.ns, form)
        self._start(self.emit(req, self.session), f"Emit {req.event} failed", self.emitPanel.in_flight())

    def show_message(self, text: str, error: bool = False, *, stale: Stale | None = None,
                     lasts: float | None = None) -> None:
        """The status bar's message, until it is no longer true (message_line.py): news goes
        after a while, an error when `stale(state)` says so or another message comes."""
        self.messages.show(text, error, stale=stale, lasts=lasts)

    async def set_raw_capture(self, on: bool, session: RemoteSession | None = None) -> None:
        await self.bridge.call_fn((session or self.session).set_raw_capture, on)

    async def set_room_events(self, join: str, leave: str, session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).set_room_events(join, leave))

    async def set_ack_replies(self, default: AckReply, by_event: dict[str, AckReply],
                              session: RemoteSession | None = None) -> None:
        await self.bridge.call((session or self.session).set_ack_replies(default, by_event))

    async def set_sequence_rules(self, rules: list, session: RemoteSession | None = None) -> None:
        await self.bridge.call_fn((session or self.session).set_sequence_rules, rules)

    # -- what the session reports -------------------------------------------------
    def clear_log(self) -> None:
        """A fresh start of the view (the session file keeps everything): the rows, the
        entry shown in the detail pane, the statistics; the timeline goes on from now for
        the namespaces still connected, every client's (workspace_window.py)."""
        self.model.clear()
        if hasattr(self, "clientsUi"):
            up = self.clientsUi.connected_namespaces()
        else:
            up = [(None, v.name) for v in (self._state.namespaces if self._state else ())
                  if v.state == NamespaceState.CONNECTED]
        # one seq for every client's entries: the last the window was handed
        self.timeline.carry_on(up, time.time(), self.bridge.session.last_seq)
        self.detail.show_entry(None)
        self.stats.refresh_soon()

    def _on_entries(self, chunk: Chunk) -> None:
        first = self.model.rowCount()
        self.model.append_chunk(chunk)
        self.timeline.add(chunk.entries)
        # the composer offers the names of the events the server sent: looked for in the
        # new rows only (the whole log, at every new name, was a full scan per batch)
        self.emitPanel.note_events(self.model.incoming_event_names(first))

    def _on_state(self, st: SessionState) -> None:
        self.setWindowTitle(window_title(st))
        self.messages.state_changed(st)
        if hasattr(self, "clientsUi") and not self.clientsUi.shows_first():
            return          # the panels show another client (its states: workspace_window.py)
        self.connection.set_state(st, self.bridge.status_line)
        self.namespaces.set_state(st)
        self.emitPanel.set_state(st)
        self._state = st
        self._update_actions()

    def _on_status_line(self, st: SessionState) -> None:
        """The status line ahead of the rows still being shown (bridge.statusLine)."""
        if hasattr(self, "clientsUi") and not self.clientsUi.shows_first():
            return
        self.connection.show_status(st)

    def _capture_lost(self, reason: str) -> None:
        """The capture process is gone (the log's last row and the status line say so): what
        the user typed stays; calls now fail with a message saying why."""
        self.show_message(f"Capture stopped: {reason}", error=True)

    def _update_actions(self) -> None:
        st = self._state
        if st is None:
            return
        self.dropAction.setEnabled(st.state == ConnectionState.CONNECTED and not is_busy(self.dropAction))

    # -- session files ---------------------------------------------------------------
    def _show_session_file(self) -> None:
        rec = self.recording
        if rec is None:
            self.sessionFileLabel.setText("Not recorded to a file")
            return
        if rec.writer.error:
            self.sessionFileLabel.setText("Session file: NOT WRITTEN")
            palette.style(self.sessionFileLabel, lambda: f"color: {palette.ERROR.css()}; padding-right: 6px;")
            self.sessionFileLabel.setToolTip(rec.writer.error)
            return
        self.sessionFileLabel.setText(f"Session file: {rec.path.name}")
        self.sessionFileLabel.setToolTip(f"Every entry is recorded to {rec.path}\n"
                                         "(File > Move session file… to keep it elsewhere)")

    def open_session(self, path: str | Path) -> SessionViewer | None:
        """Show a session file read-only in a window of its own (a .jsonl file is imported first)."""
        path = Path(path)
        if path.suffix.lower() in (".jsonl", ".json"):
            self.import_jsonl(path)
            return None
        viewer = SessionViewer(path)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.viewers.append(viewer)
        viewer.show()
        return viewer

    def import_jsonl(self, src: str | Path) -> None:
        def done(dest: Path) -> None:
            self.show_message(f"Imported {Path(src).name} into {dest}")
            self.open_session(dest)
        self.jobs.append(start_import(self, Path(src), sessions_dir(self.settings), done,
                                      lambda m: self.show_message(f"Import failed: {m}", error=True)))

    def export(self, filtered: bool, dest: str | Path | None = None):
        if self.recording is None:
            return None
        dest = Path(dest) if dest else ask_export_path(
            self, str(Path.home() / self.recording.path.with_suffix(".jsonl").name))
        if dest is None:
            return None
        shown = shown_rows(self.model, self.logView) if filtered else None
        rec = self.recording
        job = export_session(
            self, lambda: rec.path, dest, shown, rec.writer.flush,
            lambda n: (workspace_window.export_deliveries(rec.path, dest) if not filtered else None,
                       self.show_message(f"Exported {plural(n, 'entry')} to {dest}")),
            lambda m: self.show_message(f"Export failed: {m}", error=True))
        self.jobs.append(job)
        return job

    def move_session_file(self, dest: str | Path) -> Job:
        """Carry on recording in `dest` (the copy runs off the GUI thread, with progress)."""
        writer = self.recording.writer

        def work(_report, _deliver) -> Path:
            writer.move_to(Path(dest), timeout=600.0)
            return Path(dest)

        def done(path: Path) -> None:
            self._show_session_file()
            self.show_message(f"Recording to {path}")

        job = run_with_progress(self, f"Moving the session file to {Path(dest).name}…", work,
                                on_done=done,
                                on_error=lambda m: self.show_message(m, error=True))
        self.jobs.append(job)
        return job

    def _open_clicked(self) -> None:
        if self.recording is not None:      # the live session's file at its current size
            self.recording.writer.checkpoint(2.0)
        name, _ = QFileDialog.getOpenFileName(self, "Open a session", str(sessions_dir(self.settings)),
                                              SESSION_FILTER)
        if name:
            self.open_session(name)

    def _import_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import JSON Lines", str(Path.home()), JSONL_FILTER)
        if name:
            self.import_jsonl(name)

    def _move_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Record this session to", str(self.recording.path),
                                              "Session files (*.sqlite)")
        if name:
            self.move_session_file(name)

    def _folder_clicked(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Session files folder", str(sessions_dir(self.settings)))
        if name:
            self.settings.set(S.SESSIONS_DIR, name)
            self.show_message(f"New sessions will be recorded in {name}")

    # -- layout persistence ---------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.get(S.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        sizes = self.settings.get(S.SPLITTERS)
        if sizes:
            try:
                for splitter, part in zip(self._splitters(), sizes.split(";"), strict=False):
                    saved = [int(x) for x in part.split(",")]
                    if len(saved) != splitter.count():   # a layout from another version is ignored
                        continue
                    if splitter is self.workspace:
                        self.workspace.restore(saved, self.settings.get(S.DETAIL_SIZE))
                    else:
                        splitter.setSizes(saved)
            except ValueError:
                pass

    def _splitters(self) -> list[QSplitter]:
        return [self.logSplitter, self.mainSplitter, self.centerSplitter]

    def closeEvent(self, event) -> None:  # noqa: N802
        self.settings.set(S.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(S.SPLITTERS, ";".join(",".join(str(s) for s in sp.sizes())
                                                 for sp in self._splitters()))
        ws = self.workspace
        self.settings.set(S.DETAIL_SIZE, ws.sizes()[2] if ws.detail_shown() else ws.detail_size)
        self.connection.save()
        self.settings.sync()
        self._closing = True            # what is still in flight is not reported any more
        self.tasks.cancel_all()
        for job in self.jobs:
            job.cancel()
        for viewer in self.viewers:
            viewer.close()
        if self.recording is not None:
            # the capture process says goodbye to the server, then finishes the session file
            # (so it ends with the disconnect rows) and ends: waited for here
            self.bridge.close()
            self.recording.stop()
        super().closeEvent(event)
