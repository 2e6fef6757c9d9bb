"""Partial JSON patterns and `${...}` variables (pure functions)."""
import pytest

from inspector.scenarios.matching import check_pattern, matches, mismatch
from inspector.scenarios.variables import VariableError, check_reference, substitute


@pytest.mark.parametrize("pattern,value", [
    ({"room": "lobby"}, {"room": "lobby", "members": 3}),        # extra keys are fine
    ([{"a": 1}, "x"], [{"a": 1.0, "b": 2}, "x"]),
    ({"n": {"$gte": 1, "$lt": 10}}, {"n": 3}),
    ({"id": {"$type": "string"}}, {"id": "abc"}),
    ({"n": {"$type": "number"}}, {"n": 3}),
    ({"t": {"$regex": "^room-\\d+$"}}, {"t": "room-12"}),
    ({"x": {"$any": True}}, {"x": None}),
    ({"rooms": {"$contains": "lobby"}}, {"rooms": ["a", "lobby"]}),
    (b"\x00\x01", b"\x00\x01"),
    (None, None),
])
def test_matches(pattern, value):
    assert matches(pattern, value)


@pytest.mark.parametrize("pattern,value,why", [
    ([{"text": "hi"}], [{"text": "hello"}], 'args[0].text is "hello", expected "hi"'),
    ([{"text": "hi"}], [{"room": "x"}], "args[0] has no key 'text'"),
    (["a"], ["a", "b"], "args has 2 item(s), expected 1"),
    ([True], [1], "args[0] is 1, expected true"),
    ([1], ["1"], 'args[0] is "1", expected 1'),
    ([{"n": {"$gte": 5}}], [{"n": 3}], "args[0].n is 3, expected >= 5"),
    ([{"n": {"$type": "integer"}}], [{"n": 1.5}], "args[0].n is 1.5 (number), expected integer"),
    ([{"a-b": 1}], [{"a-b": 2}], "args[0]['a-b'] is 2, expected 1"),
    ([{"$regex": "^x"}], ["y"], 'args[0] is "y", expected a string matching /^x/'),
])
def test_mismatch_says_where_and_what(pattern, value, why):
    assert mismatch(pattern, value) == why


def test_check_pattern_finds_unknown_matchers_and_bad_arguments():
    assert check_pattern([{"a": {"$typ": "x"}}, {"$type": "text"}, {"$regex": "("}, {"$gt": "1"}]) == [
        ("[0].a", "unknown matcher '$typ' (known: $any, $type, $regex, $gt, $gte, $lt, $lte, $contains)"),
        ("[1]", "$type must be one of string, number, integer, boolean, object, array, null, bytes, got 'text'"),
        ("[2]", "$regex '(' is not a regular expression: missing ), unterminated subpattern at position 0"),
        ("[3]", "$gt needs a number, got '1'"),
    ]


def test_substitute_keeps_types_for_whole_values_and_writes_text_inside_strings():
    saved = {"join": [{"room": "lobby", "members": 2}], "pair": ["a", {"b": [1, 2]}]}
    assert substitute("${join.room}", saved) == "lobby"
    assert substitute("${join.members}", saved) == 2
    assert substitute("${join}", saved) == {"room": "lobby", "members": 2}
    assert substitute("${pair.1.b.1}", saved) == 2
    assert substitute("${pair}", saved) == "a"
    assert substitute("in ${join.room} with ${join.members}: ${pair.1}", saved) == 'in lobby with 2: {"b": [1, 2]}'
    assert substitute({"${join.room}": ["$${literal}", 3]}, saved) == {"lobby": ["${literal}", 3]}
    assert substitute("${env:HOME_X:-dflt}/${env:USER_X}", {}, env={"USER_X": "ada"}) == "dflt/ada"


def test_substitute_errors_say_what_is_missing():
    saved = {"join": [{"room": "lobby"}]}
    with pytest.raises(VariableError, match=r"\$\{join.id\}: join has no 'id' \(join = \{\"room\": \"lobby\"\}\)"):
        substitute("${join.id}", saved)
    with pytest.raises(VariableError, match=r"join has 1 argument\(s\), no argument 2"):
        substitute("${join.2}", saved)
    with pytest.raises(VariableError, match="the environment variable NOPE_X is not set"):
        substitute("${env:NOPE_X}", {}, env={})


def test_check_reference():
    assert check_reference("a.b", {"a"}) is None
    assert check_reference("env:TOKEN", set()) is None
    assert "no earlier step saves 'b'" in check_reference("b.x", {"a"})
    assert "saved so far: a" in check_reference("b.x", {"a"})
    assert "is empty" in check_reference("", set())
