"""Render the window with the Scenario dock after a run with a failing step, and check the picture.

INSPECTOR_SCREENSHOT_DIR=resources pytest tests/ui/scenario/test_screenshot.py  refreshes the README's.
"""
import os
from pathlib import Path

from PySide6.QtGui import QColor

from inspector.ui.scenario.model import COL_MARK
from tests.ui.looks import assert_row_shown_whole, assert_shown_whole, settle

SCENARIO = """\
name: Lobby chat
url: http://127.0.0.1:5000
namespaces: [/, /chat]
steps:
  - expect: welcome
    save_as: hello
  - join: lobby
    ns: /chat
    expect_ack: [{room: lobby, joined: true}]
  - emit: message
    ns: /chat
    args: [{room: lobby, text: "hello from ${hello.sid}"}]
    expect_ack: [{delivered: true}]
  - expect: message
    ns: /chat
    args: [{room: lobby, text: {$regex: "^hello from "}}]
  - emit: echo
    args: ["ping", {n: 1}]
    expect_ack: ["ping", {n: 1}]
  - name: the server says goodbye (it does not)
    expect: goodbye
    ns: /chat
    timeout: 0.5
  - emit: leave
    ns: /chat
    args: [lobby]
"""


def test_scenario_dock_screenshot(inspector, tmp_path):
    ui = inspector
    ui.window.resize(1440, 860)
    path = tmp_path / "lobby-chat.yaml"
    path.write_text(SCENARIO)
    ui.open_scenario(path, url=ui.url)
    assert not ui.run_scenario()
    assert [st for st, _l, _t in ui.scenario_steps()] == ["passed"] * 6 + ["failed", "skipped"]
    settle(ui.qtbot, ui.window.logView)
    dock = ui.widget("scenarioDock")
    assert dock.isVisible() and dock.width() >= 300
    assert_shown_whole(ui.window, "scenarioTitle", "openScenarioButton", "saveScenarioButton",
                       "scenarioUrlEdit", "stepButton", "runButton", "stopButton", "scenarioSteps",
                       "scenarioSummary", "scenarioMessage", "logView")
    assert ui.scenario_summary == "Failed at step 6 (line 20); Step goes on with the next one."
    assert ui.scenario_message.startswith("the server says goodbye (it does not): failed, ")
    assert "expected 'goodbye' on /chat within 0.5 s" in ui.scenario_message
    steps = ui.widget("scenarioSteps")
    for row in range(8):                         # the connection and the 7 steps, each whole
        assert_row_shown_whole(steps, row)
    image = ui.window.grab().toImage()
    out_dir = Path(os.environ.get("INSPECTOR_SCREENSHOT_DIR") or tmp_path)
    assert image.save(str(out_dir / "screenshot-scenario.png"))
    # the failed step's mark is drawn in red in the dock
    table = ui.widget("scenarioSteps")
    rect = table.visualRect(table.model().index(6, COL_MARK))
    centre = table.viewport().mapTo(ui.window, rect.center())
    reds = [QColor(image.pixel(centre.x() + dx, centre.y() + dy)) for dx in range(-4, 5) for dy in range(-4, 5)]
    assert any(c.red() > 150 and c.green() < 100 and c.blue() < 100 for c in reds)
