"""The Scenario dock, driven as a user drives it: record a session, replay it in the window and
with `socketio-inspector run`, step through a scenario, see a failure, stop a step."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inspector.capture.remote_runner import RemoteRunner
from inspector.log.entry import IN, Kind
from inspector.scenarios.file import loads
from inspector.scenarios.runner import StepOutcome
from inspector.ui.scenario.model import StepProgress

ROOT = Path(__file__).resolve().parents[3]
TOUR = ROOT / "resources" / "scenarios" / "demo-tour.yaml"
SECRETS = {"SIO_AUTH_TOKEN": "s3cret-global", "SIO_ADMIN_AUTH_TOKEN": "demo-token"}


def run_cli(*args, env=None):
    proc = subprocess.run([sys.executable, "-m", "inspector", "run", *map(str, args)], capture_output=True,
                          text=True, timeout=90, env={**os.environ, **(env or {})}, cwd=ROOT)
    return proc.returncode, proc.stdout, proc.stderr


def test_a_recorded_session_replays_in_the_window_and_on_the_command_line(
        inspector_at, demo_server, tmp_path, monkeypatch, qtmodeltester):
    ui = inspector_at(demo_server.url)
    ui.connect(auth={"token": "s3cret-global"})
    ui.open_namespace("/chat")
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.join("lobby", ns="/chat")
    ui.emit("message", {"room": "lobby", "text": "hello"}, ns="/chat", ack=True)
    ui.wait_for_event("message", ns="/chat")
    ui.emit("whoami", ack=True)          # its answer holds our sid, headers and auth token
    who = ui.wait_for(kind=Kind.ACK, dir=IN, event="whoami")
    ui.emit("echo", {"me": who.args[0]["sid"]}, ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.emit("binary", 3, ack=True)
    ui.wait_for_event("binary_data")
    ui.emit("burst", {"count": 5}, ack=True)
    ui.wait_for_event("burst", count=5)
    ui.emit("echo", "private", ns="/admin", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", ns="/admin")

    path = tmp_path / "recorded.yaml"
    text = ui.save_scenario(path, name="my debugging session")
    assert "s3cret-global" not in text and "demo-token" not in text
    assert ("# Secrets were left out of this file. Before running it, set in the environment: "
            "SIO_AUTH_TOKEN, SIO_ADMIN_AUTH_TOKEN") in text
    sc = loads(text, str(path))
    assert sc.name == "my debugging session"
    assert sc.namespaces == [("/", None), ("/chat", None), ("/admin", {"token": "${env:SIO_ADMIN_AUTH_TOKEN}"})]
    kinds = [(s.kind, s.value) for s in sc.steps]
    assert ("join", "lobby") in kinds and ("expect", "message") in kinds and ("expect", "burst") in kinds
    echo = next(s for s in sc.steps if s.value == "echo")
    assert echo.get("args") == [{"me": "${welcome.sid}"}]         # the sid the server greeted us with
    burst = next(s for s in sc.steps if s.kind == "expect" and s.value == "burst")
    assert burst.get("count") == 5
    assert ui.scenario_summary.startswith(f"Saved {len(sc.steps)} steps to {path}. It needs ")
    assert "SIO_AUTH_TOKEN, SIO_ADMIN_AUTH_TOKEN" in ui.scenario_summary

    # the dock has the recording open, ready to run in the window
    steps = ui.scenario_steps()
    assert steps[0][1] == f"connect {demo_server.url} (/, /chat, /admin)"
    assert {status for status, _s, _t in steps} == {StepProgress.PENDING}
    qtmodeltester.check(ui.window.scenario.model)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    assert ui.run_scenario(), (ui.scenario_steps(), ui.scenario_message, text)
    assert ui.scenario_summary.startswith(f"Passed: {len(sc.steps)} steps in ")
    assert all(re.fullmatch(r"\d+(\.\d)? ms|\d+\.\d\d s", t) for _st, _l, t in ui.scenario_steps())
    qtmodeltester.check(ui.window.scenario.model)
    ui.wait_for_status("Connected")          # the replayed connection stays open to look at
    ui.disconnect()                          # (else the window would be a second member of lobby)

    junit = tmp_path / "report.xml"
    code, out, err = run_cli(path, "--junit", junit, env=SECRETS)
    assert code == 0, out + err
    assert re.search(rf"^  passed: {len(sc.steps)} steps in (\d+(\.\d)? ms|\d+\.\d\d s)$", out, re.M)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("name") == "my debugging session" and suite.get("failures") == "0"
    assert len(suite.findall("testcase")) == len(sc.steps) + 1


FAILING = """\
namespaces: [/, /chat]
steps:
  - join: lobby
    ns: /chat
  - emit: message
    ns: /chat
    args: [{room: lobby, text: hello}]
  - expect: message
    ns: /chat
    args: [{text: goodbye}]
    timeout: 0.5
  - emit: echo
    args: [still here]
    expect_ack: [still here]
"""


def test_a_failing_step_shows_what_was_expected_and_step_goes_on(inspector_at, demo_server, tmp_path):
    path = tmp_path / "failing.yaml"
    path.write_text(FAILING)
    ui = inspector_at(demo_server.url)
    labels = ui.open_scenario(path, url=demo_server.url)
    assert labels == [f"connect {demo_server.url} (/, /chat)", "join lobby on /chat",
                      'emit message {"room": "lobby", "text": "hello"} on /chat',
                      'expect message on /chat [{"text": "goodbye"}]', 'emit echo "still here"']
    assert not ui.run_scenario()
    assert [st for st, _l, _t in ui.scenario_steps()] == (
        [StepOutcome.PASSED] * 3 + [StepOutcome.FAILED, StepOutcome.SKIPPED])
    assert ui.scenario_summary == "Failed at step 3 (line 8); Step goes on with the next one."
    message = ui.scenario_message
    assert "step 3 (line 8): expected 'message' on /chat with args matching [{\"text\": \"goodbye\"}]" in message
    assert 'args[0].text is "hello", expected "goodbye"' in message
    ui.wait_for_event("message", ns="/chat")   # what came is in the log too
    assert ui.step_scenario()[0] == StepOutcome.PASSED
    assert ui.scenario_summary.startswith("Failed at step 3")


def test_step_by_step_and_a_step_shows_its_entry(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.open_scenario(TOUR, url=demo_server.url)
    assert not ui.widget("stopButton").isEnabled()
    status, label, time = ui.step_scenario()
    assert (status, label) == (StepOutcome.PASSED, f"connect {demo_server.url} (/, /chat)")
    assert time.endswith((" ms", " s"))
    assert ui.scenario_summary.startswith(f"✓ connect {demo_server.url} (/, /chat). Next: expect welcome")
    ui.wait_for_status("Connected")
    assert ui.step_scenario()[0] == StepOutcome.PASSED          # expect welcome
    assert ui.step_scenario()[0] == StepOutcome.PASSED          # emit echo
    assert [st for st, _l, _t in ui.scenario_steps()][:4] == [StepOutcome.PASSED] * 3 + [StepProgress.PENDING]
    ui.widget("scenarioSteps").selectRow(2)
    assert ui.scenario_message.startswith('emit echo "ping", {"n": 1}: passed, ')
    assert "ack (echo)" in ui.window.detail.header.text()     # the answer the step took
    assert ui.run_scenario()


def test_stop_ends_a_long_step_and_step_runs_it_again(inspector_at, demo_server, tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text("steps:\n  - wait: 30\n  - emit: echo\n    expect_ack: []\n")
    ui = inspector_at(demo_server.url)
    ui.open_scenario(path, url=demo_server.url)
    ui.click("runButton")
    ui.qtbot.waitUntil(lambda: ui.scenario_steps()[1][0] == StepProgress.RUNNING, timeout=10_000)
    assert not ui.widget("runButton").isEnabled() and ui.widget("stopButton").isEnabled()
    ui.click("stopButton")
    ui.qtbot.waitUntil(lambda: ui.scenario_steps()[1][0] == StepProgress.STOPPED, timeout=5000)
    assert ui.scenario_summary == "Stopped at wait 30 s; Step runs it again."
    assert ui.widget("stepButton").isEnabled() and not ui.widget("stopButton").isEnabled()


def test_a_bad_file_is_refused_in_the_dock_before_anything_connects(inspector_at, demo_server, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("steps:\n  - emit: echo\n  - expect: welcome\n    timeout: soon\n  - jion: lobby\n")
    ui = inspector_at(demo_server.url)
    with pytest.raises(AssertionError) as info:
        ui.open_scenario(path)
    assert str(info.value) == (
        f"{path}:4: step 2 (expect), timeout: expected a number, got \"soon\"\n"
        f"{path}:5: step 3: unknown step 'jion' (did you mean 'join'?); a step is one of emit, join, leave, "
        "open, close, expect, expect_no, wait, drop, expect_gap, expect_recovered, expect_server, server_emit")
    assert ui.scenario_summary == "The scenario was refused; nothing was run:"
    assert not ui.widget("stepButton").isEnabled() and not ui.widget("runButton").isEnabled()
    assert ui.scenario_steps() == []
    assert ui.entries() == [] and ui.status == "Not connected"


def test_a_missing_environment_variable_stops_the_run_before_it_connects(inspector_at, demo_server, tmp_path):
    path = tmp_path / "env.yaml"
    path.write_text('namespaces: [/, {name: /admin, auth: {token: "${env:SIO_TEST_UNSET_TOKEN}"}}]\n'
                    "steps:\n  - emit: stats\n    ns: /admin\n")
    ui = inspector_at(demo_server.url)
    ui.open_scenario(path, url=demo_server.url)
    ui.click("runButton")
    # neither the connection nor the environment gives it: the window asks for it
    assert ui.scenario_summary == ("The scenario needs SIO_TEST_UNSET_TOKEN, which neither the connection "
                                   "nor the environment gives: type them in to run it.")
    dialog = ui.scenario_panel.secretsDialog
    assert dialog is not None and dialog.isVisible() and list(dialog.edits) == ["SIO_TEST_UNSET_TOKEN"]
    dialog.reject()
    assert ui.entries() == [] and not ui.scenario_panel.running
    ui.click("runButton")
    dialog = ui.scenario_panel.secretsDialog
    dialog.edits["SIO_TEST_UNSET_TOKEN"].setText("demo-token")
    dialog.accept()
    ui.qtbot.waitUntil(lambda: ui.scenario_summary.startswith("Passed"), timeout=10_000)
    assert "demo-token" not in path.read_text()


def test_only_the_selected_rows_become_expectations(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("burst", {"count": 3}, ack=True)
    ui.wait_for_event("burst", count=3)
    bursts = ui.find(kind=Kind.EVENT, dir=IN, event="burst")
    ui.select_rows([bursts[0], bursts[2]])
    text = ui.save_scenario(tmp_path / "picked.yaml", events="selected", exact=True)
    sc = loads(text)
    assert [(s.kind, s.value, s.get("args")) for s in sc.steps] == [
        ("emit", "burst", [{"count": 3}]), ("expect", "burst", [{"i": 0}]), ("expect", "burst", [{"i": 2}])]
    text = ui.save_scenario(tmp_path / "none.yaml", events="none")
    assert [s.kind for s in loads(text).steps] == ["emit"]
    text = ui.save_scenario(tmp_path / "loose.yaml", loose=True)
    assert [s.get("args") for s in loads(text).steps if s.value == "burst" and s.kind == "expect"] == [
        [{"i": {"$type": "number"}}]]


def test_secrets_go_in_only_when_asked(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.open_namespace("/admin", {"token": "demo-token"})
    text = ui.save_scenario(tmp_path / "with.yaml", include_secrets=True)
    assert "demo-token" in text and "${env:" not in text and "Secrets were left out" not in text


def test_a_server_counter_is_matched_by_type_and_fails_the_replay_when_kept_exact(
        inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.emit("stats", ns="/admin", ack=True)          # {"clients": 1, "received": <all events so far>}
    ui.wait_for(kind=Kind.ACK, dir=IN, event="stats")
    strict, loose = tmp_path / "strict.yaml", tmp_path / "loose.yaml"
    ui.save_scenario(strict, exact=True)
    ui.save_scenario(loose)
    code, out, err = run_cli(strict, env=SECRETS)
    assert code == 1
    assert re.search(r"the ack answer of 'stats' differs: ack\[0\]\.(clients|received) is \d+, expected \d+", out)
    code, out, err = run_cli(loose, env=SECRETS)
    assert code == 0, out + err


def test_a_log_too_long_for_a_scenario_is_refused_with_a_way_out(inspector_at, demo_server, tmp_path,
                                                                 monkeypatch):
    from inspector.ui.scenario import panel as scenario_panel
    monkeypatch.setattr(scenario_panel, "MAX_RECORDED_ROWS", 3)
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("burst", {"count": 5})
    ui.wait_for_event("burst", count=5)
    ui.window.scenario.save_scenario(str(tmp_path / "big.yaml"))
    assert "Not saved: the log has" in ui.scenario_summary and "Clear the log" in ui.scenario_summary
    assert not (tmp_path / "big.yaml").exists()


@pytest.mark.expect_error(r"ScenarioPanel\.run failed")
def test_a_step_that_crashes_is_shown_failed_not_stopped(inspector_at, demo_server, tmp_path, monkeypatch,
                                                         gui_loop):
    """A bug while a step runs (here: the runner raises) is the step's failure on screen, never
    raised into Qt; the window stays usable."""
    ui = inspector_at(demo_server.url)
    path = tmp_path / "s.yaml"
    path.write_text("steps:\n  - emit: echo\n")
    ui.open_scenario(path)
    assert ui.step_scenario()[0] == StepOutcome.PASSED          # connected

    async def broken(self):
        raise KeyError("the journal is gone")
    monkeypatch.setattr(RemoteRunner, "next", broken)
    status, label, _t = ui.step_scenario()
    assert status == StepOutcome.FAILED and label == "emit echo"
    assert ui.scenario_summary.startswith("Failed at step 1")
    assert ui.widget("stepButton").isEnabled() and not ui.widget("stopButton").isEnabled()
    [record] = gui_loop.errors                   # logged with its traceback, as a bug is
    assert record.exc_info[1].args == ("the journal is gone",)
    gui_loop.errors.clear()
