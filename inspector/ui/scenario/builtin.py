"""The built-in scenarios the Scenario menu runs in one click (issue 12): the "Cheatsheet
tour" opens three clients on the demo server's /cheatsheet, puts them in rooms and runs
every server-side emit form; its clients join the client list, so the log's Client column
and the Deliveries dock show who received each line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow

CHEATSHEET_TOUR = "cheatsheet-tour.yaml"


def scenarios_dir() -> Path:
    """resources/scenarios of a checkout, else where a wheel put them (pyproject's data-files)."""
    checkout = Path(__file__).resolve().parents[3] / "resources" / "scenarios"
    installed = Path(sys.prefix) / "share" / "socketio-inspector" / "scenarios"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


def run_builtin(window: "MainWindow", name: str = CHEATSHEET_TOUR) -> bool:
    """Open a built-in scenario in the Scenario dock against the window's server (the URL
    in its connection form: the demo's with --demo) and run it to the end."""
    panel = window.scenario
    window.scenarioDock.show()
    window.scenarioDock.raise_()
    if not panel.open_scenario(scenarios_dir() / name):
        return False
    url = window.connection.urlEdit.text().strip()
    if url:
        panel.urlEdit.setText(url)
    window.clientsUi.dock.show()       # who received every line

    def ended(_passed: bool) -> None:
        panel.finished.disconnect(ended)
        fit_deliveries(window)
    panel.finished.connect(ended)
    panel.run_to_end()
    return True


LOG_ROOM = 530       # what the window above the dock needs for the log's 8 rows beside the composer
MIN_DELIVERIES = 170     # the dock's filter, header and three lines of the matrix


def fit_deliveries(window: "MainWindow") -> None:
    """The Deliveries dock a third of the window high, a few lines of the matrix in view; on
    a short window (a laptop's 700 px) less, so the log keeps its rows."""
    dock = window.clientsUi.dock
    height = min(window.height() // 3, max(MIN_DELIVERIES, window.height() - LOG_ROOM))
    window.resizeDocks([dock], [height], Qt.Orientation.Vertical)


def install(window: "MainWindow") -> QAction:
    menu = window.findChild(QMenu, "scenarioMenu")
    action = QAction("&Cheatsheet tour (on the demo server)", window, objectName="cheatsheetTourAction")
    action.setToolTip("Three clients in two rooms on the demo's /cheatsheet: every server-side emit "
                      "form, and who received it (socketio-inspector --demo)")
    action.triggered.connect(lambda: run_builtin(window))
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, action)
    menu.insertSeparator(first)
    return action
