"""Scenario > Cheatsheet tour on the bundled demo (issue 12): the tour's three clients join
the client list, their rows carry the Client column, and the Deliveries dock says who
received each line."""
from __future__ import annotations

from PySide6.QtGui import QAction

from inspector.log.entry import IN, Kind
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.log.delivery_view import NOT_RECEIVED
from inspector.ui.scenario.model import StepOutcome


def _tour(ui) -> None:
    ui.window.findChild(QAction, "cheatsheetTourAction").trigger()        # Scenario > Cheatsheet tour
    ui._wait_scenario_idle(60.0, until_end=True)


def _row(cells: list[dict], event: str) -> dict:
    rows = [c for c in cells if c["Event"] == event]
    assert len(rows) == 1, (event, cells)
    return rows[0]


def test_the_cheatsheet_tour_runs_from_the_menu_and_the_deliveries_say_who_received(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    _tour(ui)
    steps = ui.scenario_steps()
    assert all(st == StepOutcome.PASSED for st, _l, _t in steps), [s for s in steps if s[0] != "passed"]
    assert ui.scenario_summary.startswith("Passed")
    assert ui.clients() == ["alice", "bob", "carol"]          # the tour's clients, in the list
    assert ui.window.clientsUi.panel.list.count() == 3
    table = ui.window.logView.table
    assert not table.isColumnHidden(position(ColumnKey.CLIENT))
    got = ui.find(kind=Kind.EVENT, dir=IN, event="to_room")
    assert [e.client for e in got] == ["bob"]
    assert ui.window.clientsUi.dock.isVisible()
    ui.qtbot.waitUntil(lambda: "to_room" in {c["Event"] for c in ui.delivery_cells()})
    cells = ui.delivery_cells()
    to_room = _row(cells, "to_room")      # socket.to("room1"): bob, not alice (the sender), not carol
    assert NOT_RECEIVED not in to_room["bob"]
    assert to_room["alice"] == NOT_RECEIVED and to_room["carol"] == NOT_RECEIVED
    broadcast = _row(cells, "broadcast")
    assert broadcast["alice"] == NOT_RECEIVED and NOT_RECEIVED not in (broadcast["bob"], broadcast["carol"])
    every = _row(cells, "all")
    assert NOT_RECEIVED not in (every["alice"], every["bob"], every["carol"])


def test_the_tour_again_runs_on_the_clients_the_first_run_listed(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    _tour(ui)
    _tour(ui)
    assert ui.scenario_summary.startswith("Passed"), ui.scenario_message
    assert ui.clients() == ["alice", "bob", "carol"]
