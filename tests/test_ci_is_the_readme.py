"""CI runs the README's test command and nothing else: a fresh machine set up by the README
is the one CI tests (the command installs what the tests need itself)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_exactly_the_readme_test_command():
    readme = [line.strip() for line in (ROOT / "README.md").read_text().splitlines()
              if ".venv/bin/python -m pytest" in line and line.startswith("    bash ")]
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line and not line.startswith(("#", "set ", "cd "))]
    assert len(readme) == 1 and commands == readme
