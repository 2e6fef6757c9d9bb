"""The connection panel: URL, Connect / Disconnect, status line, and the connection options."""
from __future__ import annotations

import json
import re
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.session.state import ConnectionState, NamespaceState, SessionState
from inspector.ui import palette, shortcuts
from inspector.ui import settings as S
from inspector.ui.panels.busy import hold, is_busy
from inspector.ui.panels.json_field import NO_LIMIT, JsonLineEdit, PlainTextEdit, invalid_style, monospace_font
from inspector.wire.options import ConnectionOptions, OptionsError, Parser, Protocol, Transport
from inspector.wire.payload import PayloadError, parse_optional_object, parse_pairs, to_jsonable

_STATE_COLORS = {ConnectionState.CONNECTED: palette.OK, ConnectionState.CONNECTING: palette.PENDING,
                 ConnectionState.RECONNECTING: palette.WARNING, ConnectionState.DISCONNECTED: palette.MUTED}
PROTOCOL_CHOICES = (
    ("Auto", Protocol.AUTO,
     "Engine.IO 4 first; a socket.io 2.x server is recognised from its handshake and spoken to "
     "in its protocol (on WebSocket only, a server without maxPayload in its OPEN packet — "
     "socket.io 2.x to 4.4 — is given 0.3 s to connect / unasked, as 2.x does)"),
    ("socket.io 3.x / 4.x", Protocol.V3_PLUS, "Engine.IO 4, Socket.IO protocol 5: what socket.io-client 4 speaks"),
    ("socket.io 2.x", Protocol.V2,
     "Engine.IO 3, Socket.IO protocol 4: the client pings, / is connected by the server, and a "
     "namespace's auth goes as its query (2.x has no CONNECT payload)"))
CONNECT_TIP = (f"Connect ({shortcuts.CONNECT.keys}; {shortcuts.CONNECT_FROM_URL.first} "
               "or Return in the URL field)")
TRANSPORT_CHOICES = (("Polling, then upgrade to WebSocket", Transport.UPGRADE),
                     ("WebSocket only", Transport.WEBSOCKET), ("Long-polling only", Transport.POLLING))
PARSER_CHOICES = (("JSON (the default)", str(Parser.JSON)), ("msgpack", str(Parser.MSGPACK)))


class ConnectionPanel(QWidget):
    connectRequested = Signal(object)       # ConnectionOptions
    disconnectRequested = Signal()

    def __init__(self, settings: S.Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings
        self._state = ConnectionState.DISCONNECTED

        self.urlEdit = QLineEdit(settings.get(S.URL), objectName="urlEdit", maxLength=NO_LIMIT)
        self.urlEdit.setPlaceholderText("http://host:port  (a path names a namespace: http://host/chat)")
        self.urlEdit.returnPressed.connect(self._connect_clicked)
        shortcuts.on_keys(shortcuts.CONNECT_FROM_URL, [self.urlEdit], self._connect_clicked)
        self.connectButton = QPushButton("Connect", objectName="connectButton")
        self.connectButton.setDefault(True)
        self.connectButton.setToolTip(CONNECT_TIP)
        self.disconnectButton = QPushButton("Disconnect", objectName="disconnectButton")
        self.disconnectButton.setEnabled(False)
        self.disconnectButton.setToolTip("Close the connection and every namespace; Connect opens "
                                         "them again, with their rooms (Ctrl+K)")
        self.optionsButton = QToolButton(objectName="optionsButton", text="Options…")
        self.optionsButton.setCheckable(True)
        self.optionsButton.setToolTip("Handshake path, transports, auth, headers, reconnection, "
                                      "acks (a window of its own: the log keeps its room)")
        self.statusLabel = QLabel("Not connected", objectName="statusLabel")
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusLabel.setWordWrap(True)
        self.tlsWarning = QLabel("⚠ TLS certificate checking is OFF", objectName="tlsWarning")
        palette.style(self.tlsWarning, lambda: f"color: {palette.TLS_OFF_TEXT.css()}; "
                                               f"background: {palette.TLS_OFF_BACKGROUND.css()}; "
                                               "padding: 2px 6px; border-radius: 3px;")
        self.tlsWarning.setVisible(False)

        top = QHBoxLayout()
        top.addWidget(QLabel("URL"))
        top.addWidget(self.urlEdit, 1)
        top.addWidget(self.connectButton)
        top.addWidget(self.disconnectButton)
        top.addWidget(self.optionsButton)

        status = QHBoxLayout()
        self._dot = QLabel("●")
        status.addWidget(self._dot)
        status.addWidget(self.statusLabel, 1)
        status.addWidget(self.tlsWarning)

        self.optionsFrame = self._build_options()
        self.optionsDialog = OptionsDialog(self.optionsFrame, self)
        self.optionsButton.toggled.connect(self._toggle_options)
        self.optionsDialog.finished.connect(lambda _r: self.optionsButton.setChecked(False))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addLayout(status)

        self.connectButton.clicked.connect(self._connect_clicked)
        self.disconnectButton.clicked.connect(self.disconnectRequested)
        self._dot_color: palette.Swatch | None = None
        self._set_dot(_STATE_COLORS[ConnectionState.DISCONNECTED])

    def in_flight(self, button: QPushButton, text: str) -> Callable[[], None]:
        """`button` says `text` and is disabled until the function returned is called
        (when the call it started ends)."""
        return hold(button, text, self._update_buttons)

    # -- options -------------------------------------------------------------
    def _build_options(self) -> QFrame:
        s = self._settings
        frame = QFrame(objectName="optionsFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        grid.setHorizontalSpacing(16)

        left = QFormLayout()
        left.setHorizontalSpacing(8)        # labels never touch their fields
        self.pathEdit = QLineEdit(s.get(S.PATH), objectName="pathEdit", maxLength=NO_LIMIT)
        self.transportCombo = QComboBox(objectName="transportCombo")
        for label, key in TRANSPORT_CHOICES:
            self.transportCombo.addItem(label, key)
        self.transportCombo.setCurrentIndex(
            max(0, self.transportCombo.findData(s.get(S.TRANSPORT))))
        self.protocolCombo = QComboBox(objectName="protocolCombo")
        for i, (label, key, tip) in enumerate(PROTOCOL_CHOICES):
            self.protocolCombo.addItem(label, key)
            self.protocolCombo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.protocolCombo.setToolTip("The server's generation.\n" + "\n".join(
            f"{label}: {tip}" for label, _, tip in PROTOCOL_CHOICES))
        self.protocolCombo.setCurrentIndex(max(0, self.protocolCombo.findData(s.get(S.PROTOCOL))))
        self.parserCombo = QComboBox(objectName="parserCombo")
        for label, key in PARSER_CHOICES:
            self.parserCombo.addItem(label, key)
        self.parserCombo.setCurrentIndex(max(0, self.parserCombo.findData(s.get(S.PARSER))))
        self.parserCombo.setToolTip(
            "The server's Socket.IO parser; both ends must use the same one. msgpack: "
            "socket.io-msgpack-parser on Node, serializer=\"msgpack\" in python-socketio. "
            "Against a server of the other parser the connection fails with one message naming "
            "it, and is not retried (socket.io-client would reconnect over and over)")
        self.authEdit = JsonLineEdit(parse_optional_object, objectName="authEdit")
        self.authEdit.setPlaceholderText('{"token": "..."}  (sent with every namespace)')
        self.authEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.authEdit.validityChanged.connect(self._update_buttons)
        self.showSecretsCheck = QCheckBox("Show auth and header values", objectName="showSecretsCheck")
        self.showSecretsCheck.toggled.connect(self._show_secrets)
        self.logSecretsCheck = QCheckBox("Keep auth values in raw packets and session files",
                                         objectName="logSecretsCheck")
        self.logSecretsCheck.setToolTip("Off: a raw CONNECT packet is logged with its auth values "
                                        "masked as ••••")
        self.queryEdit = PlainTextEdit(objectName="queryEdit")   # keeps a no-break space
        self.queryEdit.setPlaceholderText("name=value, one per line")
        self.queryEdit.setFont(monospace_font())
        self.queryEdit.setFixedHeight(48)
        self.headersEdit = PlainTextEdit(objectName="headersEdit")   # keeps a no-break space
        self.headersEdit.setPlaceholderText("Name: value, one per line")
        self.headersEdit.setFont(monospace_font())
        self.headersEdit.setFixedHeight(48)
        self.headersEdit.textChanged.connect(self._update_header_mask)
        self.headersMask = QLabel(objectName="headersMask")
        palette.style(self.headersMask, lambda: f"color: {palette.MUTED.css()};")
        self.queryEdit.textChanged.connect(self._update_buttons)
        self.headersEdit.textChanged.connect(self._update_buttons)
        left.addRow("Handshake path", self.pathEdit)
        left.addRow("Transports", self.transportCombo)
        left.addRow("Protocol", self.protocolCombo)
        left.addRow("Parser", self.parserCombo)
        left.addRow("Auth", self.authEdit)
        left.addRow("", self.showSecretsCheck)
        left.addRow("", self.logSecretsCheck)
        left.addRow("Query", self.queryEdit)
        left.addRow("Headers", self.headersEdit)
        left.addRow("", self.headersMask)

        right = QFormLayout()
        right.setHorizontalSpacing(8)
        self.verifyTlsCheck = QCheckBox("Check TLS certificates", objectName="verifyTlsCheck")
        self.verifyTlsCheck.setChecked(True)   # every launch: turning it off is never remembered
        self.verifyTlsCheck.toggled.connect(lambda on: self.tlsWarning.setVisible(not on))
        self.connectTimeoutSpin = _seconds(s.get(S.CONNECT_TIMEOUT), 0.5, 300, "connectTimeoutSpin")
        self.reconnectCheck = QCheckBox("Reconnect automatically", objectName="reconnectCheck")
        self.reconnectCheck.setChecked(s.get(S.RECONNECTION))
        self.attemptsSpin = QSpinBox(objectName="attemptsSpin")
        self.attemptsSpin.setRange(0, 10_000)
        self.attemptsSpin.setSpecialValueText("no limit")
        self.attemptsSpin.setValue(s.get(S.RECONNECT_ATTEMPTS))
        self.delaySpin = _seconds(s.get(S.RECONNECT_DELAY), 0.05, 600, "delaySpin")
        self.delayMaxSpin = _seconds(s.get(S.RECONNECT_DELAY_MAX), 0.05, 3600, "delayMaxSpin")
        self.compressionCheck = QCheckBox("Offer permessage-deflate (WebSocket)", objectName="compressionCheck")
        self.compressionCheck.setChecked(s.get(S.COMPRESSION))
        self.bufferCheck = QCheckBox("Hold emits while offline, send on reconnect", objectName="bufferCheck")
        self.bufferCheck.setChecked(s.get(S.BUFFER_OFFLINE))
        self.recoveryCheck = QCheckBox("Connection state recovery", objectName="recoveryCheck")
        self.recoveryCheck.setChecked(s.get(S.RECOVERY))
        self.rejoinCheck = QCheckBox("Join rooms again after an unrecovered reconnect", objectName="rejoinCheck")
        self.rejoinCheck.setChecked(s.get(S.REJOIN_ROOMS))
        # off at every launch, as TLS checking is on: socket.io-client closes the connection
        # on a packet it cannot decode, and a remembered exception would hide that
        self.tolerateCheck = QCheckBox("Tolerate undecodable packets (keep the connection open)",
                                       objectName="tolerateUndecodableCheck")
        self.tolerateCheck.setToolTip("socket.io-client closes the connection on a packet it cannot "
                                      "decode and reconnects; tick to keep it open and inspect what follows")
        self.reconnectCheck.toggled.connect(self._update_reconnect_fields)
        # socket.io-client's ackTimeout and retries (4.6+)
        self.ackTimeoutSpin = _seconds(s.get(S.CONN_ACK_TIMEOUT), S.NO_TIMEOUT, 3600, "connAckTimeoutSpin")
        self.ackTimeoutSpin.setSpecialValueText("none")
        self.ackTimeoutSpin.setToolTip("socket.io-client's ackTimeout: how long an emit waits for its "
                                       "ack when it has no timeout of its own (0: already expired)")
        self.retriesSpin = QSpinBox(objectName="retriesSpin")
        self.retriesSpin.setRange(0, 1000)
        self.retriesSpin.setSpecialValueText("off")
        self.retriesSpin.setValue(s.get(S.RETRIES))
        self.retriesSpin.setToolTip("socket.io-client's retries: resend an emit until the server acks "
                                    "it, this many more times at most; every emit then asks for an "
                                    "ack, and they go out one at a time, in order")
        right.addRow("", self.verifyTlsCheck)
        self.caFileEdit = QLineEdit(objectName="caFileEdit")
        self.caFileEdit.setPlaceholderText("the system's CAs (or a PEM file: trust its CA)")
        self.caFileEdit.setToolTip("Trust the CA certificate in this PEM file instead of turning checking off")
        right.addRow("CA file", self.caFileEdit)
        right.addRow("Connect timeout", self.connectTimeoutSpin)
        right.addRow("", self.reconnectCheck)
        right.addRow("Attempts", self.attemptsSpin)
        right.addRow("First delay", self.delaySpin)
        right.addRow("Max delay", self.delayMaxSpin)
        right.addRow("", self.compressionCheck)
        right.addRow("", self.bufferCheck)
        right.addRow("", self.recoveryCheck)
        right.addRow("", self.rejoinCheck)
        right.addRow("Ack timeout", self.ackTimeoutSpin)
        right.addRow("Retries", self.retriesSpin)
        right.addRow("", self.tolerateCheck)

        self.optionsError = QLabel(objectName="optionsError")
        palette.style(self.optionsError, lambda: f"color: {palette.ERROR.css()};")
        self.optionsError.setVisible(False)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addWidget(self.optionsError, 1, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self._show_secrets(False)
        self.tlsWarning.setVisible(not self.verifyTlsCheck.isChecked())
        return frame

    def _toggle_options(self, on: bool) -> None:
        if on:
            self.optionsDialog.show()
        else:
            self.optionsDialog.hide()

    def _update_reconnect_fields(self, on: bool) -> None:
        for w in (self.attemptsSpin, self.delaySpin, self.delayMaxSpin):
            w.setEnabled(on)

    def _show_secrets(self, show: bool) -> None:
        self.authEdit.setEchoMode(QLineEdit.EchoMode.Normal if show else QLineEdit.EchoMode.Password)
        self.headersEdit.setVisible(show)
        self.headersMask.setVisible(not show)
        self._update_header_mask()

    def _update_header_mask(self) -> None:
        try:
            names = list(parse_pairs(self.headersEdit.toPlainText(), ":"))
        except PayloadError:
            names = []
        if names:
            self.headersMask.setText(", ".join(f"{n}: ••••" for n in names) + "  (hidden)")
        else:
            self.headersMask.setText("none  (tick 'Show…' to edit)")

    # -- reading the form ------------------------------------------------------
    def options(self) -> ConnectionOptions:
        """The options the form describes; raises OptionsError with a message saying what is wrong."""
        if not self.authEdit.valid:
            raise OptionsError(f"auth: {self.authEdit.error}")
        try:
            query = parse_pairs(self.queryEdit.toPlainText(), "=")
        except PayloadError as exc:
            raise OptionsError(f"query: {exc}") from None
        try:
            headers = parse_pairs(self.headersEdit.toPlainText(), ":")
        except PayloadError as exc:
            raise OptionsError(f"headers: {exc}") from None
        opts = ConnectionOptions(
            url=self.urlEdit.text().strip(), path=self.pathEdit.text().strip() or "/socket.io",
            transport=self.transportCombo.currentData(), auth=self.authEdit.value,
            query=query, headers=headers, verify_tls=self.verifyTlsCheck.isChecked(),
            ca_file=self.caFileEdit.text().strip() or None,
            connect_timeout=self.connectTimeoutSpin.value(),
            reconnection=self.reconnectCheck.isChecked(),
            reconnection_attempts=self.attemptsSpin.value(),
            reconnection_delay=self.delaySpin.value(),
            reconnection_delay_max=max(self.delaySpin.value(), self.delayMaxSpin.value()),
            compression=self.compressionCheck.isChecked(),
            buffer_offline=self.bufferCheck.isChecked(),
            recovery=self.recoveryCheck.isChecked(),
            rejoin_rooms=self.rejoinCheck.isChecked(),
            log_secrets=self.logSecretsCheck.isChecked(),
            ack_timeout=None if self.ackTimeoutSpin.value() < 0 else self.ackTimeoutSpin.value(),
            retries=self.retriesSpin.value(),
            tolerate_undecodable=self.tolerateCheck.isChecked(),
            protocol=self.protocolCombo.currentData(),
            parser=self.parserCombo.currentData())
        opts.validate()
        return opts

    # -- filling the form ----------------------------------------------------------
    def show_options(self, o: ConnectionOptions) -> None:
        """The form as these options describe it (a profile's, a client's); secrets stay
        masked as the form shows them."""
        self.urlEdit.setText(o.url)
        self.pathEdit.setText(o.path)
        for combo, value in ((self.transportCombo, o.transport), (self.protocolCombo, o.protocol),
                             (self.parserCombo, o.parser)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.authEdit.setText(json.dumps(to_jsonable(o.auth)) if o.auth is not None else "")
        self.queryEdit.setPlainText("\n".join(f"{k}={v}" for k, v in o.query.items()))
        self.headersEdit.setPlainText("\n".join(f"{k}: {v}" for k, v in o.headers.items()))
        for check, on in ((self.verifyTlsCheck, o.verify_tls), (self.reconnectCheck, o.reconnection),
                          (self.compressionCheck, o.compression), (self.bufferCheck, o.buffer_offline),
                          (self.recoveryCheck, o.recovery), (self.rejoinCheck, o.rejoin_rooms),
                          (self.logSecretsCheck, o.log_secrets), (self.tolerateCheck, o.tolerate_undecodable)):
            check.setChecked(on)
        self.caFileEdit.setText(o.ca_file or "")
        self.connectTimeoutSpin.setValue(o.connect_timeout)
        self.attemptsSpin.setValue(o.reconnection_attempts)
        self.delaySpin.setValue(o.reconnection_delay)
        self.delayMaxSpin.setValue(o.reconnection_delay_max)
        self.ackTimeoutSpin.setValue(S.NO_TIMEOUT if o.ack_timeout is None else o.ack_timeout)
        self.retriesSpin.setValue(o.retries)

    def _fields(self) -> tuple[QWidget, ...]:
        """The form's fields: what `fields()` reads and `show_fields()` puts back."""
        return (self.urlEdit, self.pathEdit, self.transportCombo, self.protocolCombo, self.parserCombo,
                self.authEdit, self.queryEdit, self.headersEdit, self.verifyTlsCheck, self.caFileEdit,
                self.connectTimeoutSpin, self.reconnectCheck, self.attemptsSpin, self.delaySpin,
                self.delayMaxSpin, self.compressionCheck, self.bufferCheck, self.recoveryCheck,
                self.rejoinCheck, self.logSecretsCheck, self.ackTimeoutSpin, self.retriesSpin,
                self.tolerateCheck)

    def fields(self) -> tuple:
        """The form as typed, invalid text too (a draft kept while another client is shown)."""
        return tuple(_read(w) for w in self._fields())

    def show_fields(self, values: tuple) -> None:
        for w, value in zip(self._fields(), values, strict=True):
            _write(w, value)

    def _connect_clicked(self) -> None:
        if not self.connectButton.isEnabled():
            return
        try:
            opts = self.options()
        except OptionsError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.save()
        self.connectRequested.emit(opts)

    def show_error(self, message: str) -> None:
        self.optionsError.setText(message)
        self.optionsError.setVisible(bool(message))
        if message:
            self.statusLabel.setText(message)
            self._set_dot(palette.ERROR)
            if "auth" in message or "query" in message or "headers" in message:
                self.optionsButton.setChecked(True)
        bad_url = message.startswith("URL")
        palette.style(self.urlEdit, lambda: f"QLineEdit {{{invalid_style()}}}" if bad_url else "")

    def save(self) -> None:
        s = self._settings
        s.set(S.URL, url_to_remember(self.urlEdit.text().strip()))
        s.set(S.PATH, self.pathEdit.text().strip())
        s.set(S.TRANSPORT, self.transportCombo.currentData())
        s.set(S.PROTOCOL, self.protocolCombo.currentData())
        s.set(S.PARSER, self.parserCombo.currentData())
        s.set(S.CONNECT_TIMEOUT, self.connectTimeoutSpin.value())
        s.set(S.RECONNECTION, self.reconnectCheck.isChecked())
        s.set(S.RECONNECT_ATTEMPTS, self.attemptsSpin.value())
        s.set(S.RECONNECT_DELAY, self.delaySpin.value())
        s.set(S.RECONNECT_DELAY_MAX, self.delayMaxSpin.value())
        s.set(S.COMPRESSION, self.compressionCheck.isChecked())
        s.set(S.BUFFER_OFFLINE, self.bufferCheck.isChecked())
        s.set(S.RECOVERY, self.recoveryCheck.isChecked())
        s.set(S.REJOIN_ROOMS, self.rejoinCheck.isChecked())
        s.set(S.CONN_ACK_TIMEOUT, self.ackTimeoutSpin.value())
        s.set(S.RETRIES, self.retriesSpin.value())

    # -- showing state -----------------------------------------------------------
    def set_state(self, st: SessionState, line: SessionState | None = None) -> None:
        """The controls follow `st` (the state shown in order); the status line `line` when
        it is ahead of the rows (bridge.status_line), else `st` too."""
        self._state = st.state
        self.show_status(line or st)
        self.tlsWarning.setVisible(not self.verifyTlsCheck.isChecked())
        self._update_buttons()

    def show_status(self, st: SessionState) -> None:
        """The status line and its dot only (a state ahead of the rows still being shown)."""
        self.statusLabel.setText(st.status)
        failed = st.status.startswith(("Connection failed", "Gave up")) or NamespaceState.REFUSED in st.status
        self._set_dot(palette.ERROR if failed else _STATE_COLORS.get(st.state, palette.ERROR))

    def _set_dot(self, color: palette.Swatch) -> None:
        if color is self._dot_color:
            return          # a style sheet set again restyles the widget: the status line
                            # ahead of a backlog says a new count every insert
        self._dot_color = color
        palette.style(self._dot, lambda: f"color: {color.css()}; font-size: 14px;")

    def _update_buttons(self) -> None:
        idle = self._state == ConnectionState.DISCONNECTED
        self.connectButton.setEnabled(idle and self.authEdit.valid and not is_busy(self.connectButton))
        self.connectButton.setToolTip(CONNECT_TIP if self.authEdit.valid
                                      else f"auth is not valid JSON: {self.authEdit.error}")
        self.disconnectButton.setEnabled(not idle and not is_busy(self.disconnectButton))
        for w in (self.urlEdit, self.optionsFrame):
            w.setEnabled(idle)


class OptionsDialog(QDialog):
    """The connection options in a window of their own, beside the main one (not modal: the
    log stays in view), so opening them never grows the main window.  It holds the panel's
    options frame as it is: a row added to that frame's forms shows here."""

    def __init__(self, frame: QFrame, parent: QWidget):
        super().__init__(parent, objectName="optionsDialog")
        self.setWindowTitle("Connection options")
        self.setModal(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip(
            "Close this window; the options apply at the next Connect")
        layout = QVBoxLayout(self)
        layout.addWidget(frame)
        layout.addWidget(buttons)


def url_to_remember(url: str) -> str:
    """Settings hold no secrets: a user:password or a query string is not kept."""
    try:
        parts = urlsplit(url)
    except ValueError:          # "http://[::1" (closing the window saves it): cut by hand
        return re.sub(r"//[^/]*@", "//", re.split(r"[?#]", url, maxsplit=1)[0])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _read(w: QWidget):
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, PlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        return w.currentIndex()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    return w.value()            # a spin box


def _write(w: QWidget, value) -> None:
    if isinstance(w, QLineEdit):
        w.setText(value)
    elif isinstance(w, PlainTextEdit):
        w.setPlainText(value)
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(value)
    elif isinstance(w, QCheckBox):
        w.setChecked(value)
    else:
        w.setValue(value)


def _seconds(value: float, low: float, high: float, name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(objectName=name)
    spin.setRange(low, high)
    spin.setDecimals(2)
    spin.setSuffix(" s")
    spin.setValue(value)
    return spin
