"""The application's icon: an SVG and PNGs of the usual sizes in resources/icons (a checkout),
or where an install put them (data-files, share/socketio-inspector/icons)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

NAME = "socketio-inspector"          # the icon's name in an icon theme (the desktop entry's Icon=)
SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_dir() -> Path:
    checkout = Path(__file__).resolve().parents[2] / "resources" / "icons"
    installed = Path(sys.prefix) / "share" / "socketio-inspector" / "icons"
    return checkout if (checkout / f"{NAME}.svg").is_file() or not installed.is_dir() else installed


def svg_path() -> Path:
    return icon_dir() / f"{NAME}.svg"


def png_path(size: int) -> Path:
    return icon_dir() / f"{NAME}-{size}.png"


def app_icon() -> QIcon:
    """Every size drawn for it (a small one is not the big one shrunk), the SVG for the rest."""
    icon = QIcon()
    for size in SIZES:
        if png_path(size).is_file():
            icon.addFile(str(png_path(size)))
    if svg_path().is_file():
        icon.addFile(str(svg_path()))
    return icon
