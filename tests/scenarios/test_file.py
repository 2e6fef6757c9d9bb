"""Scenario files: the published schema, and bad files refused with the line and what is wrong."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from inspector.scenarios.file import SCHEMA_PATH, ScenarioError, load, loads

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "resources" / "scenarios").glob("*.yaml"))


def refused(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, "bad.yaml")
    return [str(p) for p in info.value.problems]


def test_the_schema_is_published_valid_json_schema_and_accepts_every_example():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert len(EXAMPLES) >= 4
    for path in EXAMPLES:     # what an editor with the schema would say about them
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
        assert load(path).steps


def test_a_full_scenario_loads_into_steps_with_their_lines():
    sc = loads("""\
name: tour
url: http://127.0.0.1:5000
namespaces: [/, {name: /admin, auth: {token: "${env:TOKEN}"}}]
timeout: 2
steps:
  - emit: echo
    args: [ping]
    expect_ack: [ping]
    save_as: pong
  - join: lobby
    ns: /admin
  - drop
  - expect_gap:
    recovered: false
  - expect: tick
    args: [{i: {$gte: 1}}]
    count: 2
""", "tour.yaml")
    assert sc.name == "tour" and sc.timeout == 2
    assert sc.namespaces == [("/", None), ("/admin", {"token": "${env:TOKEN}"})]
    assert [(s.index, s.kind, s.line) for s in sc.steps] == [
        (1, "emit", 6), (2, "join", 10), (3, "drop", 12), (4, "expect_gap", 13), (5, "expect", 15)]
    assert [s.ns for s in sc.steps] == ["/", "/admin", "/", "/", "/"]
    assert sc.steps[0].label == 'emit echo "ping"'
    assert sc.steps[3].label == "expect a gap on /, not recovered"
    assert sc.steps[4].label == 'expect tick ×2 [{"i": {"$gte": 1}}]'


def test_yaml_syntax_error_says_the_line():
    [problem] = refused("steps:\n  - emit: echo\n    args: [1, 2\n  - wait: 1\n")
    assert problem.startswith("bad.yaml:4: YAML syntax error: expected ',' or ']'")
    assert "flow sequence that starts on line 3" in problem


def test_tab_indentation_is_a_syntax_error_with_its_line():
    [problem] = refused("steps:\n\t- wait: 1\n")
    assert problem.startswith("bad.yaml:2: YAML syntax error")


def test_unknown_step_and_unknown_field_are_named_with_a_suggestion():
    problems = refused("steps:\n  - emit: echo\n  - emitt: x\n  - wait: 1\n    within: 3\n")
    assert problems == [
        "bad.yaml:3: step 2: unknown step 'emitt' (did you mean 'emit'?); a step is one of emit, join, "
        "leave, open, close, expect, expect_no, wait, drop, expect_gap, expect_recovered, expect_server, server_emit",
        "bad.yaml:5: step 3 (wait): unknown field 'within' (allowed: wait, name, ns, timeout)",
    ]


def test_wrong_types_say_what_was_expected_and_what_was_given():
    problems = refused('url: 5\ntimeout: soon\nsteps:\n  - emit: on\n  - wait: "2"\n  - expect: x\n'
                       '    count: 0\n  - join: r\n    ns: chat\n  - emit: e\n    args: {a: 1}\n')
    assert problems == [
        "bad.yaml:1: url: expected a string, got 5 (put it in quotes)",
        "bad.yaml:2: timeout: expected a number, got \"soon\"",
        "bad.yaml:4: step 1 (emit), emit: expected a string, got true "
        "(YAML reads yes/no/on/off/true/false as booleans: put the text in quotes)",
        "bad.yaml:5: step 2 (wait), wait: expected a number, got \"2\"",
        "bad.yaml:7: step 3 (expect), count: 0 is less than the minimum of 1",
        "bad.yaml:9: step 4 (join), ns: a namespace starts with /, got 'chat'",
        "bad.yaml:11: step 5 (emit), args: expected an array, got {\"a\": 1}",
    ]


def test_what_a_schema_cannot_see_is_checked_too():
    problems = refused("""\
steps:
  - emit: echo
    args: ["${answer.id}"]
  - expect: message
    ns: /chat
  - expect: x
    args: [{n: {$between: [1, 2]}}]
  - emit: ask
    ack: false
    save_as: q
""")
    assert problems == [
        "bad.yaml:2: step 1 (emit): ${answer.id}: no earlier step saves 'answer' "
        "(add `save_as: answer` to the step it comes from)",
        "bad.yaml:5: step 2 (expect): namespace /chat is not open at this step (open: /); "
        "add it to `namespaces:` or an `open:` step before",
        "bad.yaml:7: step 3 (expect): args[0].n: unknown matcher '$between' "
        "(known: $any, $type, $regex, $gt, $gte, $lt, $lte, $contains)",
        "bad.yaml:9: step 4 (emit): ack: false, but expect_ack / save_as need the server's answer",
    ]


def test_an_open_step_opens_its_namespace_for_later_steps_and_close_closes_it():
    sc = loads("steps:\n  - open: /chat\n  - expect: m\n    ns: /chat\n  - close: /chat\n  - wait: 0\n")
    assert [s.kind for s in sc.steps] == ["open", "expect", "close", "wait"]
    [problem] = refused("steps:\n  - open: /chat\n  - close: /chat\n  - expect: m\n    ns: /chat\n")
    assert problem.startswith("bad.yaml:5: step 3 (expect): namespace /chat is not open")


def test_two_steps_in_one_item_duplicate_keys_empty_and_non_mapping_files():
    assert refused("steps:\n  - emit: a\n    wait: 1\n") == [
        "bad.yaml:2: step 1: one step per list item; this one has emit and wait (start each with its own `- `)"]
    assert refused("steps:\n  - emit: a\n    args: []\n    args: [1]\n") == ["bad.yaml:4: 'args' is given twice"]
    assert refused("") == ["bad.yaml:1: the file is empty: a scenario needs `steps:`"]
    assert refused("- emit: x\n") == [
        "bad.yaml:1: a scenario is a mapping with `steps:` (and url, connection, namespaces...)"]
    assert refused("url: http://x\n") == ["bad.yaml:1: the scenario: 'steps' is missing"]
    assert refused("steps:\n  - emit: x\nnamespaces: [chat]\n") == [
        "bad.yaml:3: namespaces.0: a namespace is \"/name\" or {name: /name, auth: {...}}, got \"chat\""]


def test_bad_emit_bytes_are_refused_at_load():
    [problem] = refused('steps:\n  - emit: e\n    args: [{_hex: "zz"}]\n')
    assert problem == "bad.yaml:3: step 1 (emit): args: _hex is not valid hexadecimal"


def test_missing_environment_variables_and_url_are_refused_before_connecting():
    sc = loads('connection:\n  auth: {token: "${env:SIO_TEST_TOKEN}"}\nsteps:\n'
               '  - emit: e\n    args: ["${env:SIO_TEST_OTHER:-fallback}", "${env:SIO_TEST_ARG}"]\n', "env.yaml")
    with pytest.raises(ScenarioError) as info:
        sc.check_environment(None, env={})
    assert [str(p) for p in info.value.problems] == [
        "env.yaml:1: no server: give `url:` in the file or --url",
        "env.yaml:4: step 1: the environment variable SIO_TEST_ARG is not set (${env:SIO_TEST_ARG})",
    ]
    with pytest.raises(ScenarioError) as info:
        sc.check_environment("http://127.0.0.1:9", env={"SIO_TEST_ARG": "x"})
    assert [str(p) for p in info.value.problems] == [
        "env.yaml:1: the environment variable SIO_TEST_TOKEN is not set (${env:SIO_TEST_TOKEN})"]
    sc.check_environment("http://127.0.0.1:9", env={"SIO_TEST_ARG": "x", "SIO_TEST_TOKEN": "t"})
    assert sc.options("http://127.0.0.1:9", {"SIO_TEST_TOKEN": "t"}).auth == {"token": "t"}


def test_connection_parser_is_an_option_and_a_wrong_one_is_refused():
    assert loads("connection: {parser: msgpack}\nsteps: [drop]\n", "p.yaml").options(
        "http://127.0.0.1:1").parser == "msgpack"
    [problem] = refused("connection: {parser: protobuf}\nsteps: [drop]\n")
    assert problem == 'bad.yaml:1: connection.parser: "protobuf" is not one of json, msgpack'


def test_a_bad_url_is_refused_with_its_line():
    sc = loads("name: x\nurl: http://\nsteps: [drop]\n", "u.yaml")
    with pytest.raises(ScenarioError) as info:
        sc.check_environment()
    assert str(info.value) == "u.yaml:2: URL has no host: 'http://'"


def test_connection_protocol_is_an_option_and_an_unknown_one_is_refused_with_its_line():
    sc = loads("url: http://127.0.0.1:9\nconnection: {protocol: v2}\nsteps: [drop]\n", "p.yaml")
    assert sc.options().protocol == "v2"
    assert loads("url: http://127.0.0.1:9\nsteps: [drop]\n", "p.yaml").options().protocol == "auto"
    [problem] = refused("url: http://127.0.0.1:9\nconnection: {protocol: v1}\nsteps: [drop]\n")
    assert problem.startswith("bad.yaml:2:") and "v1" in problem and "v3+" in problem
