"""Sequence-gap detection, for servers without connection state recovery.

The user names, per event, a field that holds a counter (`seq`, `data.i`,
`[1].n` for the second argument); when the numbers skip, the missing ones are
known exactly.  A path starts at the first argument unless it begins with
`[n]`; a leading `$` or `$.` is allowed (JSONPath style).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MISSING_LISTED = 1000          # numbers listed in one gap; the count is always exact

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


class PathError(ValueError):
    pass


def parse_path(path: str) -> tuple[int, tuple[str | int, ...]]:
    """'data.items[2].i' -> (argument index, steps)."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    if not text:
        raise PathError("the field path is empty")
    steps: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PathError(f"cannot read the field path {path!r} at {text[pos:]!r}")
        steps.append(int(m.group(1)) if m.group(1) is not None else m.group(2))
        pos = m.end()
    arg = 0
    if text.startswith("[") and isinstance(steps[0], int):
        arg, steps = steps[0], steps[1:]
    return arg, tuple(steps)


def read_path(args: list, where: tuple[int, tuple[str | int, ...]]) -> Any:
    arg, steps = where
    if arg >= len(args):
        return None
    value = args[arg]
    for step in steps:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return None
            value = value[step]
    return value


@dataclass(frozen=True)
class SequenceRule:
    event: str
    path: str
    ns: str | None = None          # None: any namespace


@dataclass(frozen=True)
class SequenceGap:
    rule: SequenceRule
    after: int                     # the last number seen before the gap
    before: int                    # the number that revealed it
    missing: tuple[int, ...]       # the first MISSING_LISTED missing numbers
    missing_count: int

    def detail(self) -> dict:
        return {"check": "sequence", "event": self.rule.event, "field": self.rule.path,
                "after": self.after, "before": self.before,
                "missing": list(self.missing), "missing_count": self.missing_count}


class SequenceChecker:
    def __init__(self):
        self._rules: dict[tuple[str | None, str], tuple[SequenceRule, tuple]] = {}
        self._last: dict[tuple[str, str], int] = {}

    def __bool__(self) -> bool:
        return bool(self._rules)

    def rules(self) -> list[SequenceRule]:
        """The rules in force (one per namespace and event), in the order they were given."""
        return [rule for rule, _where in self._rules.values()]

    def set_rules(self, rules: list[SequenceRule]) -> None:
        """Replace the rules (raises PathError on a bad path; nothing changes then)."""
        parsed = {(r.ns, r.event): (r, parse_path(r.path)) for r in rules}
        self._rules = parsed
        self._last = {k: v for k, v in self._last.items()
                      if (k[0], k[1]) in parsed or (None, k[1]) in parsed}

    def check(self, ns: str, event: str, args: list) -> SequenceGap | None:
        found = self._rules.get((ns, event)) or self._rules.get((None, event))
        if found is None:
            return None
        rule, where = found
        value = read_path(args, where)
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        key = (ns, event)
        last = self._last.get(key)
        if last is None or value <= last:
            # first number seen, a repeat, or the counter started again
            self._last[key] = value
            return None
        self._last[key] = value
        if value == last + 1:
            return None
        count = value - last - 1
        listed = tuple(range(last + 1, min(value, last + 1 + MISSING_LISTED)))
        return SequenceGap(rule, last, value, listed, count)
