"""It looks like an installed application (issue 14, point 9): an icon on the application,
its windows and About; a freedesktop desktop entry written and removed under an isolated
XDG_DATA_HOME by the command line."""
from __future__ import annotations

import configparser
import subprocess
import sys

from PySide6.QtGui import QImage

from inspector.app import main
from inspector.ui import desktop_entry, icon
from inspector.ui.desktop_entry import _quoted, entry_text


def test_the_icon_is_in_resources_at_every_size_and_drawn():
    assert icon.svg_path().is_file()
    for size in icon.SIZES:
        image = QImage(str(icon.png_path(size)))
        assert (image.width(), image.height()) == (size, size)
        centre = image.pixelColor(size // 2, size // 2)
        assert centre.alpha() == 255                 # something is drawn, not a blank square
    assert {s.width() for s in icon.app_icon().availableSizes()} >= set(icon.SIZES)


def test_the_window_the_viewer_and_about_show_the_icon(inspector, tmp_path):
    ui = inspector
    assert not ui.window.windowIcon().isNull()
    assert set(icon.SIZES) <= {s.width() for s in ui.window.windowIcon().availableSizes()}
    about = ui.window.findChild(object, "aboutAction")
    about.trigger()
    box = ui.window.findChild(object, "aboutBox")
    assert box is not None and not box.iconPixmap().isNull()
    assert "python-socketio" in box.text()
    box.close()


def test_install_and_uninstall_the_desktop_entry_under_xdg_data_home(tmp_path, monkeypatch, capsys):
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["--install-desktop-entry"]) == 0
    entry = home / "applications" / "socketio-inspector.desktop"
    assert str(entry) in capsys.readouterr().out
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.optionxform = str
    parsed.read(entry)
    fields = parsed["Desktop Entry"]
    assert fields["Type"] == "Application" and fields["Icon"] == "socketio-inspector"
    assert fields["Name"] == "socketio-inspector" and fields["Terminal"] == "false"
    assert "Development" in fields["Categories"].split(";")
    assert fields["Exec"] and fields["TryExec"]
    assert (home / "icons" / "hicolor" / "scalable" / "apps" / "socketio-inspector.svg").is_file()
    for size in icon.SIZES:
        png = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "socketio-inspector.png"
        assert QImage(str(png)).width() == size
    # desktop-file-validate, where the machine has it, agrees the entry is well formed
    validate = subprocess.run(["sh", "-c", f"command -v desktop-file-validate >/dev/null && "
                                           f"desktop-file-validate '{entry}' || true"],
                              capture_output=True, text=True)
    assert validate.stdout.strip() == "", validate.stdout

    assert main(["--uninstall-desktop-entry"]) == 0
    assert "removed 9 files" in capsys.readouterr().out
    assert not entry.exists() and not any(p.is_file() for p in home.rglob("*"))
    assert main(["--uninstall-desktop-entry"]) == 0
    assert "no desktop entry was installed" in capsys.readouterr().out


def test_without_xdg_data_home_it_is_under_the_home_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop_entry.data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")          # ignored, as the spec says
    assert desktop_entry.data_home() == tmp_path / ".local" / "share"


def test_the_exec_line_starts_this_inspector():
    text = entry_text([sys.executable, "-m", "inspector"])
    assert f"Exec={_quoted(sys.executable)} -m inspector" in text
    assert _quoted("/opt/my apps/socketio-inspector") == '"/opt/my apps/socketio-inspector"'
    assert _quoted('/a"b$c') == '"/a\\"b\\$c"'

