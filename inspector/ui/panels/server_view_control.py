"""The "Server view: off / on" control: its check box goes in the connection panel's URL
row, its fields at the top of the server view's dock (shown while it is on, so the window
keeps its height on a laptop's 700 px): the server's admin namespace
(instrument()'s namespaceName, /admin by default), its username and password (masked, as
every auth is; it goes to the keyring with a profile, never into a file or an export).

It only holds what the user typed; the window attaches (ui/server_window.py)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

from inspector.session.server_view.protocol import DEFAULT_NAMESPACE

OFF_TIP = ("Server view: also open the server's Admin UI namespace (instrument() of "
           "@socket.io/admin-ui or python-socketio) and show every socket and room on the server")


class ServerViewControl(QWidget):
    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="serverViewControl")
        self.check = QCheckBox("Server view", objectName="serverViewCheck")
        self.check.setToolTip(OFF_TIP)
        self.namespaceEdit = QLineEdit(DEFAULT_NAMESPACE, objectName="serverNamespaceEdit")
        self.namespaceEdit.setToolTip("The admin namespace (instrument()'s namespaceName)")
        self.usernameEdit = QLineEdit(objectName="serverUsernameEdit", placeholderText="username")
        self.passwordEdit = QLineEdit(objectName="serverPasswordEdit", placeholderText="password")
        self.passwordEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.stateLabel = QLabel("off", objectName="serverViewState")
        self.namespaceEdit.setPlaceholderText("admin namespace")
        self.stateLabel.setWordWrap(True)       # a refusal is said whole, in the server's words
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.namespaceEdit, 0, 0)
        grid.addWidget(self.stateLabel, 0, 1)
        grid.addWidget(self.usernameEdit, 1, 0)
        grid.addWidget(self.passwordEdit, 1, 1)
        self.check.toggled.connect(self._toggled)
        self._toggled(False)

    def _toggled(self, on: bool) -> None:
        self.setVisible(on)         # off, it takes no room: the check box alone says so
        if not on:
            self.stateLabel.setText("off")
        self.toggled.emit(on)

    def say(self, text: str) -> None:
        self.stateLabel.setText(text)
        self.stateLabel.setToolTip(text)

    @property
    def on(self) -> bool:
        return self.check.isChecked()

    def namespace(self) -> str:
        ns = self.namespaceEdit.text().strip() or DEFAULT_NAMESPACE
        return ns if ns.startswith("/") else "/" + ns

    def auth(self) -> dict | None:
        """{"username", "password"} as instrument()'s basic auth takes it; None when both are empty."""
        user, password = self.usernameEdit.text(), self.passwordEdit.text()
        return {"username": user, "password": password} if user or password else None

    def set(self, on: bool, namespace: str | None = None, auth: dict | None = None) -> None:
        """Fill it (a profile, the demo); `on` last, so a toggle sees the fields filled."""
        if namespace is not None:
            self.namespaceEdit.setText(namespace)
        if auth is not None:
            self.usernameEdit.setText(str(auth.get("username", "")))
            self.passwordEdit.setText(str(auth.get("password", "")))
        self.check.setChecked(on)
