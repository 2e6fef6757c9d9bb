"""The palette: every role has a light and a dark colour, and the scheme can be switched."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from inspector.log.entry import IN, SYS, Kind, LogEntry
from inspector.ui import palette
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.log.model import LogModel
from inspector.ui.palette import Scheme


@pytest.fixture
def dark():
    palette.set_scheme(Scheme.DARK)
    yield
    palette.set_scheme(Scheme.LIGHT)


def test_every_role_has_a_valid_light_and_dark_colour():
    roles = palette.swatches()
    assert len(roles) > 30 and "ERROR" in roles and "GAP_ROW" in roles
    for name, swatch in roles.items():
        assert QColor(swatch.light).isValid() and QColor(swatch.dark).isValid(), name


def test_a_role_answers_for_the_current_scheme(dark):
    assert palette.scheme() is Scheme.DARK
    assert palette.ERROR.css() == palette.ERROR.dark != palette.ERROR.light
    palette.set_scheme(Scheme.LIGHT)
    assert palette.ERROR.qcolor() == QColor(palette.ERROR.light)


def test_the_log_model_repaints_in_the_new_scheme(qtbot, dark):
    palette.set_scheme(Scheme.LIGHT)
    model = LogModel()
    model.append([LogEntry(1, 1.0, SYS, Kind.GAP, "/", detail={"duration_s": 1.0}),
                  LogEntry(2, 2.0, IN, Kind.EVENT, "/", "e", [])])
    changed = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row())))
    def background():
        return model.index(0, position(ColumnKey.EVENT)).data(Qt.ItemDataRole.BackgroundRole).color()
    assert background() == QColor(palette.GAP_ROW.light)
    palette.set_scheme(Scheme.DARK)
    assert background() == QColor(palette.GAP_ROW.dark)
    assert changed == [(0, 1)]          # the view is told to repaint every row


def test_a_dark_desktop_palette_gives_the_dark_scheme():
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor(palette.PLOT_BACKGROUND.light))
    light.setColor(QPalette.ColorRole.WindowText, QColor(palette.TEXT.light))
    dark.setColor(QPalette.ColorRole.Window, QColor(palette.PLOT_BACKGROUND.dark))
    dark.setColor(QPalette.ColorRole.WindowText, QColor(palette.TEXT.dark))
    assert palette.scheme_of(light) is Scheme.LIGHT and palette.scheme_of(dark) is Scheme.DARK


def test_a_listener_that_went_away_is_not_called(dark):
    palette.set_scheme(Scheme.LIGHT)
    calls = []

    class Widget:
        def restyle(self, scheme):
            calls.append(scheme)

    w = Widget()
    palette.on_scheme_changed(w.restyle)
    palette.set_scheme(Scheme.DARK)
    del w
    palette.set_scheme(Scheme.LIGHT)
    assert calls == [Scheme.DARK]
