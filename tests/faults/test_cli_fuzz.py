"""Hypothesis over the command line (seeded, bounded): whatever the arguments, parsing and every
check before the connection end in a command ready to run or in one line saying what is wrong
(exit 2), never in another exception; and what does pass is sent exactly as given."""
from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
from unittest import mock

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extras (pyproject.toml)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from inspector import cli  # noqa: E402
from inspector.app import build_parser  # noqa: E402
from tests.faults.raw_server import nested  # noqa: E402

FUZZ = settings(derandomize=True, max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

URLS = st.sampled_from(["http://127.0.0.1:5000", "http://[::1", "http://127.0.0.1:[x]/", "ftp://x",
                        "http://", "http://h:99999", "ws://h:1/chat", "http://u:p@h/?t=1", "", "-",
                        "https://[::1]:443/x?y=z"]) | st.text(max_size=30)
VALUES = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 4301, nested(5_000),
                          "[1,", "{}", '"x"', "-5", "@/nonexistent", "@", "-", "null", '{"a": [1, 2]}',
                          "1.5e308", "0x10", "'single'", "\x00", "[" * 10]) | st.text(max_size=20)
OPTIONS = st.sampled_from([
    "--ack", "--header", "--header=--", "-H", "--query", "--query=--", "--auth", "--auth=--",
    "--namespace", "-n", "--transport", "--timeout", "--ack-timeout", "--retries",
    "--connect-timeout", "--reconnect-delay", "--reconnect-attempts", "--no-reconnect", "--raw",
    "--", "--emit", "--count", "--duration", "--seq", "--path", "--volatile", "--no-compress",
    "--junit", "--log", "--url", "--timeout=nan", "--retries=-1", "--count=-2", "--duration=inf",
    "--reconnect-delay=0", "--transport=carrier-pigeon", "-q", "k=v", "Name: value", "none", "0",
    "-1", "inf", "nan", "1e400"])
ARGV = st.tuples(st.sampled_from(["emit", "listen", "run"]), URLS,
                 st.lists(VALUES | OPTIONS | URLS, max_size=8))


def parse_and_check(argv: list[str]) -> tuple[str, str]:
    """("ok" | "usage", what was printed on stderr), as far as the command gets without a server."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), \
            mock.patch("sys.stdin", io.StringIO("")):
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:
            assert exc.code == 2, (argv, exc.code)
            return "usage", err.getvalue()
        try:
            given_ = cli.prepare(args)
        except cli.UsageError as exc:
            return "usage", f"socketio-inspector: {cli.one_line(str(exc))}\n"
    opts = given_.get("opts")
    if opts is not None:            # what passed is usable as it is
        opts.validate()
        for value in (opts.connect_timeout, opts.reconnection_delay, opts.ack_timeout or 0):
            assert math.isfinite(value) and value >= 0
        json.dumps(given_.get("values", []), allow_nan=False)
        for _, values in given_.get("emits", []):
            json.dumps(values, allow_nan=False)
    return "ok", err.getvalue()


@FUZZ
@given(ARGV)
def test_any_command_line_is_ready_or_one_line_of_why_not(parts):
    command, url, rest = parts
    argv = [command, *([url] if command != "run" else []), *rest]
    if command == "emit" and rest[:1] != ["--"]:
        argv.insert(2, "echo")
    outcome, err = parse_and_check(argv)
    if outcome == "usage":
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("socketio-inspector: "), (argv, err)
        assert "Traceback" not in err


def test_the_table_of_known_bad_inputs_is_refused_at_parse_level():
    for argv in (["emit", "http://[::1", "echo"], ["emit", "http://127.0.0.1:1", "echo", "--header=--"],
                 ["emit", "http://127.0.0.1:1", ""], ["emit", "http://127.0.0.1:1", "echo", "NaN"],
                 ["listen", "http://127.0.0.1:1", "--emit", "x", nested(5_000)]):
        assert parse_and_check(argv)[0] == "usage", argv


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 18, 10 ** 18)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(derandomize=True, max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(JSON_VALUES, min_size=2, max_size=3))     # the demo's echo answers one None with none
def test_what_passes_is_sent_and_echoed_exactly(shared_demo_server, values):
    texts = [json.dumps(v) for v in values]
    proc = subprocess.run([sys.executable, "-m", "inspector", "emit", shared_demo_server.url, "echo",
                           "--ack", "--", *texts], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    sent, answer = (json.loads(line) for line in proc.stdout.splitlines())
    assert sent["args"] == values and answer["args"] == values
