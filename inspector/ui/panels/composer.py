"""The emit composer: namespace, event, arguments (JSON values), ack, compress, volatile."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector.session.acks import FROM_OPTIONS
from inspector.session.reserved import reserved_name_error
from inspector.session.state import ConnectionState, NamespaceState, SessionState
from inspector.ui import palette, shortcuts
from inspector.ui import settings as S
from inspector.ui.panels.busy import hold, is_busy
from inspector.ui.panels.emit_history import HISTORY_FILE, EmitForm, EmitHistory, Recall
from inspector.ui.panels.emit_templates import TEMPLATES_FILE, EmitTemplate, EmitTemplates, VariableError, filled_text
from inspector.ui.panels.json_field import NO_LIMIT, JsonTextEdit
from inspector.wire.options import Transport
from inspector.wire.payload import PayloadError, parse_sendable

ARGS_HINT = ('Arguments: JSON values one after another, e.g.  "lobby" {"n": 1}   (empty = none)\n'
             'Bytes anywhere: {"_hex": "de ad be ef"}, {"_bytes": "<base64>"}, {"_file": "/path"}')


def _check_args(text: str) -> list:
    """As the user types: files are only checked to exist, not read."""
    return parse_sendable(text, read_files=False)


def reserved_words(event: str) -> str:
    """Why the composer will not emit this name ("" when it may)."""
    message = reserved_name_error(event)
    if message is None:
        return ""
    return (f"{message}: socket.io-client refuses to emit it (it is one of the socket's own "
            "events), and a server that receives it ends the connection")


@dataclass(frozen=True)
class EmitRequest:
    ns: str
    event: str
    args: list
    ack: bool
    timeout: float | None     # None: no timeout; FROM_OPTIONS (no ack asked): the connection's
    compress: bool
    volatile: bool


class EmitPanel(QWidget):
    emitRequested = Signal(object)     # EmitRequest

    def __init__(self, settings: S.Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings
        self._live = False
        self._seen_events: set[str] = set()
        # what was sent, per namespace (Up/Down), and the saved templates: files of their own
        # in the per-user data directory (emit_history.py, emit_templates.py)
        self.history = EmitHistory(S.data_dir(settings) / HISTORY_FILE)
        self.templates = EmitTemplates(S.data_dir(settings) / TEMPLATES_FILE)
        self._recall = Recall()
        self.last_args: Callable[[str], list | None] = lambda _name: None   # ${name} in templates

        self.namespaceCombo = QComboBox(objectName="emitNamespaceCombo")
        self.namespaceCombo.setEditable(True)
        self.namespaceCombo.addItem("/")
        self.namespaceCombo.setMinimumContentsLength(8)
        self.eventEdit = QLineEdit(settings.get(S.LAST_EVENT), objectName="eventEdit", maxLength=NO_LIMIT)
        self.eventEdit.setPlaceholderText("event name")
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.eventEdit.setCompleter(completer)
        self.eventEdit.installEventFilter(self)         # Up/Down: the emits sent before
        self.note_events(self.history.events())         # completions: the events sent, and seen
        self.templatesButton = QPushButton("Templates", objectName="templatesButton")
        self.templatesButton.setToolTip("Saved emits: fill the composer from one (its ${name} "
                                        "variables from the last 'name' event received), or save "
                                        "this one under a name")
        self.templatesMenu = QMenu(self.templatesButton, objectName="templatesMenu")
        self.templatesMenu.aboutToShow.connect(self._fill_templates_menu)
        self.templatesButton.setMenu(self.templatesMenu)
        self.argsError = QLabel(objectName="argsError")
        palette.style(self.argsError, lambda: f"color: {palette.ERROR.css()};")
        self.argsEdit = JsonTextEdit(_check_args, self.argsError, objectName="argsEdit")
        self.eventError = QLabel(objectName="eventError")     # why this name cannot be emitted
        palette.style(self.eventError, lambda: f"color: {palette.ERROR.css()};")
        self.eventError.setVisible(False)
        self.argsEdit.setPlaceholderText(ARGS_HINT)
        self.argsEdit.setFixedHeight(56)
        self.ackCheck = QCheckBox("Expect ack", objectName="ackCheck")
        self.ackCheck.setChecked(True)
        self.ackTimeoutSpin = QDoubleSpinBox(objectName="ackTimeoutSpin")
        # the minimum is "no timeout", apart from 0 (already expired, as socket.io-client's
        # timeout(0))
        self.ackTimeoutSpin.setRange(S.NO_TIMEOUT, 3600)
        self.ackTimeoutSpin.setDecimals(1)
        self.ackTimeoutSpin.setSuffix(" s timeout")
        self.ackTimeoutSpin.setSpecialValueText("no timeout")
        self.ackTimeoutSpin.setToolTip("How long to wait for the ack: 0 is already expired; "
                                       "the lowest value is no timeout at all. It starts at 5 s "
                                       "(socket.io-client has none unless ackTimeout is set)")
        self.ackTimeoutSpin.setValue(settings.get(S.ACK_TIMEOUT))
        self.ackCheck.toggled.connect(self.ackTimeoutSpin.setEnabled)
        self.compressCheck = QCheckBox("Compress", objectName="compressCheck")
        self.compressCheck.setChecked(True)     # socket.io-client's default: compress(true)
        self.compressCheck.setToolTip("Ask for this emit to be compressed (socket.io-client's "
                                      "compress flag; WebSocket with permessage-deflate only)")
        self.ackCheck.setToolTip("Ask the server to acknowledge this emit; the log shows the "
                                 "answer and its round trip")
        self.namespaceCombo.setToolTip("The namespace to emit on (follows the one selected in "
                                       "the Namespaces list)")
        self.volatileCheck = QCheckBox("Volatile", objectName="volatileCheck")
        self.volatileCheck.setToolTip("Dropped instead of held when the transport is not ready "
                                      "(socket.io-client's volatile rule)")
        self.bytesFileButton = QPushButton("Bytes from file…", objectName="bytesFileButton")
        self.bytesFileButton.setToolTip('Insert {"_file": "<path>"}: the file is read when you emit')
        self.bytesFileButton.clicked.connect(self._insert_file)
        self.emitButton = QPushButton("Emit", objectName="emitButton")
        self.emitButton.setToolTip("Emit (Ctrl+Return)")
        self.emitButton.clicked.connect(self._emit_clicked)
        self.bufferedLabel = QLabel(objectName="bufferedLabel")
        palette.style(self.bufferedLabel, lambda: f"color: {palette.PENDING.css()};")
        # in any of the composer's fields (not the whole window: in the URL field the same
        # keys connect)
        fields = [self.namespaceCombo, self.namespaceCombo.lineEdit(), self.eventEdit, self.argsEdit,
                  self.ackCheck, self.ackTimeoutSpin, self.compressCheck, self.volatileCheck,
                  self.bytesFileButton, self.emitButton]
        shortcuts.on_keys(shortcuts.EMIT, fields, self._emit_clicked)
        self.eventEdit.returnPressed.connect(self._emit_clicked)

        self.eventEdit.textChanged.connect(self._update_button)
        self.argsEdit.validityChanged.connect(self._update_button)

        # one row of what to send and how, the arguments under it with the flags beside
        # them: narrow enough to share a 1024 px screen with the Scenario dock
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setVerticalSpacing(2)
        top = QHBoxLayout()
        top.addWidget(QLabel("Namespace"))
        top.addSpacing(4)                       # a label keeps off its field (they touched)
        top.addWidget(self.namespaceCombo)
        top.addSpacing(8)
        top.addWidget(QLabel("Event"))
        top.addSpacing(4)
        top.addWidget(self.eventEdit, 1)
        top.addWidget(self.ackCheck)
        top.addWidget(self.ackTimeoutSpin)
        top.addWidget(self.templatesButton)
        top.addWidget(self.emitButton)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.argsEdit, 1, 0)
        side = QVBoxLayout()
        side.setSpacing(0)
        for w in (self.compressCheck, self.volatileCheck, self.bytesFileButton):
            side.addWidget(w)
        side.addStretch(1)
        grid.addLayout(side, 1, 1)
        # the line for what is wrong keeps its height when there is nothing to say, so the
        # composer does not jump as the arguments become valid and invalid while typed
        self.messageLine = QWidget(objectName="composerMessageLine")
        line = QHBoxLayout(self.messageLine)
        line.setContentsMargins(0, 0, 0, 0)
        for w in (self.argsError, self.eventError):
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            line.addWidget(w, 1)
        line.addWidget(self.bufferedLabel)
        self.messageLine.setFixedHeight(self.fontMetrics().height() + 2)
        grid.addWidget(self.messageLine, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self._update_button()

    def in_flight(self) -> Callable[[], None]:
        """The Emit button is disabled until the function returned is called (when the
        emit is on its way)."""
        return hold(self.emitButton, None, self._update_button)

    def insert_file(self, path: str) -> None:
        """Put a bytes-from-file marker at the cursor, kept apart from its neighbours."""
        marker = json.dumps({"_file": path})
        cursor = self.argsEdit.textCursor()
        text = self.argsEdit.toPlainText()
        pos = cursor.position()
        if pos > 0 and not text[pos - 1].isspace():
            marker = "\n" + marker
        if pos < len(text) and not text[pos].isspace():
            marker += "\n"
        cursor.insertText(marker)
        self.argsEdit.setTextCursor(cursor)
        self.argsEdit.setFocus()

    def _insert_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Send a file as bytes")
        if path:
            self.insert_file(path)

    def request(self) -> EmitRequest | None:
        """What the form describes, or None while it is not valid (files are read here)."""
        event = self.eventEdit.text().strip()
        if not event or not self.argsEdit.valid or reserved_name_error(event):
            return None
        try:
            args = parse_sendable(self.argsEdit.toPlainText())
        except PayloadError as exc:    # e.g. the file went away since it was typed
            self.argsError.setText(str(exc))
            self.argsError.setVisible(True)
            return None
        ns = self.namespaceCombo.currentText().strip() or "/"
        ack = self.ackCheck.isChecked()
        timeout = self.ack_timeout() if ack else FROM_OPTIONS
        return EmitRequest(ns if ns.startswith("/") else "/" + ns, event, args, ack, timeout,
                           self.compressCheck.isChecked(), self.volatileCheck.isChecked())

    def ack_timeout(self) -> float | None:
        """The spin box's timeout: seconds, or None for its "no timeout" value."""
        value = self.ackTimeoutSpin.value()
        return None if value < 0 else value

    def _emit_clicked(self) -> None:
        if not self.emitButton.isEnabled():
            if not self.argsEdit.valid:
                self.argsEdit.show_error_position()
                self.argsEdit.setFocus()
            return
        req = self.request()
        if req is None:
            return
        self._settings.set(S.LAST_EVENT, req.event)
        self._settings.set(S.ACK_TIMEOUT, self.ackTimeoutSpin.value())
        self.remember(req.ns, self.form())
        self.emitRequested.emit(req)

    # -- history and templates -----------------------------------------------------
    def remember(self, ns: str, form: EmitForm) -> None:
        """An emit sent (from here or a log row): recalled with Up, offered as a completion."""
        self.history.add(ns, form)
        self._recall.reset()
        self.note_events([form.event])

    def form(self) -> EmitForm:
        """What the fields hold."""
        return EmitForm(self.eventEdit.text().strip(), self.argsEdit.toPlainText(), self.ackCheck.isChecked(),
                        self.ackTimeoutSpin.value(), self.compressCheck.isChecked(),
                        self.volatileCheck.isChecked())

    def set_form(self, form: EmitForm, ns: str | None = None) -> None:
        """Fill the fields (and the namespace, when given) from `form`."""
        if ns is not None:
            self.set_namespace(ns)
        self.eventEdit.setText(form.event)
        self.argsEdit.setPlainText(form.args)
        self.ackCheck.setChecked(form.ack)
        self.ackTimeoutSpin.setValue(form.timeout)
        self.compressCheck.setChecked(form.compress)
        self.volatileCheck.setChecked(form.volatile)

    def current_ns(self) -> str:
        ns = self.namespaceCombo.currentText().strip() or "/"
        return ns if ns.startswith("/") else "/" + ns

    def recall(self, older: bool) -> bool:
        """Up (older) / Down (newer) through the emits sent on the current namespace."""
        items = self.history.of(self.current_ns())
        form = self._recall.older(items, self.form()) if older else self._recall.newer(items)
        if form is None:
            return False
        self.set_form(form)
        self.eventEdit.end(False)
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if (watched is self.eventEdit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and not (self.eventEdit.completer() and self.eventEdit.completer().popup().isVisible())):
            self.recall(event.key() == Qt.Key.Key_Up)
            return True
        return super().eventFilter(watched, event)

    def use_templates(self, templates: EmitTemplates | None) -> None:
        """The templates the menu offers: an open profile's, or (None) the default set's file."""
        self.templates = templates if templates is not None else EmitTemplates(
            S.data_dir(self._settings) / TEMPLATES_FILE)

    def save_template(self, name: str) -> EmitTemplate:
        template = EmitTemplate(name.strip(), self.form())
        self.templates.put(template)
        return template

    def use_template(self, name: str) -> str:
        """Fill the composer from a template, its variables replaced; returns what went
        wrong ("" when nothing did: then the arguments are the template's, as written)."""
        template = self.templates.get(name)
        if template is None:
            return f"no template {name!r}"
        self.set_form(template.form)
        try:
            self.argsEdit.setPlainText(filled_text(template.form.args, self.last_args))
        except (VariableError, PayloadError) as exc:
            return f"Template {name}: {exc}"
        return ""

    def _fill_templates_menu(self) -> None:
        menu = self.templatesMenu
        menu.clear()
        save = menu.addAction("Save this emit as a template…")
        save.setEnabled(bool(self.eventEdit.text().strip()))
        save.triggered.connect(self._ask_template_name)
        names = self.templates.names()
        if names:
            menu.addSeparator()
        for name in names:
            t = self.templates.get(name)
            act = menu.addAction(name)
            act.setToolTip(f"{t.form.event} {t.form.args}".strip())
            act.triggered.connect(lambda _checked=False, n=name: self._template_chosen(n))
        if names:
            remove = menu.addMenu("Remove template")
            for name in names:
                remove.addAction(name).triggered.connect(
                    lambda _checked=False, n=name: self.templates.remove(n))

    def _ask_template_name(self) -> None:
        name, ok = QInputDialog.getText(self, "Save as template",
                                        "Template name (its arguments are kept as typed:\n"
                                        "write a secret as ${env:NAME}, never its value):",
                                        text=self.eventEdit.text().strip())
        if ok and name.strip():
            try:
                self.save_template(name)
            except ValueError as exc:
                self.argsError.setText(f"Template not saved: {exc}")
                self.argsError.setVisible(True)

    def _template_chosen(self, name: str) -> None:
        problem = self.use_template(name)
        self.argsError.setText(problem)
        self.argsError.setVisible(bool(problem))

    def _update_button(self) -> None:
        reason = ""
        reserved = reserved_words(self.eventEdit.text().strip())
        self.eventError.setText(reserved)
        self.eventError.setVisible(bool(reserved))
        if not self.eventEdit.text().strip():
            reason = "Type an event name"
        elif reserved:
            reason = reserved
        elif not self.argsEdit.valid:
            reason = f"Arguments are not valid JSON: {self.argsEdit.error}"
        elif not self._live:
            reason = "Connect first"
        elif is_busy(self.emitButton):
            reason = "Sending the last emit…"
        self.emitButton.setEnabled(not reason)
        self.emitButton.setToolTip(reason or "Emit (Ctrl+Return)")

    def set_namespace(self, ns: str) -> None:
        """Emit on `ns` (the namespace selected in the list)."""
        i = self.namespaceCombo.findText(ns)
        if i >= 0:
            self.namespaceCombo.setCurrentIndex(i)
        else:
            self.namespaceCombo.setCurrentText(ns)

    def note_events(self, names) -> None:
        """Event names seen in the log, offered as completions."""
        new = set(names) - self._seen_events
        if new:
            self._seen_events |= new
            self._completions.setStringList(sorted(self._seen_events))

    def set_state(self, st: SessionState) -> None:
        self._live = st.state != ConnectionState.DISCONNECTED
        names = [v.name for v in st.namespaces if v.state not in (NamespaceState.REFUSED, NamespaceState.CLOSED)]
        current = self.namespaceCombo.currentText()
        existing = [self.namespaceCombo.itemText(i) for i in range(self.namespaceCombo.count())]
        if names and names != existing:
            self.namespaceCombo.blockSignals(True)
            self.namespaceCombo.clear()
            self.namespaceCombo.addItems(names)
            self.namespaceCombo.setCurrentText(current if current else names[0])
            self.namespaceCombo.blockSignals(False)
        if st.transport == Transport.POLLING:
            note = "Compress (no effect on long-polling)"
        elif st.transport == Transport.WEBSOCKET and not st.deflate:
            note = "Compress (no effect: deflate not negotiated)"
        else:
            note = "Compress"
        self.compressCheck.setText(note)
        self.bufferedLabel.setText(f"{st.buffered} held until reconnect" if st.buffered else "")
        self._update_button()
