"""The filter bar above the log, as in the DevTools network panel.

All / In / Out / Sys, a namespace, the events to show (picked from those
seen), a text or regular expression over the arguments, and flags.  The text
field says by its colour, its icon and its tooltip whether it is empty, valid
or invalid; an invalid expression is never applied (the table keeps the last
valid filter) and never raises.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from inspector.log.entry import IN, OUT, SYS, Flag
from inspector.log.filter import LogFilter, validate
from inspector.ui import palette, shortcuts
from inspector.ui.panels.json_field import NO_LIMIT

TEXT_DELAY_MS = 150
ALL_NAMESPACES = "All namespaces"


def _state_style(state: str) -> str:
    """The filter field's style sheet for its state (empty, valid, invalid)."""
    if state == "empty":
        return ""
    border, ground = ((palette.INVALID_BORDER, palette.INVALID_BACKGROUND) if state == "invalid"
                      else (palette.VALID_BORDER, palette.VALID_BACKGROUND))
    return f"QLineEdit {{ border: 1px solid {border.css()}; background: {ground.css()}; }}"


def _dot_icon(color: palette.Swatch, mark: str) -> QIcon:
    """A small round icon with a mark, drawn here (no icon theme offscreen or on Windows)."""
    pix = QPixmap(16, 16)
    pix.fill(palette.CLEAR.qcolor())
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(color.qcolor())
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, 14, 14)
    p.setPen(palette.ON_BADGE.qcolor())
    font = p.font()
    font.setBold(True)
    font.setPixelSize(11)
    p.setFont(font)
    p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return QIcon(pix)


class FilterBar(QWidget):
    filterChanged = Signal(object)     # LogFilter (only valid ones)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._valid_icon = _dot_icon(palette.VALID_BORDER, "✓")
        self._invalid_icon = _dot_icon(palette.INVALID_BORDER, "!")
        palette.on_scheme_changed(self._scheme_changed)     # the icons are drawn once per scheme

        self.dirGroup = QButtonGroup(self)
        self.dirGroup.setExclusive(True)
        self._dir_buttons = {}
        # two pieces, side by side, or one over the other when the log is narrow (beside
        # the Scenario dock on a small screen): the choices, and where and what to look for
        self._layout = layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        choices, text = QHBoxLayout(), QHBoxLayout()
        for piece in (choices, text):
            piece.setSpacing(4)
            layout.addLayout(piece)
        self._pieces = (choices, text)
        layout.setStretch(1, 1)
        dirs = QHBoxLayout()
        dirs.setSpacing(0)
        for key, label, tip in (("all", "All", "Every entry"), (IN, "In", "From the server"),
                                (OUT, "Out", "Sent by you"),
                                (SYS, "Sys", "Connects, disconnects, gaps, errors")):
            b = QToolButton(objectName=f"dir{label}Button", text=label, checkable=True)
            b.setToolTip(tip)
            b.setAutoRaise(False)
            b.setMinimumWidth(34)
            self.dirGroup.addButton(b)
            self._dir_buttons[key] = b
            dirs.addWidget(b)
        self._dir_buttons["all"].setChecked(True)
        choices.addLayout(dirs)

        self.nsCombo = QComboBox(objectName="nsFilterCombo")
        self.nsCombo.addItem(ALL_NAMESPACES, None)
        self.nsCombo.setToolTip("Only entries of this namespace")
        self.nsCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.nsCombo.setMinimumContentsLength(len(ALL_NAMESPACES))
        text.addWidget(self.nsCombo)
        # one client's entries (shown once the workspace has several: ui/workspace_window.py)
        self.clientCombo = QComboBox(objectName="clientFilterCombo", visible=False)
        self.clientCombo.addItem("All clients", None)
        self.clientCombo.setToolTip("Only this client's entries")
        text.addWidget(self.clientCombo)

        self.eventButton = QToolButton(objectName="eventFilterButton", text="Events: all")
        self.eventButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.eventButton.setToolTip("Show only the events ticked here (none ticked: all events)")
        self.eventList = QListWidget(objectName="eventFilterList")
        self.eventList.setMinimumSize(QSize(220, 180))
        menu = QMenu(self.eventButton)
        clear_events = menu.addAction("Show all events")
        clear_events.triggered.connect(self.clear_events)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.eventList)
        menu.addAction(holder)
        self.eventButton.setMenu(menu)
        choices.addWidget(self.eventButton)

        self.filterEdit = QLineEdit(objectName="filterEdit", maxLength=NO_LIMIT)
        self.filterEdit.setPlaceholderText("Filter arguments: text, or a regular expression with .*")
        self.filterEdit.setClearButtonEnabled(True)
        self.filterEdit.setMinimumWidth(120)
        self._state_action = self.filterEdit.addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
        self._state_action.setVisible(False)
        text.addWidget(self.filterEdit, 1)
        self.regexButton = QToolButton(objectName="regexButton", text=".*", checkable=True)
        self.regexButton.setToolTip("Regular expression (Python syntax)")
        self.caseButton = QToolButton(objectName="caseButton", text="Aa", checkable=True)
        self.caseButton.setToolTip("Match case")
        text.addWidget(self.regexButton)
        text.addWidget(self.caseButton)
        # a filter over many rows is computed off the window's thread: how far it is
        self.progressLabel = QLabel(objectName="filterProgress")
        self.progressLabel.setVisible(False)
        text.addWidget(self.progressLabel)

        self.flagButton = QToolButton(objectName="flagFilterButton", text="Flags: any")
        self.flagButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.flagButton.setToolTip("Show only entries with one of the ticked flags")
        flag_menu = QMenu(self.flagButton)
        self.flagActions: dict[str, QAction] = {}
        for name in (Flag.LATE, Flag.TIMEOUT, Flag.RECOVERED, Flag.BUFFERED, Flag.BINARY, Flag.COMPRESSED,
                     Flag.VOLATILE):
            act = flag_menu.addAction(name)
            act.setCheckable(True)
            act.setObjectName(f"flag_{name}")
            act.toggled.connect(self._changed)
            self.flagActions[name] = act
        self.flagButton.setMenu(flag_menu)
        choices.addWidget(self.flagButton)

        for b in (self.eventButton, self.flagButton):
            # room for the menu arrow, which the style draws over the text otherwise; set
            # again at each change of scheme (palette(...) is read when a sheet is set: the
            # buttons stayed light in the dark), the scheme named so the sheet differs
            palette.style(b, lambda: f"/* {palette.scheme()} */"
                          "QToolButton { padding-right: 16px; padding-left: 4px;"
                          " background-color: palette(button); color: palette(button-text);"
                          " border: 1px solid palette(mid); border-radius: 2px; }"
                          "QToolButton::menu-indicator { subcontrol-origin: padding;"
                          " subcontrol-position: right center; right: 3px; }")
        self.errorLabel = QLabel(objectName="filterError")
        palette.style(self.errorLabel, lambda: f"color: {palette.ERROR.css()};")
        self.errorLabel.setVisible(False)

        shortcuts.on_keys(shortcuts.CLEAR_FILTER, [self.filterEdit], self.clear_text)
        self._timer = QTimer(self, singleShot=True, interval=TEXT_DELAY_MS)
        self._timer.timeout.connect(self._changed)
        self.filterEdit.textChanged.connect(self._text_edited)
        self.regexButton.toggled.connect(self._text_edited)
        self.caseButton.toggled.connect(self._text_edited)
        self.dirGroup.buttonToggled.connect(lambda _b, on: on and self._changed())
        self.nsCombo.currentIndexChanged.connect(self._changed)
        self.clientCombo.currentIndexChanged.connect(self._changed)
        self.eventList.itemChanged.connect(self._events_changed)
        self._last: LogFilter | None = LogFilter()
        self._show_state()

    # -- one row, or two ---------------------------------------------------------------
    def minimumSizeHint(self):  # noqa: N802
        """As narrow as the wider of its two pieces: below one row's width it takes two."""
        hint = super().minimumSizeHint()
        widths = [p.minimumSize().width() for p in self._pieces]
        heights = [p.minimumSize().height() for p in self._pieces]
        return QSize(max(widths), max(hint.height(), sum(heights) + self._layout.spacing())
                     if self._two_rows() else hint.height())

    def _two_rows(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.TopToBottom

    def resizeEvent(self, event) -> None:  # noqa: N802
        one_row = sum(p.minimumSize().width() for p in self._pieces) + self._layout.spacing()
        want = QBoxLayout.Direction.LeftToRight if self.width() >= one_row else \
            QBoxLayout.Direction.TopToBottom
        if want != self._layout.direction():
            self._layout.setDirection(want)
            self.updateGeometry()
        super().resizeEvent(event)

    # -- what the bar asks for --------------------------------------------------------
    def current(self) -> LogFilter:
        direction = next(k for k, b in self._dir_buttons.items() if b.isChecked())
        ns = self.nsCombo.currentData()
        events = self.checked_events()
        flags = frozenset(n for n, a in self.flagActions.items() if a.isChecked())
        return LogFilter(
            dirs=None if direction == "all" else frozenset({direction}),
            namespaces=None if self.nsCombo.currentIndex() <= 0 else frozenset({ns}),
            events=frozenset(events) if events else None,
            flags=flags or None,
            text=self.filterEdit.text(), regex=self.regexButton.isChecked(),
            match_case=self.caseButton.isChecked(), clients=self.clientCombo.currentData())

    @property
    def state(self) -> str:
        """What the text field shows: empty, valid or invalid."""
        return self.filterEdit.property("state") or "empty"

    def checked_events(self) -> list[str]:
        out = []
        for i in range(self.eventList.count()):
            item = self.eventList.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out

    # -- user actions (also used by tests and the driver) ---------------------------------
    def set_direction(self, direction: str) -> None:
        self._dir_buttons[direction].setChecked(True)

    def set_namespace(self, ns: str | None) -> None:
        self.nsCombo.setCurrentIndex(0 if ns is None else self.nsCombo.findData(ns))

    def set_events(self, names: list[str]) -> None:
        self.eventList.blockSignals(True)
        for i in range(self.eventList.count()):
            item = self.eventList.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
        self.eventList.blockSignals(False)
        self._events_changed()

    def clear_events(self) -> None:
        self.set_events([])

    def set_flags(self, names: list[str]) -> None:
        for name, act in self.flagActions.items():
            act.blockSignals(True)
            act.setChecked(name in names)
            act.blockSignals(False)
        self._changed()

    def apply_now(self) -> None:
        """Apply the text without waiting for the typing pause."""
        self._timer.stop()
        self._changed()

    def clear_text(self) -> None:
        """Esc in the filter field: the text goes; pressed again, every other choice too."""
        if self.filterEdit.text():
            self.filterEdit.clear()
            self.apply_now()
        else:
            self.reset()

    def reset(self) -> None:
        for w in (self.filterEdit, self.regexButton, self.caseButton, self.nsCombo, self.eventList):
            w.blockSignals(True)
        self.filterEdit.clear()
        self.regexButton.setChecked(False)
        self.caseButton.setChecked(False)
        self.nsCombo.setCurrentIndex(0)
        for i in range(self.eventList.count()):
            self.eventList.item(i).setCheckState(Qt.CheckState.Unchecked)
        for w in (self.filterEdit, self.regexButton, self.caseButton, self.nsCombo, self.eventList):
            w.blockSignals(False)
        for act in self.flagActions.values():
            act.blockSignals(True)
            act.setChecked(False)
            act.blockSignals(False)
        self._dir_buttons["all"].setChecked(True)
        self._update_labels()
        self._changed()

    def show_progress(self, done: int, total: int) -> None:
        """A filter being computed has judged `done` rows of `total` (total 0: none running)."""
        self.progressLabel.setVisible(total > 0)
        if total > 0:
            self.progressLabel.setText(f"filtering… {100 * done // total}%")

    # -- names seen --------------------------------------------------------------------
    def set_names(self, namespaces: list[str], events: list[str]) -> None:
        """The namespaces and events seen so far (new ones are added, none removed)."""
        known_ns = {self.nsCombo.itemData(i) for i in range(1, self.nsCombo.count())}
        for ns in namespaces:
            if ns not in known_ns:
                self.nsCombo.addItem(ns, ns)
        known = {self.eventList.item(i).text() for i in range(self.eventList.count())}
        new = [e for e in events if e not in known]
        if new:
            self.eventList.blockSignals(True)
            for name in new:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.eventList.addItem(item)
            self.eventList.sortItems()
            self.eventList.blockSignals(False)

    # -- internals -------------------------------------------------------------------
    def _text_edited(self, *_args) -> None:
        self._show_state()
        self._timer.start()

    def _events_changed(self, *_args) -> None:
        self._update_labels()
        self._changed()

    def _update_labels(self) -> None:
        # short labels (the bar must fit beside a dock); the names in the tooltips
        events = self.checked_events()
        if not events:
            self.eventButton.setText("Events: all")
        elif len(events) == 1:
            self.eventButton.setText(f"Events: {events[0][:16]}")
        else:
            self.eventButton.setText(f"Events: {len(events)}")
        self.eventButton.setToolTip("Showing the events " + ", ".join(events) if events else
                                    "Show only the events ticked here (none ticked: all events)")
        flags = [n for n, a in self.flagActions.items() if a.isChecked()]
        self.flagButton.setText("Flags: " + (flags[0] if len(flags) == 1 else str(len(flags)) if flags else "any"))
        self.flagButton.setToolTip("Showing rows flagged " + " or ".join(flags) if flags else
                                   "Show only entries with one of the ticked flags")

    def _scheme_changed(self, _scheme) -> None:
        self._valid_icon = _dot_icon(palette.VALID_BORDER, "✓")
        self._invalid_icon = _dot_icon(palette.INVALID_BORDER, "!")
        self._show_state()

    def _show_state(self) -> None:
        f = self.current()
        error = validate(f)
        state = "empty" if not f.text else ("invalid" if error else "valid")
        self.filterEdit.setProperty("state", state)
        palette.style(self.filterEdit, lambda: _state_style(state))
        self._state_action.setVisible(state != "empty")
        self._state_action.setIcon(self._invalid_icon if error else self._valid_icon)
        what = "regular expression" if f.regex else "text"
        self.filterEdit.setToolTip(error or (f"Filtering the arguments by this {what}" if f.text else ""))
        self.errorLabel.setText(error or "")
        self.errorLabel.setVisible(bool(error))

    def _changed(self, *_args) -> None:
        self._update_labels()
        self._show_state()
        f = self.current()
        if validate(f) is not None:
            return            # shown as invalid; the table keeps the last valid filter
        if f != self._last:
            self._last = f
            self.filterChanged.emit(f)
