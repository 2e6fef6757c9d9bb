"""python-socketio's instrument() on the demo server (--admin-ui): the server view sees the
demo's clients and rooms, its commands work, and the demo credentials are the ones said."""
from __future__ import annotations

import subprocess
import sys

import pytest

from inspector.demo.admin_ui import ADMIN_PASSWORD, ADMIN_UI_NAMESPACE, ADMIN_USERNAME, instrument
from inspector.log.entry import SYS, Kind
from inspector.session.server_view.admin import AdminRefused, ServerAdmin
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from inspector.wire.packets import MASK
from tests import admin_servers
from tests.admin_servers import DEMO_ADMIN
from tests.helpers import Recorder, run, until

instrumented_demo = admin_servers.instrumented_demo          # a fixture


def _session(url: str, **kw) -> Session:
    return Session(ConnectionOptions(url=url, reconnection=False, **kw))


def test_the_banner_and_the_readme_say_the_credentials_the_server_takes(instrumented_demo):
    assert (ADMIN_USERNAME, ADMIN_PASSWORD) == DEMO_ADMIN
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text()
    assert f"`{ADMIN_USERNAME}`" in readme and f"`{ADMIN_PASSWORD}`" in readme and ADMIN_UI_NAMESPACE in readme


def test_the_demo_server_says_its_admin_credentials_on_its_banner():
    proc = subprocess.Popen([sys.executable, "-m", "inspector.demo.server", "--port", "0", "--tick", "0",
                             "--admin-ui"], stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("READY "):
                break
        assert any(f"namespace {ADMIN_UI_NAMESPACE}" in x and f"password {ADMIN_PASSWORD!r}" in x
                   for x in lines), lines
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()


def test_the_demo_is_seen_from_the_server_side_and_moved_between_rooms(instrumented_demo):
    url = instrumented_demo.url

    async def go():
        session = _session(url)
        rec = Recorder(session)
        admin = ServerAdmin(session, ADMIN_UI_NAMESPACE)
        await session.connect(namespaces=["/"])
        config = await admin.attach(*DEMO_ADMIN)
        assert config["development"] and not config["read_only"]
        dave = _session(url, headers={"X-Api-Key": "k-123"})
        dave_log = Recorder(dave)
        dave_id = (await dave.connect(namespaces=["/chat"]))["/chat"]["sid"]
        await until(lambda: admin.view.socket("/chat", dave_id) is not None, what="dave listed")
        assert admin.view.socket("/chat", dave_id).headers["x-api-key"] == MASK   # python: x_api_key
        await (await dave.join_room("/chat", "lobby")).answer
        # python-socketio sends room changes with its next stats (every 2 s)
        await until(lambda: admin.view.rooms("/chat").get(("/chat", "lobby")) == [dave_id], 10, "lobby")
        answer = await admin.join("/chat", "room1", dave_id)
        assert answer["confirmed"] == [dave_id]
        await admin.emit("/chat", "notice", ["from the server"], to="room1")
        await dave_log.wait_for(kind=Kind.EVENT, event="notice", where=lambda e: e.args == ["from the server"])
        await until(lambda: any(e.name == "notice" and e.socket_id == dave_id for e in admin.view.events),
                    what="event_sent listed")
        gone = await admin.disconnect("/chat", dave_id)
        assert gone["confirmed"] == [dave_id]
        await dave_log.wait_for(kind=Kind.DISCONNECT, ns="/chat")
        assert [n.event for n in rec.find(dir=SYS, kind=Kind.SERVER)] == ["join", "emit", "_disconnect"]
        await dave.disconnect()
        await session.disconnect()
    run(go())


def test_a_wrong_password_is_said_as_such(instrumented_demo):
    async def go():
        session = _session(instrumented_demo.url)
        await session.connect(namespaces=["/"])
        with pytest.raises(AdminRefused, match=r"refused the admin username or password \(authentication failed\)"):
            await ServerAdmin(session, ADMIN_UI_NAMESPACE).attach(ADMIN_USERNAME, "nope")
        await session.disconnect()
    run(go())


def test_a_second_instrumented_server_in_one_process_is_refused_with_the_reason():
    import socketio

    from inspector.demo import admin_ui
    first, second = socketio.AsyncServer(async_mode="aiohttp"), socketio.AsyncServer(async_mode="aiohttp")
    taken = list(admin_ui._instrumented)
    if not taken:
        instrument(first)
    try:
        with pytest.raises(RuntimeError, match="one instrumented server per process"):
            instrument(second)
    finally:
        if not taken:
            admin_ui._instrumented[0].uninstrument()
            admin_ui._instrumented.clear()
