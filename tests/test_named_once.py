"""Named once: the state words are enum members, not strings typed again where they are used.

These read inspector/'s sources: a failure names file:line of each string typed by hand."""
from __future__ import annotations

import ast
import enum
import re
from pathlib import Path

from inspector.log.timeline import PeriodState
from inspector.scenarios.runner import StepOutcome
from inspector.session.state import ConnectionState, NamespaceState, RoomState
from inspector.ui.scenario.model import StepProgress
from inspector.wire.sio import EmitOutcome

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "inspector").rglob("*.py"))

STATE_ENUMS = (ConnectionState, NamespaceState, RoomState, PeriodState, StepOutcome, StepProgress, EmitOutcome)
STATE_WORDS = {m.value for e in STATE_ENUMS for m in e}

# the same words in other people's vocabularies: python-engineio's own client state
# (`engine.state`), which the wire layer reads, and JUnit XML's <skipped> element
NOT_OURS = {("inspector/wire/eio.py", "connected"), ("inspector/wire/eio.py", "disconnected"),
            ("inspector/wire/sio.py", "connected"), ("inspector/scenarios/junit.py", "skipped")}


def _enum_bodies(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `class X(StrEnum)` bodies: where the words are defined."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
                (b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")) in ("StrEnum", "Enum")
                for b in node.bases):
            inside.update(id(n) for n in ast.walk(node))
    return inside


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def _field_names(tree: ast.AST) -> set[int]:
    """Dict keys and subscripts ({"joined": True}, counts["skipped"]): names of fields, not states."""
    keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys if k is not None}
    return keys | {id(node.slice) for node in ast.walk(tree) if isinstance(node, ast.Subscript)}


def string_literals(path: Path):
    """(line, text) of every plain string literal outside enum bodies, docstrings and field names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _enum_bodies(tree) | _docstrings(tree) | _field_names(tree)
    in_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in skip and id(node) not in in_fstrings):
            yield node.lineno, node.value


def test_the_state_words_are_only_typed_in_their_enums():
    typed = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        for line, text in sorted(string_literals(path)):
            if text in STATE_WORDS and (rel, text) not in NOT_OURS:
                typed.append(f"{rel}:{line}: {text!r}")
    assert not typed, "state words typed by hand (use the enum member):\n" + "\n".join(typed)


def test_the_check_finds_a_word_typed_by_hand(tmp_path):
    src = tmp_path / "x.py"
    src.write_text('from enum import StrEnum\n\n\nclass S(StrEnum):\n    UP = "connected"\n\n\n'
                   'def f(s):\n    """connected"""\n'
                   '    return s == "reconnecting" or f"{s} connected" or {"joined": 1}\n')
    assert [t for t in string_literals(src) if t[1] in STATE_WORDS] == [(10, "reconnecting")]


def test_every_state_enum_is_a_string_enum():
    # so a state compares equal to (and is written as) the string it always was
    assert all(issubclass(e, enum.StrEnum) for e in STATE_ENUMS)
    assert ConnectionState.CONNECTED == "connected" and NamespaceState.CLOSED == "closed"


# -- colours: every one comes from inspector/ui/palette.py -------------------------------------
PALETTE = ROOT / "inspector" / "ui" / "palette.py"
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
CSS_COLOUR = re.compile(r"(?:color|background|border)[\w-]*\s*:[^;{}]*?\b(?:rgba?|hsla?)\(|"
                        r"(?:color|background|border)[\w-]*\s*:[^;{}]*?\b(?:" + "|".join(
                            ("white", "black", "red", "green", "blue", "gray", "grey", "yellow", "orange",
                             "purple", "pink", "brown", "navy", "silver", "maroon", "transparent")) + r")\b")
QT_COLOURS = {"white", "black", "red", "darkRed", "green", "darkGreen", "blue", "darkBlue", "cyan",
              "darkCyan", "magenta", "darkMagenta", "yellow", "darkYellow", "gray", "darkGray",
              "lightGray", "transparent", "color0", "color1"}
COLOUR_CALLS = {"QColor", "fromRgb", "fromRgbF", "fromRgba", "fromHsv", "fromHsvF", "fromHsl", "fromHslF",
                "fromCmyk", "fromString"}


def colour_literals(path: Path):
    """(line, what) of each colour written in the source: a hex or CSS colour in a string,
    QColor(...) or QColor.fromRgb(...) of constants, Qt.GlobalColor.x / Qt.red."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for found in (HEX_COLOUR.search(node.value), CSS_COLOUR.search(node.value)):
                if found:
                    yield node.lineno, found.group(0)
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in COLOUR_CALLS and node.args and all(isinstance(a, ast.Constant) for a in node.args):
                yield node.lineno, f"{name}({', '.join(repr(a.value) for a in node.args)})"
        elif isinstance(node, ast.Attribute) and node.attr in QT_COLOURS:
            owner = node.value
            if (isinstance(owner, ast.Attribute) and owner.attr == "GlobalColor") or (
                    isinstance(owner, ast.Name) and owner.id in ("Qt", "GlobalColor")):
                yield node.lineno, f"Qt.{node.attr}"


def test_every_colour_comes_from_the_palette():
    written = [f"{path.relative_to(ROOT).as_posix()}:{line}: {what}"
               for path in SOURCES if path != PALETTE for line, what in sorted(colour_literals(path))]
    assert not written, "colours outside inspector/ui/palette.py (name a role there):\n" + "\n".join(written)


def test_the_colour_check_finds_each_way_of_writing_one(tmp_path):
    src = tmp_path / "x.py"
    src.write_text(
        'from PySide6.QtCore import Qt\nfrom PySide6.QtGui import QColor\n'
        'def f(w, p):\n'
        '    """#cf222e in a docstring is only words"""\n'
        '    w.setStyleSheet("color: #cf222e;")\n'             # 5
        '    w.setStyleSheet(f"border: 1px solid {p}; background: white")\n'
        '    p.fillRect(w.rect(), QColor(255, 243, 205))\n'
        '    p.setPen(QColor("white"))\n'
        '    p.fill(Qt.GlobalColor.transparent)\n'
        '    p.setBrush(Qt.red)\n'                              # 10
        '    p.setBrush(QColor.fromRgb(1, 2, 3))\n'
        '    w.setStyleSheet("background: rgba(0, 0, 0, 10)")\n'
        '    return QColor(p), f"#{w.seq}", "font-weight: 600; color: palette(text)"\n')
    assert sorted(line for line, _what in colour_literals(src)) == [5, 6, 7, 8, 9, 10, 11, 12]
