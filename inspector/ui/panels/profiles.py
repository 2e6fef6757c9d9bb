"""The profile bar beside the URL: open a saved connection, save it (changes, as a new one),
rename, duplicate, delete, import and export; and the URL field's recent URLs.

What a profile holds is read from and written to the window's panels by the two
functions the window gives (`gather`, `apply`); the model and its file are
inspector/session/profiles.py, Qt-free, shared with the command line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.session.profiles import Profile, ProfileError, ProfileStore, describe_slot
from inspector.ui import settings as S

NO_PROFILE = "No profile"
RECENT_KEPT = 15
RECENT_URLS = S.Setting("connection/recent_urls", "")       # newline-separated, newest first
DEMO_URL = S.Setting("connection/demo_url", "")             # the last --demo server's (random port)


@dataclass
class ConnectPlan:
    """What Connect does beyond the form when a profile is open."""
    namespaces: list[str] = field(default_factory=list)
    ns_auth: dict = field(default_factory=dict)
    rooms: dict[str, list[str]] = field(default_factory=dict)


class ProfileBar(QWidget):
    message = Signal(str, bool)          # text, is an error
    changed = Signal()                   # the open profile (or none) was opened, saved, renamed, closed

    def __init__(self, store: ProfileStore, gather: Callable[[str], Profile],
                 apply: Callable[[Profile], None], parent: QWidget | None = None):
        super().__init__(parent, objectName="profileBar")
        self.store, self._gather, self._apply = store, gather, apply
        self.current: Profile | None = None        # the open profile, as saved
        self.secretsDialog: ProfileSecretsDialog | None = None
        self.combo = QComboBox(objectName="profileCombo")
        self.combo.setToolTip("Saved connections: URL, options, namespaces with their auth, rooms, "
                              "ack answers (secrets in the system keyring)")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.saveButton = QPushButton("Save changes", objectName="saveProfileButton")
        self.saveButton.setToolTip("The connection differs from the open profile: save it there")
        self.saveButton.setVisible(False)
        self.menuButton = QToolButton(objectName="profileMenuButton", text="Profile")
        self.menuButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menuButton.setToolTip("Save as, rename, duplicate, delete, import, export profiles")
        menu = QMenu(self.menuButton)
        self.actions = {}
        for key, text, fn in (("save_as", "Save as new profile…", self._ask_save_as),
                              ("rename", "Rename…", self._ask_rename), ("duplicate", "Duplicate", self.duplicate),
                              ("delete", "Delete", self.delete), (None, None, None),
                              ("import", "Import profiles…", self._ask_import),
                              ("export", "Export profiles…", self._ask_export)):
            if key is None:
                menu.addSeparator()
                continue
            self.actions[key] = menu.addAction(text, fn)
        self.menuButton.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.saveButton)
        layout.addWidget(self.menuButton)
        self.saveButton.clicked.connect(self.save_changes)
        self.combo.activated.connect(lambda i: self.open(self.combo.itemText(i)) if i > 0 else self.close_profile())
        self._dirty_timer = QTimer(self, interval=500)    # "Save changes" follows the form
        self._dirty_timer.timeout.connect(self._refresh_dirty)
        self._dirty_timer.start()
        self._reload()

    # -- the list -------------------------------------------------------------------
    def _reload(self) -> None:
        try:
            names = self.store.names()
        except ProfileError as exc:
            names = []
            self.message.emit(str(exc), True)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(NO_PROFILE)
        self.combo.addItems(names)
        self.combo.setCurrentIndex(max(0, self.combo.findText(self.current.name)) if self.current else 0)
        self.combo.blockSignals(False)
        for key in ("rename", "duplicate", "delete"):
            self.actions[key].setEnabled(self.current is not None)
        self.changed.emit()
        self._refresh_dirty()

    def names(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(1, self.combo.count())]

    def plan(self) -> ConnectPlan | None:
        if self.current is None:
            return None
        p = self.current
        return ConnectPlan(p.open_namespaces(), dict(p.ns_auth), {ns: list(r) for ns, r in p.rooms.items()})

    # -- open, save --------------------------------------------------------------------
    def open(self, name: str) -> bool:
        try:
            profile = self.store.get(name)
        except ProfileError as exc:
            self.message.emit(str(exc), True)
            return False
        if profile.missing:
            self._ask_secrets(profile)
            return False
        self._opened(profile)
        return True

    def _opened(self, profile: Profile) -> None:
        self._apply(profile)
        self.current = profile
        self._reload()
        self.message.emit(f"Profile {profile.name} opened", False)

    def _ask_secrets(self, profile: Profile) -> None:
        dialog = self.secretsDialog = ProfileSecretsDialog(profile, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def given() -> None:
            for slot, value in dialog.values().items():
                profile.fill(slot, value)
            self.secretsDialog = None
            self._opened(profile)
        dialog.accepted.connect(given)
        dialog.rejected.connect(lambda: (setattr(self, "secretsDialog", None), self._reload()))
        dialog.open()

    def close_profile(self) -> None:
        self.current = None
        self._reload()

    def is_edited(self) -> bool:
        if self.current is None:
            return False
        try:
            return self._gather(self.current.name) != self.current
        except ValueError:             # the form is not valid now: it cannot be saved either
            return False

    def _refresh_dirty(self) -> None:
        self.saveButton.setVisible(self.is_edited())

    def save_changes(self) -> None:
        if self.current is not None:
            self.save_as(self.current.name)

    def save_as(self, name: str) -> bool:
        name = name.strip()
        if not name:
            return False
        try:
            profile = self._gather(name)
            not_kept = self.store.save(profile)
        except (ValueError, ProfileError, OSError) as exc:
            self.message.emit(f"Profile not saved: {exc}", True)
            return False
        self.current = profile
        self._reload()
        note = (f" (no keyring on this machine: {', '.join(describe_slot(s) for s in not_kept)} "
                "will be asked for when it is opened)" if not_kept else "")
        self.message.emit(f"Profile {name} saved{note}", False)
        return True

    def rename(self, new: str) -> bool:
        if self.current is None:
            return False
        try:
            self.store.rename(self.current.name, new)
        except ProfileError as exc:
            self.message.emit(str(exc), True)
            return False
        self.current.name = new.strip()
        self._reload()
        return True

    def duplicate(self) -> str | None:
        if self.current is None:
            return None
        try:
            name = self.store.duplicate(self.current.name)
        except ProfileError as exc:
            self.message.emit(str(exc), True)
            return None
        self.open(name)
        return name

    def delete(self) -> None:
        if self.current is None:
            return
        try:
            self.store.delete(self.current.name)
        except ProfileError as exc:
            self.message.emit(str(exc), True)
            return
        self.message.emit(f"Profile {self.current.name} deleted", False)
        self.current = None
        self._reload()

    def import_from(self, path: str) -> list[str]:
        try:
            names = self.store.import_file(path)
        except ProfileError as exc:
            self.message.emit(f"Not imported: {exc}", True)
            return []
        self._reload()
        self.message.emit(f"Imported {len(names)} profile{'s' if len(names) != 1 else ''}: {', '.join(names)}",
                          False)
        return names

    def export_to(self, path: str) -> int:
        try:
            n = self.store.export(path)
        except (ProfileError, OSError) as exc:
            self.message.emit(f"Not exported: {exc}", True)
            return 0
        self.message.emit(f"Exported {n} profile{'s' if n != 1 else ''} to {path} (secrets left out)", False)
        return n

    # -- the dialogs behind the menu ----------------------------------------------------
    def _ask_save_as(self) -> None:
        name, ok = QInputDialog.getText(self, "Save as new profile", "Name",
                                        text=self.store.free_name(self.current.name if self.current else "profile"))
        if ok:
            self.save_as(name)

    def _ask_rename(self) -> None:
        if self.current is not None:
            name, ok = QInputDialog.getText(self, "Rename profile", "Name", text=self.current.name)
            if ok:
                self.rename(name)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import profiles", "", "Profiles (*.json)")
        if path:
            self.import_from(path)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export profiles", "profiles.json", "Profiles (*.json)")
        if path:
            self.export_to(path)


class ProfileSecretsDialog(QDialog):
    """The secrets a profile names that no keyring holds here: typed in (hidden) to open it."""

    def __init__(self, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent, objectName="profileSecretsDialog")
        self.setWindowTitle(f"Secrets of {profile.name}")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for slot in profile.missing:
            edit = QLineEdit(objectName=f"profileSecret:{slot}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[slot] = edit
            form.addRow(describe_slot(slot), edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("No keyring on this machine holds these; they are kept for this window only."))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {slot: edit.text() for slot, edit in self.edits.items()}


# -- recent URLs ---------------------------------------------------------------------------
def recent_urls(settings: S.Settings) -> list[str]:
    return [u for u in settings.get(RECENT_URLS).split("\n") if u]


def remember_url(settings: S.Settings, url: str) -> list[str]:
    """Put `url` first in the recent URLs (a --demo server's is never kept: its port is random)."""
    urls = recent_urls(settings)
    if url and url != settings.get(DEMO_URL):
        urls = [url] + [u for u in urls if u != url]
    settings.set(RECENT_URLS, "\n".join(urls[:RECENT_KEPT]))
    return urls[:RECENT_KEPT]


def attach_recent_urls(edit: QLineEdit, settings: S.Settings) -> QStringListModel:
    """The URL field completes from the recent URLs (all of them shown on an empty field)."""
    model = QStringListModel(recent_urls(settings), edit)
    completer = QCompleter(model, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return model
