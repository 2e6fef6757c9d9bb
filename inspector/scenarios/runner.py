"""Run a scenario's steps against a real Session, on the current asyncio loop.

What counts as received (the rule, also in README):
- every entry from the moment the run connects is kept, in order (the journal);
- `expect` takes the oldest matching incoming events that no earlier `expect`
  took, waiting up to its timeout for more to arrive: an event that came in
  before the step started (say, while an emit waited for its ack) counts, an
  event is never counted twice, and events nobody expects are simply passed by;
- `expect_no` fails on a matching event (not taken by an `expect`) that arrives
  from the start of the last action (emit, join, leave, open, close, drop)
  until `within` seconds after it starts;
- `expect_gap` / `expect_recovered` look at what happened since the last action.

A failure names the step, what was expected and the nearest entries actually
received (the same event with other arguments, the same event on another
namespace, or the last events on that namespace).
"""
from __future__ import annotations

import asyncio
import bisect
import itertools
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Mapping

from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.scenarios import run_stats
from inspector.scenarios.file import DEFAULT_WITHIN, Scenario, ScenarioError, Step
from inspector.scenarios.journal import Journal
from inspector.scenarios.matching import mismatch, show
from inspector.scenarios.run_stats import RunStats
from inspector.scenarios.server_lists import SERVER_LISTS, server_list
from inspector.scenarios.variables import VariableError, substitute
from inspector.session.acks import AckFailed, AckTimeout
from inspector.session.errors import ConnectError
from inspector.session.reserved import ReservedEventName
from inspector.session.server_acks import AckReply
from inspector.session.server_view.admin import AdminRefused, ServerAdmin
from inspector.session.server_view.protocol import normalize
from inspector.session.server_view.view import ServerView
from inspector.session.session import EmitOutcome, NotConnected, Session
from inspector.session.state import ConnectionState
from inspector.wire.payload import PayloadError, resolve_bytes


class StepOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"      # not run: an earlier step failed (or the run was stopped)


PASSED, FAILED, SKIPPED = StepOutcome


@dataclass
class StepResult:
    index: int                  # 0: the connection, then 1, 2... as in the file
    label: str
    status: StepOutcome
    duration_ms: float = 0.0
    line: int | None = None
    message: str = ""           # what was expected (on failure) or why skipped
    details: list[str] = field(default_factory=list)   # the nearest entries received
    entries: list[LogEntry] = field(default_factory=list)  # what the step sent / took

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def line_text(self) -> str:
        """One progress line: `  ✓   12 ms  emit echo`."""
        mark = {PASSED: "✓", FAILED: "✗", SKIPPED: "-"}[self.status]
        ms = f"{self.duration_ms:5.0f} ms" if self.status != SKIPPED else "        "
        return f"  {mark} {ms}  {self.label}"

    def report(self) -> str:
        """The progress line, and on failure what was expected and what came instead."""
        lines = [self.line_text()]
        if self.status == FAILED:
            lines += [f"      {self.message}"] + [f"      {d}" for d in self.details]
        return "\n".join(lines)


class StepFailed(Exception):
    def __init__(self, message: str, details: list[str] | None = None,
                 entries: list[LogEntry] | None = None):
        super().__init__(message)
        self.details = details or []
        self.entries = entries or []


class ScenarioRunner:
    """connect(), then next() step by step, or run() to the end; close() when done."""

    def __init__(self, scenario: Scenario, session: Session, *, url: str | None = None,
                 env: Mapping[str, str] | None = None,
                 session_factory: Callable[[], Session] = Session):
        self.scenario = scenario
        self.session = session          # the first client's (the window's own)
        # the clients by name (a scenario without `clients:`: the one session, named None)
        names = scenario.client_names()
        self._first_name = session.name
        if names:
            session.name = names[0]
            self.sessions: dict[str | None, Session] = {names[0]: session}
            for name in names[1:]:
                self.sessions[name] = session_factory()
                self.sessions[name].name = name
            counter = itertools.count(session.last_seq + 1).__next__   # one log: seq unique in it
            for s in self.sessions.values():
                s.share_seq(counter)
        else:       # keyed by its own name: the window's session may have one
            self.sessions = {session.name: session}
        self._unsubscribes: list[Callable[[], None]] = []
        self.url = url or scenario.url
        self.env = os.environ if env is None else env
        self.journal = Journal()
        self.results: list[StepResult] = []
        self.variables: dict[str, Any] = {}
        self.position = 0               # index into scenario.steps of the next step
        self.connected = False
        self.connect_failed = False
        self._floor = 0                 # journal length when the last action started
        self._unsubscribe: Callable[[], None] | None = None
        self._saved_settings: tuple | None = None
        self._secrets: list[str] | None = None
        self._server_views: dict[tuple[str, str], ServerView] = {}   # (client, admin namespace) -> what the server said
        self._server_unsubscribes: list[Callable[[], None]] = []

    # -- what the UI lists -----------------------------------------------------------
    @property
    def connect_label(self) -> str:
        names = ", ".join(ns for ns, _ in self.scenario.namespaces)
        if self.scenario.clients:
            return f"connect {len(self.scenario.client_names())} clients to {self.url or '(no URL)'} ({names})"
        return f"connect {self.url or '(no URL)'} ({names})"

    @property
    def labels(self) -> list[str]:
        return [self.connect_label] + [s.label for s in self.scenario.steps]

    @property
    def done(self) -> bool:
        return self.connect_failed or (self.connected and self.position >= len(self.scenario.steps))

    @property
    def passed(self) -> bool:
        return self.done and not self.connect_failed and all(r.passed for r in self.results)

    def stats(self) -> RunStats:
        """Delivery counts and ack round-trip percentiles over every client of the run."""
        return run_stats.of(self.journal.entries, len(self.sessions))

    # -- running ---------------------------------------------------------------------
    async def connect(self) -> StepResult:
        started = time.monotonic()
        sc = self.scenario
        plans = {}
        try:
            for name in self.sessions:
                namespaces = sc.client_namespaces(name) if sc.clients else sc.namespaces
                options = (sc.client_options(name, self.url, self.env) if sc.clients
                           else sc.options(self.url, self.env))
                auth = {ns: substitute(a, {}, self.env) for ns, a in namespaces if a is not None}
                plans[name] = (options, [ns for ns, _ in namespaces], auth or sc.namespace_auth(self.env))
        except (ScenarioError, VariableError) as exc:
            return self._connect_result(started, FAILED, str(exc))
        self.journal.start()
        for session in self.sessions.values():
            if session.state != ConnectionState.DISCONNECTED:
                await session.disconnect()      # a scenario describes its own connection
        if self._unsubscribe is None:
            self._unsubscribe = self.session.subscribe(self.journal.record)
            self._unsubscribes = [s.subscribe(self.journal.record) for s in self.sessions.values()
                                  if s is not self.session]
        self._apply_settings()
        got = await asyncio.gather(*(self.sessions[n].connect(*plan) for n, plan in plans.items()),
                                   return_exceptions=True)
        failed, refused = [], []
        for name, opened in zip(plans, got, strict=True):
            who = f"{name}: " if sc.clients else ""
            if isinstance(opened, ConnectError):
                failed.append(f"{who}{opened}")
            elif isinstance(opened, BaseException):
                raise opened
            else:
                refused += [f"{who}{ns}: {r}" for ns, r in opened.items() if isinstance(r, Exception)]
        if failed:
            return self._connect_result(started, FAILED, "cannot connect: " + "; ".join(failed))
        if refused:
            return self._connect_result(started, FAILED, "namespace not opened: " + "; ".join(refused))
        return self._connect_result(started, PASSED)

    def _connect_result(self, started: float, status: str, message: str = "") -> StepResult:
        self.connected = status == PASSED
        self.connect_failed = not self.connected
        result = StepResult(0, self.connect_label, status, _ms(started), self.scenario.lines.get("url"),
                            self._redact(message), entries=[e for e in self.journal.entries if e.kind == Kind.CONNECT])
        self.results.append(result)
        return result

    async def next(self) -> StepResult | None:
        """Run the next step (connecting first if needed); None when there is none left."""
        if not self.connected:
            return None if self.connect_failed else await self.connect()
        if self.position >= len(self.scenario.steps):
            return None
        step = self.scenario.steps[self.position]
        result = await self.run_step(step)
        self.position += 1
        self.results.append(result)
        return result

    async def run(self, on_result: Callable[[StepResult], None] | None = None) -> list[StepResult]:
        """Connect and run every step, stopping at the first failure (the rest are skipped)."""
        while not self.done:
            result = await self.next()
            if result is None:
                break
            if on_result is not None:
                on_result(result)
            if not result.passed:
                for skipped in self.skip_rest(f"not run: step {result.index} failed"
                                              if result.index else "not run: could not connect"):
                    if on_result is not None:
                        on_result(skipped)
                break
        return self.results

    def skip_rest(self, why: str) -> list[StepResult]:
        return skip_rest(self, why)

    async def close(self, disconnect: bool = True) -> None:
        if disconnect and self.session.state != ConnectionState.DISCONNECTED:
            await self.session.disconnect()
        # the other clients are the run's own: always disconnected
        await asyncio.gather(*(s.disconnect() for s in self.sessions.values()
                               if s is not self.session and s.state != ConnectionState.DISCONNECTED))
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes = []
        for stop in self._server_unsubscribes:
            stop()
        self._server_unsubscribes.clear()
        self._restore_settings()
        self.session.name = self._first_name
        if len(self.sessions) > 1:          # the window's session goes on after the run's last seq
            self.session._seq = max(s.last_seq for s in self.sessions.values())
            self.session.share_seq(None)

    async def run_step(self, step: Step) -> StepResult:
        started = time.monotonic()
        if step.is_action:
            self._floor = len(self.journal)
        run = getattr(self, f"_{step.kind}")
        try:
            clients = [self.session.name if c is None else c for c in self.scenario.step_clients(step)]
            if len(clients) == 1:
                entries = await run(step, clients[0])
            else:       # every copy of a repeated client at once; the first failure is the step's
                got = await asyncio.gather(*(run(step, c) for c in clients), return_exceptions=True)
                bad = next((g for g in got if isinstance(g, BaseException)), None)
                if bad is not None:
                    raise bad
                entries = [e for g in got for e in (g or [])]
        except StepFailed as exc:
            return StepResult(step.index, step.label, FAILED, _ms(started), step.line,
                              self._redact(f"step {step.index} (line {step.line}): {exc}"),
                              [self._redact(d) for d in exc.details], exc.entries)
        except (VariableError, PayloadError, NotConnected, ReservedEventName) as exc:
            return StepResult(step.index, step.label, FAILED, _ms(started), step.line,
                              self._redact(f"step {step.index} (line {step.line}): {exc}"))
        return StepResult(step.index, step.label, PASSED, _ms(started), step.line, entries=entries or [])

    def _redact(self, text: str) -> str:
        """Failure messages go to CI logs: auth, header and ${env:...} values are masked."""
        if self._secrets is None:
            self._secrets = sorted(self.scenario.secret_values(self.env), key=len, reverse=True)
        for secret in self._secrets:
            text = text.replace(secret, "••••")
        return text

    def _sub(self, value: Any) -> Any:
        return substitute(value, self.variables, self.env)

    def _timeout(self, step: Step) -> float:
        return float(step.get("timeout", self.scenario.timeout))

    def _ack_timeout(self, step: Step) -> float | None:
        """An emit's: its own `timeout` (null: none, 0: already expired), else the
        connection's ack_timeout when the file sets one, else the scenario's timeout."""
        if "timeout" in step.fields:
            value = step.get("timeout")
            return None if value is None else float(value)
        if "ack_timeout" in self.scenario.connection:
            return self.session.options.ack_timeout
        return float(self.scenario.timeout)

    def _save(self, step: Step, args: list) -> None:
        if step.get("save_as"):
            self.variables[step.get("save_as")] = list(args)

    def _ns(self, step: Step) -> str:
        return self._sub(step.ns)

    # -- actions ------------------------------------------------------------------------
    async def _emit(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, event = self._ns(step), self._sub(step.value)
        args = resolve_bytes(self._sub(step.get("args", [])), self.scenario.base_dir)
        ack = bool(step.get("ack")) or "expect_ack" in step.fields or "save_as" in step.fields
        timeout = self._ack_timeout(step)
        before = len(self.journal)
        result = await self.sessions[client].emit(ns, event, args, ack=ack, timeout=timeout,
                                         compress=bool(step.get("compress", True)),
                                         volatile=bool(step.get("volatile")))
        if result.outcome == EmitOutcome.DROPPED:
            raise StepFailed(f"the volatile emit {event!r} was dropped: the transport was not ready")
        if not ack:
            return [e for e in self.journal.entries[before:] if e.dir == OUT and e.event == event
                    and e.client == client][:1]
        return await self._answer(step, ns, event, result, timeout, client)

    async def _answer(self, step: Step, ns: str, event: str, result,
                      timeout: float | None, client: str | None = None) -> list[LogEntry]:
        try:
            answer = await result.answer
        except AckTimeout:
            within = f"within {timeout:g} s" if timeout else "at once (a timeout of 0)"
            raise StepFailed(f"no ack for {event!r} on {ns} {within}", self.journal.last_on(ns)) from None
        except AckFailed as exc:        # e.g. the connection ended before the answer came
            raise StepFailed(str(exc), self.journal.last_on(ns)) from None
        entries = self._ack_entries(ns, result.ack_id, client)
        if "expect_ack" in step.fields:
            pattern = resolve_bytes(self._sub(step.get("expect_ack")), self.scenario.base_dir)
            why = mismatch(pattern, answer.args, "ack")
            if why:
                raise StepFailed(f"the ack answer of {event!r} differs: {why}",
                                 [f"expected: {show(pattern, 200)}", f"received: {show(answer.args, 200)}"],
                                 entries)
        self._save(step, answer.args)
        return entries

    def _ack_entries(self, ns: str, ack_id: int | None, client: str | None = None) -> list[LogEntry]:
        return [e for e in self.journal.entries if e.ns == ns and e.ack_id == ack_id and e.client == client
                and ((e.dir == OUT and e.kind == Kind.EVENT) or (e.dir == IN and e.kind == Kind.ACK))]

    async def _join(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, room = self._ns(step), self._sub(step.value)
        result = await self.sessions[client].join_room(ns, room, self._timeout(step))
        return await self._answer(step, ns, f"{self.sessions[client].rooms.join_event} {room}", result,
                                  self._timeout(step), client)

    async def _leave(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, room = self._ns(step), self._sub(step.value)
        result = await self.sessions[client].leave_room(ns, room, self._timeout(step))
        return await self._answer(step, ns, f"{self.sessions[client].rooms.leave_event} {room}", result,
                                  self._timeout(step), client)

    async def _open(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns = self._sub(step.value)
        before = len(self.journal)
        got = await self.sessions[client].open_namespace(ns, self._sub(step.get("auth")))
        if isinstance(got, Exception):
            raise StepFailed(f"{ns} was not opened: {got}")
        return [e for e in self.journal.entries[before:] if e.kind == Kind.CONNECT and e.ns == ns]

    async def _close(self, step: Step, client: str | None = None) -> list[LogEntry]:
        await self.sessions[client].close_namespace(self._sub(step.value))
        return []

    async def _drop(self, step: Step, client: str | None = None) -> list[LogEntry]:
        await self.sessions[client].drop_transport()
        return []

    async def _wait(self, step: Step, client: str | None = None) -> list[LogEntry]:
        await asyncio.sleep(float(step.value))
        return []

    async def _server_emit(self, step: Step, client: str | None = None) -> list[LogEntry]:
        via = self._sub(step.via)
        ns = self._sub(step.get("ns") or step.default_ns)
        to = self._sub(step.get("to")) if step.get("to") is not None else None
        args = resolve_bytes(self._sub(step.get("args", [])), self.scenario.base_dir)
        session = self.sessions[client] if client else self.session
        admin = ServerAdmin(session, via, view=self._server_view(via, session), subscribe=False,
                            answer_timeout=self._timeout(step))
        before = len(self.journal)
        try:
            answer = await admin.emit(ns, self._sub(step.value), args, to=to)
        except AdminRefused as exc:
            raise StepFailed(f"server_emit refused: {exc}") from None
        if answer["missing"]:
            raise StepFailed(f"server_emit {step.value!r}: {answer['answer']}")
        return [e for e in self.journal.entries[before:] if e.kind == Kind.SERVER][:1]

    # -- expectations -------------------------------------------------------------------
    def _server_view(self, via: str, session: Any) -> ServerView:
        """The server's view through `via` of the client `session`, from every entry of that
        client since the run connected on."""
        view = self._server_views.get((session.name, via))
        if view is None:
            view = self._server_views[(session.name, via)] = ServerView(via)
            for e in self.journal.entries:
                if e.client == session.name:
                    view.feed(e)
            self._server_unsubscribes.append(session.subscribe(view.feed))
        return view

    async def _expect_server(self, step: Step, client: str | None = None) -> list[LogEntry]:
        via, what = self._sub(step.via), self._sub(step.value)
        pattern = self._sub(step.get("args")) if step.get("args") is not None else None
        timeout = self._timeout(step)
        session = self.sessions[client] if client else self.session
        view = self._server_view(via, session)
        pos = 0

        def matching(items: list[dict]) -> dict | None:
            return next((m for m in items if pattern is None or mismatch(pattern, m) is None), None)

        def check():
            nonlocal pos
            if what in SERVER_LISTS:          # the server's list as it is now
                return matching(server_list(view, what))
            entries = self.journal.entries
            while pos < len(entries):
                e = entries[pos]
                pos += 1
                if e.ns == via and e.dir == IN and e.kind == Kind.EVENT and e.event == what \
                        and e.client == session.name and self.journal.taken_by(e) is None:
                    message = normalize(e.event, e.args)
                    if pattern is None or mismatch(pattern, message) is None:
                        self.journal.take([e], step.index)
                        return message
            return None

        found = await self.journal.until(check, timeout)
        if found is None:
            args = f" matching {show(pattern, 120)}" if pattern is not None else ""
            listed = "" if what not in SERVER_LISTS else \
                f"; it lists {show(server_list(view, what), 200)}"
            note = f" ({view.events_note})" if view.events_note else ""
            raise StepFailed(f"expected the server ({via}) to {'list a ' if what in SERVER_LISTS else 'send '}"
                             f"{what}{args} within {timeout:g} s{listed}{note}")
        if step.get("save_as"):
            self.variables[step.get("save_as")] = [found]
        return []

    def _event_test(self, step: Step) -> tuple[str, str, Any, list[str]]:
        pattern = step.get("args")
        if pattern is not None:
            pattern = resolve_bytes(self._sub(pattern), self.scenario.base_dir)
        return self._ns(step), self._sub(step.value), pattern, list(step.get("flags") or [])

    @staticmethod
    def _why_not(e: LogEntry, pattern: Any, flags: list[str]) -> str | None:
        if pattern is not None:
            why = mismatch(pattern, e.args or [])
            if why:
                return why
        missing = [f for f in flags if f not in e.flags]
        return f"without the flag(s) {', '.join(missing)}" if missing else None

    async def _expect(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, event, pattern, flags = self._event_test(step)
        count = int(step.get("count", 1))
        timeout = self._timeout(step)
        found: list[LogEntry] = []
        pos = 0

        indexes, entries = self.journal.events(ns, event), self.journal.entries

        def check():
            nonlocal pos
            while pos < len(indexes) and len(found) < count:
                e = entries[indexes[pos]]
                pos += 1
                if e.client == client and self.journal.taken_by(e) is None \
                        and self._why_not(e, pattern, flags) is None:
                    found.append(e)
            return found if len(found) >= count else None

        if await self.journal.until(check, timeout) is None:
            what = f"{count} × {event!r}" if count > 1 else repr(event)
            args = f" with args matching {show(pattern, 120)}" if pattern is not None else ""
            flagged = f" flagged {', '.join(flags)}" if flags else ""
            got = f"; {len(found)} came" if count > 1 else ""
            raise StepFailed(f"expected {what} on {ns}{_by(client)}{args}{flagged} within {timeout:g} s{got}",
                             self.journal.nearest(ns, event, lambda e: self._why_not(e, pattern, flags)),
                             found)
        self.journal.take(found, step.index)
        self._save(step, found[-1].args or [])
        return found

    async def _expect_no(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, event, pattern, flags = self._event_test(step)
        within = float(step.get("within", DEFAULT_WITHIN))
        indexes, entries = self.journal.events(ns, event), self.journal.entries
        pos = bisect.bisect_left(indexes, self._floor)

        def check():
            nonlocal pos
            while pos < len(indexes):
                e = entries[indexes[pos]]
                pos += 1
                if e.client == client and self.journal.taken_by(e) is None \
                        and self._why_not(e, pattern, flags) is None:
                    return e
            return None

        bad = await self.journal.until(check, within)
        if bad is not None:
            args = f" matching {show(pattern, 120)}" if pattern is not None else ""
            raise StepFailed(f"expected no {event!r} on {ns}{_by(client)}{args}, but one arrived "
                             f"{self.journal.when(bad)}",
                             [self.journal.describe(bad)], [bad])
        return []

    async def _expect_gap(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, timeout = self._ns(step), self._timeout(step)
        want = step.get("recovered")
        start = self._floor

        def check():
            for e in self.journal.entries[start:]:
                if e.kind == Kind.GAP and e.ns == ns and e.client == client and self.journal.taken_by(e) is None:
                    return e
            return None

        gap = await self.journal.until(check, timeout)
        if gap is None:
            raise StepFailed(f"expected {ns} to drop and come back (a gap) within {timeout:g} s",
                             self.journal.last_sys(ns, start))
        detail = gap.detail or {}
        if want is not None and bool(detail.get("recovered")) is not want:
            raise StepFailed(f"the gap on {ns} was {_recovery_words(detail)}, expected "
                             f"{'recovered' if want else 'not recovered'}", [self.journal.describe(gap)], [gap])
        self.journal.take([gap], step.index)
        self._save(step, [detail])
        return [gap]

    async def _expect_recovered(self, step: Step, client: str | None = None) -> list[LogEntry]:
        ns, timeout = self._ns(step), self._timeout(step)
        start = self._floor

        def check():
            entries = self.journal.entries
            for i in range(start, len(entries)):
                e = entries[i]
                if e.kind == Kind.CONNECT and e.ns == ns and e.client == client:
                    gap = next((g for g in entries[i + 1:i + 3] if g.kind == Kind.GAP and g.ns == ns
                                and g.client == client), None)
                    return e, gap
            return None

        got = await self.journal.until(check, timeout)
        if got is None:
            raise StepFailed(f"expected {ns} to reconnect with its state recovered within {timeout:g} s; "
                             "it did not reconnect", self.journal.last_sys(ns, start))
        connect, gap = got
        if not (connect.detail or {}).get("recovered"):
            why = _recovery_words((gap.detail if gap else None) or connect.detail or {})
            raise StepFailed(f"{ns} reconnected but was {why}",
                             [self.journal.describe(e) for e in (connect, gap) if e is not None],
                             [e for e in (connect, gap) if e is not None])
        return [e for e in (connect, gap) if e is not None]

    # -- scenario settings (room events, answers to server acks) ------------------------
    def _apply_settings(self) -> None:
        s, sc = self.session, self.scenario
        self._saved_settings = (s.rooms.join_event, s.rooms.leave_event, dict(s.server_acks.by_event))
        for s in self.sessions.values():          # every client: the same room events and answers
            s.rooms.join_event = sc.rooms.get("join_event", s.rooms.join_event)
            s.rooms.leave_event = sc.rooms.get("leave_event", s.rooms.leave_event)
            for event, reply in sc.server_acks.items():
                s.server_acks.set(event, AckReply(list(reply.get("args", [])), float(reply.get("delay", 0))))

    def _restore_settings(self) -> None:
        if self._saved_settings is not None:
            s = self.session
            s.rooms.join_event, s.rooms.leave_event, s.server_acks.by_event = self._saved_settings
            self._saved_settings = None


def _by(client: str | None) -> str:
    return f" for {client}" if client else ""


def _recovery_words(detail: dict) -> str:
    rec = detail.get("recovered")
    if rec is True:
        return "recovered"
    if rec is False:
        why = detail.get("why_not_recovered")
        return "not recovered" + (f" ({why})" if why else "")
    return "not recovered (the server does not offer connection state recovery)"


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000.0, 1)


def skip_rest(runner: "ScenarioRunner | Any", why: str) -> list[StepResult]:
    """The steps from the runner's position on, as skipped (`why`), added to its results; the
    same for a run in this process and one in the capture process (capture/remote_runner.py)."""
    rest = [StepResult(s.index, s.label, SKIPPED, line=s.line, message=why)
            for s in runner.scenario.steps[runner.position:]]
    runner.position = len(runner.scenario.steps)
    runner.results += rest
    return rest
