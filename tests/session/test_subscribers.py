"""A subscriber that raises is shown (an `error` entry naming it, and the log), and the
session goes on: the other subscribers get every entry, the connection keeps working."""
from __future__ import annotations

import logging

import pytest

from tests.helpers import demo_session, run


class Broken:
    def __init__(self, on_kind: str | None = None):
        self.on_kind, self.calls = on_kind, 0

    def on_entry(self, entry) -> None:
        self.calls += 1
        if self.on_kind is None or entry.kind == self.on_kind:
            raise KeyError("no such column")

    def on_state(self, state) -> None:
        if state.state == "disconnected" and self.calls:
            raise RuntimeError("the label is gone")


@pytest.mark.expect_error(r"Broken\.on_entry failed")
def test_a_raising_log_subscriber_is_shown_once_and_stops_nothing(caplog):
    broken = Broken()

    async def scenario():
        async with demo_session() as (session, rec, server, _):
            start = session.last_seq
            session.subscribe(broken.on_entry)
            first = await session.emit("/", "echo", ["one"], ack=True)
            assert (await first.answer).args == ["one"]
            second = await session.emit("/", "echo", ["two"], ack=True)
            assert (await second.answer).args == ["two"]
            [error] = await rec.wait_for(kind="error")
            return start, rec.entries, error
    with caplog.at_level(logging.ERROR, logger="inspector.session.session"):
        start, entries, error = run(scenario())
    name = f"{__name__}.Broken.on_entry"
    assert error.detail["subscriber"] == name and error.detail["exception"] == "KeyError"
    assert error.detail["message"].startswith(f"{name} failed on entry ")
    assert "KeyError: 'no such column'" in error.detail["message"]
    # shown once, though it fails on every entry; the other subscriber had them all
    assert [e.kind for e in entries].count("error") == 1
    assert broken.calls == len([e for e in entries if e.seq > start]) > 4
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert [e.args for e in entries if e.kind == "ack"] == [["one"], ["two"]]
    failures = [r for r in caplog.records if r.getMessage().startswith(f"subscriber {name} failed")]
    assert len(failures) == broken.calls and all(r.exc_info for r in failures)


@pytest.mark.expect_error(r"Broken\.on_state failed")
def test_a_raising_state_subscriber_is_shown_and_the_others_still_hear():
    broken = Broken(on_kind="connect")
    states: list[str] = []

    async def scenario():
        async with demo_session() as (session, rec, server, _):
            session.subscribe(broken.on_entry)
            session.subscribe_state(broken.on_state)
            session.subscribe_state(lambda s: states.append(s.state))
            await session.disconnect()
            return rec.entries
    entries = run(scenario())
    errors = {e.detail["subscriber"]: e for e in entries if e.kind == "error"}
    assert set(errors) == {f"{__name__}.Broken.on_state"}
    assert errors[f"{__name__}.Broken.on_state"].detail["message"].endswith(
        "RuntimeError: the label is gone (it is still called; later failures are only logged)")
    assert states[-1] == "disconnected"
