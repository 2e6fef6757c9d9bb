"""Help > About: what this is, and the versions a bug report needs."""
from __future__ import annotations

from importlib import metadata

import PySide6
from PySide6.QtCore import qVersion

from inspector import __version__

# what python-socketio 5 and python-engineio 4 speak (socket.io-client 3 and 4 do too)
SOCKETIO_PROTOCOL = 5
ENGINEIO_PROTOCOL = 4


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """What the About box lists, by name."""
    return {"socketio-inspector": __version__,
            "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
            "python-socketio": _version("python-socketio"),
            "python-engineio": _version("python-engineio"),
            "protocol": f"Socket.IO {SOCKETIO_PROTOCOL} over Engine.IO {ENGINEIO_PROTOCOL}"}


def about_text() -> str:
    lines = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;{value}</td></tr>"
                    for name, value in versions().items())
    return ("<p><b>socketio-inspector</b>: a desktop monitor and client for Socket.IO servers.</p>"
            f"<table>{lines}</table>"
            "<p>Help &gt; Keyboard shortcuts lists the keys.</p>")
