"""The composer's memory: the emits sent, per namespace, recalled with Up/Down and kept
across runs in a small JSON file in the per-user data directory (no Qt here).

What is kept is what the form held (the arguments as typed, markers and all), so a recalled
emit is the same form again; auth and headers never pass through the composer.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HISTORY_FILE = "emit-history.json"
KEEP = 200                   # emits kept per namespace, the oldest go first
FILE_ARGS_MAX = 64_000       # longer arguments (a pasted blob) are recalled in this run only


@dataclass(frozen=True)
class EmitForm:
    """What the composer's fields hold: enough to fill them again."""
    event: str
    args: str = ""                  # the arguments' text, as typed
    ack: bool = False
    timeout: float = 5.0            # the spin box's value (its lowest: no timeout)
    compress: bool = True
    volatile: bool = False

    @classmethod
    def from_json(cls, obj: Any) -> EmitForm | None:
        """None for what is not one (a hand-edited or older file is read as far as it goes)."""
        if not isinstance(obj, dict) or not isinstance(obj.get("event"), str) or not obj["event"]:
            return None
        known = {f.name: f.type for f in fields(cls)}
        kept = {k: v for k, v in obj.items() if k in known}
        try:
            form = cls(**kept)
        except TypeError:
            return None
        if not isinstance(form.args, str) or not isinstance(form.timeout, (int, float)):
            return None
        return form


def read_json(path: Path) -> Any:
    """The file's JSON, or None when it is missing or unreadable (said in the log)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.info("%s not read (%s): starting empty", path, exc)
        return None


def write_json(path: Path, value: Any) -> None:
    """Written whole to a temporary file, then moved over: a crash leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(value, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


class EmitHistory:
    """Per namespace, the emits sent, newest last (the same emit twice in a row is kept once)."""

    def __init__(self, path: Path | None):
        self.path = path
        self._by_ns: dict[str, list[EmitForm]] = {}
        raw = read_json(path) if path is not None else None
        if isinstance(raw, dict):
            for ns, items in raw.get("namespaces", {}).items():
                forms = [f for f in map(EmitForm.from_json, items if isinstance(items, list) else []) if f]
                if forms:
                    self._by_ns[str(ns)] = forms[-KEEP:]

    def add(self, ns: str, form: EmitForm) -> None:
        items = self._by_ns.setdefault(ns, [])
        if items and items[-1] == form:
            return
        items.append(form)
        del items[:-KEEP]
        self.save()

    def of(self, ns: str) -> list[EmitForm]:
        """The emits sent on `ns`, oldest first."""
        return list(self._by_ns.get(ns, ()))

    def events(self) -> set[str]:
        return {f.event for forms in self._by_ns.values() for f in forms}

    def save(self) -> None:
        if self.path is None:
            return
        try:
            write_json(self.path, {"namespaces": {
                ns: [asdict(f) for f in forms if len(f.args) <= FILE_ARGS_MAX]
                for ns, forms in self._by_ns.items()}})
        except OSError as exc:          # the history is a convenience: the emit went anyway
            log.info("emit history not saved to %s: %s", self.path, exc)


class Recall:
    """Up/Down through one namespace's history, as a shell's: Up goes back, Down comes
    forward, and past the newest the form is what was being typed before Up."""

    def __init__(self):
        self._pos: int | None = None        # index into the list being walked; None: not walking
        self._draft: EmitForm | None = None

    def reset(self) -> None:
        self._pos, self._draft = None, None

    def older(self, items: list[EmitForm], current: EmitForm) -> EmitForm | None:
        if not items:
            return None
        if self._pos is None:
            self._draft, self._pos = current, len(items)
        if self._pos == 0:
            return None
        self._pos -= 1
        return items[self._pos]

    def newer(self, items: list[EmitForm]) -> EmitForm | None:
        if self._pos is None:
            return None
        self._pos += 1
        if self._pos >= len(items):
            draft = self._draft
            self.reset()
            return draft
        return items[self._pos]
