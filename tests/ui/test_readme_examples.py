"""The README's example tests for `inspector.testing` users, run as they are written there."""
import inspect
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "inspector.testing" in b]


def _tests():
    found = []
    for i, block in enumerate(BLOCKS):
        namespace: dict = {}
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        found += [(name, fn) for name, fn in namespace.items() if name.startswith("test_") and callable(fn)]
    return found


TESTS = _tests()


def test_the_readme_has_example_tests():
    assert len(BLOCKS) >= 2 and {name for name, _ in TESTS} >= {"test_echo", "test_a_session_replays"}


@pytest.mark.parametrize("name,fn", TESTS, ids=[name for name, _ in TESTS])
def test_readme_example(name, fn, request):
    fn(**{p: request.getfixturevalue(p) for p in inspect.signature(fn).parameters})
