"""LogEntry: the contract between session, store, UI, CLI and exports.

One entry is one thing that happened on the connection: an event or ack in
either direction, a lifecycle change, or (with raw capture) one packet.  Its
JSON form is one object per line; the field names are the schema in
ARCHITECTURE.md.  Fields that do not apply are left out of the JSON form.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from inspector.log.json_form import compact, escape_surrogates, finite
from inspector.log.kinds import Direction, Flag, Kind
from inspector.wire import deep_json
from inspector.wire.payload import from_jsonable, to_jsonable

__all__ = ["DIRECTIONS", "FLAGS", "IN", "KINDS", "OUT", "SYS", "Direction", "Flag", "Kind", "LogEntry",
           "check_json"]

IN, OUT, SYS = Direction.IN, Direction.OUT, Direction.SYS
# in this order log.table stores them as codes (and session files hold the strings)
DIRECTIONS: tuple[Direction, ...] = tuple(Direction)
KINDS: tuple[Kind, ...] = tuple(Kind)
FLAGS: tuple[Flag, ...] = tuple(Flag)

_OPTIONAL = ("ns", "event", "args", "ack_id", "rtt_ms", "bytes", "flags", "detail", "client")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """Made once and never changed: an entry is read by the network, row-preparation, store
    and GUI threads at once (to change one, make another with dataclasses.replace)."""

    seq: int
    t: float
    dir: str
    kind: str
    ns: str | None = None
    event: str | None = None
    args: list | None = None
    ack_id: int | None = None
    rtt_ms: float | None = None
    bytes: int | None = None
    flags: tuple[str, ...] = ()
    detail: dict | None = field(default=None)
    client: str | None = None        # which client of a workspace; None: the only one (files before)

    def to_json(self) -> dict[str, Any]:
        """The JSON-able dict of this entry; bytes become {"_bytes": base64}."""
        out: dict[str, Any] = {"seq": self.seq, "t": self.t, "dir": self.dir, "kind": self.kind}
        for name in _OPTIONAL:
            value = getattr(self, name)
            if value is None or (name == "flags" and not value):
                continue
            if name == "flags":
                value = list(value)
            elif name in ("args", "detail"):
                value = to_jsonable(value)
            out[name] = value
        return out

    def to_jsonl(self) -> str:
        """One line of JSON, always valid JSON: NaN and ±Infinity (which a server can send)
        are written as the strings "NaN", "Infinity", "-Infinity", and the flag `nonfinite`
        says so; the raw packet entries keep the text as it came.  A lone surrogate is its
        escape (\\ud800), so the line is UTF-8 too."""
        obj: dict[str, Any] = {"seq": self.seq, "t": self.t, "dir": self.dir, "kind": self.kind}
        for name in _OPTIONAL:    # to_json's dict; its bytes are the encoder's (bytes_to_json), not walked
            value = getattr(self, name)
            if value is not None and (name != "flags" or value):
                obj[name] = value
        try:
            return escape_surrogates(compact(obj, allow_nan=False))
        except (RecursionError, ValueError):     # deeper than the C encoder goes; NaN, Infinity
            obj = self.to_json()
        try:
            return escape_surrogates(deep_json.dumps(obj, allow_nan=False))
        except ValueError:
            flags = [*obj.get("flags", ()), Flag.NONFINITE]
            obj = {k: flags if k == "flags" else finite(obj[k]) if k in ("args", "detail") else obj[k]
                   for k in ("seq", "t", "dir", "kind", *_OPTIONAL) if k in obj or k == "flags"}
            return escape_surrogates(deep_json.dumps(obj))

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "LogEntry":
        """Rebuild an entry from its JSON form; raises ValueError when it is not one."""
        check_json(obj)
        args, detail = obj.get("args"), obj.get("detail")
        return cls(
            seq=obj["seq"], t=float(obj["t"]), dir=obj["dir"], kind=obj["kind"],
            ns=obj.get("ns"), event=obj.get("event"),
            args=from_jsonable(args) if args is not None else None,
            ack_id=obj.get("ack_id"), rtt_ms=obj.get("rtt_ms"), bytes=obj.get("bytes"),
            flags=tuple(obj.get("flags") or ()),
            detail=from_jsonable(detail) if detail is not None else None,
            client=obj.get("client"),
        )

    @classmethod
    def from_jsonl(cls, line: str) -> "LogEntry":
        try:
            obj = deep_json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
        return cls.from_json(obj)


def check_json(obj: Any) -> None:
    """Raise ValueError, saying what is wrong, unless obj is a log entry's JSON form."""
    if not isinstance(obj, dict):
        raise ValueError("a log entry must be a JSON object")
    try:
        seq, t, d, kind = obj["seq"], obj["t"], obj["dir"], obj["kind"]
    except KeyError as exc:
        raise ValueError(f"log entry without {exc.args[0]!r}") from None
    if type(seq) is not int or not isinstance(t, (int, float)) or isinstance(t, bool):
        raise ValueError("log entry with a non-numeric seq or t")
    if d not in DIRECTIONS:
        raise ValueError(f"unknown dir {d!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    args = obj.get("args")
    if args is not None and not isinstance(args, list):
        raise ValueError("args must be a list")
    flags = obj.get("flags") or ()
    if not isinstance(flags, (list, tuple)) or not all(isinstance(f, str) for f in flags):
        raise ValueError("flags must be a list of strings")
    ns, event = obj.get("ns"), obj.get("event")
    if ns is not None and not isinstance(ns, str) or event is not None and not isinstance(event, str):
        raise ValueError("ns and event must be strings")
    ack_id, rtt_ms, size = obj.get("ack_id"), obj.get("rtt_ms"), obj.get("bytes")
    if ack_id is not None and type(ack_id) is not int or size is not None and type(size) is not int:
        raise ValueError("ack_id and bytes must be integers")
    if rtt_ms is not None and not isinstance(rtt_ms, (int, float)):
        raise ValueError("rtt_ms must be a number")
    client = obj.get("client")
    if client is not None and not isinstance(client, str):
        raise ValueError("client must be a string")
