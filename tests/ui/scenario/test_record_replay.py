"""Record -> replay green (issue 14, point 10): a session on the demo server WITH its periodic `tick`
running, saved as a scenario with the dialog's defaults, replays green in the window (its secrets
taken from the window's connection, no environment variable set) and with `socketio-inspector run`
(the environment's, the headless way); a failed replay is never what the next save records."""
from __future__ import annotations

import pytest

from inspector.log.entry import IN, Kind
from inspector.scenarios.file import loads
from tests.demo_thread import ThreadedDemoServer
from tests.ui.scenario.test_panel import SECRETS, run_cli

TICK = 0.2


@pytest.fixture
def ticking_server():
    server = ThreadedDemoServer(tick_interval=TICK)
    yield server
    server.stop()


def steps_of(text: str) -> list[tuple[str, object]]:
    return [(s.kind, s.value) for s in loads(text).steps]


def test_a_session_recorded_with_a_ticking_server_replays_green_in_the_window_and_headless(
        inspector_at, ticking_server, tmp_path, monkeypatch):
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)      # the window needs none: its connection has them
    ui = inspector_at(ticking_server.url)
    ui.connect(auth={"token": "s3cret-global"})
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.join("lobby", ns="/")
    ui.emit("echo", {"n": 1}, ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.emit("burst", {"count": 3}, ack=True)
    ui.wait_for_event("burst", count=3)
    ui.emit("stats", ns="/admin", ack=True)            # {"clients": n, "received": n}: counters
    ui.wait_for(kind=Kind.ACK, dir=IN, event="stats")
    ui.emit("slow_echo", {"delay": 0.6, "data": "late"}, ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="slow_echo")
    ui.wait_for_event("tick", count=8)                 # the clock ran all along

    path = tmp_path / "recorded.yaml"
    text = ui.save_scenario(path, name="with the clock running")
    sc = loads(text, str(path))
    assert ("expect", "tick") not in steps_of(text)
    assert "tick ×" in text and f"on / (periodic, every {TICK:.2f} s)" in text
    stats = next(s for s in sc.steps if s.value == "stats")
    assert stats.get("expect_ack") == [{"clients": {"$type": "integer"}, "received": {"$type": "integer"}}]
    slow = next(s for s in sc.steps if s.value == "slow_echo")
    assert slow.get("expect_ack") == ["late"] and slow.get("timeout") == 3.0     # 3 × 0.6 s + 1, rounded up
    assert all(s.get("timeout") for s in sc.steps if s.kind == "expect" or "expect_ack" in s.fields)
    assert "s3cret-global" not in text and "demo-token" not in text

    # in the window: auth and the /admin token come from the window's connection
    assert ui.run_scenario(), (ui.scenario_steps(), ui.scenario_message, text)
    assert ui.scenario_panel.secretsDialog is None
    assert ui.scenario_summary.startswith(f"Passed: {len(sc.steps)} steps in ")
    ui.disconnect()
    # headless: from the environment, as in CI
    code, out, err = run_cli(path, env=SECRETS)
    assert code == 0, out + err
    assert f"passed: {len(sc.steps)} steps in " in out

    # a replay that fails, then Save as scenario: what is recorded is still the user's session
    failing = tmp_path / "failing.yaml"
    failing.write_text("steps:\n  - emit: echo\n    args: [replayed]\n  - expect: never\n    timeout: 0.3\n")
    ui.open_scenario(failing, url=ticking_server.url)
    assert not ui.run_scenario()
    again = ui.save_scenario(tmp_path / "again.yaml")
    assert steps_of(again) == steps_of(text)
    assert "replayed" not in again and "never" not in again
    assert loads(again).connection["auth"] == {"token": "${env:SIO_AUTH_TOKEN}"}
