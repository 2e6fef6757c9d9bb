"""Where session files live and what they are called."""
from __future__ import annotations

import time
from pathlib import Path


def default_session_path(directory: str | Path, now: float | None = None) -> Path:
    """A new file name in `directory`, after the local time: session-2024-05-01_12-30-05.sqlite."""
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime(now if now is not None else time.time()))
    return free_name(directory, f"session-{stamp}")


def free_name(directory: str | Path, stem: str, suffix: str = ".sqlite") -> Path:
    """directory/stem.sqlite, or stem-2, stem-3... when that name is taken."""
    directory = Path(directory)
    path, n = directory / f"{stem}{suffix}", 2
    while path.exists():
        path, n = directory / f"{stem}-{n}{suffix}", n + 1
    return path


def user_data_dir() -> Path:
    """The platform's per-user data directory of the inspector (~/.local/share/socketio-inspector)."""
    import platformdirs
    return Path(platformdirs.user_data_dir("socketio-inspector", appauthor=False))


def user_sessions_dir() -> Path:
    """Where session files live by default: the platform's per-user data directory."""
    return user_data_dir() / "sessions"
