"""What every record form shares: errors at their fields, dirty tracking, autosaved drafts,
the unsaved-changes question, and small editors for a record's nested collections.

A form never saves: it builds a record from what was typed (`record()`), and the screen hands
that to the record service. What the form does keep by itself is a *draft* of the raw typing
(`payload()`), autosaved to the encrypted database every few seconds, so a crash or a flat
battery loses nothing; opening the same record (or a new one) again offers the draft back.
"""

from __future__ import annotations

import enum
import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, FieldError
from crag_desktop.domain.vocabulary import Vocabulary
from crag_desktop.domain.wording import short_date_time
from crag_desktop.services.drafts import DraftService
from crag_desktop.ui.prompts import Prompter, UnsavedChoice
from crag_desktop.ui.widgets import (
    ErrorLabel,
    FieldRow,
    UkDateEdit,
    WheelGuard,
    guard_wheel,
    on_edit,
)

__all__ = [
    "Cell",
    "CellCombo",
    "CellKind",
    "CheckList",
    "CollectionEditor",
    "RecordForm",
    "UnsavedChoice",
    "ask_unsaved_changes",
    "choice_combo",
    "combo_code",
    "section",
    "set_combo_code",
]

R = TypeVar("R")

#: Autosave interval in the app; tests pass a few milliseconds.
AUTOSAVE_MS = 5000


def ask_unsaved_changes(prompter: Prompter, what: str) -> UnsavedChoice:
    """Save, Discard or Cancel for unsaved changes to `what`."""
    return prompter.ask_save_discard_cancel(f"Save the changes to {what}?")


# --- small widgets ----------------------------------------------------------------------------


def choice_combo(
    vocabulary: type[Vocabulary], *, empty: str | None = None, combo: QComboBox | None = None
) -> QComboBox:
    """A combo box of a vocabulary's labels holding its codes (an optional empty entry first);
    `combo` fills a given (empty) combo box instead of a new one."""
    combo = QComboBox() if combo is None else combo
    if empty is not None:
        combo.addItem(empty, None)
    for member in vocabulary:
        combo.addItem(member.label, member.value)
    return combo


def combo_code(combo: QComboBox) -> str | None:
    """The code (item data) chosen in `combo`."""
    data = combo.currentData()
    return None if data is None else str(data)


def set_combo_code(combo: QComboBox, code: object) -> None:
    """Choose the item whose data is `code` (the first item when there is none)."""
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


class _Section(QGroupBox):
    """A titled group of fields, two to a row when the form is wide enough and one under
    the other when it is not (a 1024 px window): the form never scrolls sideways."""

    def __init__(self, title: str, rows: Sequence[Sequence[QWidget]]) -> None:
        super().__init__(title)
        self._rows = [list(widgets) for widgets in rows]
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(10)
        self._columns = 0
        self._arrange(2)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for widgets in self._rows:
            for widget in widgets:
                self._grid.removeWidget(widget)
        r = 0
        for widgets in self._rows:
            if columns == 2:
                span = 2 if len(widgets) == 1 else 1
                for c, widget in enumerate(widgets):
                    self._grid.addWidget(widget, r, c, 1, span, Qt.AlignmentFlag.AlignTop)
                r += 1
            else:
                for widget in widgets:
                    self._grid.addWidget(widget, r, 0, 1, 2, Qt.AlignmentFlag.AlignTop)
                    r += 1
        self._grid.setColumnStretch(0, 1)
        self._grid.setColumnStretch(1, 1)

    def _two_column_width(self) -> int:
        """The width two fields a row need: each column as wide as its widest field (the
        columns need not be equal), a field spanning both no wider than the two."""
        margins = self.contentsMargins()
        pairs = [widgets for widgets in self._rows if len(widgets) == 2]
        first = max((w[0].minimumSizeHint().width() for w in pairs), default=0)
        second = max((w[1].minimumSizeHint().width() for w in pairs), default=0)
        spanning = max(
            (w[0].minimumSizeHint().width() for w in self._rows if len(w) == 1), default=0
        )
        both = first + self._grid.horizontalSpacing() + second if pairs else 0
        # The grid's own margins come inside the box's: without them two fields went side
        # by side 3 px too early and a label lost its last letters.
        inner = self._grid.contentsMargins()
        sides = margins.left() + margins.right() + inner.left() + inner.right()
        return max(both, spanning) + sides

    def minimumSizeHint(self) -> QSize:
        """As narrow as one field a row allows."""
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        single = max(
            (w.minimumSizeHint().width() for widgets in self._rows for w in widgets), default=0
        )
        return QSize(min(hint.width(), single + margins.left() + margins.right()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Two fields a row when they fit side by side, else one."""
        self._arrange(2 if event.size().width() >= self._two_column_width() else 1)
        super().resizeEvent(event)


def section(title: str, rows: Sequence[Sequence[QWidget]]) -> QGroupBox:
    """A titled group of fields laid out in rows (one or two fields a row, one when narrow)."""
    return _Section(title, rows)


class CheckList(QListWidget):
    """A list of check boxes, one per (code, label); Space ticks the current one."""

    changed = Signal()

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.itemChanged.connect(lambda _item: self.changed.emit())
        self._extra: list[str] = []
        self._order: list[str] = []

    def set_items(self, items: Iterable[tuple[str, str]]) -> None:
        """Offer these (code, label) entries, none ticked."""
        with _Blocked(self):
            self.clear()
            for code, label in items:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, code)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(Qt.CheckState.Unchecked)
                self.addItem(item)
        rows = min(max(self.count(), 3), 7)
        self.setFixedHeight(rows * 26 + 8)

    def checked(self) -> list[str]:
        """The ticked codes: those loaded keep their stored order (a record's order is its
        own), newly ticked ones follow in list order, then codes the list does not offer."""
        ticked = [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]
        kept = [code for code in self._order if code in ticked]
        return kept + [code for code in ticked if code not in kept] + self._extra

    def set_checked(self, codes: Iterable[str]) -> None:
        """Tick exactly `codes`; codes not offered are kept so saving loses nothing."""
        wanted = list(codes)
        offered = set()
        with _Blocked(self):
            for i in range(self.count()):
                item = self.item(i)
                code = str(item.data(Qt.ItemDataRole.UserRole))
                offered.add(code)
                state = Qt.CheckState.Checked if code in wanted else Qt.CheckState.Unchecked
                item.setCheckState(state)
        self._extra = [code for code in wanted if code not in offered]
        self._order = [code for code in wanted if code in offered]


def focus_leaves(widget: QWidget) -> list[QWidget]:
    """The widgets Tab stops at inside `widget`, in order."""
    if isinstance(widget, UkDateEdit):
        # The calendar button is no Tab stop (Alt+Down opens the calendar).
        return [widget.line_edit]
    leaves = widget.focus_widgets() if isinstance(widget, CollectionEditor) else [widget]
    # Qt ignores a tab-order link to a widget that takes no focus, breaking the chain there.
    return [w for w in leaves if w.focusPolicy() != Qt.FocusPolicy.NoFocus]


class _Blocked:
    """Block a widget's signals for a `with` block (loading values is not an edit)."""

    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._was = False

    def __enter__(self) -> None:
        self._was = self._widget.blockSignals(True)

    def __exit__(self, *_exc: object) -> None:
        self._widget.blockSignals(self._was)


# --- collection editors -----------------------------------------------------------------------


class CellCombo(QComboBox):
    """A choice in a table cell: squeezed, it reads "Child prot…" with the whole label as its
    hover text, rather than being cut to "Child prot" or "Un"."""

    def __init__(self) -> None:
        super().__init__()
        self.currentTextChanged.connect(self._update_tip)

    def shown_text(self) -> str:
        """The current label as drawn: whole, or elided to the room the cell gives it."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, field.width()
        )

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw as QComboBox does, with the label elided."""
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower cell may now elide the label: the hover text follows."""
        super().resizeEvent(event)
        self._update_tip()

    def _update_tip(self, *_args: object) -> None:
        text = self.currentText()
        self.setToolTip(text if self.shown_text() != text else "")


class _CellLine(QLineEdit):
    """A text in a table cell: its start shows when loaded, and a text longer than the cell
    is whole in the hover text."""

    def __init__(self) -> None:
        super().__init__()
        self.textChanged.connect(self._update_tip)

    def show_start(self) -> None:
        """Show the text from its beginning (after loading, the cursor sits at its end)."""
        self.setCursorPosition(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower cell may now cut the text: the hover text follows."""
        super().resizeEvent(event)
        self._update_tip()

    def _update_tip(self, *_args: object) -> None:
        text = self.text()
        # The line edit's own margins and frame: what is left is the room for text.
        room = self.contentsRect().width() - 8
        self.setToolTip(text if self.fontMetrics().horizontalAdvance(text) > room else "")


class CellKind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"  # a whole number or "not known"
    CHOICE = "choice"
    CHECK = "check"
    DATE = "date"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One column of a collection editor; `name` is the record field (and the error path)."""

    name: str
    title: str
    kind: CellKind = CellKind.TEXT
    vocabulary: type[Vocabulary] | None = None
    maximum: int = 99
    #: Unused: columns size themselves to the form (kept so existing cell lists still read).
    width: int = 0
    #: For a CHOICE without an "unknown" code: a first, empty entry ("Choose the clock"), so
    #: that a new row never starts on a real value nobody chose.
    empty: str | None = None


#: A row of raw values, as typed: text, int | None, a code, a bool, or date text.
RowValues = dict[str, object]


class CollectionEditor(QWidget):
    """A small table of a record's nested items (children, parallel processes...) with Add
    and Remove buttons; each cell is a real input with its own accessible name."""

    changed = Signal()
    #: Rows were added or removed (the form's tab order must follow).
    rows_changed = Signal()

    def __init__(self, *, cells: Sequence[Cell], noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cells = tuple(cells)
        self._noun = noun
        self._wheel_guard = WheelGuard(self)
        self.table = QTableWidget(0, len(self._cells))
        for column, cell in enumerate(self._cells):
            # Long headings go on two lines rather than being cut ("the t…"); the hover text
            # and the accessible names keep the title whole.
            item = QTableWidgetItem(_two_lines(cell.title))
            item.setToolTip(cell.title)
            self.table.setHorizontalHeaderItem(column, item)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves a cell for the next input, not the next cell of the (empty) item grid.
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(_ROW_HEIGHT)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAccessibleName(f"{noun.capitalize()} list")
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        # Squeezed, a tick or an elided choice may be narrower than Qt's default least.
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        # Headings over short inputs ("Age (years)" over "4"): less padding than a list's, so
        # that more of them fit whole in a narrow form.
        header.setStyleSheet("QHeaderView::section { padding: 4px 3px; }")
        # The viewport, not the table: its new width is known only once the table has
        # handled its own resize.
        self.table.viewport().installEventFilter(self)
        self._probes: dict[int, QWidget] = {}
        self._heading_needs: dict[int, int] = {}
        self._error_lines: list[tuple[QWidget | None, str]] = []
        self.add_button = QPushButton(f"Add {noun}")
        self.add_button.setAccessibleName(f"Add {noun}")
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        self.remove_button = QPushButton(f"Remove {noun}")
        self.remove_button.setAccessibleName(f"Remove selected {noun}")
        self.remove_button.clicked.connect(self.remove_current)
        self.error_label = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.setFocusProxy(self.table)
        self._fit_height()

    @property
    def noun(self) -> str:
        """What one item is called ("child")."""
        return self._noun

    def row_count(self) -> int:
        """How many items are listed."""
        return self.table.rowCount()

    def cell_widget(self, row: int, name: str) -> QWidget:
        """The input of `row` for field `name`."""
        column = next(i for i, c in enumerate(self._cells) if c.name == name)
        widget = self.table.cellWidget(row, column)
        assert widget is not None
        return widget

    def focus_widgets(self) -> list[QWidget]:
        """Every input, row by row, then the buttons: the order Tab takes."""
        widgets: list[QWidget] = []
        for row in range(self.table.rowCount()):
            for column in range(len(self._cells)):
                cell = self.table.cellWidget(row, column)
                if cell is not None:
                    widgets.extend(focus_leaves(cell))
        return [*widgets, self.add_button, self.remove_button]

    def rows(self) -> list[RowValues]:
        """Every item's raw values."""
        return [
            {cell.name: self._read(row, column) for column, cell in enumerate(self._cells)}
            for row in range(self.table.rowCount())
        ]

    def set_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Replace the items (no change signal: loading is not editing)."""
        with _Blocked(self):
            self.table.setRowCount(0)
            for values in rows:
                self.add_row(values)
        self.clear_errors()
        self.rows_changed.emit()

    def add_row(self, values: Mapping[str, object] | None = None, *, focus: bool = False) -> None:
        """Append an item (blank, or with `values`)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, cell in enumerate(self._cells):
            widget = self._make(cell)
            _compact(widget)
            if isinstance(widget, QAbstractSpinBox | QComboBox):
                guard_wheel(widget, self._wheel_guard)
            on_edit(widget, lambda *_a, w=widget: self._cell_edited(w))
            self.table.setCellWidget(row, column, widget)
        # Filled once every input exists, quietly: a half-built row must not be read.
        with _Blocked(self):
            for column, cell in enumerate(self._cells):
                if values is not None and cell.name in values:
                    self._write(self.table.cellWidget(row, column), cell, values[cell.name])
        self._rename()
        self._fit_columns()
        self._fit_height()
        self.rows_changed.emit()
        # Making a row current focuses its first input (Qt edits an index widget when it
        # becomes current): loading a record must not take the keyboard from the list.
        had_focus = QApplication.focusWidget()
        self.table.selectRow(row)
        if not focus and had_focus is not None and QApplication.focusWidget() is not had_focus:
            had_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        if focus:
            self.cell_widget(row, self._cells[0].name).setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def remove_current(self) -> None:
        """Remove the selected item."""
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row < 0:
            return
        self.table.removeRow(row)
        self._rename()
        self._fit_height()
        self.rows_changed.emit()
        self.changed.emit()

    def clear_errors(self) -> None:
        """Hide every error."""
        self._error_lines = []
        self.error_label.clear_error()
        for row in range(self.table.rowCount()):
            for column in range(len(self._cells)):
                widget = self.table.cellWidget(row, column)
                if widget is not None and widget.property("invalid"):
                    _mark(widget, False)

    def show_errors(self, errors: Sequence[tuple[str, str]]) -> QWidget:
        """Show errors given as (sub-path, message), e.g. ("[1].age_years", "must be ...");
        returns the widget to focus."""
        self._error_lines = []
        focus: QWidget = self.table
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
            if row < self.table.rowCount() and name in titles:
                widget = self.cell_widget(row, name)
                _mark(widget, True)
                if focus is self.table:
                    focus = widget
            self._error_lines.append((widget, f"{where}: {message}"))
        self._show_error_lines()
        return focus

    def _show_error_lines(self) -> None:
        if self._error_lines:
            self.error_label.show_error("\n".join(line for _w, line in self._error_lines))
        else:
            self.error_label.clear_error()

    def _cell_edited(self, widget: QWidget) -> None:
        if isinstance(widget, QSpinBox):
            # "Not known" needs more room than a number.
            self._fit_columns()
        # The mistake in this cell is being put right: stop reporting it.
        if not widget.property("invalid"):
            return
        _mark(widget, False)
        self._error_lines = [(w, line) for w, line in self._error_lines if w is not widget]
        self._show_error_lines()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the table tall enough for its rows when a scroll bar comes or goes."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
            self._fit_height()
        return super().eventFilter(watched, event)

    # --- cells ------------------------------------------------------------------------------

    def _make(self, cell: Cell) -> QWidget:
        widget: QWidget
        if cell.kind is CellKind.TEXT:
            line = _CellLine()
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
            combo = choice_combo(cell.vocabulary, empty=cell.empty, combo=CellCombo())
            set_combo_code(combo, _default_code(cell))
            combo.currentIndexChanged.connect(self._edited)
            widget = combo
        elif cell.kind is CellKind.CHECK:
            # The column heading says what the box means; the accessible name says it too.
            check = QCheckBox()
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

    def _read(self, row: int, column: int) -> object:
        widget = self.table.cellWidget(row, column)
        kind = self._cells[column].kind
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QSpinBox):
            return None if widget.value() < 0 else widget.value()
        if isinstance(widget, QComboBox):
            return combo_code(widget)
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, UkDateEdit):
            return widget.line_edit.text().strip()
        raise TypeError(kind)

    def _write(self, widget: QWidget, cell: Cell, value: object) -> None:
        if isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
            if isinstance(widget, _CellLine):
                widget.show_start()
        elif isinstance(widget, QSpinBox):
            widget.setValue(-1 if value is None else int(str(value)))
        elif isinstance(widget, QComboBox):
            # No value (an old draft) keeps the row's explicit default, never the first entry.
            set_combo_code(widget, _default_code(cell) if value is None else value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, UkDateEdit):
            widget.line_edit.setText("" if value is None else str(value))

    def _rename(self) -> None:
        # Screen readers announce "Child 2 age (years)" rather than an anonymous cell.
        for row in range(self.table.rowCount()):
            for column, cell in enumerate(self._cells):
                widget = self.table.cellWidget(row, column)
                if widget is None:
                    continue
                title = cell.title[:1].lower() + cell.title[1:]
                name = f"{self._noun.capitalize()} {row + 1} {title}"
                target = widget.focusProxy() or widget
                target.setAccessibleName(name)
        self.remove_button.setEnabled(self.table.rowCount() > 0)

    def _fit_columns(self) -> None:
        """Share the table's width out so that every column shows without scrolling
        sideways: short coded columns (choices, numbers, dates, ticks) get what their
        longest label and heading need, free text gets the rest. Squeezed (a 1024 px
        window), each column gives up room down to its least: a choice then reads
        "Child prot…" and a text or heading shows whole on hover, while a number keeps room
        for "Not known" and a date for the whole date. Narrower still, only the columns
        that can elide give up more; the table never scrolls sideways."""
        header = self.table.horizontalHeader()
        available = self.table.viewport().width()
        if available <= 0:
            return
        needs = [self._column_need(c) for c in range(len(self._cells))]
        # Every column keeps room for at least its heading's start ("Age…", whole on hover).
        floors = [
            min(max(self._column_floor(c), _COLUMN_FLOOR), need) for c, need in enumerate(needs)
        ]
        texts = [c for c, cell in enumerate(self._cells) if cell.kind is CellKind.TEXT]
        widths = list(needs)
        spare = available - sum(needs)
        if spare >= 0:
            growing = texts or [len(widths) - 1]
            for i, column in enumerate(growing):
                widths[column] += spare // len(growing) + (1 if i < spare % len(growing) else 0)
        elif sum(floors) <= available:
            # Free text gives up room first, then ticks under their headings, then choices
            # (sex, legal status): a coded column keeps its longest label while it can.
            deficit = -spare
            for kinds in _SQUEEZE_ORDER:
                group = [c for c, cell in enumerate(self._cells) if cell.kind in kinds]
                slack = sum(needs[c] - floors[c] for c in group)
                if slack <= 0 or deficit <= 0:
                    continue
                taken = min(deficit, slack)
                for column in group:
                    widths[column] -= -(-(needs[column] - floors[column]) * taken // slack)
                deficit -= taken
        else:
            elidable = [c for c, cell in enumerate(self._cells) if cell.kind in _ELIDABLE]
            fixed = sum(f for c, f in enumerate(floors) if c not in elidable)
            shared = sum(floors[c] for c in elidable) or 1
            room = max(available - fixed, 0)
            for column in elidable:
                widths[column] = floors[column] * room // shared
            for column in set(range(len(widths))) - set(elidable):
                widths[column] = floors[column]
        for column, width in enumerate(widths):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
            self._show_heading(column, width)
            if self._cells[column].kind is CellKind.DATE:
                roomy = width >= self._column_floor(column) + 4 + _CALENDAR_BUTTON_WIDTH
                for row in range(self.table.rowCount()):
                    date = self.table.cellWidget(row, column)
                    if isinstance(date, UkDateEdit):
                        date.calendar_button.setVisible(roomy)

    def _column_need(self, column: int) -> int:
        """What a column needs to show its heading and its longest value whole."""
        cell = self._cells[column]
        heading = self._heading_need(column)
        if cell.kind is CellKind.TEXT:
            return max(heading, _TEXT_MIN_WIDTH)
        if cell.kind is CellKind.CHOICE:
            combo = self._probe(column)
            assert isinstance(combo, QComboBox)
            labels = [combo.itemText(i) for i in range(combo.count())]
            return max([heading, *(_combo_width(combo, label) for label in labels)])
        if cell.kind is CellKind.CHECK:
            return heading
        if cell.kind is CellKind.DATE:
            return max(heading, self._column_floor(column) + 4 + _CALENDAR_BUTTON_WIDTH)
        return max(heading, self._column_floor(column))

    def _heading_need(self, column: int) -> int:
        """The width the column's heading needs whole (on two lines when long), measured
        once, while the heading shows whole."""
        if column not in self._heading_needs:
            self._show_heading(column, None)
            self._heading_needs[column] = self.table.horizontalHeader().sectionSizeHint(column)
        return self._heading_needs[column]

    def _show_heading(self, column: int, width: int | None) -> None:
        """The heading whole, or elided on one line ("Disab…", whole on hover) when its
        column is squeezed below what it needs: cut in the middle, it read "udon"."""
        item = self.table.horizontalHeaderItem(column)
        if item is None:
            return
        title = self._cells[column].title
        text = _two_lines(title)
        need = self._heading_needs.get(column)
        if width is not None and need is not None and width < need:
            # The header's own padding, as the style sheet draws it.
            room = width - (need - self._heading_text_width(column))
            text = self.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, room)
        if item.text() != text:
            item.setText(text)

    def _heading_text_width(self, column: int) -> int:
        lines = _two_lines(self._cells[column].title).split("\n")
        return max(
            self.table.horizontalHeader().fontMetrics().horizontalAdvance(li) for li in lines
        )

    def _column_floor(self, column: int) -> int:
        """The least a column is given before the elidable columns give up more."""
        cell = self._cells[column]
        metrics = self.fontMetrics()
        if cell.kind is CellKind.NUMBER:
            # What the column's numbers show now ("Not known" in a new row), and the padding
            # the style sheet gives them: a number cannot elide, and "4" needs less room
            # than "Not known" (the column is fitted again when one changes).
            spins = [self.table.cellWidget(row, column) for row in range(self.table.rowCount())]
            shown = [spin.text() for spin in spins if isinstance(spin, QSpinBox)]
            probe = self._probe(column)
            assert isinstance(probe, QSpinBox)
            widest = max(
                [*shown, str(probe.maximum())] if shown else [probe.specialValueText()],
                key=metrics.horizontalAdvance,
            )
            return metrics.horizontalAdvance(widest) + 12
        if cell.kind is CellKind.DATE:
            # "dd/mm/yyyy" and the line edit's padding; the calendar button is dropped when
            # squeezed (Alt+Down still opens the calendar).
            return metrics.horizontalAdvance("00/00/00000") + 28
        if cell.kind is CellKind.CHOICE:
            return _CHOICE_MIN_WIDTH
        if cell.kind is CellKind.CHECK:
            return _CHECK_MIN_WIDTH
        return _TEXT_FLOOR

    def _probe(self, column: int) -> QWidget:
        """An input like the column's cells, for measuring (made once)."""
        if column not in self._probes:
            probe = self._make(self._cells[column])
            _compact(probe)
            probe.hide()
            self._probes[column] = probe
        return self._probes[column]

    def _fit_height(self) -> None:
        # Room for at least three rows under the heading (an empty or one-row table read as
        # half a row), up to six before the table scrolls; plus the sideways scroll bar when
        # the columns do not fit.
        rows = min(max(self.table.rowCount(), _MIN_ROWS), _MAX_ROWS)
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        bar = self.table.horizontalScrollBar()
        sideways = bar.sizeHint().height() if bar.maximum() > 0 else 0
        height = header + rows * _ROW_HEIGHT + frame + sideways
        if self.table.height() != height or self.table.minimumHeight() != height:
            self.table.setFixedHeight(height)


#: Height of a collection editor's row: its inputs at their natural height.
_ROW_HEIGHT = 38
_MIN_ROWS = 3
_MAX_ROWS = 6
#: Characters a choice in a collection shows before eliding; the list opens at full width.
_CELL_CHOICE_CHARS = 9
#: The narrowest a free-text column gets before the table shrinks every column.
_TEXT_MIN_WIDTH = 110
#: The least each elidable column gets before they share out what is left: a text, a
#: choice ("Fem…", whole on hover) and a tick under its elided heading.
_TEXT_FLOOR = 48
_CHOICE_MIN_WIDTH = 64
_CHECK_MIN_WIDTH = 32
_COLUMN_FLOOR = 46
#: Columns whose cells can give up room and still say what they hold (elided, whole on
#: hover): the others keep their floor.
_ELIDABLE = frozenset({CellKind.TEXT, CellKind.CHOICE, CellKind.CHECK})
#: Which columns give up room first when a table is squeezed; numbers and dates last.
_SQUEEZE_ORDER = (
    frozenset({CellKind.TEXT}),
    frozenset({CellKind.CHECK}),
    frozenset({CellKind.CHOICE}),
    frozenset({CellKind.NUMBER, CellKind.DATE}),
)
#: The date input's calendar button, as the style sheet draws it.
_CALENDAR_BUTTON_WIDTH = 30
#: Arrows cannot be drawn under the app's style sheet: no step buttons, and no room kept.
# In a narrow cell the number needs all the room: no step buttons, and none of the
# application style sheet's right padding that makes room for them.
_NO_SPIN_BUTTONS = (
    "QSpinBox { padding: 1px 4px; }"
    " QSpinBox::up-button, QSpinBox::down-button"
    " { width: 0px; border: none; subcontrol-origin: border; }"
)


def _two_lines(title: str) -> str:
    """A long heading broken at the space nearest its middle."""
    if len(title) <= 9 or " " not in title:
        return title
    middle = len(title) // 2
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return f"{title[:cut]}\n{title[cut + 1 :]}"


def _combo_width(combo: QComboBox, label: str) -> int:
    """The width `combo` needs to show `label` whole."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    metrics = combo.fontMetrics()
    text = QSize(metrics.horizontalAdvance(label) + 2, metrics.height())
    style = combo.style()
    return style.sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, combo).width()


def _compact(widget: QWidget) -> None:
    """Make a cell's input fit a narrow column and draw cleanly under the style sheet."""
    if isinstance(widget, QComboBox):
        widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        widget.setMinimumContentsLength(_CELL_CHOICE_CHARS)
        widget.view().setMinimumWidth(widget.view().sizeHintForColumn(0) + 24)
    elif isinstance(widget, QAbstractSpinBox):
        # Typing and the Up/Down keys set the number: the step buttons are drawn zero wide
        # so the text has the whole cell. (NoButtons under the application style sheet
        # squeezed the text to a single pixel: the ages were invisible.)
        widget.setStyleSheet(_NO_SPIN_BUTTONS)


def _mark(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _default_code(cell: Cell) -> str | None:
    """A new row's choice: the vocabulary's "unknown" when it has one, else the empty entry
    (None), else its first code."""
    if cell.vocabulary is None:
        return None
    codes = cell.vocabulary.codes()
    if "unknown" in codes:
        return "unknown"
    if cell.empty is not None or not codes:
        return None
    return codes[0]


# --- the form base ----------------------------------------------------------------------------


class RecordForm(QWidget, Generic[R]):
    """A record's form: subclasses build the fields, load a record, and build one back.

    Subclasses implement `_load`, `_build_record`, `payload`, `_restore_payload` and
    `describe`, register each field with `add_field` and each input with `watch`.
    """

    #: "referral", "review": draft keys and messages use it.
    RECORD_TYPE: ClassVar[str] = "record"
    NOUN: ClassVar[str] = "record"

    changed = Signal()
    dirty_changed = Signal(bool)

    def __init__(
        self,
        *,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self._prompter = prompter
        self._fields: dict[str, FieldRow] = {}
        self._collections: dict[str, CollectionEditor] = {}
        self._record_id: str | None = None
        self._is_new = True
        self._draft_key: str | None = None
        self._dirty = False
        self._loading = False
        self._autosave_pending = False
        self.general_errors = ErrorLabel()
        self._tab_sequence: list[QWidget] = []
        self._tab_exits: list[QWidget] = []
        self._autosave = QTimer(self)
        self._autosave.setInterval(autosave_ms)
        self._autosave.timeout.connect(self.autosave_now)

    # --- for subclasses -----------------------------------------------------------------------

    def _load(self, record: R | None) -> None:
        """Show `record` in the fields (None: a blank new record)."""
        raise NotImplementedError

    def _build_record(self, errors: list[FieldError]) -> R | None:
        """The record typed; add a FieldError for anything that cannot be read (a bad date)."""
        raise NotImplementedError

    def payload(self) -> dict[str, object]:
        """Everything typed, raw, for the autosaved draft (JSON-friendly)."""
        raise NotImplementedError

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        """Put a draft's raw values back into the fields."""
        raise NotImplementedError

    def describe(self) -> str:
        """What the record is called in questions and the drafts list ("referral CRAG-...")."""
        raise NotImplementedError

    def set_tab_sequence(self, *widgets: QWidget) -> None:
        """Tab moves through `widgets` in this order (the order the form reads).

        The order is set explicitly because Qt 6's focus chain loops inside composite inputs
        with a focus proxy (the date edit: Tab went from its calendar button back to its
        text field), trapping keyboard users.
        """
        self._tab_sequence = list(widgets)
        self._apply_tab_order()
        # Called once the form is built: every number and choice is there to guard.
        guard = WheelGuard(self)
        for field in self.findChildren(QAbstractSpinBox) + self.findChildren(QComboBox):
            guard_wheel(field, guard)

    def set_tab_exits(self, *widgets: QWidget) -> None:
        """Tab from the form's last input goes on to `widgets` (the screen's Save, Delete
        and Close, then its list): the explicit order alone looped back to the first field,
        and the keyboard never reached Save or left the form."""
        self._tab_exits = list(widgets)
        self._apply_tab_order()

    def _apply_tab_order(self) -> None:
        leaves: list[QWidget] = []
        for widget in self._tab_sequence:
            leaves.extend(focus_leaves(widget))
        if leaves:
            leaves.extend(self._tab_exits)
        for first, second in itertools.pairwise(leaves):
            QWidget.setTabOrder(first, second)

    def add_field(self, path: str, row: FieldRow) -> FieldRow:
        """Register a labelled field so an error whose path is `path` shows under it."""
        self._fields[path] = row
        return row

    def add_collection(self, path: str, editor: CollectionEditor) -> CollectionEditor:
        """Register a collection editor for errors under `path[...]`."""
        self._collections[path] = editor
        editor.changed.connect(self._edited)
        # Rows add inputs: put them in the tab order where the editor sits.
        editor.rows_changed.connect(self._apply_tab_order)
        return editor

    def watch(self, *widgets: QWidget) -> None:
        """Count edits in these inputs as unsaved changes."""
        for widget in widgets:
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.textChanged.connect(self._edited)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._edited)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self._edited)
            elif isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self._edited)
            elif isinstance(widget, UkDateEdit):
                widget.line_edit.textChanged.connect(self._edited)
            elif isinstance(widget, CheckList):
                widget.changed.connect(self._edited)
            else:
                raise TypeError(f"cannot watch {type(widget).__name__}")

    # --- public API ---------------------------------------------------------------------------

    @property
    def record_id(self) -> str | None:
        """The id of the record shown (a new record has one from the start)."""
        return self._record_id

    @property
    def is_new(self) -> bool:
        """Whether the record shown has never been saved."""
        return self._is_new

    @property
    def is_dirty(self) -> bool:
        """Whether there are changes not yet saved."""
        return self._dirty

    @property
    def draft_key(self) -> str | None:
        """The key the form autosaves under."""
        return self._draft_key

    def refresh_lookups(self) -> None:
        """Reload the choices offered from other records (agencies, learning points)."""

    def first_input(self) -> QWidget | None:
        """The first field of the form, where typing starts."""
        for row in self._fields.values():
            return row.field.focusProxy() or row.field
        return None

    def field_row(self, path: str) -> FieldRow:
        """The labelled field registered for `path`."""
        return self._fields[path]

    def collection(self, path: str) -> CollectionEditor:
        """The collection editor registered for `path`."""
        return self._collections[path]

    def start(self, record: R | None, *, record_id: str) -> None:
        """Show `record` (None: a new one with id `record_id`), then offer a waiting draft."""
        self._autosave.stop()
        self._record_id = record_id
        self._is_new = record is None
        self._with_loading(lambda: self._load(record))
        # Moving a screen into its place (a tab of the agencies screen) rebuilds Qt's focus
        # chain: Tab from the last field then skipped Save and Close.
        self._apply_tab_order()
        self.clear_errors()
        self._set_dirty(False)
        if record is None:
            self._draft_key = f"{self.RECORD_TYPE}:new:{uuid.uuid4().hex[:12]}"
        else:
            self._draft_key = f"{self.RECORD_TYPE}:{record_id}"
        self._offer_draft()

    def record(self) -> R:
        """The record typed; ValidationFailed-style errors are raised as `FormErrors`."""
        errors: list[FieldError] = []
        built = self._build_record(errors)
        if errors or built is None:
            raise FormErrors(errors)
        return built

    def show_errors(self, errors: Sequence[FieldError]) -> QWidget | None:
        """Show each error next to its field and focus the first one; returns the widget
        focused (the screen scrolls it into view)."""
        self.clear_errors()
        first: QWidget | None = None
        general: list[str] = []
        grouped: dict[str, list[tuple[str, str]]] = {}
        for error in errors:
            path = error.path.removeprefix("$.")
            head = _head(path)
            if path != head and head in self._collections:
                grouped.setdefault(head, []).append((path[len(head) :], error.message))
                continue
            row = self._fields.get(path) or self._fields.get(head)
            if row is not None:
                if not row.error_label.message:
                    row.set_error(error.message)
                first = first or (row.field.focusProxy() or row.field)
                continue
            general.append(f"{_readable(path)}: {error.message}")
        for head, items in grouped.items():
            widget = self._collections[head].show_errors(items)
            first = first or widget
        if general:
            self.general_errors.show_error("\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            return first
        if general:
            self.general_errors.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.general_errors
        return None

    def clear_errors(self) -> None:
        """Hide every error."""
        for row in self._fields.values():
            row.set_error(None)
        for editor in self._collections.values():
            editor.clear_errors()
        self.general_errors.clear_error()

    def error_of(self, path: str) -> str:
        """The error shown for `path` ("" when none): tests and screen readers ask this."""
        row = self._fields.get(path)
        return row.error_label.message if row is not None else ""

    def saved(self, record_id: str) -> None:
        """The screen stored the record: forget the draft, and it is no longer new."""
        self._autosave.stop()
        if self._draft_key is not None:
            self._discard_draft(self._draft_key)
        self._record_id = record_id
        self._is_new = False
        self._draft_key = f"{self.RECORD_TYPE}:{record_id}"
        self.clear_errors()
        self._set_dirty(False)

    def may_leave(self, save: Callable[[], bool]) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved changes; True to go on.
        `save` is the screen's save (True when it stored the record)."""
        if not self._dirty:
            return True
        choice = ask_unsaved_changes(self._prompter, self.describe())
        if choice is UnsavedChoice.SAVE:
            return save()
        if choice is UnsavedChoice.DISCARD:
            self.discard_changes()
            return True
        return False

    def discard_changes(self) -> None:
        """Drop the unsaved changes and their draft."""
        self._autosave.stop()
        if self._draft_key is not None:
            self._discard_draft(self._draft_key)
        self._set_dirty(False)

    def confirm_delete(self) -> bool:
        """Ask before deleting the record shown."""
        return self._prompter.confirm(
            f"Delete {self.describe()}? The deletion is recorded in the audit log "
            "and cannot be undone here.",
            title="Delete",
        )

    def autosave_now(self) -> None:
        """Keep the current typing as a draft (the timer calls this every few seconds)."""
        if not self._autosave_pending or self._draft_key is None:
            return
        try:
            self._drafts.save(self._draft_key, title=self.describe(), payload=self.payload())
        except CragError:
            # A draft is a safety net; failing to keep one must not stop the typing.
            return
        self._autosave_pending = False

    def clear(self) -> None:
        """Keep a draft of unsaved typing, then empty every field (the app is locking)."""
        if self._dirty:
            self.autosave_now()
        self._autosave.stop()
        # No id while cleared: `_load(None)` then leaves every field empty.
        self._record_id = None
        self._is_new = True
        self._draft_key = None
        self._with_loading(lambda: self._load(None))
        self.clear_errors()
        self._set_dirty(False)

    # --- internals ----------------------------------------------------------------------------

    def _with_loading(self, action: Callable[[], None]) -> None:
        self._loading = True
        try:
            action()
        finally:
            self._loading = False

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._autosave_pending = True
        if not self._autosave.isActive():
            self._autosave.start()
        self._set_dirty(True)
        self.changed.emit()

    def _set_dirty(self, dirty: bool) -> None:
        if not dirty:
            self._autosave_pending = False
            self._autosave.stop()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _discard_draft(self, key: str) -> None:
        try:
            self._drafts.discard(key)
        except CragError:
            return

    def _offer_draft(self) -> None:
        key = self._draft_key
        if key is None:
            return
        try:
            if self._is_new:
                prefix = f"{self.RECORD_TYPE}:new:"
                waiting = [d for d in self._drafts.pending() if d.key.startswith(prefix)]
                draft = self._drafts.load(waiting[0].key) if waiting else None
            else:
                draft = self._drafts.load(key)
        except CragError:
            return
        if draft is None:
            return
        when = short_date_time(draft.updated_at.astimezone(), joiner=" at ")
        # Losing the draft must be a deliberate choice: the safe default (No) keeps it.
        if not self._prompter.confirm(
            f"There is unsaved work on {draft.title} from {when}.\n\n"
            "Delete it and open the record as it was saved? "
            "(No restores the unsaved work.)",
            title="Unsaved work found",
        ):
            self._draft_key = draft.key
            self._with_loading(lambda: self._restore_payload(draft.payload))
            self._set_dirty(True)
            self._autosave_pending = False
            self.changed.emit()
        else:
            self._discard_draft(draft.key)


class FormErrors(Exception):
    """What was typed cannot be read as a record (e.g. a date that is not a date)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} problems in the form")
        self.errors = errors


def _head(path: str) -> str:
    """The first field of a path: "children" of "children[1].age_years"."""
    match = re.match(r"^[^.\[]+", path)
    return match.group(0) if match else path


def _readable(path: str) -> str:
    words = re.sub(r"\[(\d+)\]", lambda m: f" {int(m.group(1)) + 1}", path)
    return words.replace(".", ", ").replace("_", " ").capitalize()
