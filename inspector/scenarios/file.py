"""Scenario files: a scripted session in YAML, checked before anything connects.

A scenario names the server (`url`, overridden by `--url`), the connection
options, the namespaces to open, then `steps`.  Loading checks it against the
published JSON Schema (resources/scenario.schema.json), then what a schema
cannot say (scenario_check.py); every problem is reported as `file:line: what`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from inspector.scenarios.check import (
    BARE_STEPS,
    SCHEMA_PATH,
    STEP_KINDS,
    Problem,
    ScenarioError,
    duplicate_key,
    node_at,
    schema,
    schema_problems,
    semantic_problems,
)
from inspector.scenarios.matching import show
from inspector.scenarios.variables import VariableError, references, substitute
from inspector.session.server_view.protocol import DEFAULT_NAMESPACE as ADMIN_NAMESPACE
from inspector.wire.options import ConnectionOptions, OptionsError

__all__ = ["Scenario", "Step", "ScenarioError", "Problem", "load", "loads", "describe", "schema",
           "SCHEMA_PATH", "STEP_KINDS", "BARE_STEPS"]

ACTIONS = ("emit", "join", "leave", "open", "close", "drop", "server_emit")   # they move expect_no's window
DEFAULT_TIMEOUT = 5.0
DEFAULT_WITHIN = 1.0
_CONNECTION_FIELDS = ("path", "transport", "auth", "query", "headers", "verify_tls", "connect_timeout",
                      "reconnection", "reconnection_attempts", "reconnection_delay",
                      "reconnection_delay_max", "randomization_factor", "compression",
                      "buffer_offline", "recovery", "rejoin_rooms", "ack_timeout", "retries",
                      "parser", "protocol", "ca_file")


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
    def via(self) -> str:
        """The admin namespace of an expect_server / server_emit step."""
        return self.fields.get("via") or ADMIN_NAMESPACE

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
    clients: dict = field(default_factory=dict)   # name -> its overrides (empty: one client as before)

    def client_names(self) -> list[str]:
        """Every client, copies of a `repeat` one spelled out (bob-1 ... bob-N); [] for one client."""
        return [c for name in self.clients for c in self.copies(name)]

    def copies(self, name: str) -> list[str]:
        n = (self.clients.get(name) or {}).get("repeat")
        return [f"{name}-{i}" for i in range(1, n + 1)] if n else [name]

    def step_clients(self, step: "Step") -> list[str | None]:
        """Who runs a step: the copies of its `client` (default the first); [None] for one client."""
        if not self.clients:
            return [None]
        return self.copies(step.get("client") or next(iter(self.clients)))

    def client_of(self, copy: str) -> str:
        """The `clients:` entry a client (or a copy of one) comes from."""
        if copy in self.clients:
            return copy
        return copy.rpartition("-")[0]

    def client_options(self, copy: str, url: str | None = None,
                       env: Mapping[str, str] | None = None) -> ConnectionOptions:
        """The scenario's connection with what the client changes (its url, connection keys)."""
        own = self.clients.get(self.client_of(copy)) or {}
        try:
            client_url = substitute(own["url"], {}, env) if own.get("url") else None
        except VariableError as exc:
            raise ScenarioError([Problem(self.file, self.lines.get("clients", 1), f"client {copy}: {exc}")]) from None
        base = self.connection
        if own.get("connection"):
            self.connection = {**base, **own["connection"]}
        try:
            return self.options(client_url or url, env)
        finally:
            self.connection = base

    def client_namespaces(self, copy: str) -> list[tuple[str, dict | None]]:
        own = self.clients.get(self.client_of(copy)) or {}
        if not own.get("namespaces"):
            return self.namespaces
        return [(i, None) if isinstance(i, str) else (i["name"], i.get("auth")) for i in own["namespaces"]]

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
        if kwargs.get("ca_file") and self.base_dir is not None:    # relative to the scenario file
            kwargs["ca_file"] = str(self.base_dir / kwargs["ca_file"])
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

    def secret_values(self, env: Mapping[str, str] | None = None) -> set[str]:
        """What must not be printed: auth and header values, and whatever `${env:...}` gives."""
        found: set[str] = set()

        def strings(value: Any) -> None:
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, dict):
                for v in value.values():
                    strings(v)
            elif isinstance(value, list):
                for v in value:
                    strings(v)
        own = [c or {} for c in self.clients.values()]      # what each client of `clients:` brings
        for value in (self.connection.get("auth"), self.connection.get("headers"),
                      *(auth for _ns, auth in self.namespaces),
                      *((c.get("connection") or {}).get(k) for c in own for k in ("auth", "headers")),
                      *(i.get("auth") for c in own for i in c.get("namespaces") or [] if isinstance(i, dict))):
            try:
                strings(substitute(value, {}, env))
            except VariableError:
                pass
        everything = [self.connection, [a for _n, a in self.namespaces], [s.fields for s in self.steps], own,
                      [s.value for s in self.steps if isinstance(s.value, str)]]
        for expr in references(everything):
            if expr.startswith("env:"):
                try:
                    found.add(substitute("${" + expr + "}", {}, env))
                except VariableError:
                    pass
        return {v for v in found if len(v) >= 3}

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
    if k == "expect_server":
        args = f" {show(f['args'], 50)}" if "args" in f else ""
        return f"expect the server: {v}{args}"
    if k == "server_emit":
        to = f" to {f['to']}" if f.get("to") else " to everyone"
        return f"server emits {v}{to}{on}"
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
    problems = schema_problems(data, node, file)
    if problems:
        raise ScenarioError(problems)
    scenario = _build(data, node, file)
    problems = semantic_problems(scenario, node)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _parse_yaml(text: str, file: str) -> tuple[yaml.Node, Any]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(file, 1, "the file is empty: a scenario needs `steps:`")])
        dup = duplicate_key(node)
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
        server_acks=acks, lines=lines, clients=data.get("clients") or {})
