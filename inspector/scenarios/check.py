"""Checking a scenario file: the published JSON Schema, then what a schema cannot see.

Every problem says `file:line: what`; the YAML node tree (kept next to the
data) gives the line of any JSON path.
"""
from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from inspector.scenarios.matching import check_pattern, show
from inspector.scenarios.variables import check_reference, references
from inspector.wire.payload import PayloadError, resolve_bytes


def _schema_path() -> Path:
    """resources/ of a checkout (editable install), else where a wheel put it (data-files)."""
    checkout = Path(__file__).resolve().parents[2] / "resources" / "scenario.schema.json"
    installed = Path(sys.prefix) / "share" / "socketio-inspector" / "scenario.schema.json"
    return checkout if checkout.is_file() or not installed.is_file() else installed


SCHEMA_PATH = _schema_path()
STEP_KINDS = ("emit", "join", "leave", "open", "close", "expect", "expect_no", "wait", "drop",
              "expect_gap", "expect_recovered", "expect_server", "server_emit")
BARE_STEPS = ("drop", "expect_gap", "expect_recovered")
SERVER_STEPS = ("expect_server", "server_emit")      # through the server's admin namespace (`via`)
_USES_NS = ("emit", "join", "leave", "expect", "expect_no", "expect_gap", "expect_recovered")


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that cannot run; `problems` say where and what, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def duplicate_key(node: yaml.Node) -> tuple[int, str] | None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for k, v in node.value:
            key = getattr(k, "value", None)
            if isinstance(key, str):
                if key in seen:
                    return k.start_mark.line + 1, key
                seen.add(key)
            found = duplicate_key(v)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = duplicate_key(item)
            if found:
                return found
    return None


def node_at(node: yaml.Node, path) -> yaml.Node:
    """The deepest YAML node along a JSON path (keys and indexes)."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if (getattr(k, "value", None) == part
                        or (isinstance(part, str) and str(getattr(k, "value", "")) == part)):
                    node = v
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def key_line(node: yaml.Node, path, key: str) -> int:
    """The line of `key` inside the mapping at `path` (for 'unknown field' messages)."""
    parent = node_at(node, path)
    if isinstance(parent, yaml.MappingNode):
        for k, _v in parent.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return parent.start_mark.line + 1


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validator(ref: str | None = None) -> jsonschema.Draft202012Validator:
    s = schema()
    if ref is not None:
        s = {"$ref": f"#/$defs/{ref}", "$defs": s["$defs"]}
    return jsonschema.Draft202012Validator(s)


def schema_problems(data: Any, node: yaml.Node, file: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(file, node.start_mark.line + 1,
                        "a scenario is a mapping with `steps:` (and url, connection, namespaces...)")]
    problems: list[Problem] = []
    steps = data.get("steps")
    rest = {k: v for k, v in data.items() if k != "steps"}
    if isinstance(steps, list):
        rest["steps"] = [{"wait": 0}] if steps else []       # steps are checked one by one below
    else:
        rest["steps"] = steps
    if "steps" not in data:
        rest.pop("steps")
    for err in sorted(_validator().iter_errors(rest), key=lambda e: list(e.absolute_path)):
        problems.append(_problem(err, node, file, list(err.absolute_path)))
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            problems += _step_problems(step, i, node, file)
    return sorted(problems, key=lambda p: p.line)[:20]


def _step_problems(step: Any, i: int, node: yaml.Node, file: str) -> list[Problem]:
    path = ["steps", i]
    line = node_at(node, path).start_mark.line + 1
    where = f"step {i + 1}"
    if isinstance(step, str):
        if step in BARE_STEPS:
            return []
        return [Problem(file, line, f"{where}: unknown step {step!r}{_did_you_mean(step, STEP_KINDS)}; "
                                    f"a step is one of {', '.join(STEP_KINDS)}")]
    if not isinstance(step, dict):
        return [Problem(file, line, f"{where}: a step is a mapping like `- emit: echo`, got {show(step)}")]
    kinds = [k for k in step if k in STEP_KINDS]
    if len(kinds) > 1:
        return [Problem(file, line, f"{where}: one step per list item; this one has {' and '.join(kinds)} "
                                    "(start each with its own `- `)")]
    if not kinds:
        first = next(iter(step), "")
        return [Problem(file, line, f"{where}: unknown step {first!r}{_did_you_mean(str(first), STEP_KINDS)}; "
                                    f"a step is one of {', '.join(STEP_KINDS)}")]
    kind = kinds[0]
    return [_problem(err, node, file, path + list(err.absolute_path), kind)
            for err in sorted(_validator(kind).iter_errors(step), key=lambda e: list(e.absolute_path))]


def _problem(err: jsonschema.ValidationError, node: yaml.Node, file: str, path: list,
             kind: str | None = None) -> Problem:
    line = node_at(node, path).start_mark.line + 1
    where = _where(path, kind)
    if err.validator == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        if extra:
            line = key_line(node, path, extra[0])
            return Problem(file, line, f"{where}: unknown field {extra[0]!r}{_did_you_mean(extra[0], allowed)}"
                                       f" (allowed: {', '.join(allowed)})")
    if err.validator == "required":
        return Problem(file, line, f"{where}: {err.message.replace('is a required property', 'is missing')}")
    if err.validator == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        hint = ""
        if isinstance(err.instance, bool) and want == "string":
            hint = " (YAML reads yes/no/on/off/true/false as booleans: put the text in quotes)"
        elif isinstance(err.instance, (int, float)) and want == "string":
            hint = " (put it in quotes)"
        return Problem(file, line, f"{where}: expected {_article(want)}, got {show(err.instance)}{hint}")
    if err.validator == "enum":
        return Problem(file, line, f"{where}: {show(err.instance)} is not one of "
                                   f"{', '.join(map(str, err.validator_value))}")
    if err.validator == "pattern" and isinstance(err.instance, str):
        if err.validator_value == "^/":
            return Problem(file, line, f"{where}: a namespace starts with /, got {err.instance!r}")
        if "://" in err.validator_value:
            return Problem(file, line, f"{where}: a URL starts with http://, https://, ws:// or wss://, "
                                       f"got {err.instance!r}")
        return Problem(file, line, f"{where}: {err.instance!r} is not a name (letters, digits, _)")
    if err.validator == "oneOf" and path and path[0] == "namespaces":
        return Problem(file, line, f"{where}: a namespace is \"/name\" or {{name: /name, auth: {{...}}}}, "
                                   f"got {show(err.instance)}")
    if err.validator == "oneOf" and path and path[0] == "server_acks":
        return Problem(file, line, f"{where}: an answer is a list of arguments or {{args: [...], delay: s}}, "
                                   f"got {show(err.instance)}")
    return Problem(file, line, f"{where}: {err.message}")


def _where(path: list, kind: str | None) -> str:
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        rest = ".".join(str(p) for p in path[2:])
        return f"step {path[1] + 1} ({kind})" + (f", {rest}" if rest else "")
    return ".".join(str(p) for p in path) or "the scenario"


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""



def semantic_problems(sc, node: yaml.Node) -> list[Problem]:
    """Namespaces not open at a step, variables used before they are saved, bad patterns and bytes."""
    problems: list[Problem] = []
    open_ns = {ns for ns, _ in sc.namespaces}
    open_ns |= {ns for name in sc.clients for ns, _ in sc.client_namespaces(name)}   # any client's
    saved: set[str] = set()
    for step in sc.steps:
        f, where = step.fields, f"step {step.index} ({step.kind})"

        def add(message: str, key: str | None = None, step=step, where=where) -> None:  # this step's
            line = key_line(node, ["steps", step.index - 1], key) if key else step.line
            problems.append(Problem(sc.file, line, f"{where}: {message}"))

        if "client" in f and f["client"] not in sc.clients:
            known = ", ".join(sc.clients) or "none: the scenario has no `clients:`"
            add(f"no client named {f['client']!r} (clients: {known})", "client")
        if step.kind in ("open",):
            open_ns.add(step.value)
        elif step.kind == "close":
            if step.value not in open_ns:
                add(f"{step.value} is not open here")
            open_ns.discard(step.value)
        elif step.kind in _USES_NS and step.ns not in open_ns and "${" not in step.ns:
            opened = ", ".join(sorted(open_ns)) or "none"
            add(f"namespace {step.ns} is not open at this step (open: {opened}); "
                "add it to `namespaces:` or an `open:` step before", "ns" if "ns" in f else None)
        for expr in references({"value": step.value, **{k: v for k, v in f.items() if k != "save_as"}}):
            why = check_reference(expr, saved)
            if why:
                add(why)
        if step.kind in SERVER_STEPS and step.via not in open_ns and "${" not in step.via:
            opened = ", ".join(sorted(open_ns)) or "none"
            add(f"the admin namespace {step.via} is not open at this step (open: {opened}); add it to "
                "`namespaces:` with the admin username and password as its auth", "via" if "via" in f else None)
        for key in ("args", "expect_ack"):
            if key in f and step.kind in ("expect", "expect_no", "join", "leave", "emit", "expect_server"):
                if key == "args" and step.kind == "emit":
                    try:
                        resolve_bytes(f[key], sc.base_dir)
                    except PayloadError as exc:
                        add(f"args: {exc.message}", key)
                    continue
                for at, why in check_pattern(f[key]):
                    add(f"{key}{'' if at.startswith('[') else '.'}{at}: {why}" if at else f"{key}: {why}", key)
        if step.kind == "emit" and f.get("ack") is False and ("expect_ack" in f or "save_as" in f):
            add("ack: false, but expect_ack / save_as need the server's answer", "ack")
        if "save_as" in f:
            saved.add(f["save_as"])
    return problems[:20]
