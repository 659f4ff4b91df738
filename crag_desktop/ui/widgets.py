"""Small widgets shared by every screen: dates, labelled fields with errors, search, icons."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

# The classes only some screens or dialogs use are looked up in their module when used:
# PySide6 builds a class's enum types as Python enums when the class is first looked up,
# and those not on the way to the first painted window cost start-up time for nothing.
from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QObject,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QAction, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtWidgets import (
        QAbstractSpinBox,
        QCalendarWidget,
        QComboBox,
        QMenu,
    )

from crag_desktop import assets
from crag_desktop.domain.wording import short_date


def load_style_sheet() -> str:
    """The application style sheet, with its image URLs pointing at the bundled icons."""
    text = assets.read_text(*assets.STYLE_SHEET)
    return text.replace("@ICONS@", assets.asset_path(*assets.ICONS).as_posix())


@functools.cache
def _style_sheet_text() -> str:
    return load_style_sheet()


def style_sheet_on_window(window: QWidget) -> None:
    """Move the application's style sheet onto `window`, and so onto every widget in it.

    Under an application style sheet every widget is styled again each time it is put into
    another one, with everything inside it; screens and forms are built bottom-up (a form
    into a scroll area, into a splitter, into the screen, into the window), so building a
    screen cost three to four times as much as without the sheet (benchmarks: start to paint,
    longest GUI stall: a screen is built when first shown). On the window, a screen built
    outside it is styled once, as it goes in. Dialogs, menus and tooltips made with a parent
    in the window are styled as before; call before building what goes in the window. The
    unlock window shown before it keeps the application's sheet until then.
    """
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet():
        app.setStyleSheet("")
    text = _style_sheet_text()
    # Set again, the same sheet would style everything in the window once more.
    if window.styleSheet() != text:
        window.setStyleSheet(text)


def style_popup(popup: QWidget) -> None:
    """Style a window Qt makes without a parent (a completer's list) like the main window
    (see `style_sheet_on_window`)."""
    popup.setStyleSheet(_style_sheet_text())


def load_icon(name: str) -> QIcon:
    """The bundled SVG icon called `name` (without extension)."""
    return QIcon(str(_icon_folder() / f"{name}.svg"))


@functools.cache
def _icon_folder() -> Path:
    # Found once: finding a package's resources costs a millisecond each time, and a screen
    # with its form loads a dozen icons as it is built.
    return assets.asset_path(*assets.ICONS)


_UK_DATE = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})$")
#: Digits only, as typed on a number pad: ddmmyyyy or ddmmyy.
_UK_DATE_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")
#: A two-digit year up to this many years ahead is this century's; later ones the last's.
_TWO_DIGIT_YEARS_AHEAD = 10


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    this_year = dt.date.today().year
    candidate = this_year // 100 * 100 + int(year)
    return candidate if candidate <= this_year + _TWO_DIGIT_YEARS_AHEAD else candidate - 100


def parse_uk_date(text: str) -> dt.date | None:
    """Read a day/month/year date; None for an empty field; ValueError with a sentence otherwise.

    Accepts what people type for 1 November 2026: "01/11/2026", "1/11/2026", "1.11.26",
    "1-11-2026", "1 11 2026" and "01112026" (digits only, as on a number pad).
    """
    stripped = text.strip()
    if not stripped:
        return None
    match = _UK_DATE.match(stripped) or _UK_DATE_DIGITS.match(stripped)
    if match is None:
        raise ValueError(f"“{stripped}” is not a date: type it as dd/mm/yyyy.")
    day, month, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{stripped} is not a real date: check the day and month.") from None


def format_uk_date(value: dt.date | None) -> str:
    """Show a date as dd/mm/yyyy ("" for none)."""
    return "" if value is None else short_date(value)


class ErrorLabel(QLabel):
    """An inline error: red, prefixed with an icon and "Error:", announced as an alert."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorLabel")
        self.setProperty("role", "alert")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()
        self._message = ""

    @property
    def message(self) -> str:
        """The error shown now, without the "Error:" prefix ("" when none)."""
        return self._message

    def show_error(self, message: str) -> None:
        """Show `message` and tell assistive technology about it."""
        self._message = message
        # Colour is never the only signal: the word "Error" and a symbol say it too.
        self.setText(f"⚠ Error: {message}")
        self.setAccessibleName(f"Error: {message}")
        self.show()
        accessible = QtGui.QAccessible
        if accessible.isActive():
            accessible.updateAccessibility(QtGui.QAccessibleEvent(self, accessible.Event.Alert))

    def clear_error(self) -> None:
        """Hide the error."""
        self._message = ""
        self.setText("")
        self.setAccessibleName("")
        self.hide()


class WheelGuard(QObject):
    """The mouse wheel scrolls the form; it changes a number or a choice only in the field
    that has the keyboard focus.

    Without it, scrolling a long form with the pointer passing over a child's age changed
    the age, unseen (Qt gives wheel events to whatever is under the pointer).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Pass a wheel turn over an unfocused spin box or combo box on to the scroll area."""
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QtWidgets.QAbstractSpinBox | QtWidgets.QComboBox)
            and not watched.hasFocus()
        ):
            area = _scroll_area_of(watched)
            if area is not None:
                QCoreApplication.sendEvent(area.viewport(), event)
            return True
        return False


#: The widest a list column is made to show its text: a longer one ends in "…" and shows
#: whole in its tooltip, so that several columns fit beside a form on a small laptop.
COLUMN_MAX_CHARS = 26


def row_picker_table(model: QAbstractItemModel, *, accessible_name: str) -> QTableView:
    """A read-only table of `model` where one whole row is chosen at a time.

    Tab leaves the table (arrows move between rows), a long text stays on one line, and
    rows carry no numbers: the house shape of every list a record or an update is picked
    from.
    """
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


def fit_columns(
    table: QTableView, column_texts: Callable[[int, int], Collection[str]], *, rows: int = 200
) -> None:
    """Size each shown column of `table` to its heading and the texts of its first `rows`
    rows (`column_texts(column, rows)`), but no wider than COLUMN_MAX_CHARS characters."""
    # A list on a screen not shown yet has not had the style sheet's font: measure with it.
    table.ensurePolished()
    header = table.horizontalHeader()
    header.ensurePolished()
    metrics = table.fontMetrics()
    cap = metrics.averageCharWidth() * COLUMN_MAX_CHARS
    # A cell's text sits inside the style's margins, with a little air either side.
    margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
    for column in range(table.model().columnCount()):
        if header.isSectionHidden(column):
            continue
        # Each different text measured once: a status or an agency repeats down a column,
        # and a QModelIndex per cell cost a list's first showing 30-50 ms (benchmarks).
        widest = max(
            (metrics.horizontalAdvance(text) for text in column_texts(column, rows) if text),
            default=0,
        )
        header.resizeSection(column, max(header.sectionSizeHint(column), min(widest + margin, cap)))


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QtWidgets.QComboBox):
            return parent
        parent = parent.parentWidget()
    return None


def guard_wheel(widget: QAbstractSpinBox | QComboBox, guard: WheelGuard) -> None:
    """Let `widget` take the focus by click or Tab only, and keep the wheel off it."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(guard)


class PassphraseEdit(QLineEdit):
    """A password field with a show/hide toggle."""

    def __init__(self, *, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setAccessibleName(accessible_name)
        self.setClearButtonEnabled(False)
        self.toggle_action = QAction(load_icon("eye"), "Show passphrase", self)
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self._set_visible)
        self.addAction(self.toggle_action, QLineEdit.ActionPosition.TrailingPosition)

    def _set_visible(self, visible: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password)
        self.toggle_action.setText("Hide passphrase" if visible else "Show passphrase")
        self.toggle_action.setIcon(load_icon("eye-off" if visible else "eye"))

    def select_for_retyping(self) -> None:
        """Focus the field with its text selected, so typing replaces it."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.selectAll()


class UkDateEdit(QWidget):
    """A date typed as dd/mm/yyyy, or picked from a calendar; may be empty."""

    value_changed = Signal(object)

    def __init__(self, *, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Children are made with their parent so that they join the window's focus chain;
        # reparented later by a layout, they form a chain of their own that Tab cannot leave.
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText("dd/mm/yyyy")
        self.line_edit.setAccessibleName(accessible_name)
        self.line_edit.setAccessibleDescription("Date as day/month/year, or empty")
        self.line_edit.setMaxLength(10)
        self.line_edit.textChanged.connect(self._text_changed)
        self.line_edit.editingFinished.connect(self._tidy)
        # The calendar and its menu are made when first opened: a calendar is a whole table
        # view, and a form with six dates spent a fifth of its building time on them.
        self._calendar: QCalendarWidget | None = None
        self._menu: QMenu | None = None
        self.calendar_button = QToolButton(self)
        self.calendar_button.setIcon(load_icon("calendar"))
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setAccessibleName(f"Choose {accessible_name} from a calendar")
        self.calendar_button.clicked.connect(self.open_calendar)
        # Out of the Tab chain: with the focus proxy, Tab could otherwise bounce between the
        # text and the button forever. Keyboard users open the calendar with Alt+Down.
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.calendar_button)
        self.setFocusProxy(self.line_edit)
        self.line_edit.installEventFilter(self)
        self._last: dt.date | None = None

    def value(self) -> dt.date | None:
        """The date typed; None when empty. ValueError (with a sentence) when not a date."""
        return parse_uk_date(self.line_edit.text())

    def error(self) -> str | None:
        """Why the text is not a date, or None when it is one (or is empty)."""
        try:
            parse_uk_date(self.line_edit.text())
        except ValueError as exc:
            return str(exc)
        return None

    def set_value(self, value: dt.date | None) -> None:
        """Show `value` (None empties the field)."""
        self.line_edit.setText(format_uk_date(value))

    @property
    def calendar(self) -> QCalendarWidget:
        """The pop-up calendar (made when first asked for)."""
        if self._calendar is None:
            calendar = QtWidgets.QCalendarWidget()
            calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            calendar.setGridVisible(True)
            calendar.clicked.connect(self._picked)
            calendar.activated.connect(self._picked)
            menu = QtWidgets.QMenu(self)
            holder = QtWidgets.QWidgetAction(menu)
            holder.setDefaultWidget(calendar)
            menu.addAction(holder)
            self._calendar, self._menu = calendar, menu
        return self._calendar

    def open_calendar(self) -> None:
        """Pop up the calendar at the date typed (or today)."""
        try:
            current = self.value() or dt.date.today()
        except ValueError:
            current = dt.date.today()
        calendar = self.calendar
        calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        assert self._menu is not None  # made with the calendar
        self._menu.popup(self.line_edit.mapToGlobal(self.line_edit.rect().bottomLeft()))
        calendar.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Open the calendar on Alt+Down, as a combo box would."""
        if (
            watched is self.line_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and event.modifiers() & Qt.KeyboardModifier.AltModifier
        ):
            self.open_calendar()
            return True
        return super().eventFilter(watched, event)

    def _tidy(self) -> None:
        # "01112026" or "1.11.26" is accepted while typing; once the field is left it reads
        # as every other date does, so what was understood is plain to see.
        try:
            value = self.value()
        except ValueError:
            return
        if value is not None and self.line_edit.text() != format_uk_date(value):
            self.line_edit.setText(format_uk_date(value))

    def _picked(self, date: QDate) -> None:
        if self._menu is not None:
            self._menu.close()
        self.set_value(dt.date(date.year(), date.month(), date.day()))
        self.line_edit.setFocus()

    def _text_changed(self, _text: str) -> None:
        try:
            value = self.value()
        except ValueError:
            return
        if value != self._last:
            self._last = value
            self.value_changed.emit(value)


class FieldRow(QWidget):
    """A label, its field, an optional hint and an inline error underneath; the label is the
    field's buddy. Editing the field clears its error: a mistake put right must not go on
    being reported until the next save."""

    def __init__(
        self,
        *,
        label: str,
        field: QWidget,
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.label = QLabel(label)
        self.label.setBuddy(field)
        plain = label.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":")
        target = field.focusProxy() or field
        if not target.accessibleName():
            target.setAccessibleName(plain)
        self.hint_label = QLabel(hint)
        self.hint_label.setProperty("role", "hint")
        self.hint_label.setWordWrap(True)
        if hint:
            target.setAccessibleDescription(hint)
        self.error_label = ErrorLabel()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(12)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.label, 0, 0)
        layout.addWidget(field, 1, 0)
        layout.addWidget(self.hint_label, 2, 0)
        layout.addWidget(self.error_label, 3, 0)
        # Hidden only once in the layout: shown or hidden without a parent, a label is a
        # window of its own for a moment (it took the focus from the main window when a
        # screen was built while it showed).
        self.hint_label.setVisible(bool(hint))
        on_edit(field, self._edited)

    def set_hint(self, hint: str) -> None:
        """Show `hint` under the field ("" hides it); screen readers hear it as the field's
        description."""
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        target = self.field.focusProxy() or self.field
        target.setAccessibleDescription(hint)

    def set_error(self, message: str | None) -> None:
        """Show `message` under the field, or clear the error when None."""
        if message:
            self.error_label.show_error(message)
            self.field.setProperty("invalid", True)
        else:
            self.error_label.clear_error()
            self.field.setProperty("invalid", False)
        # Re-polish so the style sheet's [invalid="true"] border follows the property.
        self.field.style().unpolish(self.field)
        self.field.style().polish(self.field)

    def _edited(self, *_args: object) -> None:
        if self.error_label.message:
            self.set_error(None)


def on_edit(field: QWidget, slot: Callable[..., None]) -> None:
    """Call `slot` whenever the user changes `field`'s value, whatever kind of input it is."""
    if isinstance(field, QLineEdit | QtWidgets.QPlainTextEdit):
        field.textChanged.connect(slot)
    elif isinstance(field, QtWidgets.QComboBox):
        field.currentIndexChanged.connect(slot)
    elif isinstance(field, QAbstractButton):
        field.toggled.connect(slot)
    elif isinstance(field, QtWidgets.QSpinBox):
        field.valueChanged.connect(slot)
    elif isinstance(field, UkDateEdit):
        field.line_edit.textChanged.connect(slot)
    else:
        # Composite inputs (check lists, collection editors, pickers) say "changed".
        signal = getattr(field, "changed", None)
        if isinstance(signal, SignalInstance):
            signal.connect(slot)


class SearchBox(QLineEdit):
    """A search field that reports its text once typing pauses; Escape clears it."""

    search_changed = Signal(str)

    def __init__(
        self,
        *,
        placeholder: str = "Search",
        delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(load_icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        # Wide enough for the whole placeholder between the search icon and the clear
        # button: squeezed, it read "Search recomme" and its neighbours overlapped it.
        icons = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 12)
        text = self.fontMetrics().horizontalAdvance(f"{placeholder}  ")
        self.setMinimumWidth(max(220, text + icons + 16))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._emit)
        self.textChanged.connect(lambda _text: self._timer.start())
        self._emitted: str | None = None

    def flush(self) -> None:
        """Report the text now instead of waiting for the pause."""
        self._timer.stop()
        self._emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape clears the search; Enter searches at once."""
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
        super().keyPressEvent(event)

    def _emit(self) -> None:
        text = self.text().strip()
        if text != self._emitted:
            self._emitted = text
            self.search_changed.emit(text)
