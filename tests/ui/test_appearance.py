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


def icon_is(icon, swatch_css: str) -> bool:
    """The dot is drawn in this colour: inside it, beside its mark (to within antialiasing)."""
    got, want = icon.pixmap(16, 16).toImage().pixelColor(4, 8), QColor(swatch_css)
    return all(abs(g - w) <= 6 for g, w in zip(got.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_colours_set_once_as_item_data_switch_with_the_scheme(qtbot, tmp_path, gui_asyncio_loop):
    """The namespace and room lists' colours, the invalid cells of the ack-answer and sequence
    tables, the filter's small icon: drawn or set once, painted again at a change of scheme."""
    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
    w = ui.window
    try:
        ui.connect()
        ui.join("lobby", ns="/")
        w.serverAcks.set_reply("question", '{"a": }')         # arguments that do not parse
        w.sequences.set_rule("tick", "[[")                     # a field path that does not parse
        ui.type_into("filterEdit", "x")
        ack_cell, seq_cell = w.serverAcks.table.item(0, 1), w.sequences.table.item(0, 1)
        filter_bar = w.logView.filterBar

        def colours() -> dict:
            return {"namespace": w.namespaces.namespaceList.item(0).foreground().color(),
                    "room": w.namespaces.roomList.item(0).foreground().color(),
                    "ack cell": ack_cell.background().color(), "sequence cell": seq_cell.background().color()}

        def expected(scheme: str) -> dict:
            return {k: QColor(getattr(swatch, scheme)) for k, swatch in (
                ("namespace", palette.OK), ("room", palette.OK), ("ack cell", palette.INVALID_BACKGROUND),
                ("sequence cell", palette.INVALID_BACKGROUND))}
        icon = filter_bar._state_action.icon
        qtbot.waitUntil(lambda: w.namespaces.roomList.count() == 1 and colours()["room"] == QColor(palette.OK.light))
        assert colours() == expected("light") and icon_is(icon(), palette.VALID_BORDER.light)
        w.schemeActions[Choice.DARK].trigger()
        assert colours() == expected("dark") and icon_is(icon(), palette.VALID_BORDER.dark)
        for button in (filter_bar.eventButton, filter_bar.flagButton):       # their sheet, read again
            image = button.grab().toImage()
            ground = image.pixelColor(image.width() // 2, 2)
            assert ground.lightness() < 80, (button.text(), ground.name())
        filter_bar.regexButton.setChecked(True)
        ui.type_into("filterEdit", "(")                        # an invalid regex, drawn in the dark
        assert filter_bar.errorLabel.text()
        assert icon_is(icon(), palette.INVALID_BORDER.dark)
        w.schemeActions[Choice.LIGHT].trigger()
        assert icon_is(icon(), palette.INVALID_BORDER.light) and colours() == expected("light")
    finally:
        ui.close()
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
