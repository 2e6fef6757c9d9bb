"""`socketio-inspector --install-desktop-entry`: a freedesktop.org desktop entry and the icon
in the user's data directory ($XDG_DATA_HOME, else ~/.local/share), so the inspector is in the
desktop's application menu with its icon; `--uninstall-desktop-entry` takes them away again.
Nothing outside that directory is touched (no root, no system menus)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from inspector.ui.icon import NAME, SIZES, png_path, svg_path

DESKTOP_FILE = f"{NAME}.desktop"


def data_home() -> Path:
    """$XDG_DATA_HOME when it is set to an absolute path (the spec ignores a relative one)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def _quoted(arg: str) -> str:
    """An Exec= argument (the desktop entry spec's quoting)."""
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def command() -> list[str]:
    """How this inspector is started: its own script when it was started by it (a venv or
    pipx), else this Python with -m inspector."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == NAME and script.is_file():
        return [str(script.resolve())]
    found = shutil.which(NAME)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "inspector"]


def entry_text(cmd: list[str]) -> str:
    exec_line = " ".join(_quoted(a) for a in cmd)
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        f"Name={NAME}",
        "GenericName=Socket.IO inspector",
        "Comment=A desktop monitor and client for Socket.IO servers",
        f"Exec={exec_line}",
        f"TryExec={_quoted(cmd[0])}",
        f"Icon={NAME}",
        "Terminal=false",
        "Categories=Development;Network;Debugger;",
        "Keywords=socket.io;websocket;engine.io;debug;",
        f"StartupWMClass={NAME}",
        "",
    ])


def installed_files(home: Path | None = None) -> list[Path]:
    home = home or data_home()
    icons = home / "icons" / "hicolor"
    return ([home / "applications" / DESKTOP_FILE, icons / "scalable" / "apps" / f"{NAME}.svg"]
            + [icons / f"{n}x{n}" / "apps" / f"{NAME}.png" for n in SIZES])


def install(home: Path | None = None) -> list[Path]:
    """Write the desktop entry and the icons; returns the files written."""
    entry, svg, *pngs = installed_files(home)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(entry_text(command()), encoding="utf-8")
    written = [entry]
    for src, dest in [(svg_path(), svg)] + [(png_path(n), p) for n, p in zip(SIZES, pngs, strict=True)]:
        if src.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            written.append(dest)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what install() wrote; returns the files removed."""
    removed = []
    for path in installed_files(home):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def run(install_it: bool) -> int:
    """The command line's --install-desktop-entry / --uninstall-desktop-entry."""
    try:
        files = install() if install_it else uninstall()
    except OSError as exc:
        print(f"socketio-inspector: {exc}", file=sys.stderr)
        return 1
    if install_it:
        print(f"socketio-inspector: the desktop entry is {files[0]} (the icon beside it, "
              f"{len(files) - 1} files under {files[0].parent.parent / 'icons'})")
    elif files:
        print(f"socketio-inspector: removed {len(files)} files: " + ", ".join(str(f) for f in files))
    else:
        print("socketio-inspector: no desktop entry was installed")
    return 0
