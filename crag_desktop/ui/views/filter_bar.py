"""A list screen's filter bar: what each filter combo offers (`FilterSpec`), and the layout
that wraps the filters onto more lines when the window is narrow."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QWidget,
)

from crag_desktop.ui.widgets import (
    style_popup,
)

if TYPE_CHECKING:
    pass


__all__ = ["FILTER_SPACING", "FilterSpec", "FlowLayout", "labelled", "reporting_year_choices"]

#: Characters a filter combo shows; its list opens wide enough for every choice.
FILTER_CHARS = 14
FILTER_SPACING = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class FilterSpec:
    """A filter combo box: each choice sets some query fields; the first choice is "all"
    and names every field the filter owns with its unfiltered value."""

    label: str
    choices: Sequence[tuple[str, Mapping[str, object]]]
    #: Typing in the combo finds choices containing the words typed (for long lists such as
    #: every review, which nobody scrolls through).
    searchable: bool = False
    #: The choices after the first, read when the user first goes to the filter (or a query
    #: shown needs one): reading and listing every review for a screen that may never use
    #: the filter cost most of the screen's building time.
    more_choices: Callable[[], Sequence[tuple[str, Mapping[str, object]]]] | None = None


def completed(spec: FilterSpec) -> FilterSpec:
    """`spec` with the choices that waited to be read."""
    if spec.more_choices is None:
        return spec
    return dataclasses.replace(
        spec, choices=[*spec.choices, *spec.more_choices()], more_choices=None
    )


def make_searchable(combo: QComboBox) -> None:
    """Let the user type part of a choice and pick it from the matches."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    if completer is not None:
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        popup = completer.popup()
        if popup is not None:
            style_popup(popup)
    line = combo.lineEdit()
    if line is not None:
        # Text typed that matches no choice goes back to the choice in force.
        line.editingFinished.connect(
            lambda: combo.setEditText(combo.itemText(max(combo.currentIndex(), 0)))
        )


def reporting_year_choices(
    field: str, *, first: int = 2010
) -> list[tuple[str, Mapping[str, object]]]:
    """("2016/17", {field: 2016}) for each reporting year (1 April - 31 March), newest first."""
    today = dt.date.today()
    last = today.year if today.month >= 4 else today.year - 1
    return [(f"{y}/{(y + 1) % 100:02d}", {field: y}) for y in range(last, first - 1, -1)]


def labelled(label: QLabel, field: QWidget) -> QWidget:
    """A label and its field as one piece, so a wrapping filter bar never parts them."""
    pair = QWidget()
    pair_layout = QHBoxLayout(pair)
    pair_layout.setContentsMargins(0, 0, 0, 0)
    pair_layout.setSpacing(6)
    pair_layout.addWidget(label)
    pair_layout.addWidget(field)
    return pair


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto further lines when the width runs out."""

    def __init__(self, *, spacing: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        """Qt adds each widget through here."""
        self._items.append(item)

    def count(self) -> int:
        """How many items are laid out."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index`."""
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        """Takes the width it is given; its height follows from that."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """The height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the items need at `width`."""
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        """Place the items within `rect`."""
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        width = sum(i.sizeHint().width() for i in self._items)
        width += self.spacing() * max(len(self._items) - 1, 0)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        """The widest single item: any narrower and something would be cut."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        line: list[tuple[QLayoutItem, int]] = []
        gap = self.spacing()

        def place(items: list[tuple[QLayoutItem, int]], top: int, free: int) -> None:
            # The first expanding item (the search box) takes the line's spare width.
            left = rect.x()
            grown = False
            for item, width in items:
                extra = 0
                wants = item.expandingDirections() & Qt.Orientation.Horizontal
                if wants and not grown:
                    extra, grown = max(free, 0), True
                item.setGeometry(QRect(QPoint(left, top), QSize(width + extra, line_height)))
                left += width + extra + gap

        for item in self._items:
            hint = item.sizeHint()
            width = min(max(hint.width(), item.minimumSize().width()), rect.width())
            if line and x + width > rect.right() + 1:
                if move:
                    place(line, y, rect.right() + 1 - (x - gap))
                y += line_height + gap
                x, line_height, line = rect.x(), 0, []
            line.append((item, width))
            x += width + gap
            line_height = max(line_height, hint.height())
        if line and move:
            place(line, y, rect.right() + 1 - (x - gap))
        return y + line_height - rect.y()
