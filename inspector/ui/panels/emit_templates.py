"""Saved emit templates: a name, an event, arguments with `${...}` variables (as scenarios
have them: inspector/scenarios/variables.py), ack and flags (no Qt here).

With no profile open they are the default set, in a file of their own in the per-user
data directory; an open connection profile carries its own (inspector/session/profiles.py:
saved, exported and imported with it), and a profile saved from the window starts with
the set the composer holds then.

A template's arguments are stored as typed: a secret is written as `${env:NAME}`, never
as its value (a profile refuses a template holding one of its own secrets).

In the composer a template's `${name}` is the arguments of the last `name` event the server
sent (`${welcome.sid}`: the sid in the last welcome), as a scenario's `save_as` names what a
step received; `${env:NAME}` is an environment variable.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from inspector.scenarios.variables import VariableError, references, substitute
from inspector.ui.panels.emit_history import EmitForm, read_json, write_json
from inspector.wire.payload import PayloadError, parse_args, to_jsonable

TEMPLATES_FILE = "emit-templates.json"


@dataclass(frozen=True)
class EmitTemplate:
    name: str
    form: EmitForm

    def to_json(self) -> dict:
        return {"name": self.name, **asdict(self.form)}

    @classmethod
    def from_json(cls, obj: Any) -> EmitTemplate | None:
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"].strip():
            return None
        form = EmitForm.from_json({k: v for k, v in obj.items() if k != "name"})
        return cls(obj["name"].strip(), form) if form else None


def names_used(args_text: str) -> list[str]:
    """The variables (not env:) a template's arguments refer to, in order, once each."""
    seen: list[str] = []
    for expr in references(args_text):
        if not expr.startswith("env:"):
            name = expr.split(".", 1)[0]
            if name and name not in seen:
                seen.append(name)
    return seen


def fill(args_text: str, last_args: Callable[[str], list | None], env=None) -> list:
    """The arguments of a template, its variables replaced: parsed first (so `${...}` inside
    JSON strings are values), then substituted. Raises PayloadError or VariableError."""
    values = parse_args(args_text)
    variables = {}
    for name in names_used(args_text):
        args = last_args(name)
        if args is None:
            raise VariableError(f"${{{name}}}: no {name!r} event from the server in the log yet")
        variables[name] = list(args)
    return substitute(values, variables, env)


def filled_text(args_text: str, last_args: Callable[[str], list | None], env=None) -> str:
    """fill(), written back as the composer's text (one JSON value a line)."""
    return "\n".join(json.dumps(to_jsonable(v), ensure_ascii=False) for v in fill(args_text, last_args, env))


class EmitTemplates:
    """The saved templates, by name (saving one under a name taken replaces it): read from
    and written to `path`, or (a profile's) given as JSON rows and handed to `on_change`."""

    def __init__(self, path: Path | None, rows: list | None = None,
                 on_change: Callable[[list[dict]], None] | None = None):
        self.path = path
        self.on_change = on_change
        self._items: dict[str, EmitTemplate] = {}
        if rows is None:
            raw = read_json(path) if path is not None else None
            rows = raw.get("templates", []) if isinstance(raw, dict) else []
        for t in map(EmitTemplate.from_json, rows if isinstance(rows, list) else []):
            if t is not None:
                self._items[t.name] = t

    def rows(self) -> list[dict]:
        """The templates' JSON form, as a file or a profile holds them."""
        return [self._items[n].to_json() for n in self.names()]

    def names(self) -> list[str]:
        return sorted(self._items, key=str.lower)

    def get(self, name: str) -> EmitTemplate | None:
        return self._items.get(name)

    def put(self, template: EmitTemplate) -> None:
        """Raises ValueError (and keeps what was there) when the template cannot be kept."""
        old = self._items.get(template.name)
        self._items[template.name] = template
        try:
            self.save()
        except ValueError:
            if old is None:
                del self._items[template.name]
            else:
                self._items[template.name] = old
            raise

    def remove(self, name: str) -> None:
        if self._items.pop(name, None) is not None:
            self.save()

    def save(self) -> None:
        if self.path is not None:
            write_json(self.path, {"templates": self.rows()})
        if self.on_change is not None:
            self.on_change(self.rows())


__all__ = ["EmitTemplate", "EmitTemplates", "fill", "filled_text", "names_used", "PayloadError", "VariableError"]
