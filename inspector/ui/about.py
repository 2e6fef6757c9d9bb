"""Help > About: what this is, and the versions a bug report needs."""
from __future__ import annotations

from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from inspector import __version__
from inspector.ui.icon import app_icon

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


def show_about(parent: QWidget) -> QMessageBox:
    """Help > About, with the application's icon."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About socketio-inspector", about_text(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def about_text() -> str:
    lines = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;{value}</td></tr>"
                    for name, value in versions().items())
    return ("<p><b>socketio-inspector</b>: a desktop monitor and client for Socket.IO servers.</p>"
            f"<table>{lines}</table>"
            "<p>Help &gt; Keyboard shortcuts lists the keys.</p>")
