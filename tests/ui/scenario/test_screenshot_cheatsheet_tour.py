"""The window after Scenario > Cheatsheet tour on the bundled demo, the Deliveries dock
showing who received each line, at a laptop's 1024x700 and a desktop's 1600x1000, light
and dark; each picture is checked for what matters at that size.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/scenario/test_screenshot_cheatsheet_tour.py  refreshes the README's.
"""
import os
from pathlib import Path

import pytest

from inspector.ui.appearance import Choice
from inspector.ui.scenario.builtin import fit_deliveries
from tests.ui.looks import assert_shown_whole, settle
from tests.ui.scenario.test_cheatsheet_tour import _tour
from tests.ui.test_window_layout import visible_rows


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)], ids=["1024x700", "1600x1000"])
@pytest.mark.parametrize("scheme", [Choice.LIGHT, Choice.DARK])
def test_the_cheatsheet_tour_at_both_sizes_and_schemes(inspector, tmp_path, size, scheme):
    ui = inspector
    ui.window.schemeActions[scheme].trigger()
    try:
        ui.window.resize(*size)
        ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
        _tour(ui)
        assert ui.scenario_summary.startswith("Passed"), ui.scenario_message
        ui.wait_idle()
        # the Deliveries dock came with the second client; a window it grew goes back to its size
        # (the log's detail pane, shut for room, no longer holds its height: ui/log/workspace.py)
        ui.window.resize(*size)
        fit_deliveries(ui.window)         # as the tour left it
        ui.window.clientsUi.refresh_now()
        settle(ui.qtbot, ui.window.logView)
        image = ui.window.grab().toImage()
        out = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
        assert image.save(str(out / f"screenshot-cheatsheet-tour-{size[0]}x{size[1]}-{scheme}.png"))
        assert (image.width(), image.height()) == size
        assert ui.window.clientsUi.dock.isVisible() and ui.window.scenarioDock.isVisible()
        assert_shown_whole(ui.window, "urlEdit", "connectButton", "runButton", "scenarioSummary",
                           "addClientButton", "deliveryFilterEdit")
        assert ui.window.clientsUi.panel.list.count() == 3
        deliveries = ui.window.clientsUi.deliveries.table
        rows = deliveries.verticalHeader().defaultSectionSize()
        assert deliveries.rowCount() >= 10 and deliveries.height() >= 3 * rows   # the matrix, readable
        # the log beside the docks: its rows too (a 700 px window: the dock takes less than a third)
        shown = visible_rows(ui.window.logView.table)
        assert shown >= (5 if size[1] < 900 else 12), shown
    finally:
        ui.window.schemeActions[Choice.SYSTEM].trigger()
