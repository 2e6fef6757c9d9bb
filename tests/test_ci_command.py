"""CI runs what the README tells a contributor to run, word for word, and nothing else: the
command installs what the tests need itself (tests/install_system_packages.sh, pip, npm)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_test_command_is_the_one_ci_runs():
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    readme = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()
              if line.strip().startswith("bash tests/install_system_packages.sh") and "pytest" in line]
    assert len(ci) == 1 and readme == ci
    assert ci[0].startswith("bash tests/install_system_packages.sh && python3 -m venv .venv && ")
    assert ".venv/bin/lint-imports && .venv/bin/ruff check . && " in ci[0]
