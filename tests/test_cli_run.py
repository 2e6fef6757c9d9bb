"""`socketio-inspector run`, as CI runs it, against the demo server and the official Node.js server."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inspector.log.entry import Kind, LogEntry

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "resources" / "scenarios"
STEP_LINE = re.compile(r"  ([✓✗-]) +(?:\d+ ms)?  \S.*")


def run_cli(*args, env=None, timeout=90):
    proc = subprocess.run([sys.executable, "-m", "inspector", "run", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=ROOT)
    return proc.returncode, proc.stdout, proc.stderr


def step_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if STEP_LINE.fullmatch(line)]


def test_the_demo_examples_pass_with_progress_junit_and_log(demo_server, tmp_path):
    files = sorted(SCENARIOS.glob("demo-*.yaml"))
    junit, log = tmp_path / "report.xml", tmp_path / "log.jsonl"
    code, out, err = run_cli(*files, "--url", demo_server.url, "--junit", junit, "--log", log)
    assert code == 0, out + err
    lines = step_lines(out)
    assert lines and all(line.startswith("  ✓ ") for line in lines)
    assert re.search(r"^  ✓ +\d+ ms  connect http://127\.0\.0\.1:\d+ \(/, /chat\)$", out, re.M)
    assert re.search(r"^  ✓ +\d+ ms  emit echo \"ping\", \{\"n\": 1\}$", out, re.M)
    for f in files:
        assert f"{f}: " in out
    assert out.rstrip().endswith(f"{len(files)} scenarios: {len(files)} passed, 0 failed")

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("file") for s in suites] == [str(f) for f in files]
    assert int(root.get("tests")) == len(lines) == sum(len(s.findall("testcase")) for s in suites)
    assert root.get("failures") == root.get("errors") == root.get("skipped") == "0"
    tour = next(s for s in suites if s.get("name") == "Demo server tour")
    cases = tour.findall("testcase")
    assert cases[0].get("name").startswith("00 connect http://127.0.0.1:")
    assert cases[2].get("name") == '02 emit echo "ping", {"n": 1}'
    assert cases[2].get("classname") == "demo-tour" and float(cases[2].get("time")) >= 0
    assert cases[2].get("line") == "16"
    assert "emit echo" in tour.find("system-out").text

    entries = [LogEntry.from_jsonl(line) for line in log.read_text().splitlines()]
    assert any(e.kind == Kind.ACK and e.event == "echo" and e.args == ["ping", {"n": 1}] for e in entries)
    assert any(e.kind == Kind.GAP for e in entries)
    assert "demo-token" not in log.read_text()


FAILING = """\
name: failing on purpose
namespaces: [/, /chat]
steps:
  - join: lobby
    ns: /chat
  - emit: message
    ns: /chat
    args: [{room: lobby, text: hello}]
  - expect: message
    ns: /chat
    args: [{text: goodbye}]
    timeout: 0.5
  - emit: echo
    args: [never sent]
"""


def test_a_failing_scenario_exits_1_and_says_what_was_expected_and_what_came(shared_demo_server, tmp_path):
    path = tmp_path / "failing.yaml"
    path.write_text(FAILING)
    junit = tmp_path / "report.xml"
    code, out, err = run_cli(path, "--url", shared_demo_server.url, "--junit", junit)
    assert code == 1, out + err
    lines = out.splitlines()
    failed = next(i for i, line in enumerate(lines) if line.startswith("  ✗"))
    assert re.fullmatch(r"  ✗ +\d+ ms  expect message on /chat \[\{\"text\": \"goodbye\"\}\]", lines[failed])
    assert lines[failed + 1] == ("      step 3 (line 9): expected 'message' on /chat with args matching "
                                 "[{\"text\": \"goodbye\"}] within 0.5 s")
    assert lines[failed + 2] == "      nearest received:"
    assert re.fullmatch(r'        #\d+ at \+\d\.\d{3} s: ↓ message on /chat \{.*"text":"hello"\} — '
                        r'args\[0\]\.text is "hello", expected "goodbye"', lines[failed + 3])
    assert re.fullmatch(r"  - +emit echo \"never sent\"", lines[failed + 4])
    assert lines[-1] == f"  FAILED at step 3 ({path}:9): 2 passed, 1 failed, 1 not run"

    suite = ET.parse(junit).getroot().find("testsuite")
    counts = (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors"))
    assert counts == ("5", "1", "1", "0")
    case = suite.findall("testcase")[3]
    failure = case.find("failure")
    assert failure.get("message").startswith("step 3 (line 9): expected 'message' on /chat")
    assert 'args[0].text is "hello", expected "goodbye"' in failure.text
    assert suite.findall("testcase")[4].find("skipped").get("message") == "not run: step 3 failed"


def test_bad_files_are_refused_with_their_lines_before_anything_connects(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    good = tmp_path / "good.yaml"
    good.write_text("steps:\n  - emit: echo\n")
    typo = tmp_path / "typo.yaml"
    typo.write_text("steps:\n  - emit: echo\n  - expct: welcome\n")
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("steps:\n  - emit: echo\n    args: [1, {a: 2}\n")
    types = tmp_path / "types.yaml"
    types.write_text("timeout: 5\nsteps:\n  - wait: soon\n")
    code, out, err = run_cli(good, typo, syntax, types, "--url", url)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"socketio-inspector: {typo}:3: step 2: unknown step 'expct' (did you mean 'expect'?); a step is one "
        "of emit, join, leave, open, close, expect, expect_no, wait, drop, expect_gap, expect_recovered, "
        "expect_server, server_emit",
        f"socketio-inspector: {syntax}:4: YAML syntax error: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence that starts on line 3)",
        f"socketio-inspector: {types}:3: step 1 (wait), wait: expected a number, got \"soon\"",
        "socketio-inspector: nothing was run: fix the scenario file(s) above",
    ]
    listener.settimeout(0.3)
    with pytest.raises(socket.timeout):     # nobody knocked
        listener.accept()
    listener.close()


def test_a_missing_secret_is_refused_before_connecting(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text('url: http://127.0.0.1:1\nconnection:\n  auth: {token: "${env:SIO_TEST_SECRET}"}\n'
                    "steps:\n  - emit: echo\n")
    code, out, err = run_cli(path)
    assert code == 2 and out == ""
    assert f"{path}:2: the environment variable SIO_TEST_SECRET is not set" in err


def test_an_unreachable_server_exits_2_and_is_an_error_in_junit(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("connection: {connect_timeout: 2, reconnection: false}\nsteps:\n  - emit: echo\n")
    junit = tmp_path / "r.xml"
    code, out, err = run_cli(path, "--url", "http://127.0.0.1:1", "--junit", junit)
    assert code == 2
    assert re.search(r"^  ✗ +\d+ ms  connect http://127\.0\.0\.1:1 \(/\)$", out, re.M)
    assert "cannot connect: cannot connect to http://127.0.0.1:1" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("errors") == "1" and suite.get("skipped") == "1"
    assert suite.find("testcase/error").get("message").startswith("cannot connect")


@pytest.mark.node
def test_the_recovery_example_passes_against_node_with_recovery_and_fails_without(node_server, tmp_path):
    path = SCENARIOS / "node-recovery.yaml"
    with_recovery = node_server("--recovery")
    code, out, err = run_cli(path, "--url", with_recovery.url)
    assert code == 0, out + err
    assert re.search(r"^  ✓ +\d+ ms  expect / recovered$", out, re.M)
    assert re.search(r"^  ✓ +\d+ ms  expect a gap on /, recovered$", out, re.M)

    plain = node_server()
    code, out, err = run_cli(path, "--url", plain.url)
    assert code == 1
    assert re.search(r"^  ✗ +\d+ ms  expect / recovered$", out, re.M)
    assert ("step 5 (line 27): / reconnected but was not recovered "
            "(the server does not offer connection state recovery)") in out


@pytest.mark.node
def test_a_demo_style_scenario_runs_against_the_node_server_too(node_server, tmp_path):
    path = tmp_path / "node.yaml"
    path.write_text("""\
namespaces: [/, /chat]
steps:
  - expect: welcome
    args: [{id: {$type: string}, recovered: false}]
    save_as: hello
  - join: lobby
    ns: /chat
    expect_ack: [{room: lobby, joined: true}]
  - emit: broadcast
    ns: /chat
    args: [{room: lobby, data: "from ${hello.id}"}]
    expect_ack: [{room: lobby}]
  - expect: room_message
    ns: /chat
    args: [{room: lobby, data: "from ${hello.id}"}]
  - emit: burst
    args: [{count: 50}]
    expect_ack: [{sent: 50}]
  - expect: burst
    count: 50
  - expect_no: burst
    within: 0.2
""")
    code, out, err = run_cli(path, "--url", node_server().url)
    assert code == 0, out + err
    assert len(step_lines(out)) == 8


def test_ctrl_c_stops_a_run_and_does_not_pass(shared_demo_server, tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text("steps:\n  - wait: 30\n")
    # PYTHONFAULTHANDLER: should it hang, SIGABRT makes it print where every thread is
    proc = subprocess.Popen([sys.executable, "-m", "inspector", "run", str(path), "--url", shared_demo_server.url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        first = proc.stdout.readline()              # the file's header: it is running
        assert first.startswith(f"{path}: ")
        assert proc.stdout.readline().startswith("  ✓ ")   # connected, now in the 30 s wait
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate(timeout=10)
            pytest.fail(f"still running 20 s after Ctrl+C; it printed:\n{out}\n{err}")
        assert code == 130
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_an_unwritable_log_is_a_clear_error_before_anything_runs(shared_demo_server, tmp_path):
    code, out, err = run_cli(SCENARIOS / "demo-tour.yaml", "--url", shared_demo_server.url,
                             "--log", tmp_path)       # a directory, not a file
    assert code == 2
    assert f"cannot write --log {tmp_path}" in err and "Traceback" not in err
