"""`${...}` in scenario values: captured answers and environment variables.

    ${joined}            the first argument captured by the step with `save_as: joined`
    ${joined.room}       a key of the first argument (same as ${joined.0.room})
    ${joined.1}          the second argument
    ${me.rooms.0}        keys and list indexes, as deep as needed
    ${env:TOKEN}         an environment variable (a missing one is an error before connecting)
    ${env:TOKEN:-dflt}   ... with a default
    $${                  a literal "${"

A string that is exactly one `${...}` becomes the value itself (a number stays
a number, an object stays an object); inside a longer string the value is
written as text (JSON for objects and lists).
"""
from __future__ import annotations

import json
import os
import re
from typing import Any, Iterator, Mapping

from inspector.wire.payload import to_jsonable

TEMPLATE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class VariableError(ValueError):
    pass


def references(value: Any) -> Iterator[str]:
    """Every `${...}` expression inside a value (strings in lists and objects, keys too)."""
    if isinstance(value, str):
        for m in TEMPLATE.finditer(value):
            if m.group(1) is not None:
                yield m.group(1).strip()
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from references(k)
            yield from references(item)


def check_reference(expr: str, known: set[str]) -> str | None:
    """What is wrong with one `${expr}` given the names captured so far (None: nothing)."""
    if expr.startswith("env:"):
        name = expr[4:].split(":-", 1)[0]
        return None if ENV_NAME.match(name) else f"${{{expr}}}: {name!r} is not an environment variable name"
    if not expr:
        return "${} is empty: write ${name} or ${env:NAME}"
    name = expr.split(".", 1)[0]
    if not NAME.match(name):
        return f"${{{expr}}}: {name!r} is not a variable name"
    if name not in known:
        if known:
            return (f"${{{expr}}}: no earlier step saves {name!r} (save_as); "
                    f"saved so far: {', '.join(sorted(known))}")
        return f"${{{expr}}}: no earlier step saves {name!r} (add `save_as: {name}` to the step it comes from)"
    return None


def env_value(expr: str, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    name, sep, default = expr[4:].partition(":-")
    if name in env:
        return env[name]
    if sep:
        return default
    raise VariableError(f"the environment variable {name} is not set (${{{expr}}})")


def lookup(expr: str, variables: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Any:
    """The value of one `${expr}`."""
    if expr.startswith("env:"):
        return env_value(expr, env)
    name, *path = expr.split(".")
    if name not in variables:
        raise VariableError(f"${{{expr}}}: nothing was saved as {name!r}")
    value: Any = variables[name]          # the argument list
    if not path or not path[0].isdigit():
        value = _index(value, 0, name, expr)
        where = name
    else:
        value = _index(value, int(path[0]), name, expr)
        where = f"{name}.{path[0]}"
        path = path[1:]
    for seg in path:
        if isinstance(value, list) and seg.isdigit():
            value = _index(value, int(seg), where, expr)
        elif isinstance(value, dict) and seg in value:
            value = value[seg]
        else:
            raise VariableError(f"${{{expr}}}: {where} has no {seg!r} ({where} = {_short(value)})")
        where = f"{where}.{seg}"
    return value


def _index(value: Any, i: int, where: str, expr: str) -> Any:
    if not isinstance(value, list) or i >= len(value):
        n = len(value) if isinstance(value, list) else 0
        raise VariableError(f"${{{expr}}}: {where} has {n} argument(s), no argument {i}")
    return value[i]


def substitute(value: Any, variables: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Any:
    """A copy of `value` with every `${...}` replaced."""
    if isinstance(value, str):
        if "$" not in value:
            return value
        m = TEMPLATE.fullmatch(value)
        if m is not None and m.group(1) is not None:
            return lookup(m.group(1).strip(), variables, env)

        def repl(m: re.Match) -> str:
            if m.group(1) is None:
                return "${"
            got = lookup(m.group(1).strip(), variables, env)
            return got if isinstance(got, str) else json.dumps(to_jsonable(got), ensure_ascii=False)
        return TEMPLATE.sub(repl, value)
    if isinstance(value, list):
        return [substitute(v, variables, env) for v in value]
    if isinstance(value, dict):
        return {substitute(k, variables, env): substitute(v, variables, env) for k, v in value.items()}
    return value


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(to_jsonable(value), ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
