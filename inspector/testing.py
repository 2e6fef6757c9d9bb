"""Drive the real inspector window from pytest-qt tests.

    pytest_plugins = ["inspector.testing"]

    def test_echo(inspector):                  # the window, on the bundled demo server
        inspector.connect()
        inspector.emit("echo", {"n": 1}, ack=True)
        answer = inspector.wait_for(kind="ack", event="echo")
        assert answer.args == [{"n": 1}]

`InspectorDriver` clicks and types into the widgets by their objectNames,
as a user would, and waits (polling, with generous timeouts) for what the
log shows.  Use `inspector_at(url)` for a server of your own.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QPushButton

from .core.entries import LogEntry
from .core.payload import to_jsonable
from .core.session import Session
from .ui.bridge import NetworkThread, SessionBridge
from .ui.main_window import MainWindow
from .ui.settings import SESSIONS_DIR, Settings

DEFAULT_TIMEOUT = 10.0


class InspectorDriver:
    def __init__(self, qtbot, url: str | None = None, *, demo: bool = False,
                 settings_dir: str | Path | None = None):
        self.qtbot = qtbot
        self.network = NetworkThread().start()
        self.demo = None
        if demo:
            from .demo_server import DemoServer
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
        self.session = Session()
        self.bridge = SessionBridge(self.session, self.network)
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
        button = self.widget(name, QPushButton)
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
        except AssertionError:
            raise AssertionError(
                f"waited {timeout:g} s for {count} row(s) matching {match}; found {len(found)}. "
                f"Last rows: {[e.to_jsonl()[:160] for e in self.entries()[-8:]]}") from None
        return found[count - 1]

    def wait_for_event(self, event: str, ns: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                       **match) -> LogEntry:
        match.setdefault("dir", "in")
        if ns is not None:
            match["ns"] = ns
        return self.wait_for(timeout=timeout, kind="event", event=event, **match)

    def wait_for_status(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        try:
            self.qtbot.waitUntil(lambda: text in self.status, timeout=int(timeout * 1000))
        except AssertionError:
            raise AssertionError(f"status never said {text!r}; it says {self.status!r}") from None
        return self.status

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

    def open_namespace(self, ns: str, auth: Any = None, *, expect: str = "connected",
                       timeout: float = DEFAULT_TIMEOUT) -> None:
        self.type_into("namespaceEdit", ns)
        self.widget("nsAuthEdit").setText(json.dumps(auth) if auth is not None else "")
        self.click("openNamespaceButton")
        self.wait_for_namespace(ns, expect, timeout)

    def wait_for_namespace(self, ns: str, state: str = "connected",
                           timeout: float = DEFAULT_TIMEOUT) -> None:
        shown = self.window.namespaces.namespace_states
        try:
            self.qtbot.waitUntil(lambda: shown().get(ns) == state, timeout=int(timeout * 1000))
        except AssertionError:
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
        before = len(self.find(kind="ack", event=self.session.rooms.join_event, ns=ns, dir="in"))
        self.type_into("roomEdit", room)
        self.click("joinRoomButton")
        return self.wait_for(timeout, count=before + 1, kind="ack", dir="in", ns=ns,
                             event=self.session.rooms.join_event)

    def leave(self, room: str, ns: str | None = None) -> None:
        if ns is not None:
            self.select_namespace(ns)
        self.type_into("roomEdit", room)
        self.click("leaveRoomButton")

    def emit(self, event: str, *args: Any, ns: str = "/", ack: bool = False,
             timeout: float = 5.0, compress: bool = False, volatile: bool = False,
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
        panel.ackTimeoutSpin.setValue(timeout)
        self.set_checked("compressCheck", compress)
        self.set_checked("volatileCheck", volatile)
        self.click("emitButton")

    def close(self) -> None:
        try:
            self.network.submit(self.session.disconnect()).result(10)
        except Exception:
            pass
        if self.demo is not None:
            try:
                self.network.submit(self.demo.stop()).result(10)
            except Exception:
                pass
        self.bridge.close()
        self.window.close()
        self.network.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


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
    @pytest.fixture
    def inspector(qtbot, tmp_path):
        """The main window on the bundled demo server (started in-process on 127.0.0.1:0)."""
        driver = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
        yield driver
        driver.close()

    @pytest.fixture
    def inspector_at(qtbot, tmp_path):
        """A factory: inspector_at(url) gives a driver on a server of your own."""
        drivers: list[InspectorDriver] = []

        def make(url: str) -> InspectorDriver:
            driver = InspectorDriver(qtbot, url, settings_dir=tmp_path / f"d{len(drivers)}")
            drivers.append(driver)
            return driver
        yield make
        for d in drivers:
            d.close()
