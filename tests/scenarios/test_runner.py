"""The scenario runner against the bundled demo server (in process, 127.0.0.1:0)."""
from __future__ import annotations

import re

from inspector.demo.server import DemoServer
from inspector.log.entry import Kind
from inspector.scenarios.file import loads
from inspector.scenarios.runner import ScenarioRunner, StepOutcome
from inspector.session.session import Session
from tests.helpers import run

FAST = """\
connection:
  reconnection_delay: 0.1
  reconnection_delay_max: 0.2
  randomization_factor: 0
"""


def play(text: str, *, server_kwargs=None, url=None, env=None):
    """Run a scenario against a fresh demo server; returns (runner, results, server)."""
    async def go():
        server = DemoServer(tick_interval=0, **(server_kwargs or {}))
        served = await server.start()
        session = Session()
        runner = ScenarioRunner(loads(text, "t.yaml"), session, url=url or served, env=env or {})
        try:
            results = await runner.run()
        finally:
            await runner.close()
            await server.stop()
        return runner, results, server
    return run(go())


def statuses(results):
    return [r.status for r in results]


def test_a_passing_scenario_passes_every_step_with_timings():
    runner, results, _ = play("""\
namespaces: [/, /chat]
steps:
  - expect: welcome
  - emit: echo
    args: ["ping", {n: 1}]
    expect_ack: ["ping", {n: 1}]
  - join: lobby
    ns: /chat
    expect_ack: [{room: lobby, joined: true}]
  - emit: message
    ns: /chat
    args: [{room: lobby, text: hi}]
  - expect: message
    ns: /chat
    args: [{text: hi, from: {$type: string}}]
""")
    assert statuses(results) == [StepOutcome.PASSED] * 6 and runner.passed
    assert results[0].label.startswith("connect http://127.0.0.1:") and results[0].label.endswith("(/, /chat)")
    assert all(r.duration_ms >= 0 for r in results)
    assert [e.kind for e in results[2].entries] == [Kind.EVENT, Kind.ACK]      # the emit and its answer
    assert results[5].entries[0].args[0]["text"] == "hi"
    assert re.fullmatch(r"  ✓ +\d+ ms  emit echo \"ping\", \{\"n\": 1\}", results[2].line_text())


def test_expect_takes_events_that_came_before_it_but_never_the_same_one_twice():
    _, results, _ = play("""\
steps:
  - emit: burst
    args: [{count: 3}]
  - wait: 0.3
  - expect: burst
    count: 3
  - expect: burst
    timeout: 0.3
""")
    assert statuses(results) == [StepOutcome.PASSED] * 4 + [StepOutcome.FAILED]
    failed = results[-1]
    assert failed.message == "step 4 (line 7): expected 'burst' on / within 0.3 s"
    assert failed.details[0] == "nearest received:"
    assert failed.details[-1].endswith('↓ burst on / {"i":2} — already taken by step 3')


def test_a_failing_expect_names_the_nearest_event_and_how_it_differs():
    runner, results, _ = play("""\
namespaces: [/, /chat]
steps:
  - join: lobby
    ns: /chat
  - emit: message
    ns: /chat
    args: [{room: lobby, text: hello}]
  - expect: message
    ns: /chat
    args: [{text: bye}]
    timeout: 0.3
  - emit: echo
""")
    assert statuses(results) == [StepOutcome.PASSED] * 3 + [StepOutcome.FAILED, StepOutcome.SKIPPED]
    failed = results[3]
    assert failed.message == ("step 3 (line 8): expected 'message' on /chat with args matching "
                              "[{\"text\": \"bye\"}] within 0.3 s")
    assert failed.details[0] == "nearest received:"
    assert re.fullmatch(r'  #\d+ at \+\d\.\d{3} s: ↓ message on /chat \{"from":"[^"]+","room":"lobby",'
                        r'"text":"hello"\} — args\[0\]\.text is "hello", expected "bye"', failed.details[1])
    assert results[4].message == "not run: step 3 failed"
    assert not runner.passed


def test_an_event_on_another_namespace_or_none_at_all_is_said_so():
    _, results, _ = play("""\
namespaces: [/, /chat]
steps:
  - expect: welcome
    ns: /chat
    timeout: 0.2
""")
    assert results[1].details[0] == "'welcome' arrived on another namespace:"
    assert "↓ welcome on / " in results[1].details[1]
    _, results, _ = play("steps:\n  - expect: never_sent\n    timeout: 0.2\n")
    assert results[1].details[0] == "last events on /:"
    assert "↓ welcome on /" in results[1].details[1]


def test_ack_answer_mismatch_and_ack_timeout_fail_with_what_came():
    _, results, _ = play("steps:\n  - emit: echo\n    args: [1, {a: 2}]\n    expect_ack: [1, {a: 3}]\n")
    assert results[1].message == "step 1 (line 2): the ack answer of 'echo' differs: ack[1].a is 2, expected 3"
    assert results[1].details == ['expected: [1, {"a": 3}]', 'received: [1, {"a": 2}]']
    _, results, _ = play("steps:\n  - emit: slow_echo\n    args: [{delay: 2}]\n    ack: true\n    timeout: 0.3\n")
    assert results[1].message == "step 1 (line 2): no ack for 'slow_echo' on / within 0.3 s"


def test_connection_retries_and_ack_timeout_and_an_emit_without_timeout():
    # retries (socket.io-client 4.6+): each try is logged with its attempt; the connection's
    # ack_timeout is the emit's when its step has none; `timeout: null` is no timeout at all
    runner, results, _ = play("""\
connection: {retries: 2, ack_timeout: 0.3}
steps:
  - emit: slow_echo
    args: [{delay: 2}]
    ack: true
  - emit: echo
    args: [1]
    timeout: null
    expect_ack: [1]
""")
    assert results[1].message == "step 1 (line 3): no ack for 'slow_echo' on / within 0.3 s"
    tries = [e for e in runner.journal.entries if e.dir == "out" and e.event == "slow_echo"]
    assert [e.detail["attempt"] for e in tries] == [1, 2, 3]
    assert runner.session.options.retries == 2
    _, results, _ = play("steps:\n  - emit: echo\n    args: [1]\n    timeout: null\n    expect_ack: [1]\n"
                         "  - emit: echo\n    ack: true\n    timeout: 0\n")
    assert results[1].passed
    assert results[2].message == "step 2 (line 6): no ack for 'echo' on / at once (a timeout of 0)"


def test_connection_parser_msgpack_talks_to_a_msgpack_server():
    runner, results, _ = play("""\
connection: {parser: msgpack}
steps:
  - expect: welcome
  - emit: echo
    args: [{_bytes: AAEC}, {n: [1, 2]}]
    expect_ack: [{_bytes: AAEC}, {n: [1, 2]}]
""", server_kwargs={"parser": "msgpack"})
    assert all(r.passed for r in results), [r.message for r in results]
    assert runner.session.options.parser == "msgpack"


def test_expect_no_looks_from_the_last_action_on():
    _, results, _ = play("""\
steps:
  - join: lobby
  - emit: broadcast
    args: [{room: lobby, data: 1}]
    ack: true
  - leave: lobby
  - emit: broadcast
    args: [{room: lobby, data: 2}]
    ack: true
  - expect_no: room_message
    within: 0.3
  - join: lobby
  - emit: broadcast
    args: [{room: lobby, data: 3}]
    ack: true
  - expect_no: room_message
    args: [{data: 3}]
    within: 0.5
""")
    # the first room_message (before the leave) is not held against step 5
    assert statuses(results) == [StepOutcome.PASSED] * 8 + [StepOutcome.FAILED]
    assert re.fullmatch(r"step 8 \(line 16\): expected no 'room_message' on / matching \[\{\"data\": 3\}\], "
                        r"but one arrived at \+\d\.\d{3} s", results[-1].message)
    assert '↓ room_message on / {"room":"lobby"' in results[-1].details[0]


def test_a_value_captured_from_an_answer_is_reused_in_a_later_emit():
    _, results, server = play("""\
steps:
  - emit: whoami
    save_as: me
  - emit: echo
    args: [{sid: "${me.sid}", note: "I am ${me.sid}"}]
    expect_ack: [{sid: "${me.sid}"}]
    save_as: echoed
  - emit: echo
    args: ["${echoed.note}"]
    expect_ack: [{$regex: "^I am "}]
""")
    assert statuses(results) == [StepOutcome.PASSED] * 4
    whoami = [a for ns, e, a in server.received if e == "whoami"]
    echoes = [a for ns, e, a in server.received if e == "echo"]
    sid = echoes[0][0]["sid"]
    assert whoami and sid and echoes[0][0]["note"] == f"I am {sid}" and echoes[1] == [f"I am {sid}"]


def test_a_capture_that_is_not_there_fails_the_step_that_uses_it():
    _, results, _ = play("steps:\n  - emit: echo\n    args: [{a: 1}]\n    save_as: e\n"
                         "  - emit: echo\n    args: ['${e.b}']\n")
    assert results[2].message == 'step 2 (line 5): ${e.b}: e has no \'b\' (e = {"a": 1})'


def test_a_reserved_event_name_fails_its_step_before_anything_is_sent():
    runner, results, _ = play("steps:\n  - emit: disconnecting\n    args: [bye]\n  - emit: echo\n")
    assert statuses(results) == [StepOutcome.PASSED, StepOutcome.FAILED, StepOutcome.SKIPPED]
    assert results[1].message == 'step 1 (line 2): "disconnecting" is a reserved event name'
    assert not [e for e in runner.journal.entries if e.event == "disconnecting"]


def test_drop_and_expect_gap_and_a_server_without_recovery():
    _, results, _ = play(FAST + """\
steps:
  - drop
  - expect_gap:
    recovered: false
    save_as: gap
  - emit: echo
    args: ["${gap.reason}"]
    expect_ack: [transport close]
  - drop
  - expect_recovered
""")
    assert statuses(results) == [StepOutcome.PASSED] * 5 + [StepOutcome.FAILED]
    assert results[-1].message == ("step 5 (line 14): / reconnected but was not recovered "
                                   "(the server does not offer connection state recovery)")
    assert re.fullmatch(r"#\d+ at \+\d\.\d{3} s: connect on /", results[-1].details[0])
    assert re.fullmatch(r'#\d+ at \+\d\.\d{3} s: gap on / \(duration_s=\d\.\d+, reason="transport close"\)',
                        results[-1].details[1])


def test_expect_gap_without_a_drop_times_out_with_a_hint():
    _, results, _ = play("steps:\n  - expect_gap:\n    timeout: 0.2\n")
    assert results[1].message == "step 1 (line 2): expected / to drop and come back (a gap) within 0.2 s"


def test_server_acks_are_answered_as_the_scenario_says_and_restored_after():
    async def go():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        session = Session()
        sc = loads("server_acks:\n  question: {args: [Ada, 36], delay: 0.05}\nsteps:\n"
                   "  - emit: ask\n    args: [\"Who?\"]\n  - expect: answer_received\n"
                   "    args: [{question: \"Who?\", answer: [Ada, 36]}]\n", "acks.yaml")
        runner = ScenarioRunner(sc, session, url=url)
        results = await runner.run()
        await runner.close()
        await server.stop()
        return results, session
    results, session = run(go())
    assert statuses(results) == [StepOutcome.PASSED] * 3
    assert session.server_acks.by_event == {}


def test_unreachable_server_and_refused_namespace_fail_the_connection_and_skip_the_rest():
    runner, results, _ = play("connection: {connect_timeout: 2, reconnection: false}\n"
                              "steps:\n  - emit: echo\n", url="http://127.0.0.1:1")
    assert statuses(results) == [StepOutcome.FAILED, StepOutcome.SKIPPED] and runner.connect_failed
    assert results[0].message.startswith("cannot connect: cannot connect to http://127.0.0.1:1")
    assert results[1].message == "not run: could not connect"
    runner, results, _ = play("namespaces: [/admin]\nsteps:\n  - emit: stats\n")
    assert runner.connect_failed
    assert results[0].message == "namespace not opened: /admin: /admin refused: unauthorized"


def test_open_with_auth_from_the_environment_and_close():
    _, results, _ = play("""\
steps:
  - open: /admin
    auth: {token: "${env:ADMIN_TOKEN}"}
  - expect: admin_welcome
    ns: /admin
  - close: /admin
  - open: /admin
""", env={"ADMIN_TOKEN": "demo-token"})
    assert statuses(results) == [StepOutcome.PASSED] * 4 + [StepOutcome.FAILED]
    assert results[-1].message == "step 4 (line 7): /admin was not opened: /admin refused: unauthorized"


def test_secrets_are_masked_in_failure_messages():
    _, results, _ = play("""\
connection:
  auth: {token: "${env:SIO_TEST_TOKEN}"}
  headers: {X-Api-Key: literal-key-123}
steps:
  - emit: whoami
    expect_ack: [{auth: {token: "${env:SIO_TEST_TOKEN}"}, headers: {X-Api-Key: nope}}]
""", env={"SIO_TEST_TOKEN": "s3cret-value"})
    failed = results[1]
    text = "\n".join([failed.message, *failed.details])
    assert failed.status == StepOutcome.FAILED and "X-Api-Key" in text
    assert "s3cret-value" not in text and "literal-key-123" not in text
    assert '"token": "••••"' in text
