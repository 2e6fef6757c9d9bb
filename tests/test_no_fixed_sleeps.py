"""Tests wait for a condition, never for a fixed time: a sleep passes on a fast machine and
fails on a busy one, or passes while proving nothing.  Polling belongs in the helpers
(tests/helpers.py: until, wait_until, Recorder.wait_for; qtbot.waitUntil), which sleep a
moment between looks.  A line that must call a sleep for another reason says so with
`# not a wait: <why>`."""
from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
POLLING_HELPERS = {TESTS / "helpers.py"}
FIXED_WAIT = re.compile(
    r"\b(?:time\.sleep|asyncio\.sleep|(?<![.\w])(?<!def )sleep|qWait|qtbot\.wait|QThread\.(?:m|u)?sleep)"
    r"\s*\((?P<arg>[^)]*)\)")


def fixed_waits(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if "# not a wait:" in line:
            continue
        for m in FIXED_WAIT.finditer(line):
            if m.group(0).startswith("asyncio.sleep") and m.group("arg").strip() in ("0", "0.0"):
                continue            # a yield to the loop, not a wait
            found.append((number, line.strip()))
    return found


def test_no_fixed_sleep_in_the_tests():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path in POLLING_HELPERS or path == Path(__file__).resolve() or "node_modules" in path.parts:
            continue
        for number, line in fixed_waits(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(TESTS.parent)}:{number}: {line}")
    assert not offenders, "fixed waits (wait for a condition instead):\n" + "\n".join(offenders)


def test_the_check_sees_each_spelling_of_a_fixed_wait():
    code = """
        time.sleep(0.05)
        await asyncio.sleep(0.5)
        ui.qtbot.wait(100)
        qtbot.wait(50)
        QTest.qWait(10)
        sleep(1)
        await asyncio.sleep(0)
        qtbot.waitUntil(lambda: done, timeout=1000)
        def sleep(self, s):
        time.sleep(s)  # not a wait: a stand-in's nap
        proc.wait(10)
    """
    assert [n for n, _line in fixed_waits(code)] == [2, 3, 4, 5, 6, 7]
