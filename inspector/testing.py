"""Drive the real inspector window from pytest-qt tests.

    pytest_plugins = ["inspector.testing"]

    def test_echo(inspector):                  # the window, on the bundled demo server
        inspector.connect()
        inspector.emit("echo", {"n": 1}, ack=True)
        answer = inspector.wait_for(kind="ack", event="echo")
        assert answer.args == [{"n": 1}]

`InspectorDriver` clicks and types into the widgets by their objectNames,
as a user would, and waits (polling, with generous timeouts) for what the
log shows; `wait_idle()` waits until the calls the window made came back.
Use `inspector_at(url)` for a server of your own.  Both run the window on
the asyncio loop the app ships with (qasync's, see inspector.ui.event_loop),
which pytest-qt's waits run.

The Scenario dock is driven the same way: `save_scenario(path)` records the
session through the Save dialog, `open_scenario(path)` loads a file (what the
Open dialog would do), `step_scenario()` / `run_scenario()` press Step / Run to
end, and `scenario_steps()` is the step list as shown (status, step, time).
"""
from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLineEdit, QPlainTextEdit, QPushButton

from inspector.log.entry import IN, Kind, LogEntry
from inspector.scenarios.runner import StepOutcome
from inspector.session.state import NamespaceState
from inspector.ui.bridge import NetworkThread, SessionBridge, start_capture, wait_for
from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop
from inspector.ui.log.model import EntryRole
from inspector.ui.main_window import MainWindow
from inspector.ui.panels.busy import is_busy
from inspector.ui.profile_window import PROFILES_DIR
from inspector.ui.scenario.model import COL_STEP, COL_TIME, StepProgress
from inspector.ui.settings import DATA_DIR, SESSIONS_DIR, Settings
from inspector.wire.payload import to_jsonable

DEFAULT_TIMEOUT = 10.0

try:        # pytest-qt's waitUntil raises its own TimeoutError (an Exception, not an AssertionError)
    from pytestqt.exceptions import TimeoutError as _QtWaitTimeout
except ImportError:  # pragma: no cover
    _QtWaitTimeout = AssertionError
_WAIT_FAILED = (AssertionError, _QtWaitTimeout)


class InspectorDriver:
    def __init__(self, qtbot, url: str | None = None, *, demo: bool = False,
                 settings_dir: str | Path | None = None):
        self.qtbot = qtbot
        self.network = NetworkThread().start()
        self.demo = None
        if demo:
            from inspector.demo.server import DemoServer
            self.demo = DemoServer(tick_interval=0)
            url = self.network.submit(self.demo.start()).result(10)
        self.url = url
        self._tmp = None
        if settings_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="inspector-test-")
            settings_dir = self._tmp.name
        Path(settings_dir).mkdir(parents=True, exist_ok=True)
        qsettings = QSettings(str(Path(settings_dir) / "settings.ini"), QSettings.Format.IniFormat)
        settings = Settings(qsettings)
        # session files of tests go next to their settings, never to the user's data directory
        if not settings.get(SESSIONS_DIR):
            settings.set(SESSIONS_DIR, str(Path(settings_dir) / "sessions"))
        if not settings.get(PROFILES_DIR):      # and their profiles too
            settings.set(PROFILES_DIR, str(Path(settings_dir) / "config"))
        if not settings.get(DATA_DIR):          # the composer's history and templates too
            settings.set(DATA_DIR, str(Path(settings_dir) / "data"))
        # the window attaches to a capture process of its own, as the app's does
        self.bridge = SessionBridge(start_capture())
        self.session = self.bridge.session
        self.window = MainWindow(self.bridge, settings)
        qtbot.addWidget(self.window)
        if url:
            self.window.connection.urlEdit.setText(url)
        self.window.show()

    # -- finding widgets -------------------------------------------------------
    def widget(self, name: str, kind=None):
        w = self.window.findChild(kind or object, name)
        if w is None:
            raise LookupError(f"no widget named {name!r}")
        return w

    def click(self, name: str) -> None:
        """Click a button; while its last call is in flight (it says so), wait for it, as a
        user would."""
        button = self.widget(name, QPushButton)
        if is_busy(button):
            try:
                self.qtbot.waitUntil(lambda: not is_busy(button), timeout=int(DEFAULT_TIMEOUT * 1000))
            except AssertionError:
                raise AssertionError(f"{name} still says {button.text()!r} after "
                                     f"{DEFAULT_TIMEOUT:g} s") from None
        if not button.isEnabled():
            raise AssertionError(f"{name} is disabled: {button.toolTip() or 'no reason shown'}")
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def type_into(self, name: str, text: str) -> None:
        w = self.widget(name)
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(text)
        elif isinstance(w, QLineEdit):
            w.clear()
            self.qtbot.keyClicks(w, text)
        else:
            raise TypeError(f"{name} is not a text field")

    def set_checked(self, name: str, on: bool) -> None:
        self.widget(name, QCheckBox).setChecked(on)

    # -- what the user sees ------------------------------------------------------
    @property
    def status(self) -> str:
        return self.widget("statusLabel").text()

    @property
    def message(self) -> str:
        return self.window.messageLabel.text()

    def entries(self) -> list[LogEntry]:
        return list(self.window.model.entries())

    def shown_entries(self) -> list[LogEntry]:
        """The rows the table shows (after the filter bar), in order."""
        shown = self.window.logView.filtered
        return [shown.entry(r) for r in range(shown.rowCount())]

    @property
    def session_file(self) -> Path | None:
        rec = self.window.recording
        return rec.path if rec is not None else None

    def flush_session_file(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until every entry so far is committed to the session file."""
        assert self.window.recording.writer.flush(timeout), "the session file was not written"

    def find(self, **match) -> list[LogEntry]:
        return [e for e in self.entries() if _matches(e, match)]

    def wait_for(self, timeout: float = DEFAULT_TIMEOUT, count: int = 1,
                 where: Callable[[LogEntry], bool] | None = None, **match) -> LogEntry:
        """Wait until `count` rows match (fields equal to `match`, e.g. kind="ack",
        event="echo", dir="in", ns="/chat"; `args` compared as JSON); returns the last."""
        found: list[LogEntry] = []

        def check() -> bool:
            found[:] = [e for e in self.entries() if _matches(e, match) and (where is None or where(e))]
            return len(found) >= count

        try:
            self.qtbot.waitUntil(check, timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(
                f"waited {timeout:g} s for {count} row(s) matching {match}; found {len(found)}. "
                f"Last rows: {[e.to_jsonl()[:160] for e in self.entries()[-8:]]}") from None
        return found[count - 1]

    def wait_for_event(self, event: str, ns: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                       **match) -> LogEntry:
        match.setdefault("dir", IN)
        if ns is not None:
            match["ns"] = ns
        return self.wait_for(timeout=timeout, kind=Kind.EVENT, event=event, **match)

    def wait_for_status(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        try:
            self.qtbot.waitUntil(lambda: text in self.status, timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(f"status never said {text!r}; it says {self.status!r}") from None
        return self.status

    def wait_idle(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until no handler the window started is in flight (its call came back)."""
        try:
            self.qtbot.waitUntil(lambda: not self.window.tasks.running, timeout=int(timeout * 1000))
        except AssertionError:
            raise AssertionError(f"still in flight after {timeout:g} s: "
                                 f"{sorted(t.get_name() for t in self.window.tasks.running)}") from None

    # -- what the user does --------------------------------------------------------
    def connect(self, url: str | None = None, *, transport: str | None = None,
                auth: Any = None, timeout: float = DEFAULT_TIMEOUT) -> str:
        panel = self.window.connection
        if url or self.url:
            panel.urlEdit.setText(url or self.url)
        if transport is not None:
            panel.transportCombo.setCurrentIndex(panel.transportCombo.findData(transport))
        if auth is not None:
            panel.authEdit.setText(json.dumps(auth))
        self.click("connectButton")
        return self.wait_for_status("Connected", timeout)

    def disconnect(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.click("disconnectButton")
        self.wait_for_status("Disconnected", timeout)

    def open_namespace(self, ns: str, auth: Any = None, *, expect: str = NamespaceState.CONNECTED,
                       timeout: float = DEFAULT_TIMEOUT) -> None:
        self.type_into("namespaceEdit", ns)
        self.widget("nsAuthEdit").setText(json.dumps(auth) if auth is not None else "")
        self.click("openNamespaceButton")
        self.wait_for_namespace(ns, expect, timeout)

    def wait_for_namespace(self, ns: str, state: str = NamespaceState.CONNECTED,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
        shown = self.window.namespaces.namespace_states
        try:
            self.qtbot.waitUntil(lambda: shown().get(ns) == state, timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(f"{ns} never became {state}; the list shows {shown()}") from None

    def select_namespace(self, ns: str) -> None:
        lst = self.window.namespaces.namespaceList
        for i in range(lst.count()):
            if lst.item(i).data(Qt.ItemDataRole.UserRole) == ns:
                lst.setCurrentRow(i)
                return
        raise LookupError(f"{ns} is not in the namespace list")

    def join(self, room: str, ns: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> LogEntry:
        """Join a room; returns the server's ack row."""
        if ns is not None:
            self.select_namespace(ns)
        ns = ns or self.window.namespaces.current_namespace()
        event = self.window.session.rooms.join_event        # the selected client's
        before = len(self.find(kind=Kind.ACK, event=event, ns=ns, dir=IN))
        self.type_into("roomEdit", room)
        self.click("joinRoomButton")
        return self.wait_for(timeout, count=before + 1, kind=Kind.ACK, dir=IN, ns=ns,
                             event=event)

    def leave(self, room: str, ns: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> LogEntry:
        """Leave a room; returns the server's ack row."""
        if ns is not None:
            self.select_namespace(ns)
        ns = ns or self.window.namespaces.current_namespace()
        event = self.window.session.rooms.leave_event       # the selected client's
        before = len(self.find(kind=Kind.ACK, event=event, ns=ns, dir=IN))
        self.type_into("roomEdit", room)
        self.click("leaveRoomButton")
        return self.wait_for(timeout, count=before + 1, kind=Kind.ACK, dir=IN, ns=ns, event=event)

    def emit(self, event: str, *args: Any, ns: str = "/", ack: bool = False,
             timeout: float | None = 5.0, compress: bool = True, volatile: bool = False,
             args_text: str | None = None) -> None:
        """Fill the composer and click Emit; args are Python values (bytes allowed),
        or give the exact text with args_text."""
        panel = self.window.emitPanel
        panel.namespaceCombo.setCurrentText(ns)
        self.type_into("eventEdit", event)
        text = args_text if args_text is not None else "\n".join(
            json.dumps(to_jsonable(a)) for a in args)
        self.type_into("argsEdit", text)
        self.set_checked("ackCheck", ack)
        panel.ackTimeoutSpin.setValue(-1.0 if timeout is None else timeout)   # its "no timeout"
        self.set_checked("compressCheck", compress)
        self.set_checked("volatileCheck", volatile)
        self.click("emitButton")

    # -- several clients (the Clients tab) ----------------------------------------------
    def clients(self) -> list[str]:
        """The client list's names, in order."""
        return [r["name"] for r in self.window.clientsUi.rows]

    def add_client(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Click Add in the Clients tab; the new client's name (the next of alice, bob, ...)."""
        before = self.clients() or ["alice"]
        self.click("addClientButton")
        try:
            self.qtbot.waitUntil(lambda: len(self.clients()) == len(before) + 1, timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(f"no client was added; the list shows {self.clients()}") from None
        return self.clients()[-1]

    def client(self, name: str) -> "InspectorDriver":
        """Select a client in the list: what the driver does next acts on it
        (`ui.client("bob").emit(...)`)."""
        ui = self.window.clientsUi
        ui.panel.select(name)
        key = ui.key_of(name)
        self.qtbot.waitUntil(lambda: ui.key == key, timeout=int(DEFAULT_TIMEOUT * 1000))
        return self

    def delivery_cells(self) -> list[dict[str, str]]:
        """The delivery view as the user reads it: a row per delivery, event -> and each
        client's cell text."""
        ui = self.window.clientsUi
        ui.refresh_now()
        view = ui.deliveries
        table = view.table
        heads = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
        return [{h: table.item(i, j).text() for j, h in enumerate(heads)} for i in range(table.rowCount())]

    # -- scenarios (the Scenario dock) ------------------------------------------------
    @property
    def scenario_panel(self):
        return self.window.scenario

    def open_scenario(self, path: str | Path, url: str | None = None) -> list[str]:
        """Open a scenario file in the Scenario dock (what Open… does after its file dialog);
        `url` goes into its Server field. Returns the step labels shown. When the file is
        refused, raises AssertionError with the problems the dock shows (file:line: what)."""
        self.window.scenarioDock.show()
        if not self.scenario_panel.open_scenario(str(path)):
            raise AssertionError(self.widget("scenarioMessage").toPlainText())
        if url is not None:
            self.type_into("scenarioUrlEdit", url)
        return [label for _status, label, _time in self.scenario_steps()]

    def scenario_steps(self) -> list[tuple[str, str, str]]:
        """The step list as shown: (status, step, time) per row, the connection first; status is
        pending, running, passed, failed, skipped or stopped."""
        model = self.widget("scenarioSteps").model()
        return [(model.status(r), model.index(r, COL_STEP).data(), model.index(r, COL_TIME).data() or "")
                for r in range(model.rowCount())]

    @property
    def scenario_summary(self) -> str:
        return self.widget("scenarioSummary").text()

    @property
    def scenario_message(self) -> str:
        """What the dock says about the selected (or failed) step."""
        return self.widget("scenarioMessage").toPlainText()

    def step_scenario(self, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, str, str]:
        """Press Step and wait for that step to end; returns its row."""
        self.click("stepButton")
        row = next((i for i, (st, _l, _t) in enumerate(self.scenario_steps()) if st == StepProgress.RUNNING), None)
        self._wait_scenario_idle(timeout)
        return self.scenario_steps()[row] if row is not None else ("", "", "")

    def run_scenario(self, timeout: float = 30.0) -> bool:
        """Press Run to end and wait until it stops; True when every step passed."""
        self.click("runButton")
        self._wait_scenario_idle(timeout, until_end=True)
        return all(st == StepOutcome.PASSED for st, _l, _t in self.scenario_steps())

    def _wait_scenario_idle(self, timeout: float, until_end: bool = False) -> None:
        panel = self.scenario_panel

        def idle() -> bool:
            if panel.running:
                return False
            return not until_end or all(st not in (StepProgress.PENDING, StepProgress.RUNNING)
                                        for st, _l, _t in self.scenario_steps())
        try:
            self.qtbot.waitUntil(idle, timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(f"the scenario did not stop within {timeout:g} s: "
                                 f"{self.scenario_steps()}; {self.scenario_summary}") from None

    def save_scenario(self, path: str | Path, *, events: str = "all", loose: bool = False,
                      include_secrets: bool = False, name: str | None = None,
                      timeout: float = DEFAULT_TIMEOUT, exact: bool = False,
                      unsolicited: bool = False) -> str:
        """Save the session as a scenario through the Save dialog; returns the file's text.
        events: "all" incoming events, the "selected" log rows, or "none"."""
        path = Path(path)
        self.window.scenarioDock.show()
        self.click("saveScenarioButton")
        # the one on screen: an earlier one, closed, may wait for its deferred delete
        dialog = next(d for d in self.window.findChildren(QDialog, "saveScenarioDialog") if d.isVisible())
        dialog.pathEdit.setText(str(path))
        if name is not None:
            dialog.nameEdit.setText(name)
        combo = dialog.eventsCombo
        combo.setCurrentIndex(combo.findData(events))
        dialog.looseCheck.setChecked(loose)
        dialog.secretsCheck.setChecked(include_secrets)
        dialog.exactCheck.setChecked(exact)
        dialog.unsolicitedCheck.setChecked(unsolicited)
        before = self.scenario_summary
        confirm = dialog.findChild(QPushButton, "saveScenarioConfirm")
        if not confirm.isEnabled():
            raise AssertionError(f"saveScenarioConfirm is disabled: {confirm.toolTip() or 'no reason shown'}")
        self.qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
        try:
            self.qtbot.waitUntil(lambda: self.scenario_summary != before and self.scenario_summary.startswith(
                ("Saved", "Not saved")) and (str(path) in self.scenario_summary
                                               or self.scenario_summary.startswith("Not saved")),
                timeout=int(timeout * 1000))
        except _WAIT_FAILED:
            raise AssertionError(f"the scenario was not saved: {self.scenario_summary}") from None
        if not self.scenario_summary.startswith("Saved"):
            raise AssertionError(self.scenario_summary)
        return path.read_text(encoding="utf-8")

    def select_rows(self, entries: list[LogEntry]) -> None:
        """Select these entries' rows in the log (as a user would with Ctrl+click)."""
        from PySide6.QtCore import QItemSelectionModel
        table = self.widget("logView")
        model, sel = table.model(), table.selectionModel()
        sel.clearSelection()
        wanted = {e.seq for e in entries}
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(EntryRole).seq in wanted:
                sel.select(index, QItemSelectionModel.SelectionFlag.Select
                           | QItemSelectionModel.SelectionFlag.Rows)

    def capture_info(self, timeout: float = DEFAULT_TIMEOUT) -> dict:
        """What the capture process says of its Session (last_seq, sid, session_file...)."""
        return wait_for(self.bridge.client.call("info"), timeout)

    def close(self) -> None:
        """Disconnect, stop the demo server, close the window; a goodbye that failed or
        hung is the inspector's fault, so it fails the test (once everything is closed)."""
        failed = []
        try:
            # detach: the capture process disconnects, finishes the session file and ends
            code = self.bridge.close(DEFAULT_TIMEOUT)
            if code and self.bridge.lost is None:
                failed.append(f"the capture process ended with exit status {code}")
            if self.demo is not None:
                error = self.network.settle(self.demo.stop(), DEFAULT_TIMEOUT)
                if error is not None:
                    failed.append(f"stopping the demo server: {type(error).__name__}: {error}")
        finally:
            self.window.close()
            self.network.stop()
            if self._tmp is not None:
                self._tmp.cleanup()
        if failed:
            raise AssertionError("closing the inspector failed: " + "; ".join(failed))


def _matches(e: LogEntry, match: dict) -> bool:
    for key, want in match.items():
        if key == "flag":
            if want not in e.flags:
                return False
            continue
        got = getattr(e, key)
        if key == "args":
            if json.dumps(to_jsonable(got), sort_keys=True) != json.dumps(to_jsonable(want), sort_keys=True):
                return False
        elif got != want:
            return False
    return True


# -- pytest fixtures (enabled with pytest_plugins = ["inspector.testing"]) ------------
try:
    import pytest
except ImportError:  # pragma: no cover
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="session")
    def qasync_loop(qapp):
        """The asyncio loop the app runs its window on: qasync's, installed once, as app.py
        installs it (inspector.ui.event_loop).  pytest-qt's waits (`qtbot.wait`,
        `waitUntil`: a nested Qt event loop) run its callbacks, as QApplication.exec()
        does in the app."""
        loop = install_qasync_loop(qapp)
        asyncio.events._set_running_loop(None)       # the running loop only in GUI tests
        yield loop
        asyncio.events._set_running_loop(loop)
        close_qasync_loop(loop, qapp)                # as app.py does once exec() returned

    @pytest.fixture
    def gui_asyncio_loop(qapp, qasync_loop):
        """qasync_loop as the GUI thread's running loop for this test, so the window's
        handlers run (outside GUI tests it is not: a plain test's asyncio.run() works)."""
        asyncio.events._set_running_loop(qasync_loop)
        asyncio.set_event_loop(qasync_loop)
        try:
            yield qasync_loop
            _end_leftover_tasks(qasync_loop, qapp)
        finally:
            asyncio.events._set_running_loop(None)
            asyncio.set_event_loop(None)

    @pytest.fixture
    def inspector(qtbot, tmp_path, gui_asyncio_loop):
        """The main window on the bundled demo server (started in-process on 127.0.0.1:0)."""
        driver = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
        yield driver
        driver.close()

    @pytest.fixture
    def inspector_at(qtbot, tmp_path, gui_asyncio_loop):
        """A factory: inspector_at(url) gives a driver on a server of your own."""
        drivers: list[InspectorDriver] = []

        def make(url: str) -> InspectorDriver:
            driver = InspectorDriver(qtbot, url, settings_dir=tmp_path / f"d{len(drivers)}")
            drivers.append(driver)
            return driver
        yield make
        for d in drivers:
            d.close()


def _end_leftover_tasks(loop: asyncio.AbstractEventLoop, qapp) -> None:
    """Handlers still in flight when the test's windows closed: cancelled, and let end."""
    left = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in left:
        task.cancel()
    for _ in range(200):
        if all(t.done() for t in left):
            return
        qapp.processEvents()
