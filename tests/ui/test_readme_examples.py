"""The README's examples, run as they are written there: the tests for `inspector.testing`
users and the scenario."""
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.scenarios.file import loads

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


def test_the_first_readme_example_passes_in_a_project_of_its_own(tmp_path):
    """Only `pytest_plugins = ["inspector.testing"]`, none of this repository's fixtures:
    the window's handlers run on the loop that plugin installs."""
    (tmp_path / "test_readme.py").write_text(BLOCKS[0], encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, re.S)


def test_the_readme_scenario_is_valid_and_passes_against_the_demo_server(shared_demo_server, tmp_path):
    [block] = [b for b in YAML_BLOCKS if "name: Lobby chat" in b]     # the server view's has its own test
    assert loads(block, "README.md").name == "Lobby chat"
    path = tmp_path / "lobby.yaml"
    path.write_text(block)
    proc = subprocess.run([sys.executable, "-m", "inspector", "run", str(path), "--url", shared_demo_server.url],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "API_TOKEN": "t0ken"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
