"""A test fails on an error nobody expected (as qutebrowser's tests do on an unexpected log line):

- an `error` LogEntry (kind "error") logged by any Session in this process: the CLI and the
  scenario runner run in-process, helpers on a loop of their own; every Session made while the
  tests run is watched from its creation; and the window's Session, in its capture process, as
  its entries reach the window (its warnings come as `inspector.capture.process` records);
- a logging record at WARNING or above from the `inspector` loggers (e.g. "a log subscriber
  failed", which the session logs and then carries on from), or from `asyncio`, where a task
  that died with nobody awaiting it and an unclosed aiohttp session are reported.

(Qt's own warnings fail a test through pytest-qt's `qt_log_level_fail`.)  A test says what it
expects with a regular expression, searched in the entry's JSON line or in the record's
"logger: message":

    @pytest.mark.expect_error(r"no answer to CONNECT /slow")
    def test_a_namespace_that_never_answers(...): ...

    def test_...(expected_errors):
        expected_errors.add(r"bad packet")

An expectation that matched nothing fails the test too (the error it named no longer
happens: the test or the marker is stale), unless given with `strict=False`.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass, field

import pytest

from inspector.capture.client import CaptureClient
from inspector.capture.protocol import entry_from_wire
from inspector.log.entry import LogEntry
from inspector.session.session import Session

WATCHED_LOGGERS = ("inspector", "asyncio")


@dataclass
class Expectation:
    pattern: re.Pattern
    strict: bool = True
    seen: int = 0


@dataclass
class ErrorWatch:
    """What went wrong during one test, and what the test said it expects."""
    expectations: list[Expectation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)       # unexpected, in order
    _reported: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, pattern: str, *, strict: bool = True) -> None:
        """Expect an error entry or log record that matches `pattern` (re.search)."""
        with self._lock:
            self.expectations.append(Expectation(re.compile(pattern), strict))

    def saw(self, what: str, text: str) -> None:
        with self._lock:
            for e in self.expectations:
                if e.pattern.search(text):
                    e.seen += 1
                    return
            self.problems.append(f"{what}: {text}")

    def new_problems(self) -> list[str]:
        """The unexpected errors not reported yet."""
        with self._lock:
            new, self._reported = self.problems[self._reported:], len(self.problems)
            return new

    def unmet(self) -> list[str]:
        with self._lock:
            return [e.pattern.pattern for e in self.expectations if e.strict and not e.seen]


_current: ErrorWatch | None = None     # the running test's (set and read from any thread)


def _on_entry(entry: LogEntry) -> None:
    watch = _current
    if watch is not None and entry.kind == "error":
        watch.saw("unexpected error entry", entry.to_jsonl())


class _WatchHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        watch = _current
        if watch is None:
            return
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        watch.saw(f"unexpected {record.levelname} log record", text)


_handler = _WatchHandler(logging.WARNING)
_original_init = Session.__init__


@functools.wraps(_original_init)
def _watched_init(self, *args, **kwargs) -> None:
    _original_init(self, *args, **kwargs)
    self.subscribe(_on_entry)


_original_dispatch = CaptureClient._dispatch


@functools.wraps(_original_dispatch)
def _watched_dispatch(self, message: dict) -> None:
    # the window's Session is in its capture process: its error entries are watched as they arrive
    _original_dispatch(self, message)
    for row in message.get("entries") or ():
        if row[3] == "error":
            _on_entry(entry_from_wire(list(row)))


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "expect_error(pattern, strict=True): the test expects an error entry or an "
                   "inspector or asyncio log record at WARNING or above that matches this regular expression")
    Session.__init__ = _watched_init
    CaptureClient._dispatch = _watched_dispatch
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).addHandler(_handler)


def pytest_unconfigure(config) -> None:
    Session.__init__ = _original_init
    CaptureClient._dispatch = _original_dispatch
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).removeHandler(_handler)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current
    watch = ErrorWatch()
    for mark in item.iter_markers("expect_error"):
        watch.add(*mark.args, **mark.kwargs)
    item.stash[_WATCH] = watch
    _current = watch
    try:
        return (yield)
    finally:
        _current = None


_WATCH = pytest.StashKey[ErrorWatch]()
_PASSED = pytest.StashKey[bool]()


def _fail(problems: list[str], unmet: list[str]) -> None:
    lines = [*problems] + [f"expected an error matching {p!r}, none came" for p in unmet]
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    watch = item.stash[_WATCH]
    try:
        result = yield
    except BaseException:
        # the test failed by itself: what went wrong on the side goes with its report
        item.stash[_PASSED] = False
        new = watch.new_problems()
        if new:
            item.add_report_section("call", "unexpected errors", "\n".join(new))
        raise
    item.stash[_PASSED] = True
    new = watch.new_problems()
    if new:
        _fail(new, [])
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    watch = item.stash.get(_WATCH, None)
    if watch is not None:
        new = watch.new_problems()      # logged while the fixtures were taken down
        # an expected error may come as late as the teardown (a session closing)
        unmet = watch.unmet() if item.stash.get(_PASSED, False) else []
        if new or unmet:
            _fail(new, unmet)
    return result


@pytest.fixture
def expected_errors(request) -> ErrorWatch:
    """Add what this test expects: expected_errors.add(r"regex")."""
    return request.node.stash[_WATCH]
