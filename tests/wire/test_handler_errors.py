"""A bug in what handles a message above the wire is an `error` row and a logged traceback,
and the connection goes on (it must not end the read loop unseen)."""
from __future__ import annotations

import logging

import pytest

from inspector.session.session import Session
from tests.helpers import demo_session, run


@pytest.mark.expect_error(r"ZeroDivisionError: a bug")
def test_a_bug_handling_a_message_is_an_error_row_and_the_connection_goes_on(caplog, monkeypatch):
    real_ack_in = Session.ack_in

    def ack_in(self, ns, ack_id, args, size, binary):
        if args == ["boom"]:
            raise ZeroDivisionError("a bug")
        return real_ack_in(self, ns, ack_id, args, size, binary)
    monkeypatch.setattr(Session, "ack_in", ack_in)

    async def scenario():
        async with demo_session(transport="websocket") as (session, rec, server, _):
            await session.emit("/", "echo", ["boom"], ack=True, timeout=30)
            [error] = await rec.wait_for(kind="error")
            fine = await session.emit("/", "echo", ["fine"], ack=True)
            assert (await fine.answer).args == ["fine"]
            return error
    with caplog.at_level(logging.ERROR, logger="inspector.wire.eio"):
        error = run(scenario())
    assert error.detail["message"] == "could not handle a message (ZeroDivisionError: a bug)"
    assert error.args == ['430["boom"]']            # the message as it came
    [logged] = [r for r in caplog.records if r.name == "inspector.wire.eio"]
    assert logged.getMessage() == "handling a message failed" and logged.exc_info[0] is ZeroDivisionError
