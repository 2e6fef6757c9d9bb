"""Record -> replay with several clients (issue 12, point 5): alice joins a room, bob emits
to it (renamed bobby half-way), alice receives; the saved file has `clients:` and each step
its `client:`, and it replays green in the window and with `socketio-inspector run`."""
from __future__ import annotations

import yaml
from PySide6.QtWidgets import QInputDialog

from inspector.log.entry import IN, Kind
from inspector.scenarios.file import loads
from tests.ui.scenario.test_panel import run_cli

ENV = {"SIO_AUTH_TOKEN": "alice-token", "SIO_BOBBY_AUTH_TOKEN": "bob-token"}


def _step(s: dict) -> tuple:
    kind = next(iter(s))
    return kind, s[kind], s.get("client")


def test_two_clients_recorded_in_the_window_replay_green_in_the_window_and_headless(
        inspector_at, demo_server, tmp_path, monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)      # the window needs none: its clients have them
    ui = inspector_at(demo_server.url)
    ui.connect(auth={"token": "alice-token"})
    ui.join("lobby")
    assert ui.add_client() == "bob"
    ui.client("bob")
    ui.qtbot.waitUntil(lambda: ui.widget("connectButton").isEnabled())    # its state has come
    ui.connect(auth={"token": "bob-token"})
    ui.emit("broadcast", {"room": "lobby", "data": "hi"}, ack=True)
    ui.wait_for(kind=Kind.EVENT, dir=IN, event="room_message", client="alice")
    # renamed while recording: its steps before and after are one client's, by its new name
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("bobby", True))
    ui.click("renameClientButton")
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice", "bobby"])
    ui.client("bobby").emit("broadcast", {"room": "lobby", "data": "again"}, ack=True)
    ui.wait_for(kind=Kind.EVENT, dir=IN, event="room_message", client="alice", count=2)

    path = tmp_path / "two.yaml"
    text = ui.save_scenario(path, name="alice and bob")
    assert "alice-token" not in text and "bob-token" not in text
    doc = yaml.safe_load(text)
    assert doc["connection"]["auth"] == {"token": "${env:SIO_AUTH_TOKEN}"}
    assert doc["clients"] == {"alice": {}, "bobby": {"connection": {"auth": {"token": "${env:SIO_BOBBY_AUTH_TOKEN}"}}}}
    assert [_step(s) for s in doc["steps"]] == [
        ("expect", "welcome", None), ("join", "lobby", None), ("expect", "welcome", "bobby"),
        ("emit", "broadcast", "bobby"), ("expect", "room_message", None),
        ("emit", "broadcast", "bobby"), ("expect", "room_message", None)], text
    steps = len(loads(text).steps)

    # in the window: alice is the window's own client, bobby the listed one; their tokens
    # come from the clients themselves
    ui.client("alice")
    assert ui.run_scenario(), (ui.scenario_steps(), ui.scenario_message, text)
    assert ui.scenario_panel.secretsDialog is None
    assert ui.scenario_summary.startswith(f"Passed: {steps} steps in ")
    # headless, from the environment, as in CI
    code, out, err = run_cli(path, env=ENV)
    assert code == 0, out + err
    assert f"passed: {steps} steps in " in out


def test_a_secret_only_another_client_needs_is_asked_for_before_the_replay(inspector_at, demo_server,
                                                                           tmp_path, monkeypatch):
    monkeypatch.delenv("SIO_CAROL_AUTH_TOKEN", raising=False)
    path = tmp_path / "carol.yaml"
    path.write_text("clients:\n  alice: {}\n  carol: {connection: {auth: {token: '${env:SIO_CAROL_AUTH_TOKEN}'}}}\n"
                    "steps:\n  - expect: welcome\n    client: carol\n")
    ui = inspector_at(demo_server.url)
    ui.open_scenario(path, url=demo_server.url)
    ui.click("runButton")
    ui.qtbot.waitUntil(lambda: ui.scenario_panel.secretsDialog is not None)
    assert "SIO_CAROL_AUTH_TOKEN" in ui.scenario_summary
