"""A list screen's filter bar: what each filter combo offers (`FilterSpec`), the search box
and combos that set the list's query (`FilterBar`), and the layout that wraps them onto more
lines when the window is narrow."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QListView,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from crag_desktop.ui.qt_models.paged import PagedTableModel
from crag_desktop.ui.widgets import SearchBox, style_popup

__all__ = [
    "FILTER_SPACING",
    "FilterBar",
    "FilterSpec",
    "FlowLayout",
    "labelled",
    "reporting_year_choices",
]

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
        # Heights by width, until the items change: Qt asks again and again while a screen
        # is first laid out (150 times in one step of the Audit log's building).
        self._heights: dict[int, int] = {}
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        """Qt adds each widget through here."""
        self._items.append(item)
        self._heights.clear()

    def count(self) -> int:
        """How many items are laid out."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index`."""
        if not 0 <= index < len(self._items):
            return None
        self._heights.clear()
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        """Takes the width it is given; its height follows from that."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """The height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the items need at `width`."""
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def invalidate(self) -> None:
        """An item came, went or changed its size: the heights are measured again."""
        self._heights.clear()
        super().invalidate()

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


#: What brings the user to a filter: its choices must then all be there.
_GOING_TO_A_FILTER = frozenset(
    {QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress}
)


class FilterBar(QObject):
    """The search box and one combo a filter above a list: typing or choosing gives the
    list's model a new query (`query_with` makes it from the fields changed); a filter whose
    choices wait to be read reads them when the user goes to it."""

    def __init__(
        self,
        model: PagedTableModel[Any, Any],
        filters: Sequence[FilterSpec],
        *,
        plural: str,
        query_with: Callable[..., object],
        search_delay_ms: int = 250,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._specs = tuple(filters)
        self._query_with = query_with
        self.search_box = SearchBox(placeholder=f"Search {plural}", delay_ms=search_delay_ms)
        self.search_box.setToolTip(f"Search {plural} by reference, name or summary")
        self.search_box.search_changed.connect(self._search)
        self.search_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.filter_combos: list[QComboBox] = []
        # Widgets of filters whose choices wait to be read, by filter index.
        self._lazy_filters: dict[QObject, int] = {}
        # The search box and the filters wrap onto a second line rather than pushing the
        # window wider than a laptop screen; each label stays with its combo.
        self.flow = FlowLayout(spacing=FILTER_SPACING)
        self.flow.addWidget(self.search_box)
        for spec in self._specs:
            self._add_combo(spec)

    def _add_combo(self, spec: FilterSpec) -> None:
        combo = QComboBox()
        # Without uniform item sizes the popup's list measures every choice each time the
        # combo is reparented or polished: about 2 s for 14,000 reviews.
        view = combo.view()
        if isinstance(view, QListView):
            view.setUniformItemSizes(True)
        combo.addItems([text for text, _values in spec.choices])
        if spec.searchable:
            make_searchable(combo)
        label = QLabel(f"{spec.label}:")
        label.setBuddy(combo)
        combo.setAccessibleName(f"Filter by {spec.label.lower()}")
        # Long agency names must not widen the screen: the combo shows about 14 characters,
        # and its list opens wide enough for the longest choice.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min(max(len(t) for t, _ in spec.choices), FILTER_CHARS))
        combo.currentIndexChanged.connect(self._filter_changed)
        self.flow.addWidget(labelled(label, combo))
        self.filter_combos.append(combo)
        if spec.more_choices is not None:
            index = len(self.filter_combos) - 1
            for widget in (combo, combo.lineEdit()):
                if widget is not None:
                    self._lazy_filters[widget] = index
                    widget.installEventFilter(self)

    def add_button(self, action: QAction) -> QToolButton:
        """A button for `action` (a screen's own task) after the search and filters, which
        wrap onto a new line in a narrow window."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # A tool button drops the "&" of its action's text, and with it the Alt key the
        # text underlines: the action takes that key itself (Alt+P for "U&pdates…").
        mnemonic = QKeySequence.mnemonic(action.text())
        if action.shortcut().isEmpty() and not mnemonic.isEmpty():
            action.setShortcut(mnemonic)
            plain = action.text().replace("&", "").rstrip("…")
            action.setToolTip(f"{action.toolTip() or plain} ({mnemonic.toString()})")
        self.flow.addWidget(button)
        return button

    def set_filters(self, filters: Sequence[FilterSpec]) -> None:
        """Offer new filter choices, keeping each choice made when it is still offered."""
        # A choice in force is kept from a whole list of choices.
        chosen_at = {i for i, combo in enumerate(self.filter_combos) if combo.currentIndex() > 0}
        filters = [completed(spec) if i in chosen_at else spec for i, spec in enumerate(filters)]
        for i, spec in enumerate(filters):
            if i >= len(self.filter_combos):
                break
            combo = self.filter_combos[i]
            chosen = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([text for text, _values in spec.choices])
            combo.setCurrentIndex(max(combo.findText(chosen), 0))
            combo.blockSignals(False)
        self._specs = tuple(filters)

    def complete_filter(self, index: int) -> None:
        """Read the rest of filter `index`'s choices if they wait to be read."""
        spec = self._specs[index]
        if spec.more_choices is None:
            return
        full = completed(spec)
        self._specs = (*self._specs[:index], full, *self._specs[index + 1 :])
        combo = self.filter_combos[index]
        blocked = combo.blockSignals(True)
        combo.addItems([text for text, _values in full.choices[len(spec.choices) :]])
        combo.blockSignals(blocked)

    def show_query(self, query: object) -> None:
        """Set the search text and each filter's choice to what `query` asks for."""
        for index, spec in enumerate(self._specs):
            everything = spec.choices[0][1]
            if spec.more_choices is not None and any(
                getattr(query, k) != v for k, v in everything.items()
            ):
                self.complete_filter(index)
        for spec, combo in zip(self._specs, self.filter_combos, strict=True):
            chosen = 0
            for index, (_text, values) in enumerate(spec.choices):
                if index and all(getattr(query, k) == v for k, v in values.items()):
                    chosen = index
                    break
            combo.blockSignals(True)
            combo.setCurrentIndex(chosen)
            combo.blockSignals(False)
        self.show_text(str(getattr(query, "text", "")))

    def show_text(self, text: str) -> None:
        """Put `text` in the search box without searching."""
        self.search_box.blockSignals(True)
        self.search_box.setText(text)
        self.search_box.blockSignals(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A filter whose choices wait to be read reads them when the user goes to it."""
        if watched in self._lazy_filters and event.type() in _GOING_TO_A_FILTER:
            self.complete_filter(self._lazy_filters[watched])
        return super().eventFilter(watched, event)

    def _search(self, text: str) -> None:
        self._model.set_query(self._query_with(text=text))

    def _filter_changed(self, _index: int) -> None:
        values: dict[str, object] = {}
        for spec, combo in zip(self._specs, self.filter_combos, strict=True):
            values.update(spec.choices[0][1])
            values.update(spec.choices[max(combo.currentIndex(), 0)][1])
        self._model.set_query(self._query_with(**values))
