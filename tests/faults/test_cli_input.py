"""Bad input on the command line: one line on stderr saying what is wrong, exit 2, never a
traceback, and nothing of it on the wire.  Each process is run as a user runs it.

Measured on the code before (issue 15, item 5; /tmp runs of these same inputs): deep JSON and
a 4,301-digit integer in an argument or --auth, `http://[::1`, `http://127.0.0.1:[x]/`,
`--header=--` and an empty event name each ended in a traceback with exit 1 (9 of 16 inputs);
NaN, Infinity and 1e999 were sent (exit 0, `"args":[NaN]` printed); `emit URL echo --ack --
-5` was refused ("unrecognized arguments"); a namespace that does not open printed
"Unclosed client session" with the message (3 lines)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.faults.raw_server import RawServer, nested


def cli(*args: str, stdin: str | None = None, timeout: float = 60):
    proc = subprocess.run([sys.executable, "-m", "inspector", *args], capture_output=True,
                          text=True, timeout=timeout, input=stdin)
    return proc.returncode, proc.stdout, proc.stderr


def strict_json(line: str):
    """json.loads as any JSON parser reads it: NaN and Infinity are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(line, parse_constant=refuse)


def a_closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BAD = {
    "deep argument": (["echo", nested(5_000)], "emit argument 1 ('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[…) "
                                                 "is not JSON: line 1, column 1: nested too deep"),
    "huge integer argument": (["echo", "1" * 4301], "Exceeds the limit (4300 digits)"),
    "deep --auth": (["echo", "--auth", '{"a": ' + nested(5_000) + "}"], "--auth: line 1, column 1: nested too deep"),
    "huge integer in --auth": (["echo", "--auth", '{"a": ' + "9" * 4301 + "}"], "--auth: line 1, column 1: Exceeds"),
    "NaN": (["echo", "NaN"], "emit argument 1 ('NaN') is not JSON: line 1, column 1: NaN is not JSON"),
    "Infinity": (["echo", "[1, Infinity]"], "line 1, column 5: Infinity is not JSON"),
    "-Infinity": (["echo", "--", "-Infinity"], "-Infinity is not JSON"),
    "1e999": (["echo", "1e999"], "1e999 is out of the range of a JSON number (it would become Infinity)"),
    "--header=--": (["echo", "--header=--"], "--header needs a value ('--' is not one: it ends the options)"),
    "a header without a colon": (["echo", "-H", "nocolon"], "--header: a header is 'Name: value'"),
    "empty event name": ([""], "an emit needs an event name (got an empty one)"),
    "reserved event name": (["connect"], "connect"),
    "no such @file": (["echo", "@/no/such/file.json"], "emit argument 1: cannot read '/no/such/file.json'"),
    "empty stdin": (["echo", "-"], "emit argument 1: stdin (-) gave nothing"),
    "nan timeout": (["echo", "--ack", "--timeout", "nan"], "0 or more seconds, or none (got 'nan')"),
    "infinite connect timeout": (["echo", "--connect-timeout", "inf"], "a finite number (got 'inf')"),
    "unknown option": (["echo", "--frobnicate"], "unrecognized arguments: --frobnicate"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_on_emit_is_one_line_and_exit_2(shared_demo_server, name):
    argv, message = BAD[name]
    before = len(shared_demo_server.received)
    code, out, err = cli("emit", shared_demo_server.url, *argv, stdin="")
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith("socketio-inspector: ") and message in line, line
    assert len(shared_demo_server.received) == before          # nothing reached the server


@pytest.mark.parametrize("url, message", [
    ("http://[::1", "URL is not valid: Invalid IPv6 URL (got 'http://[::1')"),
    ("http://127.0.0.1:[x]/", "URL is not valid: 'x' does not appear to be"),
    ("http://127.0.0.1:99999", "URL has an invalid port"),
    ("ftp://example.com", "URL must start with http://"),
])
@pytest.mark.parametrize("command", ["emit", "listen"])
def test_a_bad_url_is_one_line_and_exit_2(command, url, message):
    code, out, err = cli(command, url, *(["echo"] if command == "emit" else []))
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert message in line, line


def test_listen_refuses_bad_emits_and_options_in_one_line():
    for argv, message in [(["--emit", "echo", "NaN"], "--emit echo argument 1 ('NaN') is not JSON"),
                          (["--emit", ""], "--emit an emit needs an event name"),
                          (["--auth=--"], "--auth needs a value"),
                          (["--duration", "-1"], "0 or more seconds"),
                          (["--seq", "x"], "--seq takes EVENT=FIELD")]:
        code, out, err = cli("listen", "http://127.0.0.1:1", *argv)
        assert (code, out) == (2, ""), err
        [line] = err.splitlines()
        assert message in line, line


def test_run_usage_errors_are_one_line():
    code, out, err = cli("run")
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith("socketio-inspector: run: the following arguments are required: SCENARIO")


def test_a_negative_number_after_dashdash_is_an_argument(shared_demo_server):
    """As the README advises: `--` before values that start with -, options before or after."""
    code, out, err = cli("emit", shared_demo_server.url, "echo", "--ack", "--", "-5", '{"n": -1}')
    assert code == 0, err
    sent, answer = (json.loads(line) for line in out.splitlines())
    assert sent["args"] == [-5, {"n": -1}] and answer["args"] == [-5, {"n": -1}]


def test_argument_values_from_a_file_and_from_stdin(shared_demo_server, tmp_path):
    big = {"blob": "x" * 300_000}         # past the OS's limit for one argument (128 KiB on Linux)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(big), encoding="utf-8")
    code, out, err = cli("emit", shared_demo_server.url, "echo", f"@{path}", "-", "--ack",
                         "--auth", '{"token": "t"}', stdin='[1, "from stdin"]')
    assert code == 0, err
    answer = json.loads(out.splitlines()[-1])
    assert answer["args"] == [big, [1, "from stdin"]]


def test_no_unclosed_client_session_when_no_namespace_opens(shared_demo_server):
    code, out, err = cli("emit", shared_demo_server.url, "echo", "--namespace", "/nowhere", "--no-reconnect")
    assert code == 2
    assert err.splitlines() == ["socketio-inspector: no namespace could be opened "
                                "(/nowhere: /nowhere refused: Unable to connect)"]


def test_the_redacted_url_shows_the_mask_not_its_percent_encoding():
    url = f"http://user:secret@127.0.0.1:{a_closed_port()}/?token=abc&x=1"
    code, out, err = cli("emit", url, "echo", "--no-reconnect")
    assert code == 2
    [line] = err.splitlines()
    assert "http://••••@127.0.0.1:" in line and "/?token=••••&x=••••" in line, line
    assert "%E2%80%A2" not in line and "secret" not in line and "abc" not in line


@pytest.fixture
def nan_server():
    # 1e999 is JSON (JSON.parse reads Infinity); NaN and Infinity themselves are not, and are
    # a parse error (tests/faults/test_malformed_frames.py)
    server = RawServer({"nan": lambda: ['2["nan",1e999,[1e999,-1e999],{"x":1e999,"s":"NaN"}]']})
    yield server
    server.stop()


def test_json_lines_are_json_even_when_the_server_sends_nan(nan_server):
    code, out, err = cli("listen", nan_server.url, "--transport", "websocket", "--count", "1",
                         "--raw", "--emit", "give", '"nan"')
    assert code == 0, err
    lines = [strict_json(line) for line in out.splitlines()]     # every line is JSON
    [event] = [e for e in lines if e["kind"] == "event" and e["dir"] == "in"]
    assert event["args"] == ["Infinity", ["Infinity", "-Infinity"], {"x": "Infinity", "s": "NaN"}]
    assert event["flags"] == ["nonfinite"]
    # the raw packet keeps the text as it came
    [packet] = [e for e in lines if e["kind"] == "packet" and e["dir"] == "in" and "nan" in e["args"][0]]
    assert packet["args"] == ['42["nan",1e999,[1e999,-1e999],{"x":1e999,"s":"NaN"}]']
    assert "flags" not in packet
