"""`python -m inspector.demo.server`: the command prints READY with its URL, serves, and ends
cleanly on SIGTERM (as the fixtures and a user stop it)."""
from __future__ import annotations

import signal

from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions
from tests.conftest import start_demo
from tests.helpers import Recorder, run


def test_the_demo_server_command_serves_and_stops_on_sigterm():
    server = start_demo()
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0

        async def talk():
            session = Session(ConnectionOptions(url=server.url))
            rec = Recorder(session)
            await session.connect(namespaces=["/", "/chat"])
            [welcome] = await rec.wait_for(kind="event", event="welcome")
            sent = await session.emit("/chat", "echo", ["hi"], ack=True)
            answer = (await sent.answer).args
            await session.disconnect()
            return welcome.args[0]["message"], answer
        assert run(talk()) == ("Welcome to the socketio-inspector demo", ["hi"])
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(10) == 0
    finally:
        server.stop()
