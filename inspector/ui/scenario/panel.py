"""The Scenario dock: save the session as a scenario, open one, run it step by step or to the end.

The runner works in the capture process (capture/remote_runner.py), on the
window's own Session, so what a scenario sends and receives is in the log as
usual; this panel lists the steps with their pass / fail, time and message.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.capture.remote_runner import RemoteRunner, remote_clients, remote_context
from inspector.log.entry import LogEntry
from inspector.log.words import duration, duration_ms, plural
from inspector.scenarios import file as scenario_file
from inspector.scenarios import recorded_clients, recorder
from inspector.scenarios.runner import FAILED, SKIPPED, StepResult
from inspector.ui import palette
from inspector.ui.bridge import SessionBridge
from inspector.ui.panels.json_field import monospace_font
from inspector.ui.scenario.model import COL_MARK, COL_STEP, COL_TIME, RUNNING, STOPPED, StepListModel
from inspector.ui.tasks import Tasks

MAX_RECORDED_ROWS = 50_000     # a log longer than this is not read back into a scenario

class SaveScenarioDialog(QDialog):
    """Where to save, which incoming events become expectations, and whether secrets go in."""

    def __init__(self, selected_rows: int, parent: QWidget | None = None):
        super().__init__(parent, objectName="saveScenarioDialog")
        self.setWindowTitle("Save the session as a scenario")
        self.pathEdit = QLineEdit(objectName="scenarioPathEdit")
        self.pathEdit.setPlaceholderText("session.yaml")
        browse = QPushButton("Browse…", objectName="scenarioBrowseButton")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.pathEdit, 1)
        path_row.addWidget(browse)
        self.nameEdit = QLineEdit("Recorded session", objectName="scenarioNameEdit")
        self.eventsCombo = QComboBox(objectName="recordEventsCombo")
        self.eventsCombo.addItem("Expect every incoming event in the log", recorder.EVENTS_ALL)
        self.eventsCombo.addItem(f"Expect only the rows selected in the log ({selected_rows})",
                                 recorder.EVENTS_SELECTED)
        self.eventsCombo.addItem("Expect none: the emits and their acks only", recorder.EVENTS_NONE)
        self.looseCheck = QCheckBox("Compare incoming arguments by type only, not by value",
                                    objectName="recordLooseCheck")
        self.exactCheck = QCheckBox("Keep the server's numbers exact (counters, ids, sizes)",
                                    objectName="recordExactCheck")
        self.exactCheck.setToolTip("Off: a number the server sent that is not one you sent is matched "
                                   "by its type ({$type: integer}), as it changes from run to run")
        self.unsolicitedCheck = QCheckBox("Expect periodic and unsolicited events too",
                                          objectName="recordUnsolicitedCheck")
        self.unsolicitedCheck.setToolTip("Off: events that come at a steady interval (a tick) or long "
                                         "after anything you did are left out (the file's header lists "
                                         "them): a replay cannot count on when they come")
        self.secretsCheck = QCheckBox("Write auth and header values into the file",
                                      objectName="recordSecretsCheck")
        form = QFormLayout()
        form.addRow("File", path_row)
        form.addRow("Name", self.nameEdit)
        form.addRow("Events", self.eventsCombo)
        options = QVBoxLayout()
        options.setSpacing(2)
        options.addWidget(self.looseCheck)
        options.addWidget(_hint("Ids and timestamps are matched by type anyway; this loosens every value."))
        options.addWidget(self.exactCheck)
        options.addWidget(self.unsolicitedCheck)
        options.addWidget(_hint("Each step's timeout is 3 × the time it took here, plus 1 s (3 s at least)."))
        options.addSpacing(6)
        options.addWidget(self.secretsCheck)
        options.addWidget(_hint("Else they become ${env:NAME} placeholders, listed in the file's header."))
        form.addRow("", options)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveScenarioConfirm")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(580, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", self.pathEdit.text() or "session.yaml",
                                              "Scenarios (*.yaml *.yml)")
        if path:
            self.pathEdit.setText(path)

    def _accept(self) -> None:
        if self.pathEdit.text().strip():
            self.accept()
        else:
            self.pathEdit.setFocus()
            self.pathEdit.setPlaceholderText("a file name is needed")

    def choices(self) -> dict:
        return {"path": self.pathEdit.text().strip(), "name": self.nameEdit.text().strip() or None,
                "events": self.eventsCombo.currentData(), "loose": self.looseCheck.isChecked(),
                "exact": self.exactCheck.isChecked(), "unsolicited": self.unsolicitedCheck.isChecked(),
                "include_secrets": self.secretsCheck.isChecked()}


class MissingSecretsDialog(QDialog):
    """The `${env:...}` secrets a replay needs and nothing gives: typed in (hidden) for this window."""

    def __init__(self, names: list[str], parent: QWidget | None = None):
        super().__init__(parent, objectName="missingSecretsDialog")
        self.setWindowTitle("Secrets for the replay")
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for name in names:
            edit = QLineEdit(objectName=f"secret_{name}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[name] = edit
            form.addRow(name, edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("secretsConfirm")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Kept in memory for this window only; a saved file never holds them."))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.edits.items()}


def missing_env(scenario: scenario_file.Scenario, env: dict[str, str]) -> list[str]:
    """The environment variables the scenario's `${env:NAME}` name that `env` lacks (with no default)."""
    from inspector.scenarios.variables import references
    everything = [scenario.connection, [a for _n, a in scenario.namespaces], [s.fields for s in scenario.steps],
                  scenario.clients]
    names = []
    for expr in references(everything):
        if expr.startswith("env:"):
            name, has_default, _d = expr[4:].partition(":-")
            if not has_default and name not in env and name not in names:
                names.append(name)
    return names


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    palette.style(label, lambda: f"color: {palette.MUTED.css()}; margin-left: 22px;")
    return label


class ScenarioPanel(QWidget):
    entryActivated = Signal(object)       # LogEntry a step sent or took: show it in the detail pane
    finished = Signal(bool)               # a run ended (True: every step passed)

    def __init__(self, bridge: SessionBridge, *, entries: Callable[[], list[LogEntry]],
                 row_count: Callable[[], int] | None = None,
                 selected: Callable[[], list[LogEntry]], current_url: Callable[[], str],
                 connection: Callable[[], tuple] | None = None, parent: QWidget | None = None):
        """connection: the window's connection as the user set it, (ConnectionOptions or None,
        {namespace: auth}): what a replay takes its secrets from, and what a recording made
        after a replay describes."""
        super().__init__(parent, objectName="scenarioPanel")
        self.bridge = bridge
        self._entries, self._selected, self._current_url = entries, selected, current_url
        self._row_count = row_count or (lambda: len(entries()))
        self.scenario: scenario_file.Scenario | None = None
        self.runner: RemoteRunner | None = None
        self.tasks = Tasks()                  # the run (or the save) in flight
        self._run_task: asyncio.Task | None = None
        self._row = 0                         # the step running, or the last one run
        self._to_end = False
        self._dialog: SaveScenarioDialog | None = None
        self._connection = connection or (lambda: (None, {}))
        self._replayed: set[int] = set()      # seqs a replay logged: never recorded again
        self._asked_env: dict[str, str] = {}  # secrets typed in when a replay asked for them
        self.secretsDialog: MissingSecretsDialog | None = None

        self.title = QLabel(objectName="scenarioTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.openButton = QPushButton("Open…", objectName="openScenarioButton")
        self.openButton.setToolTip("Open a scenario file (YAML)")
        self.saveButton = QPushButton("Save as scenario…", objectName="saveScenarioButton")
        self.saveButton.setToolTip("Record this session (its emits, acks and events) into a scenario file")
        self.urlEdit = QLineEdit(objectName="scenarioUrlEdit")
        self.urlEdit.setPlaceholderText("the scenario's url")
        self.urlEdit.setToolTip("The server the scenario runs against (as --url on the command line)")
        self.stepButton = QPushButton("Step", objectName="stepButton")
        self.stepButton.setToolTip("Run the next step (F10); the first connects")
        self.runButton = QPushButton("Run to end", objectName="runButton")
        self.runButton.setToolTip("Run the remaining steps, stopping at the first failure (F5)")
        self.stopButton = QPushButton("Stop", objectName="stopButton")
        self.stopButton.setToolTip("Stop the step that is running (Shift+F5)")
        self.model = StepListModel(self)
        self.table = QTableView(objectName="scenarioSteps")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setSectionResizeMode(COL_MARK, QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(COL_STEP, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setColumnWidth(COL_MARK, 24)
        self.summary = QLabel(objectName="scenarioSummary")
        self.summary.setWordWrap(True)
        self.message = QPlainTextEdit(objectName="scenarioMessage")
        self.message.setReadOnly(True)
        self.message.setFont(monospace_font())
        self.message.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.message.setPlaceholderText("Select a step to see what it expected and what came")
        self.message.setMaximumHeight(150)

        files = QHBoxLayout()
        files.addWidget(self.openButton)
        files.addWidget(self.saveButton)
        files.addStretch(1)
        url = QHBoxLayout()
        url.addWidget(QLabel("Server"))
        url.addWidget(self.urlEdit, 1)
        run = QHBoxLayout()
        run.addWidget(self.stepButton)
        run.addWidget(self.runButton)
        run.addWidget(self.stopButton)
        run.addStretch(1)
        steps = QVBoxLayout()
        steps.setContentsMargins(0, 0, 0, 0)
        steps.addWidget(self.title)
        steps.addLayout(files)
        steps.addLayout(url)
        steps.addLayout(run)
        steps.addWidget(self.table, 1)
        outcome = QVBoxLayout()
        outcome.setContentsMargins(0, 0, 0, 0)
        outcome.addWidget(self.summary)
        outcome.addWidget(self.message, 1)
        # side by side when the panel is wide (docked at the bottom), stacked when tall
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.addLayout(steps, 3)
        self._layout.addLayout(outcome, 2)

        self.openButton.clicked.connect(self.ask_open)
        self.saveButton.clicked.connect(self.ask_save)
        self.stepButton.clicked.connect(self.step)
        self.runButton.clicked.connect(self.run_to_end)
        self.stopButton.clicked.connect(self.stop)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_row(cur.row()))
        self._set_summary("")
        self._update()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        wide = event.size().width() > 1.8 * event.size().height()
        self._layout.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self._layout.setStretch(0, 3 if wide else 1)
        self._layout.setStretch(1, 2 if wide else 0)
        self.message.setMaximumHeight(16777215 if wide else 150)
        super().resizeEvent(event)

    # -- files ---------------------------------------------------------------------
    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", "", "Scenarios (*.yaml *.yml);;All files (*)")
        if path:
            self.open_scenario(path)

    def open_scenario(self, path: str | Path) -> bool:
        """Load and check a scenario; its problems (file:line: what) are shown when it is refused."""
        if self.running:
            return False
        try:
            sc = scenario_file.load(path)
        except scenario_file.ScenarioError as exc:
            self._drop_runner()
            self.scenario = None
            self.model.reset([], [])
            self.title.setText(f"{Path(path).name}: refused")
            self._set_summary("The scenario was refused; nothing was run:", error=True)
            self.message.setPlainText(str(exc))
            self._update()
            return False
        self._drop_runner()
        self.scenario = sc
        self._scenario_path = Path(path)
        self.title.setText(f"{Path(path).name} · {sc.name} · {plural(len(sc.steps), 'step')}")
        self.urlEdit.setText(sc.url or self._current_url())
        self._reset_rows()
        self._set_summary("Ready: Step runs one step (the first connects), Run to end runs them all.")
        self.message.clear()
        self._update()
        return True

    def ask_save(self) -> None:
        self._dialog = SaveScenarioDialog(len(self._selected()), self)
        self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog.accepted.connect(lambda: self.save_scenario(**self._dialog.choices()))
        self._dialog.open()

    def save_scenario(self, path: str, *, name: str | None = None, events: str = recorder.EVENTS_ALL,
                      loose: bool = False, include_secrets: bool = False, exact: bool = False,
                      unsolicited: bool = False) -> None:
        """Record the log (the last connection in it) into `path`, then open it here."""
        rows = self._row_count()
        if rows > MAX_RECORDED_ROWS:
            # a scenario is a short story; reading a huge log back whole would freeze the window
            self._set_summary(f"Not saved: the log has {rows:,} rows, more than a scenario is made "
                              f"from ({MAX_RECORDED_ROWS:,}). Clear the log (Ctrl+L), redo the steps "
                              "to keep, and save again.", error=True)
            return
        replayed = self._replayed | self._replay_seqs(self.runner)
        # a replay's own connection is never what is recorded: the user's last one is
        entries = [e for e in self._entries() if e.seq not in replayed]
        selected = [e.seq for e in self._selected()]
        user_options, _ns_auth = self._connection()

        async def save() -> None:
            ctx = await self.bridge.call(remote_context(self.bridge.client))
            # the workspace's clients, removed ones too (their entries are in the log)
            clients = await self.bridge.call(remote_clients(self.bridge.client))
            if replayed and user_options is not None:
                ctx.options = user_options      # the session's are the replay's now
                clients[0].context = ctx
            options = dict(name=name, events=events, selected=selected, include_secrets=include_secrets,
                           loose=loose, exact=exact, unsolicited=unsolicited)
            try:
                if len(clients) > 1:        # several: a `clients:` scenario, each step its client's
                    rec = recorded_clients.record_workspace(entries, clients, **options)
                else:
                    rec = recorder.record(entries, ctx, **options)
                Path(path).write_text(rec.text, encoding="utf-8")
            except OSError as exc:
                self._set_summary(f"Not saved: {exc.strerror or exc}", error=True)
                return
            except Exception as exc:      # a value the recorder cannot write, say
                self._set_summary(f"Not saved: {type(exc).__name__}: {exc}", error=True)
                return
            self.open_scenario(path)
            note = (f" It needs {', '.join(rec.secrets)} set in the environment to run."
                    if rec.secrets else "")
            self._set_summary(f"Saved {plural(rec.steps, 'step')} to {path}.{note}")

        self.tasks.spawn(save(), lambda error: self._set_summary(f"Not saved: {error}", error=True),
                         name="ScenarioPanel.save_scenario")

    # -- running -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._run_task is not None

    def step(self) -> None:
        self._to_end = False
        self._start_next()

    def run_to_end(self) -> None:
        self._to_end = True
        self._start_next()

    def stop(self) -> None:
        self._to_end = False
        if self._run_task is not None:
            self._run_task.cancel()

    def _start_next(self) -> None:
        if self.scenario is None or self.running or not self._prepare_runner():
            return
        self._mark_running()              # at once: the click shows what it started
        self._run_task = self.tasks.spawn(self._run_steps(), self._run_failed, name="ScenarioPanel.run",
                                          on_end=self._run_ended)
        self._update()

    def _prepare_runner(self) -> bool:
        """A runner for the next step: the current one, or a new one when none is left."""
        if self.runner is None or self.runner.done:
            url = self.urlEdit.text().strip() or None
            env = self.replay_env()
            missing = missing_env(self.scenario, env)
            if missing:
                self._ask_secrets(missing)
                return False
            try:
                self.scenario.check_environment(url, env)
            except scenario_file.ScenarioError as exc:
                self._set_summary("Cannot run it yet:", error=True)
                self.message.setPlainText(str(exc))
                return False
            self._drop_runner()
            self.runner = RemoteRunner(self.scenario, self._scenario_path, self.bridge.client, url=url,
                                       env=env)
            self._reset_rows()
        return True

    async def _run_steps(self) -> None:
        """One step, or (Run) every step left until one fails; Stop cancels it."""
        while True:
            row = self._row
            result = await self.bridge.call(self.runner.next())
            if not self._step_done(row, result) or not self._to_end:
                return
            self._mark_running()

    def _mark_running(self) -> None:
        row = self._row = self._next_row()
        self.model.set_status(row, RUNNING)
        self.table.scrollTo(self.model.index(row, 0))
        self._set_summary(f"Running {self.model.label(row)}…")

    def _run_ended(self) -> None:
        self._run_task = None
        if self.model.status(self._row) == RUNNING:       # stopped (cancelled), even before it began
            self.model.set_status(self._row, STOPPED)
            self._set_summary(f"Stopped at {self.model.label(self._row)}; Step runs it again.")
        self._update()

    def _run_failed(self, error: BaseException) -> None:
        row = self._row
        result = StepResult(row, self.model.label(row), FAILED, message=f"{type(error).__name__}: {error}")
        self.model.set_status(row, FAILED, result)      # after _run_ended: the outcome is this
        self._to_end = False
        self._show_failure(row, result)

    def _next_row(self) -> int:
        r = self.runner
        return 0 if r is None or not r.connected else r.position + 1

    def _step_done(self, row: int, result: StepResult) -> bool:
        """Show a step's result; True when the run may go on to the next step."""
        runner = self.runner
        self.model.set_status(row, result.status, result)
        if not result.passed:
            self._to_end = False
            self._show_failure(row, result)
        if runner is not None and runner.done:
            self._finish(runner)
            return False
        if result.passed and not self._to_end:
            nxt = self._next_row()
            self._set_summary(f"✓ {result.label}. Next: {self.model.label(nxt)}"
                              if nxt < self.model.rowCount() else f"✓ {result.label}")
        return result.passed

    def _show_failure(self, row: int, result: StepResult) -> None:
        if row > 0:
            for later in range(row + 1, self.model.rowCount()):
                self.model.set_status(later, SKIPPED)
        self._show_row(row)
        where = "the connection" if row == 0 else f"step {row} (line {result.line})"
        rest = "" if self.runner is not None and self.runner.done else "; Step goes on with the next one"
        self._set_summary(f"Failed at {where}{rest}.", error=True)

    def _drop_runner(self) -> None:
        """Forget the current run (its journal subscription and settings are undone)."""
        if self.runner is not None:
            self._close_runner(self.runner)
            self.runner = None

    def replay_env(self) -> dict[str, str]:
        """What a replay in the window fills `${env:...}` with: the environment, then the
        auth and header values of the window's connection (the way the recording named
        them), then what the user typed in when asked."""
        options, ns_auth = self._connection()
        own = recorder.secret_env(options, ns_auth) if options is not None else {}
        rows = self.bridge.client_rows
        first = self.bridge.sessions.get(rows[0]["key"]) if len(rows) > 1 else None
        if first is not None and first.options.url:
            # the form shows the selected client: the first's SIO_... are what it connected with
            own.update(recorder.secret_env(first.options, first.namespace_auth()))
        # a recording's other clients name theirs SIO_BOB_...: from each client of the list
        for row in rows[1:]:
            session = self.bridge.sessions.get(row["key"])
            if session is not None:
                own.update(recorder.secret_env(session.options, session.namespace_auth(), client=row["name"]))
        return {**os.environ, **own, **self._asked_env}

    def _ask_secrets(self, names: list[str]) -> None:
        self._set_summary(f"The scenario needs {', '.join(names)}, which neither the connection nor "
                          "the environment gives: type them in to run it.", error=True)
        dialog = self.secretsDialog = MissingSecretsDialog(names, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def given() -> None:
            self._asked_env.update(dialog.values())
            self.secretsDialog = None
            self._start_next()
        dialog.accepted.connect(given)
        dialog.rejected.connect(lambda: setattr(self, "secretsDialog", None))
        dialog.open()

    @staticmethod
    def _replay_seqs(runner: RemoteRunner | None) -> set[int]:
        return set(runner.journal_seqs) if runner is not None else set()

    def _close_runner(self, runner: RemoteRunner) -> None:
        self._replayed |= self._replay_seqs(runner)
        self.tasks.spawn(self.bridge.call(runner.close(disconnect=False)),
                         lambda error: self._set_summary(f"Could not end the run: {error}", error=True),
                         name="ScenarioPanel.close_runner")

    def _finish(self, runner: RemoteRunner) -> None:
        self._close_runner(runner)
        results = {r.index: r for r in runner.results}
        failed = [r for r in results.values() if r.status == FAILED]
        if not failed:
            total = sum(r.duration_ms for r in results.values()) / 1000.0
            self._set_summary(f"Passed: {plural(len(results) - 1, 'step')} in {duration(total)}.", ok=True)
        elif not self.summary.text().startswith("Failed"):
            self._set_summary(f"Failed at step {failed[0].index}.", error=True)
        self.finished.emit(not failed)

    def _reset_rows(self) -> None:
        sc = self.scenario
        if sc is None:
            return
        label = RemoteRunner(sc, self._scenario_path, self.bridge.client,
                             url=self.urlEdit.text().strip() or None).connect_label
        self.model.reset([label] + [s.label for s in sc.steps], [sc.lines.get("url")] + [s.line for s in sc.steps])

    # -- showing -------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        result = self.model.result(row)
        if result is None:
            self.message.setPlainText(f"{self.model.label(row)}: {self.model.status(row)}")
            return
        lines = [f"{result.label}: {result.status}, {duration_ms(result.duration_ms)}"]
        if result.message:
            lines += [result.message, *result.details]
        self.message.setPlainText("\n".join(lines))
        if result.entries:
            self.entryActivated.emit(result.entries[-1])

    def _set_summary(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        if not text:
            text = ("No scenario open. Open a scenario file, or save this session as one "
                    "to replay it later or in CI (socketio-inspector run).")
            self.title.setText("Scenario")
        self.summary.setText(text)
        colour = palette.ERROR if error else palette.OK if ok else palette.NEUTRAL
        palette.style(self.summary, lambda: f"color: {colour.css()};")

    def _update(self) -> None:
        loaded, busy = self.scenario is not None, self.running
        self.stepButton.setEnabled(loaded and not busy)
        self.runButton.setEnabled(loaded and not busy)
        self.stopButton.setEnabled(busy)
        self.openButton.setEnabled(not busy)
        self.urlEdit.setEnabled(not busy and (self.runner is None or self.runner.done))

    def close_run(self) -> None:
        """The window closes: stop what runs."""
        self.stop()


class ScenarioDock(QDockWidget):
    def __init__(self, panel: ScenarioPanel, parent: QWidget | None = None):
        super().__init__("Scenario", parent, objectName="scenarioDock")
        self.panel = panel
        self.setWidget(panel)
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
                             | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
