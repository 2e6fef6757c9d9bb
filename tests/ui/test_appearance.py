"""Light and dark (issue 14, point 7): the desktop's scheme, or the user's, remembered; the
window's colours and ours switch together."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from inspector.testing import InspectorDriver
from inspector.ui import appearance, palette
from inspector.ui.appearance import Choice
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.palette import Scheme


def window_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window)


def test_view_menu_switches_the_scheme_and_every_colour_with_it(qtbot, tmp_path, gui_asyncio_loop):
    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
    try:
        ui.connect()
        ui.type_into("argsEdit", '{"a": }')                 # an invalid field: styled red
        message = ui.window.messageLabel
        ui.window.show_message("something failed", error=True)
        assert appearance.choice() is Choice.SYSTEM and palette.scheme() is Scheme.LIGHT
        ui.window.schemeActions[Choice.DARK].trigger()
        assert palette.scheme() is Scheme.DARK
        assert window_colour() == QColor(palette.WINDOW.dark)
        assert palette.ERROR.dark in message.styleSheet()
        assert palette.INVALID_BORDER.dark in ui.widget("argsEdit").styleSheet()
        dot = ui.window.connection._dot.styleSheet()
        assert palette.OK.dark in dot
        ui.wait_for(kind="connect")                # the row, not only the status (they come apart)
        index = ui.window.model.index(0, position(ColumnKey.DIR))
        assert index.data(Qt.ItemDataRole.ForegroundRole).color() == QColor(palette.DIR_SYS.dark)
        ui.window.schemeActions[Choice.LIGHT].trigger()
        assert window_colour() == QColor(palette.WINDOW.light)
        assert palette.ERROR.light in message.styleSheet()
        assert palette.OK.light in ui.window.connection._dot.styleSheet()
        ui.window.schemeActions[Choice.DARK].trigger()
    finally:
        ui.close()
    again = InspectorDriver(qtbot, settings_dir=tmp_path)    # remembered
    try:
        assert appearance.choice() is Choice.DARK and again.window.schemeActions[Choice.DARK].isChecked()
        assert window_colour() == QColor(palette.WINDOW.dark)
        again.window.schemeActions[Choice.SYSTEM].trigger()
        assert palette.scheme() is appearance.system_scheme()
    finally:
        again.close()
        appearance.apply(Choice.SYSTEM)


def test_following_the_desktop_takes_its_colour_scheme_hint(qapp, monkeypatch):
    hints = QGuiApplication.styleHints()
    assert appearance.apply(Choice.SYSTEM) is Scheme.LIGHT
    monkeypatch.setattr(type(hints), "colorScheme", lambda self: Qt.ColorScheme.Dark)
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)     # the desktop turned dark
        assert palette.scheme() is Scheme.DARK and palette.ERROR.css() == palette.ERROR.dark
        assert appearance.apply(Choice.SYSTEM) is Scheme.DARK
    finally:
        monkeypatch.undo()
        appearance.apply(Choice.SYSTEM)
    assert palette.scheme() is Scheme.LIGHT       # the offscreen desktop: a light palette


def test_the_qt_palette_has_both_schemes_from_the_palette_module():
    light, dark = palette.qt_palette(Scheme.LIGHT), palette.qt_palette(Scheme.DARK)
    for role, swatch in ((QPalette.ColorRole.Base, palette.BASE), (QPalette.ColorRole.Text, palette.WINDOW_TEXT),
                         (QPalette.ColorRole.Highlight, palette.HIGHLIGHT)):
        assert light.color(role) == QColor(swatch.light) and dark.color(role) == QColor(swatch.dark)
    assert palette.scheme_of(dark) is Scheme.DARK and palette.scheme_of(light) is Scheme.LIGHT
