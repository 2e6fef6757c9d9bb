"""What a user sees in a window: waits until it shows what it holds, and checks that a widget
is on screen whole (visible, not clipped by its parents or the window, its text not cut)."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel, QLineEdit, QWidget


def settle(qtbot, *log_views, timeout: int = 5000) -> None:
    """Wait until the window shows what it has: posted layout work done, each log view's
    table has the rows of its model (the filtered model publishes in batches), no follow
    scroll due and no long rows still being read for the filter."""
    QApplication.processEvents()

    def shown() -> bool:
        for view in log_views:
            if view.table.follow_pending or "reading" in view.countLabel.text():
                return False
            if not view.filtered.filtered and view.filtered.rowCount() != view.source.rowCount():
                return False
        return True
    qtbot.waitUntil(shown, timeout=timeout)
    QApplication.processEvents()


def text_of(widget: QWidget) -> str | None:
    """The text a label, button or line edit shows (a rich-text label's as plain text)."""
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        text = widget.text()
        if isinstance(widget, QLabel) and "<" in text:
            text = QTextDocumentFragment.fromHtml(text).toPlainText()
        return text
    return None


def problems_showing(widget: QWidget, window: QWidget) -> list[str]:
    """Why `widget` is not shown whole in `window` (empty when it is)."""
    name = widget.objectName() or type(widget).__name__
    if not widget.isVisible():
        return [f"{name} is hidden"]
    out = []
    if widget.visibleRegion().boundingRect() != widget.rect():
        out.append(f"{name} is clipped: {widget.visibleRegion().boundingRect()} of {widget.rect()}")
    top_left = widget.mapTo(window, widget.rect().topLeft())
    if not window.rect().contains(QRect(top_left, widget.size())):
        out.append(f"{name} is outside the window: {QRect(top_left, widget.size())} in {window.rect()}")
    text = text_of(widget)
    if text and isinstance(widget, QLabel) and widget.wordWrap():
        need = widget.heightForWidth(widget.width())
        if need > widget.height():
            out.append(f"{name}'s text {text!r} is cut: needs {need} px of height, has {widget.height()}")
    elif text and isinstance(widget, (QLabel, QAbstractButton)):
        need = widget.fontMetrics().horizontalAdvance(text.replace("&", ""))
        if need > widget.contentsRect().width():
            out.append(f"{name}'s text {text!r} is cut: needs {need} px, has {widget.contentsRect().width()}")
    return out


def assert_shown_whole(window: QWidget, *names: str) -> None:
    """Each widget named is visible in the window, not clipped, its text not cut."""
    problems = []
    for name in names:
        widget = window.findChild(QWidget, name)
        if widget is None:
            problems.append(f"no widget named {name}")
        else:
            problems += problems_showing(widget, window)
    assert not problems, "; ".join(problems)


def assert_row_shown_whole(view: QAbstractItemView, row: int) -> None:
    """The table row is inside the view's viewport, top to bottom."""
    rect = view.visualRect(view.model().index(row, 0))
    viewport = view.viewport().rect()
    assert rect.isValid() and viewport.top() <= rect.top() and rect.bottom() <= viewport.bottom(), (
        f"row {row} at {rect} is not whole in the view's {viewport}")
