"""A session's log -> a scenario file that replays it.

The last connection in the log becomes the scenario: its namespaces, then one
step per thing the user did (emit, join, leave, open) and per thing that came
back (the ack answer as `expect_ack`, incoming events as `expect`, a dropped
and restored connection as `expect_gap` / `expect_recovered`).

What would make a replay fail for no reason is loosened: values that change
from one connection to the next (session ids, UUIDs, long random ids, epoch
timestamps) become `{"$type": ...}` matchers, and when such a value comes back
in a later emit it becomes a variable (`save_as` on the step that received it,
`${name.key}` where it is used).  Runs of the same event collapse into one
`expect` with a `count`.

What replays green on the same server (issue 14):
- an incoming event the user's actions did not cause is left out: a periodic one (the same
  event at a steady interval, as the demo server's `tick`), and one that came later than
  CAUSED_WITHIN after every action (a connect, an emit or its ack answer, a reconnect);
  `unsolicited=True` keeps them, and the file's header lists what was left out;
- numbers the server made up (counters, ids, sizes: any number that is not one of the
  emit answered, or, for an event, of the last emit) become `{"$type": "integer"}` /
  `{"$type": "number"}`; `exact=True` keeps them;
- each step that waits (an expect, an ack) gets a `timeout` from the time it took when
  recorded, with a margin (TIMEOUT_FACTOR times it, plus TIMEOUT_SLACK, at least TIMEOUT_MIN).

Secrets stay out unless asked for: auth values and header values are written
as `${env:NAME}` placeholders, listed in the file's header comment.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

import yaml

from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.scenarios.matching import type_name
from inspector.session.server_acks import AckReply
from inspector.session.server_view.protocol import DEFAULT_NAMESPACE as ADMIN_NAMESPACE
from inspector.wire.options import ConnectionOptions
from inspector.wire.payload import to_jsonable
from inspector.wire.reasons import DisconnectReason

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RANDOM_ID = re.compile(r"^[A-Za-z0-9_-]{16,}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_MERGE_AT = 4          # this many of the same event in a row (different arguments) -> one `count`
EVENTS_ALL, EVENTS_SELECTED, EVENTS_NONE = "all", "selected", "none"
CAUSED_WITHIN = 1.0    # s after an action (or its ack) in which an incoming event counts as its answer
PERIODIC_MIN = 3       # this many of one event at a steady interval make it periodic...
PERIODIC_STEADY = 0.75  # ...when this share of the intervals is within 40 % of their median...
PERIODIC_FASTEST = 0.05  # ...and that median is at least this (s): a burst is not a clock
TIMEOUT_FACTOR, TIMEOUT_SLACK, TIMEOUT_MIN = 3.0, 1.0, 3.0


@dataclass
class RecordingContext:
    """What the log alone does not say: the options and settings of the session."""
    options: ConnectionOptions
    ns_auth: dict[str, Any] = field(default_factory=dict)      # auth each namespace was opened with
    join_event: str = "join"
    leave_event: str = "leave"
    server_acks: dict[str, AckReply] = field(default_factory=dict)
    default_ack: AckReply = field(default_factory=AckReply)
    namespaces: list[str] = field(default_factory=list)        # when the log has no connect rows


@dataclass
class Recording:
    text: str                         # the YAML
    steps: int
    secrets: list[str]                # environment variables the file needs


class _Flow(list):
    pass


class _FlowMap(dict):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def record(entries: Iterable[LogEntry], ctx: RecordingContext, *, name: str | None = None,
           events: str = EVENTS_ALL, selected: Iterable[int] = (), include_secrets: bool = False,
           loose: bool = False, exact: bool = False, unsolicited: bool = False,
           clients: dict[str, RecordingContext] | None = None) -> Recording:
    """events: "all" incoming events, only the "selected" seqs, or "none";
    loose: compare incoming arguments by type only, not by value; exact: keep the server's
    numbers as they were; unsolicited: keep periodic and unsolicited events too;
    clients: several clients (recorded_clients.py), name -> context, the first's is `ctx`;
    each entry names its client (LogEntry.client) by these names."""
    rec = _Recorder(list(entries), ctx, events, set(selected), include_secrets, loose, clients or {})
    rec.exact, rec.keep_unsolicited = exact, unsolicited
    return rec.run(name)


class _Recorder:
    def __init__(self, entries: list[LogEntry], ctx: RecordingContext, events: str, selected: set[int],
                 include_secrets: bool, loose: bool, clients: dict[str, RecordingContext]):
        # several clients: each one's last connection; steps say `client:` (but the first's)
        self.clients = clients if len(clients) > 1 else {}
        self.first = next(iter(self.clients), None)
        self.who: str | None = None                     # the client of the entry being read
        self.entries = _last_connection(entries) if not self.clients else _last_connections(entries)
        self.ctx, self.events, self.selected = ctx, events, selected
        self.include_secrets, self.loose = include_secrets, loose
        self.steps: list[dict] = []
        self.namespaces: list[str] = []
        self.secrets: list[str] = []
        self.sids = {str((e.detail or {}).get("sid")) for e in self.entries if e.kind == Kind.CONNECT}
        # the server view's admin namespaces: their traffic is the server talking about itself,
        # not the client's; what it did as the server is a `server_emit` step
        self.admin_ns = {e.ns for e in self.entries if e.ns and (
            (e.dir == SYS and e.kind == Kind.SERVER)
            or (e.dir == IN and e.kind == Kind.EVENT and e.event == "config" and e.args
                and isinstance(e.args[0], dict) and "supportedFeatures" in e.args[0]))}
        self.admin_sent: dict[str | None, list[int]] = {}     # command -> where its steps go
        self.netlocs = {urlsplit(c.options.url).netloc for c in [ctx, *self.clients.values()]} - {""}
        self.secret_values: dict[str, str] = {}    # a secret's value -> its ${env:...} placeholder
        if not include_secrets:
            for who, c in (self.clients or {None: ctx}).items():     # the first's names win
                prefix = _client_prefix(None if who == self.first else who)
                self._secret_map(c.options.auth or {}, f"{prefix}_AUTH", register_only=True)
                self._secret_map(c.options.headers or {}, f"{prefix}_HEADER", register_only=True)
                for ns, auth in c.ns_auth.items():
                    if isinstance(auth, dict):
                        self._secret_map(auth, _ns_prefix(ns, prefix), register_only=True)
        self.refs: dict[str, tuple[dict, str]] = {}     # volatile value -> (step that got it, path)
        self.names: set[str] = set()
        self.pending: dict[tuple, dict] = {}            # (client, ns, ack_id) -> emit / join / leave step
        self.asked: set[str] = set()                    # events the server asked an ack for
        self.exact, self.keep_unsolicited = False, False
        self.sent_numbers: set = set()      # the numbers of the emit an answer answers (kept exact)
        self.sent_by_ack: dict[tuple, set] = {}
        self.left_out: dict[tuple, list] = {}           # (ns, event) -> [count, why]
        self.last_action = self.entries[0].t if self.entries else 0.0

    def run(self, name: str | None) -> Recording:
        by_client = bool(self.clients)
        periodic = _periodic(self.entries, by_client)
        caused = _caused(self.entries, by_client)
        acted_by: set[str | None] = set()
        known: set[tuple] = set()
        self.client_ns: dict[str | None, list[str]] = {}  # what each client connected with
        for e in self.entries:
            self.who = e.client if by_client else None
            acted = self.who in acted_by
            if e.ns in self.admin_ns and e.kind in (Kind.EVENT, Kind.ACK):
                if e.dir == OUT and e.kind == Kind.EVENT:      # a command: its step goes here
                    self.last_action = e.t
                    self.admin_sent.setdefault(e.event, []).append(len(self.steps))
                continue
            if e.dir == SYS and e.kind == Kind.SERVER:
                acted_by.add(self.who)
                self._server(e)
                continue
            if (e.dir == OUT and e.kind == Kind.EVENT) or (e.dir == SYS and e.kind in (Kind.CONNECT, Kind.GAP)):
                self.last_action = e.t
            if e.dir == SYS and e.kind == Kind.CONNECT and e.ns and (self.who, e.ns) not in known:
                known.add((self.who, e.ns))
                if not acted:
                    self.client_ns.setdefault(self.who, []).append(e.ns)
                else:
                    self._add({"open": e.ns, **self._ns_auth(e.ns, "auth")})
            elif e.dir == OUT and e.kind == Kind.EVENT:
                acted_by.add(self.who)
                self._out(e)
            elif e.dir == IN and e.kind == Kind.ACK:
                self._ack(e)
            elif e.dir == SYS and e.kind == Kind.ACK and Flag.TIMEOUT in e.flags:
                step = self.pending.pop((self.who, e.ns, e.ack_id), None)
                if step is not None:
                    step["name"] = f"{_describe_out(step)} (its ack timed out when recorded)"
            elif e.dir == IN and e.kind == Kind.EVENT:
                if e.ack_id is not None and e.event:
                    self.asked.add(e.event)
                if self.events == EVENTS_SELECTED and e.seq in self.selected:
                    self._expect(e)         # picked by the user: kept whatever it is
                elif self.events == EVENTS_ALL:
                    key = (self.who, e.ns, e.event)
                    why = None if self.keep_unsolicited else (
                        f"periodic, every {periodic[key]:.2f} s" if key in periodic
                        else "unsolicited" if e.seq not in caused else None)
                    if why is None:
                        self._expect(e)
                    else:
                        self.left_out.setdefault((e.ns, e.event), [0, why])[0] += 1
            elif e.dir == SYS and e.kind == Kind.DISCONNECT and "cut by you" in str((e.detail or {}).get("transport")):
                last = next((s for s in reversed(self.steps) if s.get("client") == self._client_key()), None)
                if last is None or "drop" not in last:
                    self._add({"drop": None})
            elif e.dir == SYS and e.kind == Kind.GAP and e.ns:
                acted_by.add(self.who)
                if (e.detail or {}).get("recovered"):
                    self._add({"expect_recovered": None, "ns": e.ns})
                else:
                    self._add({"expect_gap": None, "ns": e.ns})
        self.who = self.first               # what follows is the file's: the first client's
        self.namespaces = self._namespaces_of(self.first)
        for step in self.steps:                  # the first namespace is the default
            if step.get("ns") == self.namespaces[0]:
                del step["ns"]
        self._merge_runs()
        for step in self.steps:
            delay = step.pop("_took", None)
            if delay is not None and ("expect" in step or "expect_ack" in step or "join" in step
                                      or "leave" in step):
                step["timeout"] = timeout_for(delay)
        return Recording(self._yaml(name), len(self.steps), self.secrets)

    # -- steps ----------------------------------------------------------------------
    def _add(self, step: dict) -> dict:
        self._mark(step)
        self.steps.append(step)
        return step

    def _mark(self, step: dict) -> None:
        """The step names its client, but the first's (the default)."""
        if self._client_key() is not None:
            step["client"] = self.who

    def _client_key(self) -> str | None:
        return self.who if self.who != self.first else None

    def _ctx(self) -> RecordingContext:
        return self.clients.get(self.who, self.ctx) if self.clients else self.ctx

    def _namespaces_of(self, who: str | None) -> list[str]:
        ctx = self.clients.get(who, self.ctx) if self.clients else self.ctx
        return self.client_ns.get(who) or list(ctx.namespaces) or [ctx.options.base_namespace]

    def _out(self, e: LogEntry) -> None:
        args = e.args or []
        room_event = {self._ctx().join_event: "join", self._ctx().leave_event: "leave"}.get(e.event or "")
        if room_event and e.ack_id is not None and len(args) == 1 and isinstance(args[0], str):
            step = self._add({room_event: self._value(args[0]), "ns": e.ns})
        else:
            step = self._add({"emit": e.event, "ns": e.ns, "args": _Flow(self._value(args))})
            if not args:
                del step["args"]
            if e.ack_id is not None:
                step["ack"] = True
            if not (Flag.COMPRESSED in e.flags or (e.detail or {}).get("compress")):
                step["compress"] = False    # asked for by default, as socket.io-client's compress(true)
            if Flag.VOLATILE in e.flags:
                step["volatile"] = True
        self.sent_numbers = _numbers(args)          # what the events that follow may echo
        if e.ack_id is not None:
            self.pending[(self.who, e.ns, e.ack_id)] = step
            self.sent_by_ack[(self.who, e.ns, e.ack_id)] = self.sent_numbers

    def _server(self, e: LogEntry) -> None:
        """An emit from the server's side (the server view) that the server took: a
        server_emit step, where its emit went out (the note is logged once its effect was seen,
        after what it made the clients receive); join / leave / disconnect from the server's
        side have no step."""
        detail, args = e.detail or {}, e.args or []
        if "answer" not in detail:
            return              # refused before anything was sent
        sent = self.admin_sent.get(detail.get("command"))
        at = sent.pop(0) if sent else len(self.steps)      # when it went out, not when it was seen
        if detail.get("command") != "emit" or len(args) < 3:
            return
        step = {"server_emit": self._value(args[2]), "ns": args[0]}
        self._mark(step)
        self.steps.insert(at, step)
        for positions in self.admin_sent.values():
            positions[:] = [p + 1 if p >= at else p for p in positions]
        if args[1] is not None:
            step["to"] = self._value(args[1])
        if args[3:]:
            step["args"] = _Flow(self._value(list(args[3:])))
        if e.ns != ADMIN_NAMESPACE:
            step["via"] = e.ns

    def _ack(self, e: LogEntry) -> None:
        step = self.pending.pop((self.who, e.ns, e.ack_id), None)
        if step is None:
            return
        step.pop("ack", None)
        events_echo, self.sent_numbers = self.sent_numbers, self.sent_by_ack.get((self.who, e.ns, e.ack_id), set())
        step["expect_ack"] = _Flow(self._pattern(e.args or [], step))
        self.sent_numbers = events_echo
        step["_took"] = (e.rtt_ms or 0.0) / 1000.0

    def _expect(self, e: LogEntry) -> None:
        step = {"expect": e.event, "ns": e.ns}
        step["args"] = _Flow(self._pattern(e.args or [], step))
        step["_took"] = max(0.0, e.t - self.last_action)
        self._add(step)

    def _ns_auth(self, ns: str, key: str) -> dict:
        auth = self._ctx().ns_auth.get(ns)
        if not auth:
            return {}
        return {key: _FlowMap(self._secret_map(auth, _ns_prefix(ns, _client_prefix(self._client_key())),
                                               reuse=self._client_key() is not None))}

    # -- values -----------------------------------------------------------------------
    def _value(self, value: Any, path: str = "") -> Any:
        """An emitted value: volatile values seen earlier become variables; `${` is escaped."""
        if isinstance(value, str):
            if value in self.secret_values:
                return self.secret_values[value]
            ref = self._ref(value)
            return ref if ref is not None else value.replace("${", "$${")
        if isinstance(value, list):
            return [self._value(v) for v in value]
        if isinstance(value, dict):
            return {k.replace("${", "$${"): self._value(v) for k, v in value.items()}
        return to_jsonable(value)

    def _ref(self, value: str) -> str | None:
        source = self.refs.get(value)
        if source is None:
            return None
        step, path = source
        if "save_as" not in step:
            step["save_as"] = self._name_for(step)
        return "${" + step["save_as"] + path + "}"

    def _name_for(self, step: dict) -> str:
        base = _env_name(str(step.get("emit") or step.get("expect") or step.get("join") or "answer")).lower()
        base = base if base and not base[0].isdigit() else f"v_{base}"
        name, n = base, 1
        while name in self.names or name == "env":
            n += 1
            name = f"{base}{n}"
        self.names.add(name)
        return name

    def _pattern(self, args: list, step: dict) -> list:
        # ${name.key} reads the first argument's key; ${name.1} the second argument
        return [self._loosen(a, step, "" if i == 0 and not isinstance(a, list) else f".{i}")
                for i, a in enumerate(args)]

    def _loosen(self, value: Any, step: dict, path: str | None) -> Any:
        """A received value as a pattern: volatile values as matchers, remembered for later emits."""
        if isinstance(value, str):
            if value in self.secret_values:
                return self.secret_values[value]
            ref = self._ref(value)
            if ref is not None:
                return ref
            if self._volatile(value):
                if path is not None:
                    self.refs.setdefault(value, (step, path))
                return {"$type": "string"}
            return {"$type": "string"} if self.loose else value.replace("${", "$${")
        if isinstance(value, bool) or value is None:
            return {"$type": type_name(value)} if self.loose else value
        if isinstance(value, (int, float)):
            if self.loose or _epoch_like(value):
                return {"$type": "number"}
            if not self.exact and value not in self.sent_numbers:     # the server's counter, id, size
                return {"$type": type_name(value)}
            return value
        if isinstance(value, (bytes, bytearray)):
            return {"$type": "bytes"} if self.loose else to_jsonable(value)
        if isinstance(value, list):
            return [self._loosen(v, step, None if path is None else f"{path}.{i}")
                    for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k.replace("${", "$${"): self._loosen(v, step, f"{path}.{k}" if path is not None
                                                         and _path_key(k) else None)
                    for k, v in value.items()}
        return to_jsonable(value)

    def _volatile(self, value: str) -> bool:
        if value in self.sids or _UUID.match(value) or _ISO_TIME.match(value):
            return True
        if any(netloc in value for netloc in self.netlocs):   # the server's address: --url may change it
            return True
        try:
            if _epoch_like(float(value)):
                return True
        except ValueError:
            pass
        return bool(_RANDOM_ID.match(value) and re.search(r"\d", value) and re.search(r"[A-Za-z]", value))

    def _merge_runs(self) -> None:
        """Runs of the same expected event collapse into one step with a count."""
        out: list[dict] = []
        i = 0
        while i < len(self.steps):
            s = self.steps[i]
            j = i + 1
            if "expect" in s and "save_as" not in s:
                while (j < len(self.steps) and self.steps[j].get("expect") == s["expect"]
                       and self.steps[j].get("ns") == s.get("ns") and "save_as" not in self.steps[j]
                       and self.steps[j].get("client") == s.get("client")):
                    j += 1
            run = self.steps[i:j]
            took = max((r.get("_took", 0.0) for r in run), default=0.0)
            if len(run) > 1 and all(r.get("args") == s.get("args") for r in run):
                out.append({**s, "count": len(run), "_took": took})
            elif len(run) >= _MERGE_AT:
                merged = {k: v for k, v in s.items() if k != "args"}
                merged["count"] = len(run)
                merged["_took"] = took
                out.append(merged)
            else:
                out.extend(run)
            i = j
        self.steps = out

    # -- the file -----------------------------------------------------------------------
    def _connection(self) -> dict:
        conn = self._render(_connection_of(self.ctx.options), "SIO")
        if any("join" in s for s in self.steps):
            conn["rejoin_rooms"] = False       # the joins after a reconnect are steps of their own
        return conn

    def _render(self, conn: dict, prefix: str, reuse: bool = False) -> dict:
        """A connection's keys as the file has them: auth and header values as placeholders."""
        out = dict(conn)
        if "auth" in out:
            out["auth"] = _FlowMap(self._secret_map(out["auth"], f"{prefix}_AUTH", reuse=reuse))
        if "headers" in out:
            out["headers"] = self._secret_map(out["headers"], f"{prefix}_HEADER", reuse=reuse)
        return out

    def _clients(self) -> dict:
        """`clients:`: each client with what differs from the first's connection (its url,
        connection keys, namespaces and their auth)."""
        base_ctx = self.ctx
        base = _connection_of(base_ctx.options)
        base_ns = [(ns, base_ctx.ns_auth.get(ns)) for ns in self.namespaces]
        out: dict[str, Any] = {}
        for who, ctx in self.clients.items():
            self.who = who
            own: dict[str, Any] = {}
            if who != self.first:
                if ctx.options.url != base_ctx.options.url:
                    own["url"] = ctx.options.url
                mine = _connection_of(ctx.options)
                diff = {k: mine.get(k, _unset(k)) for k in [*base, *mine]
                        if mine.get(k, _unset(k)) != base.get(k, _unset(k))}
                if diff:
                    own["connection"] = self._render(diff, _client_prefix(who), reuse=True)
                namespaces = self._namespaces_of(who)
                if [(ns, ctx.ns_auth.get(ns)) for ns in namespaces] != base_ns:
                    own["namespaces"] = [{"name": ns, **auth} if auth else ns
                                         for ns in namespaces for auth in [self._ns_auth(ns, "auth")]]
            out[who] = _FlowMap(own) if not own.get("namespaces") and not own.get("connection") else own
        self.who = self.first
        return out

    def _secret_map(self, values: dict, prefix: str, register_only: bool = False, reuse: bool = False) -> dict:
        """Each value as a ${env:PREFIX_KEY} placeholder (listed in the header), unless secrets are kept;
        reuse: a value another client has already is its placeholder."""
        if self.include_secrets:
            return dict(to_jsonable(values))
        out = {}
        for key, value in values.items():
            var = f"{prefix}_{_env_name(str(key))}"
            placeholder = "${env:" + var + "}"
            if reuse and isinstance(value, str) and value in self.secret_values:
                placeholder = self.secret_values[value]
                var = placeholder[len("${env:"):-1]
            if isinstance(value, str) and len(value) >= 3:
                self.secret_values.setdefault(value, placeholder)
            if not register_only and var not in self.secrets:
                self.secrets.append(var)
            out[key] = placeholder
        return out

    def _server_acks(self) -> dict:
        acks = {}
        for event in sorted(self.asked):
            reply = self.ctx.server_acks.get(event, self.ctx.default_ack)
            if reply.enabled and (reply.args or reply.delay):
                acks[event] = {"args": _Flow(to_jsonable(reply.args)),
                               **({"delay": reply.delay} if reply.delay else {})}
        return acks

    def _yaml(self, name: str | None) -> str:
        doc: dict[str, Any] = {"name": name or "Recorded session", "url": self.ctx.options.url}
        conn = self._connection()
        if conn:
            doc["connection"] = conn
        nss: list[Any] = []
        for ns in self.namespaces:
            auth = self._ns_auth(ns, "auth")
            nss.append({"name": ns, **auth} if auth else ns)
        doc["namespaces"] = nss
        if self.clients:
            doc["clients"] = self._clients()
        acks = self._server_acks()
        if acks:
            doc["server_acks"] = acks
        doc["steps"] = [_ordered(s) for s in self.steps] or [{"wait": 0}]
        header = [f"# Recorded by socketio-inspector on {time.strftime('%Y-%m-%d %H:%M')} "
                  f"from a session with {self.ctx.options.url}",
                  "# Run it:  socketio-inspector run THIS_FILE [--url URL] [--junit report.xml]",
                  "# yaml-language-server: $schema=https://socketio-inspector.invalid/scenario.schema.json"]
        if self.left_out:
            header.append("# Left out, as the replay cannot count on them (save with \"Expect periodic and "
                          "unsolicited events too\" to keep them): " + ", ".join(
                              f"{event} ×{n} on {ns} ({why})" for (ns, event), (n, why) in self.left_out.items()))
        if self.secrets:
            header.append("# Secrets were left out of this file. Before running it, set in the environment: "
                          + ", ".join(self.secrets))
        body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                         default_flow_style=False)
        body = _BARE_NULL.sub(r"\1:", body)
        return "\n".join(header) + "\n" + body


_ORDER = ("name", "emit", "join", "leave", "open", "expect", "expect_gap", "expect_recovered", "drop",
          "client", "ns", "args", "count", "ack", "expect_ack", "auth", "compress", "volatile", "timeout", "save_as")


def _ordered(step: dict) -> dict:
    return {k: step[k] for k in sorted(step, key=lambda k: _ORDER.index(k) if k in _ORDER else 99)}


def _describe_out(step: dict) -> str:
    for k in ("emit", "join", "leave"):
        if k in step:
            return f"{k} {step[k]}"
    return "emit"


def _last_connection(entries: list[LogEntry]) -> list[LogEntry]:
    """The entries from the last connection's first connect row on (the whole log if none)."""
    up: set[str] = set()
    start, after_end, ended = None, 0, True
    for i, e in enumerate(entries):
        if e.dir != SYS:
            continue
        if e.kind == Kind.CONNECT and e.ns:
            if ended:
                # from just after the previous connection ended: a server may greet
                # (emit) before its CONNECT answer arrives
                start, ended = after_end, False
            up.add(e.ns)
        elif e.kind == Kind.DISCONNECT:
            if e.ns:
                up.discard(e.ns)
            ending = (DisconnectReason.CLIENT_DISCONNECT, DisconnectReason.GAVE_UP)
            if (e.detail or {}).get("reason") in ending and not up:
                ended, after_end = True, i + 1
    return entries[start:] if start is not None else entries


def _last_connections(entries: list[LogEntry]) -> list[LogEntry]:
    """Each client's last connection (_last_connection), in the log's order."""
    by_client: dict[str | None, list[LogEntry]] = {}
    for e in entries:
        by_client.setdefault(e.client, []).append(e)
    kept = {e.seq for mine in by_client.values() for e in _last_connection(mine)}
    return [e for e in entries if e.seq in kept]


_CONNECTION_KEYS = ("path", "transport", "verify_tls", "connect_timeout", "reconnection",
                    "reconnection_attempts", "reconnection_delay", "reconnection_delay_max",
                    "randomization_factor", "compression", "buffer_offline", "recovery",
                    "ack_timeout", "retries", "parser")


def _connection_of(opts: ConnectionOptions) -> dict[str, Any]:
    """The options that are not the defaults, as the file's `connection:` (secrets not masked)."""
    default = ConnectionOptions()
    conn: dict[str, Any] = {k: getattr(opts, k) for k in _CONNECTION_KEYS
                            if getattr(opts, k) != getattr(default, k)}
    for key in ("auth", "query", "headers"):
        if getattr(opts, key):
            conn[key] = dict(getattr(opts, key))
    return conn


def _unset(key: str) -> Any:
    """What a connection key is when the file does not give it (a client's override of the
    first's says so explicitly: the first's would be merged in)."""
    return {} if key in ("auth", "query", "headers") else getattr(ConnectionOptions(), key)


def timeout_for(took: float) -> float:
    """A step's timeout from the time it took when recorded: TIMEOUT_FACTOR times it plus
    TIMEOUT_SLACK, at least TIMEOUT_MIN, in whole seconds."""
    return float(max(TIMEOUT_MIN, -(-(took * TIMEOUT_FACTOR + TIMEOUT_SLACK) // 1)))


def _numbers(value: Any) -> set:
    found: set = set()

    def walk(v: Any) -> None:
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            found.add(v)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
    walk(value)
    return found


def _periodic(entries: list[LogEntry], by_client: bool = False) -> dict[tuple, float]:
    """(client, ns, event) -> its period, for the incoming events that come at a steady
    interval (client None unless by_client)."""
    times: dict[tuple, list[float]] = {}
    for e in entries:
        if e.dir == IN and e.kind == Kind.EVENT:
            times.setdefault((e.client if by_client else None, e.ns, e.event), []).append(e.t)
    out = {}
    for key, ts in times.items():
        if len(ts) < PERIODIC_MIN:
            continue
        gaps = sorted(b - a for a, b in zip(ts, ts[1:], strict=False))
        median = gaps[len(gaps) // 2]
        steady = sum(1 for g in gaps if abs(g - median) <= 0.4 * median)
        if median >= PERIODIC_FASTEST and steady >= PERIODIC_STEADY * len(gaps):
            out[key] = median
    return out


def _caused(entries: list[LogEntry], by_client: bool = False) -> set[int]:
    """The seqs of incoming events that came within CAUSED_WITHIN of an action: after an emit
    (or until its ack answer), around a namespace's connect (a server greets before its
    CONNECT answer too), after a reconnect."""
    spans: list[tuple[float, float]] = []
    answered: dict[tuple, float] = {}
    # an action of any client: another client's event may be its answer (a room's message)
    for e in entries:
        if e.dir == IN and e.kind == Kind.ACK:
            answered[(e.client if by_client else None, e.ns, e.ack_id)] = e.t
    for e in entries:
        if e.dir == OUT and e.kind == Kind.EVENT:
            key = (e.client if by_client else None, e.ns, e.ack_id)
            spans.append((e.t, answered.get(key, e.t) if e.ack_id is not None else e.t))
        elif e.dir == SYS and e.kind in (Kind.CONNECT, Kind.GAP):
            spans.append((e.t - CAUSED_WITHIN, e.t))
    return {e.seq for e in entries if e.dir == IN and e.kind == Kind.EVENT
            and any(start <= e.t <= end + CAUSED_WITHIN for start, end in spans)}


def _ns_prefix(ns: str, prefix: str = "SIO") -> str:
    return f"{prefix}_" + _env_name(ns.strip("/") or "ROOT") + "_AUTH"


def _client_prefix(client: str | None) -> str:
    """SIO for the first client (and a one-client file), SIO_BOB for bob."""
    return "SIO" if client is None else "SIO_" + _env_name(client)


_BARE_NULL = re.compile(r"^(\s*-?\s*(?:drop|expect_gap|expect_recovered)): null$", re.M)


def _epoch_like(v: float) -> bool:
    return not isinstance(v, bool) and (1e9 <= v <= 1e10 or 1e12 <= v <= 1e13)


def _path_key(k: Any) -> bool:
    return isinstance(k, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) is not None


def _env_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def secret_env(options: ConnectionOptions, ns_auth: dict[str, Any] | None = None,
               client: str | None = None) -> dict[str, str]:
    """The `${env:NAME}` values a recorded scenario asks for, taken from a connection's own
    auth and headers (the window's connection, a profile; `client`: one of a recording's
    other clients, SIO_BOB_...): what a replay uses instead of environment variables."""
    prefix = _client_prefix(client)
    groups = [(f"{prefix}_AUTH", options.auth or {}), (f"{prefix}_HEADER", options.headers or {})]
    groups += [(_ns_prefix(ns, prefix), auth) for ns, auth in (ns_auth or {}).items() if isinstance(auth, dict)]
    env = {}
    for prefix, values in groups:
        for key, value in values.items():
            env[f"{prefix}_{_env_name(str(key))}"] = value if isinstance(value, str) else json.dumps(value)
    return env


async def context_of(session) -> RecordingContext:
    """The recording context of a live Session (call it on the session's loop)."""
    ns_auth = {ns: auth for ns, auth in session.namespace_auth().items() if auth}
    return RecordingContext(
        options=session.options, ns_auth=ns_auth, join_event=session.rooms.join_event,
        leave_event=session.rooms.leave_event, server_acks=dict(session.server_acks.by_event),
        default_ack=session.server_acks.default, namespaces=list(session.ns_state))
