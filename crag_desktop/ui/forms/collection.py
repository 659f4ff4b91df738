"""The editor of a record's nested items (a referral's children, a review's parallel
processes, a recommendation's actions...): one card per item, its fields laid out as a small
form, edited in place.

A table of inputs was tried first: at 1024 px its choices read "Child prot…" and its
headings "Age…", whole only on hover. A card gives each field its label and the room its
longest choice needs; when the form is narrow the card's fields go one under the other
rather than being squeezed, so nothing is cut and nothing scrolls sideways.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.vocabulary import Vocabulary
from crag_desktop.ui.forms.fields import (
    Blocked,
    TextLine,
    WrappingText,
    choice_combo,
    combo_code,
    focus_leaves,
    mark_invalid,
    set_combo_code,
    set_style_property,
    whole_width,
)
from crag_desktop.ui.widgets import (
    ErrorLabel,
    FieldRow,
    UkDateEdit,
    WheelGuard,
    guard_wheel,
    on_edit,
)

__all__ = ["Cell", "CellKind", "CollectionEditor", "RowValues"]


class CellKind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"  # a whole number or "not known"
    CHOICE = "choice"
    CHECK = "check"
    DATE = "date"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One field of an item; `name` is the record field (and the error path)."""

    name: str
    title: str
    kind: CellKind = CellKind.TEXT
    vocabulary: type[Vocabulary] | None = None
    maximum: int = 99
    #: A free text that reads best on a line of its own (a reason, a description).
    wide: bool = False
    #: For a CHOICE without an "unknown" code: a first, empty entry ("Choose the clock"), so
    #: that a new item never starts on a real value nobody chose.
    empty: str | None = None


#: An item's raw values, as typed: text, int | None, a code, a bool, or date text.
RowValues = dict[str, object]


class _Card(QFrame):
    """One item: a heading ("Child 2") with its Remove button, then its fields, as many side
    by side as fit the card's width (one under the other when narrow); a wide text has a
    line of its own."""

    def __init__(self, fields: Sequence[tuple[QWidget, bool]], remove: QPushButton) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.heading.setProperty("role", "cardHeading")
        self.remove_button = remove
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(remove)
        self._fields = list(fields)
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(_FIELD_SPACING)
        self._grid.setVerticalSpacing(8)
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(10, 6, 10, 10)
        self._outer.setSpacing(6)
        self._outer.addLayout(top)
        self._outer.addLayout(self._grid)
        self._columns = 0
        self._arrange(1)

    def _field_width(self) -> int:
        """The width a column needs: the widest of the narrow fields' least widths."""
        narrow = [w for w, wide in self._fields if not wide]
        return max((whole_width(w) for w in narrow), default=0)

    def _columns_for(self, width: int) -> int:
        inner = width - self._sides()
        column = self._field_width()
        if column <= 0:
            return 1
        fit = (inner + _FIELD_SPACING) // (column + _FIELD_SPACING)
        return max(1, min(fit, _MAX_CARD_COLUMNS))

    def _sides(self) -> int:
        margins = self.contentsMargins()
        inner = self._outer.contentsMargins()
        return margins.left() + margins.right() + inner.left() + inner.right()

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for widget, _wide in self._fields:
            self._grid.removeWidget(widget)
        row = column = 0
        for widget, wide in self._fields:
            if wide:
                if column:
                    row, column = row + 1, 0
                self._grid.addWidget(widget, row, 0, 1, columns, Qt.AlignmentFlag.AlignTop)
                row += 1
                continue
            self._grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignTop)
            column += 1
            if column == columns:
                row, column = row + 1, 0
        for c in range(_MAX_CARD_COLUMNS):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def minimumSizeHint(self) -> QSize:
        """As narrow as one field a line allows (the fields then go one under the other)."""
        hint = super().minimumSizeHint()
        single = max((w.minimumSizeHint().width() for w, _wide in self._fields), default=0)
        top = self.heading.minimumSizeHint().width() + 12 + self.remove_button.sizeHint().width()
        return QSize(min(hint.width(), max(single, top) + self._sides()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """As many fields side by side as fit."""
        self._arrange(self._columns_for(event.size().width()))
        super().resizeEvent(event)


class CollectionEditor(QWidget):
    """A record's nested items (children, parallel processes...), one card each, with an
    Add button under them and a Remove button on each card; each input has its own label and
    accessible name ("Child 2 sex")."""

    changed = Signal()
    #: Items were added or removed (the form's tab order must follow).
    rows_changed = Signal()
    #: The item being worked on changed (its row, or -1 when none).
    current_row_changed = Signal(int)

    def __init__(self, *, cells: Sequence[Cell], noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cells = tuple(cells)
        self._noun = noun
        self._wheel_guard = WheelGuard(self)
        self._cards: list[_Card] = []
        self._inputs: list[dict[str, QWidget]] = []
        self._current = -1
        self._error_lines: list[tuple[QWidget | None, str]] = []
        self.empty_label = QLabel(f"No {_plural(noun)} listed.")
        self.empty_label.setProperty("role", "hint")
        self.add_button = QPushButton(f"Add {noun}")
        self.add_button.setAccessibleName(f"Add {noun}")
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        self.error_label = ErrorLabel()
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.setSpacing(8)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._cards_layout)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.setFocusProxy(self.add_button)

    @property
    def noun(self) -> str:
        """What one item is called ("child")."""
        return self._noun

    def row_count(self) -> int:
        """How many items are listed."""
        return len(self._cards)

    def card(self, row: int) -> QFrame:
        """The card of item `row`."""
        return self._cards[row]

    def remove_button(self, row: int) -> QPushButton:
        """The Remove button on item `row`'s card."""
        return self._cards[row].remove_button

    def cell_widget(self, row: int, name: str) -> QWidget:
        """The input of item `row` for field `name`."""
        return self._inputs[row][name]

    def focus_widgets(self) -> list[QWidget]:
        """Every input, item by item, each item's Remove button after its fields, then Add:
        the order Tab takes."""
        widgets: list[QWidget] = []
        for card, inputs in zip(self._cards, self._inputs, strict=True):
            for cell in self._cells:
                widgets.extend(focus_leaves(inputs[cell.name]))
            widgets.append(card.remove_button)
        return [*widgets, self.add_button]

    def rows(self) -> list[RowValues]:
        """Every item's raw values."""
        return [
            {cell.name: _read(inputs[cell.name]) for cell in self._cells} for inputs in self._inputs
        ]

    def set_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Replace the items (no change signal: loading is not editing)."""
        with Blocked(self):
            while self._cards:
                self._drop(len(self._cards) - 1)
            for values in rows:
                self.add_row(values)
        self._set_current(0 if self._cards else -1)
        self.clear_errors()
        self.rows_changed.emit()

    def add_row(self, values: Mapping[str, object] | None = None, *, focus: bool = False) -> None:
        """Append an item (blank, or with `values`)."""
        inputs: dict[str, QWidget] = {}
        fields: list[tuple[QWidget, bool]] = []
        for cell in self._cells:
            widget = self._make(cell)
            if isinstance(widget, QAbstractSpinBox | QComboBox):
                guard_wheel(widget, self._wheel_guard)
            on_edit(widget, lambda *_a, w=widget: self._cell_edited(w))
            for leaf in focus_leaves(widget):
                leaf.installEventFilter(self)
            inputs[cell.name] = widget
            shown: QWidget = widget
            if cell.kind is not CellKind.CHECK:
                # The label above its input, as on the rest of the form.
                shown = FieldRow(label=f"{cell.title}:", field=widget)
            fields.append((shown, cell.wide))
        remove = QPushButton("Remove")
        remove.installEventFilter(self)
        card = _Card(fields, remove)
        remove.clicked.connect(lambda: self.remove_row(self._cards.index(card)))
        # Filled once every input exists, quietly: a half-built item must not be read.
        with Blocked(self):
            for cell in self._cells:
                if values is not None and cell.name in values:
                    _write(inputs[cell.name], cell, values[cell.name])
        self._cards.append(card)
        self._inputs.append(inputs)
        self._cards_layout.addWidget(card)
        # Shown now, not when the layout gets round to it: the keyboard may reach its inputs
        # before the next event (Tab straight after Add went past a card not yet shown).
        card.show()
        self._rename()
        self.rows_changed.emit()
        row = len(self._cards) - 1
        if focus:
            first = focus_leaves(inputs[self._cells[0].name])
            (first[0] if first else remove).setFocus(Qt.FocusReason.OtherFocusReason)
        if focus or self._current < 0:
            self._set_current(row)
        self.changed.emit()

    def current_row(self) -> int:
        """The item being worked on: the one last given the keyboard (-1 when none)."""
        return self._current

    def set_current_row(self, row: int) -> None:
        """Make `row` the item being worked on (the last when out of range)."""
        if self._cards:
            self._set_current(min(max(row, 0), len(self._cards) - 1))

    def remove_current(self) -> None:
        """Remove the item being worked on (the last when none is)."""
        row = self._current if 0 <= self._current < len(self._cards) else len(self._cards) - 1
        if row >= 0:
            self.remove_row(row)

    def remove_row(self, row: int) -> None:
        """Remove item `row`, unless `refusal` has a reason to keep it; the keyboard goes to
        the next item's Remove button (or Add when none is left)."""
        reason = self.refusal(row)
        if reason:
            self.error_label.show_error(reason)
            return
        self.error_label.clear_error()
        had_focus = self.isAncestorOf(QApplication.focusWidget() or self)
        self._drop(row)
        self._rename()
        self.rows_changed.emit()
        self._current = -1
        self._set_current(min(row, len(self._cards) - 1))
        if had_focus:
            target = self._cards[self._current].remove_button if self._cards else self.add_button
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def refusal(self, row: int) -> str:
        """Why item `row` may not be removed ("" when it may)."""
        del row
        return ""

    def clear_errors(self) -> None:
        """Hide every error."""
        self._error_lines = []
        self.error_label.clear_error()
        for inputs in self._inputs:
            for widget in inputs.values():
                if widget.property("invalid"):
                    mark_invalid(widget, False)

    def show_errors(self, errors: Sequence[tuple[str, str]]) -> QWidget:
        """Show errors given as (sub-path, message), e.g. ("[1].age_years", "must be ...");
        returns the widget to focus."""
        self._error_lines = []
        focus: QWidget = self.add_button
        titles = {c.name: c.title for c in self._cells}
        for sub_path, message in errors:
            match = re.match(r"^\[(\d+)\]\.?([A-Za-z_]*)", sub_path)
            if match is None:
                self._error_lines.append((None, f"{self._noun.capitalize()}s: {message}"))
                continue
            row, name = int(match.group(1)), match.group(2)
            where = f"{self._noun.capitalize()} {row + 1}"
            if name in titles:
                where += f", {titles[name].lower()}"
            widget: QWidget | None = None
            if row < len(self._cards) and name in titles:
                widget = self.cell_widget(row, name)
                mark_invalid(widget, True)
                if focus is self.add_button:
                    focus = widget
            self._error_lines.append((widget, f"{where}: {message}"))
        self._show_error_lines()
        return focus

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The item whose input gains the keyboard becomes the one being worked on."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            for row, card in enumerate(self._cards):
                if card.isAncestorOf(watched):
                    self._set_current(row)
                    break
        return super().eventFilter(watched, event)

    # --- inputs -----------------------------------------------------------------------------

    def _make(self, cell: Cell) -> QWidget:
        """A new input for `cell` (subclasses make their own for some fields)."""
        widget: QWidget
        if cell.kind is CellKind.TEXT and cell.wide:
            text = WrappingText()
            text.textChanged.connect(self._edited)
            widget = text
        elif cell.kind is CellKind.TEXT:
            line = TextLine()
            line.textChanged.connect(self._edited)
            widget = line
        elif cell.kind is CellKind.NUMBER:
            spin = QSpinBox()
            # One below the minimum means "not known": ages are often unknown at referral.
            spin.setRange(-1, cell.maximum)
            spin.setSpecialValueText("Not known")
            spin.setValue(-1)
            spin.setAccessibleDescription("A number, or Not known; Up and Down step it")
            spin.valueChanged.connect(self._edited)
            widget = spin
        elif cell.kind is CellKind.CHOICE:
            assert cell.vocabulary is not None
            combo = choice_combo(cell.vocabulary, empty=cell.empty)
            set_combo_code(combo, _default_code(cell))
            combo.currentIndexChanged.connect(self._edited)
            widget = combo
        elif cell.kind is CellKind.CHECK:
            check = QCheckBox(cell.title)
            check.toggled.connect(self._edited)
            widget = check
        else:
            date = UkDateEdit(accessible_name=cell.title)
            date.line_edit.textChanged.connect(self._edited)
            widget = date
        return widget

    def _edited(self, *_args: object) -> None:
        if not self.signalsBlocked():
            self.changed.emit()

    def _cell_edited(self, widget: QWidget) -> None:
        # The mistake in this input is being put right: stop reporting it.
        if not widget.property("invalid"):
            return
        mark_invalid(widget, False)
        self._error_lines = [(w, line) for w, line in self._error_lines if w is not widget]
        self._show_error_lines()

    def _show_error_lines(self) -> None:
        if self._error_lines:
            self.error_label.show_error("\n".join(line for _w, line in self._error_lines))
        else:
            self.error_label.clear_error()

    def _drop(self, row: int) -> None:
        card = self._cards.pop(row)
        self._inputs.pop(row)
        self._cards_layout.removeWidget(card)
        card.hide()
        card.deleteLater()

    def _set_current(self, row: int) -> None:
        for index, card in enumerate(self._cards):
            current = index == row
            if bool(card.property("current")) != current:
                # The item being worked on is drawn apart (a recommendation's form shows
                # that action's updates under the cards).
                set_style_property(card, "current", current)
        if row != self._current:
            self._current = row
            self.current_row_changed.emit(row)

    def _rename(self) -> None:
        # Screen readers announce "Child 2 age (years)" rather than an anonymous input.
        noun = self._noun.capitalize()
        for row, (card, inputs) in enumerate(zip(self._cards, self._inputs, strict=True)):
            card.heading.setText(f"{noun} {row + 1}")
            card.remove_button.setAccessibleName(f"Remove {self._noun} {row + 1}")
            for cell in self._cells:
                widget = inputs[cell.name]
                title = cell.title[:1].lower() + cell.title[1:]
                target = widget.focusProxy() or widget
                target.setAccessibleName(f"{noun} {row + 1} {title}")
        self.empty_label.setVisible(not self._cards)


def _read(widget: QWidget) -> object:
    if isinstance(widget, QLineEdit | WrappingText):
        return widget.text()
    if isinstance(widget, QSpinBox):
        return None if widget.value() < 0 else widget.value()
    if isinstance(widget, QComboBox):
        return combo_code(widget)
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, UkDateEdit):
        return widget.line_edit.text().strip()
    raise TypeError(type(widget).__name__)


def _write(widget: QWidget, cell: Cell, value: object) -> None:
    if isinstance(widget, QLineEdit | WrappingText):
        widget.setText("" if value is None else str(value))
        if isinstance(widget, TextLine):
            widget.show_start()
    elif isinstance(widget, QSpinBox):
        widget.setValue(-1 if value is None else int(str(value)))
    elif isinstance(widget, QComboBox):
        # No value (an old draft) keeps the item's explicit default, never the first entry.
        set_combo_code(widget, _default_code(cell) if value is None else value)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, UkDateEdit):
        widget.line_edit.setText("" if value is None else str(value))


def _default_code(cell: Cell) -> str | None:
    """A new item's choice: the vocabulary's "unknown" when it has one, else the empty entry
    (None), else its first code."""
    if cell.vocabulary is None:
        return None
    codes = cell.vocabulary.codes()
    if "unknown" in codes:
        return "unknown"
    if cell.empty is not None or not codes:
        return None
    return codes[0]


def _plural(noun: str) -> str:
    if noun == "child":
        return "children"
    return f"{noun}es" if noun.endswith("s") else f"{noun}s"


#: Space between fields side by side on a card.
_FIELD_SPACING = 16
#: At most this many fields side by side, however wide the form.
_MAX_CARD_COLUMNS = 3
