"""Widgets and layout helpers the wizard's pages share."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.ui.widgets import UkDateEdit


def strip_mnemonic(label: str) -> str:
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def plain_text_edit(name: str, *, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    # Tab moves on to the next control instead of typing a tab: keyboard users must
    # never be trapped in a text box.
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    # A few lines tall, scrolling beyond: a page of tall boxes pushes the rest off screen.
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def text_label(text: str, *, role: str | None = None, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if role is not None:
        label.setProperty("role", role)
    return label


def page_date_edit(name: str, parent: QWidget) -> UkDateEdit:
    edit = UkDateEdit(accessible_name=name, parent=parent)
    # Without the proxy the container takes no focus of its own, so Tab goes straight from
    # the text to the calendar button and on; with it, Tab looped inside the wizard's
    # scrolling pages (Qt 6.11). Labels name the text field as their buddy instead.
    edit.setFocusProxy(None)  # type: ignore[arg-type]  # None removes it; the stubs omit that
    return edit


def buddy_of(widget: QWidget) -> QWidget:
    return widget.line_edit if isinstance(widget, UkDateEdit) else widget


def tab_chain(*widgets: QWidget) -> None:
    """Set the Tab order explicitly, a date edit counting as its text (its calendar button
    is no Tab stop: Alt+Down opens the calendar)."""
    flat = [buddy_of(widget) for widget in widgets]
    for first, second in itertools.pairwise(flat):
        QWidget.setTabOrder(first, second)


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index)


class EnterLineEdit(QLineEdit):
    """A line edit whose Enter does its own job (adds what was typed) instead of pressing
    the wizard's Next, which would leave the page with the name still in the box."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter emits `entered` and goes no further."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def scrolled(page: QWidget, inner: QWidget) -> QVBoxLayout:
    """Put `inner` in a frameless scroll area filling `page`; the page's layout is returned
    for anything that should stay in view below it."""
    scroll = QScrollArea()
    # The scroll area itself is no Tab stop: it took the focus first, so the chair
    # needed extra Tabs to reach the first real control.
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(inner)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return outer
