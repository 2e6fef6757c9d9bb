"""Partial JSON patterns: what `expect` and `expect_ack` compare received arguments with.

- an object pattern matches an object that has at least its keys, each matching
  (other keys are allowed);
- a list pattern matches a list of the same length, item by item;
- numbers compare by value (1 matches 1.0), booleans only match booleans,
  strings and null match themselves, bytes match the same bytes;
- an object whose keys all start with `$` is a matcher:
    {"$any": true}              anything
    {"$type": "string"}         string, number, integer, boolean, object, array, null, bytes
    {"$regex": "^room-\\d+$"}   a string the regular expression finds a match in
    {"$gte": 1, "$lt": 10}      a number in range ($gt, $gte, $lt, $lte)
    {"$contains": "x"}          a list with an item matching "x", or a string containing "x"
"""
from __future__ import annotations

import json
import re
from typing import Any

from inspector.wire.payload import to_jsonable

TYPES = ("string", "number", "integer", "boolean", "object", "array", "null", "bytes")
OPERATORS = ("$any", "$type", "$regex", "$gt", "$gte", "$lt", "$lte", "$contains")


def is_matcher(pattern: Any) -> bool:
    return isinstance(pattern, dict) and bool(pattern) and all(
        isinstance(k, str) and k.startswith("$") for k in pattern)


def matches(pattern: Any, value: Any) -> bool:
    return mismatch(pattern, value) is None


def mismatch(pattern: Any, value: Any, where: str = "args") -> str | None:
    """None when `value` matches `pattern`, else the first difference, in words."""
    if is_matcher(pattern):
        return _matcher(pattern, value, where)
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return f"{where} is {show(value)}, expected an object"
        for key, sub in pattern.items():
            if key not in value:
                return f"{where} has no key {key!r}"
            why = mismatch(sub, value[key], f"{where}.{key}" if _plain(key) else f"{where}[{key!r}]")
            if why:
                return why
        return None
    if isinstance(pattern, list):
        if not isinstance(value, list):
            return f"{where} is {show(value)}, expected a list"
        if len(pattern) != len(value):
            return f"{where} has {len(value)} item(s), expected {len(pattern)}"
        for i, (sub, item) in enumerate(zip(pattern, value, strict=True)):
            why = mismatch(sub, item, f"{where}[{i}]")
            if why:
                return why
        return None
    if _same_scalar(pattern, value):
        return None
    return f"{where} is {show(value)}, expected {show(pattern)}"


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray)):
        return bytes(a) == bytes(b)
    return type(a) is type(b) and a == b


def _matcher(pattern: dict, value: Any, where: str) -> str | None:
    for op, arg in pattern.items():
        if op == "$any":
            continue
        if op == "$type":
            if type_name(value) != arg and not (arg == "number" and type_name(value) == "integer"):
                return f"{where} is {show(value)} ({type_name(value)}), expected {arg}"
        elif op == "$regex":
            if not isinstance(value, str) or re.search(arg, value) is None:
                return f"{where} is {show(value)}, expected a string matching /{arg}/"
        elif op in ("$gt", "$gte", "$lt", "$lte"):
            if type_name(value) not in ("number", "integer"):
                return f"{where} is {show(value)}, expected a number {op[1:]} {arg}"
            ok = {"$gt": value > arg, "$gte": value >= arg, "$lt": value < arg, "$lte": value <= arg}[op]
            if not ok:
                return f"{where} is {show(value)}, expected {_OP_WORDS[op]} {arg}"
        elif op == "$contains":
            if isinstance(value, str) and isinstance(arg, str):
                if arg not in value:
                    return f"{where} is {show(value)}, expected it to contain {show(arg)}"
            elif isinstance(value, list):
                if not any(matches(arg, item) for item in value):
                    return f"{where} is {show(value)}, expected an item matching {show(arg)}"
            else:
                return f"{where} is {show(value)}, expected a list or a string"
    return None


_OP_WORDS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def check_pattern(pattern: Any, where: str = "") -> list[tuple[str, str]]:
    """Problems in a pattern (unknown matchers, wrong matcher arguments): (where, what)."""
    problems: list[tuple[str, str]] = []
    if is_matcher(pattern):
        for op, arg in pattern.items():
            if op not in OPERATORS:
                problems.append((where, f"unknown matcher {op!r} (known: {', '.join(OPERATORS)})"))
            elif op == "$type" and arg not in TYPES:
                problems.append((where, f"$type must be one of {', '.join(TYPES)}, got {arg!r}"))
            elif op == "$regex":
                try:
                    re.compile(arg) if isinstance(arg, str) else None
                except re.error as exc:
                    problems.append((where, f"$regex {arg!r} is not a regular expression: {exc}"))
                if not isinstance(arg, str):
                    problems.append((where, "$regex needs a string"))
            elif op in _OP_WORDS and (isinstance(arg, bool) or not isinstance(arg, (int, float))):
                problems.append((where, f"{op} needs a number, got {arg!r}"))
    elif isinstance(pattern, dict):
        for k, v in pattern.items():
            problems += check_pattern(v, f"{where}.{k}" if where else str(k))
    elif isinstance(pattern, list):
        for i, v in enumerate(pattern):
            problems += check_pattern(v, f"{where}[{i}]")
    return problems


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def show(value: Any, limit: int = 80) -> str:
    """A value as compact JSON, cut at `limit` characters."""
    try:
        text = json.dumps(to_jsonable(value), ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(key: Any) -> bool:
    return isinstance(key, str) and key.isidentifier()
