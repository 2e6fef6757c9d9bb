"""Scenario files: a scripted session in YAML, checked before anything connects.

A scenario names the server (`url`, overridden by `--url`), the connection
options, the namespaces to open, then `steps`.  Loading checks it against the
published JSON Schema (resources/scenario.schema.json), then what a schema
cannot say (namespaces that were never opened, variables used before a step
saves them, unknown matchers); every problem is reported as `file:line: what`.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

from .matching import check_pattern, show
from .options import ConnectionOptions, OptionsError
from .payload import PayloadError, resolve_bytes
from .variables import VariableError, check_reference, references, substitute

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "scenario.schema.json"

STEP_KINDS = ("emit", "join", "leave", "open", "close", "expect", "expect_no", "wait", "drop",
              "expect_gap", "expect_recovered")
BARE_STEPS = ("drop", "expect_gap", "expect_recovered")
ACTIONS = ("emit", "join", "leave", "open", "close", "drop")   # they move expect_no's window
_USES_NS = ("emit", "join", "leave", "expect", "expect_no", "expect_gap", "expect_recovered")
DEFAULT_TIMEOUT = 5.0
DEFAULT_WITHIN = 1.0
_CONNECTION_FIELDS = ("path", "transport", "auth", "query", "headers", "verify_tls", "connect_timeout",
                      "reconnection", "reconnection_attempts", "reconnection_delay",
                      "reconnection_delay_max", "randomization_factor", "compression",
                      "buffer_offline", "recovery", "rejoin_rooms")


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


@dataclass
class Step:
    index: int                 # 1-based
    kind: str                  # one of STEP_KINDS
    value: Any                 # the value of the step's own key (event, room, seconds...)
    fields: dict               # the other keys
    line: int
    default_ns: str = "/"

    @property
    def ns(self) -> str:
        return self.fields.get("ns") or self.default_ns

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    @property
    def is_action(self) -> bool:
        return self.kind in ACTIONS

    @property
    def label(self) -> str:
        return self.fields.get("name") or describe(self)


@dataclass
class Scenario:
    file: str
    name: str
    steps: list[Step]
    url: str | None = None
    connection: dict = field(default_factory=dict)
    namespaces: list[tuple[str, dict | None]] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT
    rooms: dict = field(default_factory=dict)
    server_acks: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)     # top-level key -> line

    @property
    def base_dir(self) -> Path | None:
        return Path(self.file).parent if self.file and not self.file.startswith("<") else None

    def options(self, url: str | None = None, env: Mapping[str, str] | None = None) -> ConnectionOptions:
        """The connection options, `${env:...}` filled in; ScenarioError when one is missing or wrong."""
        url = url or self.url
        if not url:
            raise ScenarioError([Problem(self.file, 1, "no server: give `url:` in the file or --url")])
        try:
            conn = substitute(self.connection, {}, env)
        except VariableError as exc:
            raise ScenarioError([Problem(self.file, self.lines.get("connection", 1), str(exc))]) from None
        kwargs = {k: conn[k] for k in _CONNECTION_FIELDS if k in conn}
        if "query" in kwargs:
            kwargs["query"] = {k: v if isinstance(v, str) else json.dumps(v) for k, v in kwargs["query"].items()}
        opts = ConnectionOptions(url=url, **kwargs)
        try:
            opts.validate()
        except OptionsError as exc:
            line = self.lines.get("url", 1) if str(exc).startswith("URL") else self.lines.get("connection", 1)
            raise ScenarioError([Problem(self.file, line, str(exc))]) from None
        return opts

    def namespace_auth(self, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        try:
            return {ns: substitute(auth, {}, env) for ns, auth in self.namespaces if auth is not None}
        except VariableError as exc:
            raise ScenarioError([Problem(self.file, self.lines.get("namespaces", 1), str(exc))]) from None

    def check_environment(self, url: str | None = None, env: Mapping[str, str] | None = None) -> None:
        """Every `${env:...}` set and the options valid, before connecting (ScenarioError if not)."""
        problems: list[Problem] = []
        for check in (lambda: self.options(url, env), lambda: self.namespace_auth(env)):
            try:
                check()
            except ScenarioError as exc:
                problems += exc.problems
        for step in self.steps:
            for expr in references(step.fields) if step.kind != "wait" else ():
                if expr.startswith("env:"):
                    try:
                        substitute("${" + expr + "}", {}, env)
                    except VariableError as exc:
                        problems.append(Problem(self.file, step.line, f"step {step.index}: {exc}"))
        if problems:
            raise ScenarioError(problems)


def describe(step: Step) -> str:
    """The step in a few words, as the progress line shows it."""
    k, v, f = step.kind, step.value, step.fields
    on = f" on {f['ns']}" if f.get("ns") else ""
    if k == "emit":
        args = " " + ", ".join(show(a, 40) for a in f.get("args", [])) if f.get("args") else ""
        text = f"emit {v}{args}{on}"
        return text if len(text) <= 90 else text[:89] + "…"
    if k in ("join", "leave"):
        return f"{k} {v}{on}"
    if k in ("open", "close"):
        return f"{k} {v}"
    if k == "expect":
        n = f" ×{f['count']}" if f.get("count", 1) != 1 else ""
        args = f" {show(f['args'], 50)}" if "args" in f else ""
        return f"expect {v}{n}{on}{args}"
    if k == "expect_no":
        return f"expect no {v}{on} for {_secs(f.get('within', DEFAULT_WITHIN))}"
    if k == "wait":
        return f"wait {_secs(v)}"
    if k == "drop":
        return "drop the connection"
    if k == "expect_gap":
        rec = {True: ", recovered", False: ", not recovered"}.get(f.get("recovered"), "")
        return f"expect a gap on {step.ns}{rec}"
    return f"expect {step.ns} recovered"


def _secs(v: float) -> str:
    return f"{v:g} s"


# -- loading ------------------------------------------------------------------------
def load(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), 1, f"cannot read the file: {exc}")]) from None
    return loads(text, str(path))


def loads(text: str, file: str = "<scenario>") -> Scenario:
    node, data = _parse_yaml(text, file)
    problems = _schema_problems(data, node, file)
    if problems:
        raise ScenarioError(problems)
    scenario = _build(data, node, file)
    problems = _semantic_problems(scenario, node)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _parse_yaml(text: str, file: str) -> tuple[yaml.Node, Any]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(file, 1, "the file is empty: a scenario needs `steps:`")])
        dup = _duplicate_key(node)
        if dup is not None:
            raise ScenarioError([Problem(file, dup[0], f"{dup[1]!r} is given twice")])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "not valid YAML"
        if exc.context:
            started = exc.context_mark
            since = (f" that starts on line {started.line + 1}"
                     if started is not None and mark is not None and started.line != mark.line else "")
            what = f"{what} ({exc.context}{since})"
        raise ScenarioError([Problem(file, line, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    return node, data


def _duplicate_key(node: yaml.Node) -> tuple[int, str] | None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for k, v in node.value:
            key = getattr(k, "value", None)
            if isinstance(key, str):
                if key in seen:
                    return k.start_mark.line + 1, key
                seen.add(key)
            found = _duplicate_key(v)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _duplicate_key(item)
            if found:
                return found
    return None


def node_at(node: yaml.Node, path) -> yaml.Node:
    """The deepest YAML node along a JSON path (keys and indexes)."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == part or (isinstance(part, str) and str(getattr(k, "value", "")) == part):
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


def _schema_problems(data: Any, node: yaml.Node, file: str) -> list[Problem]:
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


# -- the model -------------------------------------------------------------------------
def _build(data: dict, node: yaml.Node, file: str) -> Scenario:
    namespaces: list[tuple[str, dict | None]] = []
    for item in data.get("namespaces") or []:
        namespaces.append((item, None) if isinstance(item, str) else (item["name"], item.get("auth")))
    url = data.get("url")
    if not namespaces:
        namespaces = [(ConnectionOptions(url=url).base_namespace if url else "/", None)]
    default_ns = namespaces[0][0]
    steps = []
    for i, raw in enumerate(data["steps"]):
        line = node_at(node, ["steps", i]).start_mark.line + 1
        if isinstance(raw, str):
            kind, value, fields = raw, None, {}
        else:
            kind = next(k for k in raw if k in STEP_KINDS)
            value = raw[kind]
            fields = {k: v for k, v in raw.items() if k != kind}
        steps.append(Step(i + 1, kind, value, fields, line, default_ns))
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {k.value: k.start_mark.line + 1 for k, _v in node.value if isinstance(k, yaml.ScalarNode)}
    acks = {}
    for event, reply in (data.get("server_acks") or {}).items():
        acks[event] = reply if isinstance(reply, dict) else {"args": reply}
    return Scenario(
        file=file, name=data.get("name") or (Path(file).stem if not file.startswith("<") else "scenario"),
        steps=steps, url=url, connection=data.get("connection") or {}, namespaces=namespaces,
        timeout=float(data.get("timeout", DEFAULT_TIMEOUT)), rooms=data.get("rooms") or {},
        server_acks=acks, lines=lines)


def _semantic_problems(sc: Scenario, node: yaml.Node) -> list[Problem]:
    problems: list[Problem] = []
    open_ns = {ns for ns, _ in sc.namespaces}
    saved: set[str] = set()
    for step in sc.steps:
        f, where = step.fields, f"step {step.index} ({step.kind})"

        def add(message: str, key: str | None = None) -> None:
            line = key_line(node, ["steps", step.index - 1], key) if key else step.line
            problems.append(Problem(sc.file, line, f"{where}: {message}"))

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
        for key in ("args", "expect_ack"):
            if key in f and step.kind in ("expect", "expect_no", "join", "leave", "emit"):
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
