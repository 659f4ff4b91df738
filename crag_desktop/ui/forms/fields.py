"""The small inputs every form is made of: a vocabulary's choices, a titled section of
fields (two a row when wide, one when narrow), a list of ticks, and the Tab stops inside a
field. Qt only; no record knowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.vocabulary import Vocabulary
from crag_desktop.ui.widgets import UkDateEdit, parse_uk_date

__all__ = [
    "Blocked",
    "CheckList",
    "TextLine",
    "WrappingText",
    "choice_combo",
    "combo_code",
    "focus_leaves",
    "mark_invalid",
    "read_date",
    "refit_sections",
    "section",
    "set_combo_code",
    "set_style_property",
    "whole_width",
]


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
        # Side by side, each column at least as wide as its widest field shows whole (equal
        # halves cut "Health Commissioner (Designated Professionals)" in the right one).
        first, second = self._column_needs() if columns == 2 else (0, 0)
        self._grid.setColumnMinimumWidth(0, first)
        self._grid.setColumnMinimumWidth(1, second)
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

    def _column_needs(self) -> tuple[int, int]:
        """The widths the two columns need: each its widest field's, shown whole."""
        pairs = [widgets for widgets in self._rows if len(widgets) == 2]
        first = max((whole_width(w[0]) for w in pairs), default=0)
        second = max((whole_width(w[1]) for w in pairs), default=0)
        return first, second

    def _two_column_width(self) -> int:
        """The width two fields a row need: each column as wide as its widest field (the
        columns need not be equal), a field spanning both no wider than the two."""
        margins = self.contentsMargins()
        pairs = [widgets for widgets in self._rows if len(widgets) == 2]
        first, second = self._column_needs()
        spanning = max((whole_width(w[0]) for w in self._rows if len(w) == 1), default=0)
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

    def refit(self) -> None:
        """Two fields a row or one, again: choices filled in since (the agencies) may no
        longer fit side by side."""
        if self.width() > 0:
            self._arrange(2 if self.width() >= self._two_column_width() else 1)


def refit_sections(form: QWidget) -> None:
    """Lay out every section of `form` again for what its fields now hold."""
    for box in form.findChildren(_Section):
        box.refit()


def whole_width(field: QWidget) -> int:
    """The width `field` needs to show its label and every one of its choices whole: side by
    side with another, a combo box's least width cut "Community Health Provider" to
    "Community Health Provide"."""
    combos = [field] if isinstance(field, QComboBox) else field.findChildren(QComboBox)
    choices = [_choices_width(c) for c in combos if not c.isEditable()]
    return max([field.minimumSizeHint().width(), *choices])


def _choices_width(combo: QComboBox) -> int:
    """The width `combo` needs for its longest label, measured now: its size hint is taken
    when first shown, before a list of agencies or members is filled in."""
    metrics = combo.fontMetrics()
    longest = max(
        (metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0
    )
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    text = QSize(longest + 2, metrics.height())
    style = combo.style()
    return style.sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, combo).width()


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
        with Blocked(self):
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
        with Blocked(self):
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
    # A collection editor (children, actions...) stops at each of its inputs.
    inner = getattr(widget, "focus_widgets", None)
    leaves: list[QWidget] = inner() if callable(inner) else [widget]
    # Qt ignores a tab-order link to a widget that takes no focus, breaking the chain there.
    return [w for w in leaves if w.focusPolicy() != Qt.FocusPolicy.NoFocus]


class Blocked:
    """Block a widget's signals for a `with` block (loading values is not an edit)."""

    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._was = False

    def __enter__(self) -> None:
        self._was = self._widget.blockSignals(True)

    def __exit__(self, *_exc: object) -> None:
        self._widget.blockSignals(self._was)


def read_date(text: object, path: str, errors: list[FieldError]) -> dt.date | None:
    """A typed date, or None; a FieldError at `path` when it is not a date."""
    try:
        return parse_uk_date(str(text or ""))
    except ValueError as error:
        errors.append(FieldError(path, str(error)))
        return None


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Draw `widget` with the style sheet's error border, or without it."""
    set_style_property(widget, "invalid", invalid)


def set_style_property(widget: QWidget, name: str, value: bool) -> None:
    """Set a property the style sheet draws by (an error border, the current card)."""
    widget.setProperty(name, value)
    # Re-polished, the style sheet's [name="true"] rules follow the property.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class TextLine(QLineEdit):
    """An item's text: its start shows when loaded, and a text longer than the box is whole
    in the hover text."""

    def __init__(self) -> None:
        super().__init__()
        self.textChanged.connect(self._update_tip)

    def show_start(self) -> None:
        """Show the text from its beginning (after loading, the cursor sits at its end)."""
        self.setCursorPosition(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower box may now cut the text: the hover text follows."""
        super().resizeEvent(event)
        self._update_tip()

    def _update_tip(self, *_args: object) -> None:
        text = self.text()
        # The line edit's own margins and frame: what is left is the room for text.
        room = self.contentsRect().width() - 8
        self.setToolTip(text if self.fontMetrics().horizontalAdvance(text) > room else "")


class WrappingText(QPlainTextEdit):
    """A longer text of an item (a reason, a description): one paragraph, wrapped to the
    card's width and as tall as its lines, so all of it shows. Tab moves on, and Enter adds
    no line break (the record holds one line)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._fit_height)
        self._fit_height()

    def text(self) -> str:
        """The text, as one line."""
        return " ".join(self.toPlainText().split("\n"))

    def setText(self, text: str) -> None:
        """Show `text` from its start."""
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter and Return add no line break."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted lines join into one."""
        if source.hasText():
            self.insertPlainText(" ".join(source.text().split()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrower, the text wraps onto more lines: the box grows to show them."""
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        lines = 0
        block = self.document().firstBlock()
        while block.isValid():
            lines += max(block.layout().lineCount(), 1)
            block = block.next()
        shown = min(max(lines, TEXT_LINES), TEXT_MAX_LINES)
        margins = self.contentsMargins()
        document = self.document().documentMargin()
        height = (
            shown * self.fontMetrics().lineSpacing()
            + int(2 * document)
            + margins.top()
            + margins.bottom()
        )
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)


#: A longer text shows at least this many lines, and grows up to the most.
TEXT_LINES = 2
TEXT_MAX_LINES = 8
