"""A list screen's edit panel (the open record's form with Save, Delete and Close, or a
hint while none is open) and the splitter that shares the width between list and panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import FieldError
from crag_desktop.ui.forms.base import RecordForm
from crag_desktop.ui.widgets import ErrorLabel, FieldRow

__all__ = ["ListSplitter", "RecordPanel"]

#: The narrowest the list and the edit panel may be squeezed by the splitter.
LIST_MIN_WIDTH = 260
PANEL_MIN_WIDTH = 360


def _field_row_of(widget: QWidget, form: QWidget) -> QWidget | None:
    """The labelled row (label, field, error) holding `widget` inside `form`."""
    parent = widget.parentWidget()
    while parent is not None and parent is not form:
        if isinstance(parent, FieldRow):
            return parent
        parent = parent.parentWidget()
    return None


def _article(noun: str) -> str:
    """ "a" or "an" before `noun`, by its first letter ("an agency", "a referral")."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


class RecordPanel(QStackedWidget):
    """The edit panel: a heading, the form in a scroll area, Save / Delete / Close; or a
    line saying how to open a record."""

    def __init__(self, noun: str, form: RecordForm[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        self._form = form
        self.panel_heading = QLabel()
        self.panel_heading.setProperty("role", "subtitle")
        self.panel_heading.setWordWrap(True)
        self.save_error = ErrorLabel()
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.form_delete_button = QPushButton(f"Delete {noun}…")
        self.close_button = QPushButton("Close")
        # The heading has a line of its own: beside the buttons it squeezed them at 1024 px
        # ("Delete learning point…" showed "te learning po") or wrapped to six lines.
        buttons = QHBoxLayout()
        self._buttons = buttons
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.form_delete_button)
        buttons.addWidget(self.close_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The form fits its width (sections go to one field a row when narrow): it never
        # scrolls sideways, so moving the focus with Tab cannot make it jump left and right.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form)
        self.form_scroll = scroll
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.panel_heading)
        editor_layout.addLayout(buttons)
        editor_layout.addWidget(self.save_error)
        editor_layout.addWidget(scroll, 1)
        self.empty_panel = QLabel(
            f"Choose {_article(noun)} {noun} in the list to open it, "
            f"or press Ctrl+N for a new {noun}."
        )
        self.empty_panel.setWordWrap(True)
        self.empty_panel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_panel.setMinimumWidth(PANEL_MIN_WIDTH // 2)
        self.addWidget(self.empty_panel)
        self.addWidget(editor)
        self.editor = editor
        form.dirty_changed.connect(lambda _dirty: self.update_heading())
        self.setMinimumWidth(PANEL_MIN_WIDTH // 2)
        # The hint shown while nothing is open needs little room: the list takes the rest.
        self.currentChanged.connect(
            lambda _index: self.setMinimumWidth(
                self.least_editing_width() if self.editing else PANEL_MIN_WIDTH // 2
            )
        )

    def least_editing_width(self) -> int:
        """The least width of the open form: its Save, Delete and Close buttons whole (a
        squeezed button elides nothing), however long the noun in "Delete learning point…"."""
        buttons = (self.save_button, self.form_delete_button, self.close_button)
        for button in buttons:
            # The style sheet's padding counts only once the button is polished.
            button.ensurePolished()
        spacing = max(self._buttons.spacing(), 0)
        needed = sum(b.sizeHint().width() + spacing for b in buttons)
        return max(PANEL_MIN_WIDTH, needed)

    @property
    def editing(self) -> bool:
        """Whether the form shows (a record is open, or a new one started)."""
        return self.currentWidget() is self.editor

    def show_form(self) -> None:
        """Show the form."""
        self.setCurrentWidget(self.editor)

    def show_hint(self) -> None:
        """Show the hint in place of the form."""
        self.setCurrentWidget(self.empty_panel)

    def update_heading(self) -> None:
        """Name what the form holds, say whether it has unsaved changes, and enable the
        buttons that apply."""
        form = self._form
        if not self.editing:
            self.panel_heading.setText("")
        elif form.is_new:
            self.panel_heading.setText(f"New {self._noun}")
        else:
            described = form.describe()
            self.panel_heading.setText(described[:1].upper() + described[1:])
        if form.is_dirty:
            # Said in words as well as the asterisk: colour or symbols alone are not enough.
            self.panel_heading.setText(self.panel_heading.text() + " (unsaved changes)")
        self.save_button.setEnabled(self.editing)
        self.close_button.setEnabled(self.editing)
        self.form_delete_button.setEnabled(self.editing and not form.is_new)

    def show_problems(self, errors: Sequence[FieldError]) -> None:
        """Say the record was not saved, mark each field's problem, and scroll to the first."""
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        self.save_error.show_error(
            f"The {self._noun} was not saved: {count} {noun} to correct, shown below."
        )
        first = self._form.show_errors(errors)
        if first is not None:
            self._reveal(first)

    def focus_form(self) -> None:
        """Put the keyboard in the form's first field."""
        first = self._form.first_input()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.form_scroll.ensureWidgetVisible(first)

    def _reveal(self, widget: QWidget) -> None:
        """Scroll the form so `widget` (the first error's field) and its message show."""
        # The error labels just shown change the form's height: lay it out first, or the
        # scroll would aim at where the field was.
        layout = self._form.layout()
        if layout is not None:
            layout.activate()
        row = _field_row_of(widget, self._form)
        if row is not None:
            self.form_scroll.ensureWidgetVisible(row, 0, 8)
        self.form_scroll.ensureWidgetVisible(widget, 0, 24)


class ListSplitter(QSplitter):
    """The list beside the edit panel. Until the user drags the divider, the list gets most
    of the room while no record is open, and the form (two columns of fields) while one is."""

    def __init__(self, table: QTableView, panel: RecordPanel) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._table = table
        self._panel = panel
        # Small enough for a laptop beside the form; the splitter never hides either pane.
        table.setMinimumWidth(LIST_MIN_WIDTH)
        self.addWidget(table)
        self.addWidget(panel)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setChildrenCollapsible(False)
        self._user_split = False
        self._sized = False
        self.splitterMoved.connect(self._moved)
        panel.currentChanged.connect(lambda _index: self.share_width())

    def first_shown(self) -> None:
        """Share the width on the screen's first show."""
        if not self._sized:
            self._sized = True
            self.share_width()

    def share_width(self) -> None:
        """Give the list and the panel their shares of the width (unless the user chose)."""
        if self._user_split:
            return
        width = max(self.width(), LIST_MIN_WIDTH + PANEL_MIN_WIDTH)
        if self._panel.editing:
            # The form's two columns of fields need more room than the list; the list keeps
            # its first two columns whole (a review's title and type at 1024 px) as long as
            # the form keeps its least width, and the form one field a row.
            least = self._panel.least_editing_width()
            listed = min(width - least, self._first_columns_width(2))
            kept = max(LIST_MIN_WIDTH, min(max(width // 3, listed), width - least))
            sizes = [kept, width - kept]
        else:
            # With nothing open the list shows every column whole when the hint beside it
            # keeps its least room: the agencies' right-aligned Members numbers were cut by
            # the list's right edge at 1024 px.
            model = self._table.model()
            every = self._first_columns_width(model.columnCount() if model else 0)
            listed = max(width * 3 // 5, min(every, width - PANEL_MIN_WIDTH // 2))
            sizes = [listed, width - listed]
        self.setSizes(sizes)

    def _moved(self, _pos: int, _index: int) -> None:
        self._user_split = True

    def _first_columns_width(self, count: int) -> int:
        header = self._table.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)][:count]
        columns = sum(header.sectionSize(c) for c in shown)
        scroll_bar = self._table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return columns + 2 * self._table.frameWidth() + scroll_bar
