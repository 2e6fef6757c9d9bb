"""Text fields that hold JSON and say, as the user types, whether it parses and where not."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from inspector.ui import palette
from inspector.wire.payload import PayloadError

LARGE_TEXT = 100_000      # beyond this, check after a pause in typing, not on every key
# a QLineEdit cuts what is typed or pasted at 32,767 characters without a word (its default
# maxLength): a field given this keeps all of it
NO_LIMIT = 2**31 - 1


def invalid_style() -> str:
    """The style sheet body of a field whose text does not parse."""
    return f"border: 1px solid {palette.INVALID_BORDER.css()}; background: {palette.INVALID_BACKGROUND.css()};"


def keep_room(label: QLabel, lines: int = 2) -> QLabel:
    """An error line under a field that keeps its room when it has nothing to say, so the
    widgets around it do not jump as the text becomes valid and invalid while typed."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 2)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def monospace_font():
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class PlainTextEdit(QPlainTextEdit):
    """A QPlainTextEdit whose toPlainText() is what was typed: Qt's makes a no-break space
    (U+00A0) a plain space, which would change a string argument, a query or header value."""

    def toPlainText(self) -> str:  # noqa: N802 (Qt's name)
        raw = self.document().toRawText()
        if "\xa0" not in raw:
            return super().toPlainText()
        for separator in ("\u2029", "\u2028", "\ufdd0", "\ufdd1"):  # what Qt's makes a newline
            raw = raw.replace(separator, "\n")
        return raw


class JsonTextEdit(PlainTextEdit):
    """A multi-line JSON editor with a companion error label.

    `parser` turns the text into a value or raises PayloadError; the result
    (or the error) is kept current as the user types, and the text is never
    changed by the widget.
    """

    validityChanged = Signal(bool)

    def __init__(self, parser: Callable[[str], Any], error_label: QLabel,
                 parent: QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        self._parser = parser
        self._error_label = error_label
        self._valid = True
        self._value: Any = None
        self.setFont(monospace_font())
        self.setTabChangesFocus(True)
        # wrapping one long token (a pasted blob) costs Qt seconds; scroll sideways instead
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._later = QTimer(self, singleShot=True, interval=300)
        self._later.timeout.connect(self.revalidate)
        self.textChanged.connect(self._text_changed)
        self.revalidate()

    def _text_changed(self) -> None:
        if self.document().characterCount() > LARGE_TEXT:
            self._later.start()
        else:
            self.revalidate()

    @property
    def valid(self) -> bool:
        return self._valid

    @property
    def value(self) -> Any:
        return self._value

    @property
    def error(self) -> str:
        return self._error_label.text() if not self._valid else ""

    def revalidate(self) -> None:
        text = self.toPlainText()
        try:
            self._value = self._parser(text)
            valid, message = True, ""
        except PayloadError as exc:
            self._value, valid, message = None, False, str(exc)
        self._error_label.setText(message)
        self._error_label.setVisible(not valid)
        palette.style(self, lambda: "" if valid else f"QPlainTextEdit {{{invalid_style()}}}")
        self.setToolTip(message)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)

    def show_error_position(self) -> None:
        """Put the cursor where the parser stopped."""
        try:
            self._parser(self.toPlainText())
        except PayloadError as exc:
            cursor = self.textCursor()
            cursor.setPosition(min(exc.pos, len(self.toPlainText())), QTextCursor.MoveMode.MoveAnchor)
            self.setTextCursor(cursor)


class JsonLineEdit(QLineEdit):
    """One line of JSON (an auth object, an ack reply), checked as it is typed."""

    validityChanged = Signal(bool)

    def __init__(self, parser: Callable[[str], Any], parent: QWidget | None = None, **kwargs):
        super().__init__(parent, **kwargs)
        self._parser = parser
        self._valid = True
        self._value: Any = None
        self._error = ""
        self.setMaxLength(NO_LIMIT)
        # its height whatever the style: the invalid style's border would change it, and
        # move what is under the field as the text becomes valid and invalid
        self.setFixedHeight(self.sizeHint().height())
        self.textChanged.connect(self.revalidate)
        self.revalidate()

    @property
    def valid(self) -> bool:
        return self._valid

    @property
    def value(self) -> Any:
        return self._value

    @property
    def error(self) -> str:
        return self._error

    def revalidate(self) -> None:
        try:
            self._value = self._parser(self.text())
            valid, self._error = True, ""
        except PayloadError as exc:
            self._value, valid, self._error = None, False, str(exc)
        palette.style(self, lambda: "" if valid else f"QLineEdit {{{invalid_style()}}}")
        self.setToolTip(self._error)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
