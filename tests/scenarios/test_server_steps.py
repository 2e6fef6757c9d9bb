"""Scenario steps through the server's own view: `expect_server` (a message the server sent,
or a socket / room as it lists it now) and `server_emit`, against the official Node server
with @socket.io/admin-ui and python-socketio's instrumented demo server."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from inspector.demo.admin_ui import ADMIN_UI_NAMESPACE
from inspector.log.entry import Kind
from inspector.scenarios.file import ScenarioError, loads
from inspector.scenarios.runner import ScenarioRunner, StepOutcome
from inspector.session.session import Session
from tests import admin_servers
from tests.admin_servers import DEMO_ADMIN
from tests.conftest import ROOT
from tests.helpers import run

admin_node = admin_servers.admin_node                    # a fixture
instrumented_demo = admin_servers.instrumented_demo      # a fixture

BOB = """\
connection:
  reconnection: false
  headers: {{X-Client: bob}}
namespaces:
  - {ns}
  - name: {via}
    auth: {{username: admin, password: "${{env:ADMIN_PW}}"}}
steps:
  - join: room1
    ns: {ns}
  - expect_server: socket
    via: {via}
    args: {{ns: {ns}, rooms: {{$contains: room1}}, headers: {{x-client: bob}}}}
    save_as: bob
  - expect_server: room
    via: {via}
    args: {{ns: {ns}, room: room1, members: ["${{bob.id}}"]}}
  - server_emit: news
    via: {via}
    ns: {ns}
    to: room1
    args: [{{n: 1}}]
  - expect: news
    ns: {ns}
    args: [{{n: 1}}]
  - expect_server: event_sent
    via: {via}
    args: {{ns: {ns}, id: "${{bob.id}}", name: news, args: [{{n: 1}}]}}
"""


def play(text: str, url: str, env: dict):
    async def go():
        runner = ScenarioRunner(loads(text, "t.yaml"), Session(), url=url, env=env)
        try:
            return await runner.run()
        finally:
            await runner.close()
    return run(go())


@pytest.mark.node
def test_bob_in_room1_as_the_server_lists_him_and_a_server_emit_to_the_room(admin_node):
    server = admin_node("--auth", "admin:pw")
    results = play(BOB.format(ns="/", via="/admin"), server.url, {"ADMIN_PW": "pw"})
    assert [r.status for r in results] == [StepOutcome.PASSED] * 7, [r.message for r in results]
    assert results[2].label.startswith('expect the server: socket {"ns": "/", "rooms": {"$contains": "room1"}')
    assert results[4].label == "server emits news to room1 on /"


def test_the_same_against_the_instrumented_demo(instrumented_demo):
    results = play(BOB.format(ns="/chat", via=ADMIN_UI_NAMESPACE), instrumented_demo.url,
                   {"ADMIN_PW": DEMO_ADMIN[1]})
    assert [r.status for r in results] == [StepOutcome.PASSED] * 7, [r.message for r in results]


@pytest.mark.node
def test_a_failed_expect_server_says_what_the_server_lists_and_a_read_only_server_refuses(admin_node):
    server = admin_node("--readonly")
    text = """\
connection: {reconnection: false}
namespaces: [/, /admin]
steps:
  - expect_server: room
    args: {room: nowhere}
    timeout: 0.3
"""
    results = play(text, server.url, {})
    assert results[1].status == StepOutcome.FAILED
    assert 'expected the server (/admin) to list a room matching {"room": "nowhere"} within 0.3 s; it lists []' \
        in results[1].message
    results = play(text.replace("  - expect_server: room\n    args: {room: nowhere}\n    timeout: 0.3\n",
                                "  - server_emit: news\n"), server.url, {})
    assert results[1].status == StepOutcome.FAILED
    assert "server_emit refused: the server does not take `emit`: its config lists AGGREGATED_EVENTS" \
        in results[1].message


def test_a_server_step_without_its_admin_namespace_open_is_refused_before_running():
    with pytest.raises(ScenarioError, match=r"the admin namespace /admin is not open at this step \(open: /\)"):
        loads("steps:\n  - expect_server: room_joined\n", "t.yaml")
    with pytest.raises(ScenarioError, match="unknown field|additional"):
        loads("namespaces: [/, /admin]\nsteps:\n  - server_emit: x\n    bogus: 1\n", "t.yaml")


@pytest.mark.node
def test_the_readme_server_view_scenario_passes_as_written(admin_node, tmp_path):
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
               if "expect_server" in b]
    path = tmp_path / "bob.yaml"
    path.write_text(block)
    server = admin_node("--auth", "admin:pw-readme")
    proc = subprocess.run([sys.executable, "-m", "inspector", "run", str(path), "--url", server.url],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "ADMIN_PW": "pw-readme"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pw-readme" not in proc.stdout + proc.stderr


def test_recorded_a_session_that_emitted_as_the_server_gives_a_server_emit_step_and_replays(instrumented_demo):
    """The recorder: the admin namespace's own traffic is not the client's (no expect of a
    server_stats), a server-side emit that the server took is a server_emit step."""
    from inspector.scenarios.recorder import context_of, record
    from inspector.session.server_view.admin import ServerAdmin
    from inspector.session.session import Session
    from inspector.wire.options import ConnectionOptions
    from tests.helpers import Recorder, until

    async def go():
        session = Session(ConnectionOptions(url=instrumented_demo.url, reconnection=False))
        rec = Recorder(session)
        await session.connect()
        admin = ServerAdmin(session, ADMIN_UI_NAMESPACE)
        await admin.attach(*DEMO_ADMIN)
        await (await session.join_room("/", "room1")).answer
        await until(lambda: admin.view.members("/", "room1"), what="the server lists room1")
        await admin.emit("/", "news", [{"n": 1}], to="room1")
        await rec.wait_for(kind=Kind.EVENT, event="news", ns="/")
        recording = record(rec.entries, await context_of(session), name="as the server")
        admin.close()
        await session.disconnect()
        return recording
    recording = run(go())
    doc = yaml.safe_load(recording.text)
    assert DEMO_ADMIN[1] not in recording.text
    steps = doc["steps"]
    assert {"server_emit": "news", "to": "room1", "args": [{"n": 1}], "via": ADMIN_UI_NAMESPACE} in steps
    assert not [s for s in steps if s.get("expect") in ("server_stats", "config", "all_sockets")
                or s.get("ns") == ADMIN_UI_NAMESPACE]
    names = [n if isinstance(n, str) else n["name"] for n in doc["namespaces"]]
    assert ADMIN_UI_NAMESPACE in names        # opened with its auth (a secret of the environment)
    env = {name: DEMO_ADMIN[i] for i, name in enumerate(recording.secrets)} if len(recording.secrets) == 2 else {}
    results = play(recording.text, instrumented_demo.url, env)
    assert all(r.status == StepOutcome.PASSED for r in results), [(r.label, r.message) for r in results]
