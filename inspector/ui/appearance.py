"""Light or dark: the desktop's colour scheme, or the one the user picked (View > Colour
scheme), remembered.

Following the desktop, the window keeps the desktop's own Qt palette and takes our
colours (palette.py) for the scheme Qt reports (`styleHints().colorScheme()`, Qt 6.5+),
or, where the platform does not say, for the lightness of its palette; it follows
colorSchemeChanged.  A scheme picked by hand sets Qt's palette from palette.py too, so
the widgets and our own colours agree whatever the desktop is.
"""
from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from inspector.ui import palette
from inspector.ui import settings as S
from inspector.ui.palette import Scheme


class Choice(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


_LABELS = {Choice.SYSTEM: "&System", Choice.LIGHT: "&Light", Choice.DARK: "&Dark"}
_state: dict = {"choice": Choice.SYSTEM, "system_palette": None, "listening": False}


def system_scheme() -> Scheme:
    """What the desktop uses: Qt's colour scheme hint, else its palette's lightness."""
    hint = QGuiApplication.styleHints().colorScheme()
    if hint == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if hint == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    return palette.scheme_of(_system_palette())


def _system_palette() -> QPalette:
    if _state["system_palette"] is None:            # before we set a palette of our own
        _state["system_palette"] = QPalette(QGuiApplication.palette())
    return _state["system_palette"]


def choice() -> Choice:
    return _state["choice"]


def apply(which: Choice | str) -> Scheme:
    """Use `which` from now on (a running app's widgets repaint); returns the scheme."""
    which = Choice(which)
    _system_palette()
    _state["choice"] = which
    if not _state["listening"]:
        QGuiApplication.styleHints().colorSchemeChanged.connect(_desktop_changed)
        _state["listening"] = True
    if which is Choice.SYSTEM:
        scheme = system_scheme()
        QApplication.setPalette(_system_palette())
    else:
        scheme = Scheme.DARK if which is Choice.DARK else Scheme.LIGHT
        QApplication.setPalette(palette.qt_palette(scheme))
    palette.set_scheme(scheme)
    return scheme


def _desktop_changed(_scheme) -> None:
    if _state["choice"] is Choice.SYSTEM:
        _state["system_palette"] = QPalette(QGuiApplication.palette())
        apply(Choice.SYSTEM)


def apply_saved(settings: S.Settings) -> Scheme:
    try:
        which = Choice(settings.get(S.COLOUR_SCHEME))
    except ValueError:
        which = Choice.SYSTEM
    return apply(which)


def scheme_actions(menu: QMenu, settings: S.Settings) -> dict[Choice, QAction]:
    """View > Colour scheme: System / Light / Dark, one checked; a pick is applied and kept."""
    group = QActionGroup(menu)
    group.setExclusive(True)
    actions = {}
    for which in Choice:
        act = QAction(_LABELS[which], menu, checkable=True, checked=which is choice())
        act.setObjectName(f"scheme_{which}")
        act.setToolTip("Follow the desktop's light or dark scheme" if which is Choice.SYSTEM
                       else f"Always {which}")

        def picked(on: bool, which=which) -> None:
            if on:
                apply(which)
                settings.set(S.COLOUR_SCHEME, which.value)
        act.toggled.connect(picked)
        group.addAction(act)
        menu.addAction(act)
        actions[which] = act
    return actions
