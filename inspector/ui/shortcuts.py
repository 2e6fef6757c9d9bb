"""Every keyboard shortcut of the window, declared once: the menus, the fields and
Help > Keyboard shortcuts take them from here, so the list the user reads is the list
that works (tests/ui/test_shortcuts.py presses each one it can)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Shortcut:
    keys: str          # QKeySequence's portable text ("Ctrl+K"); several separated by ", "
    does: str          # what it does, as Help > Keyboard shortcuts says it
    where: str = ""    # where it works, when not everywhere in the window

    @property
    def first(self) -> str:
        return self.keys.split(", ")[0]

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(k) for k in self.keys.split(", ")]

    def shown(self) -> str:
        """The keys as the user's platform writes them (⌘K on macOS)."""
        return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in self.sequences())


# -- the connection ------------------------------------------------------------------------
CONNECT = Shortcut("Ctrl+K", "Connect; disconnect when connected")
CONNECT_FROM_URL = Shortcut("Ctrl+Return, Ctrl+Enter", "Connect", "in the URL field (Return too)")
DROP = Shortcut("Ctrl+Shift+X", "Simulate a network drop (cut the transport without a goodbye)")
RAW = Shortcut("Ctrl+R", "Capture raw packets on / off")
FOCUS_URL = Shortcut("Ctrl+U", "Put the cursor in the URL field")
# -- the composer ------------------------------------------------------------------------
EMIT = Shortcut("Ctrl+Return, Ctrl+Enter", "Emit", "in any field of the composer (Return too, in Event)")
FOCUS_COMPOSER = Shortcut("Ctrl+E", "Put the cursor in the composer's Event field")
HISTORY = Shortcut("Up, Down", "Recall the emits sent before on this namespace (kept across runs)",
                   "in the composer's Event field")
# -- the log --------------------------------------------------------------------------------
FOCUS_FILTER = Shortcut("Ctrl+F", "Put the cursor in the log's filter")
CLEAR_FILTER = Shortcut("Esc", "Clear the filter", "in the filter field")
CLEAR_LOG = Shortcut("Ctrl+L", "Clear the log view (the session file keeps everything)")
FOLLOW = Shortcut("End", "Jump to the latest entry and follow new ones")
DETAIL = Shortcut("Ctrl+J", "Show or hide the entry detail pane")
TIMELINE = Shortcut("Ctrl+T", "Show or hide the connection timeline")
SERVER_VIEW = Shortcut("Ctrl+Shift+S", "Show or hide the server view (every socket and room on the server)")
COPY_ROWS = Shortcut("Ctrl+C", "Copy the selected rows as JSON Lines", "in the log")
# -- scenarios, files ---------------------------------------------------------------------------
STEP = Shortcut("F10", "Run the scenario's next step")
RUN = Shortcut("F5", "Run the scenario to its end")
STOP = Shortcut("Shift+F5", "Stop the scenario")
OPEN = Shortcut("Ctrl+O", "Open a session file read-only")
QUIT = Shortcut("Ctrl+Q", "Quit")


def every() -> list[Shortcut]:
    """All of them, in the order declared."""
    return [v for v in globals().values() if isinstance(v, Shortcut)]


class _Keys(QObject):
    """Calls fn when one of `sequences` is pressed in a widget it watches (a key filter, so
    it works in the widget that has the keys, as a field's own Return does)."""

    def __init__(self, sequences: list[QKeySequence], fn: Callable[[], object], parent: QObject):
        super().__init__(parent)
        self._sequences = sequences
        self._fn = fn

    def _matches(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeySequence(event.key() | mods.value)
        return any(pressed.matches(s) == QKeySequence.SequenceMatch.ExactMatch for s in self._sequences)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and self._matches(event):
            event.accept()              # ours, not a window shortcut's
            return True
        if event.type() == QEvent.Type.KeyPress and self._matches(event):
            self._fn()
            return True
        return False


def on_keys(shortcut: Shortcut, widgets: list[QWidget], fn: Callable[[], object]) -> QObject:
    """`fn` when the shortcut's keys are pressed in any of `widgets` (the composer's fields)."""
    keys = _Keys(shortcut.sequences(), fn, widgets[0])
    for w in widgets:
        w.installEventFilter(keys)
    return keys


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: the table of every() shortcut."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = every()
        self.table = QTableWidget(len(rows), 3, objectName="shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Does", "Where"])
        for i, sc in enumerate(rows):
            for j, text in enumerate((sc.shown(), sc.does, sc.where or "anywhere in the window")):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, j, item)
        self.table.verticalHeader().setVisible(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        width = sum(self.table.columnWidth(j) for j in range(3)) + 40
        self.resize(min(max(width, 560), 900), 520)
