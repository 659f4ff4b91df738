"""The list screen every record type shares: search, filters, a paged table, and the form.

Typing in the search box or choosing a filter runs a new SQL query (debounced); clicking a
heading sorts in SQL; the table pages rows in as it scrolls. The form sits beside the table:
Ctrl+N starts a new record, Enter (or a double-click) opens the current row, Ctrl+S saves,
Delete deletes the current row after a confirmation. Every change goes through the record
service, and the list refreshes from the `Changes` it returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from PySide6.QtCore import (
    QEvent,
    QKeyCombination,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, FieldError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.services.changes import Changes
from crag_desktop.ui.forms.base import FormErrors, RecordForm
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.paged import PagedRow, PagedTableModel
from crag_desktop.ui.views.filter_bar import (
    FILTER_CHARS,
    FILTER_SPACING,
    FilterSpec,
    FlowLayout,
    completed,
    labelled,
    make_searchable,
)
from crag_desktop.ui.widgets import (
    ErrorLabel,
    FieldRow,
    SearchBox,
    fit_columns,
    load_icon,
    row_picker_table,
)

if TYPE_CHECKING:
    from crag_desktop.services.records import RecordService

__all__ = ["ListScreen"]

Q = TypeVar("Q")
RowT = TypeVar("RowT", bound=PagedRow)
Rec = TypeVar("Rec")

_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
#: The narrowest the list and the edit panel may be squeezed by the splitter.
_LIST_MIN_WIDTH = 260
_PANEL_MIN_WIDTH = 360
_NEW_KEY = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_N)
#: What brings the user to a filter: its choices must then all be there.
_GOING_TO_A_FILTER = frozenset(
    {QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress}
)
_SAVE_KEY = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_S)


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


class ListScreen(QWidget, Generic[Q, RowT, Rec]):
    """A record list with search, filters, sortable headings and an edit panel.

    Subclasses say which kind of record they list (`RECORD_TYPE`, whose records they get,
    save and delete through `_records`) and how a row is named (`_row_label`).
    """

    #: The kind of record listed: the record type in `Changes` (`RecordType.REFERRAL`).
    RECORD_TYPE: ClassVar[str] = "record"
    #: Other record types whose changes alter what the list or the form shows.
    RELATED_TYPES: ClassVar[tuple[str, ...]] = ()
    #: The service the records are read and written through (each screen sets it).
    _records: RecordService

    #: Every change stored, for the main window to pass on to the other screens.
    changed = Signal(object)

    def __init__(
        self,
        *,
        title: str,
        noun: str,
        plural: str,
        model: PagedTableModel[Q, RowT],
        form: RecordForm[Rec],
        filters: Sequence[FilterSpec],
        prompter: Prompter,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._refreshed: Changes | None = None
        # The form's choices from other records (agencies, reviews…) are read when a record
        # is first opened, and again after they changed: reading every review into a combo
        # for a list nobody has opened cost a screen most of its building time.
        self._lookups_stale = True
        # The record this screen has just stored: what its form shows is what is stored.
        self._just_saved: Rec | None = None
        self._noun = noun
        self._plural = plural
        self.model = model
        self.form = form
        self._prompter = prompter
        self._filter_specs = tuple(filters)

        heading = QLabel(title)
        heading.setProperty("role", "title")
        filter_bar = self._build_filter_bar(plural, search_delay_ms)
        actions = self._build_actions(noun, plural)
        self._build_table(model, plural)
        self._build_panel(noun, form)
        self._build_splitter()

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        filter_box = QWidget()
        filter_box.setLayout(filter_bar)
        filter_box.setAccessibleName(f"Search and filter {plural}")
        layout.addWidget(filter_box)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)
        # Tab goes on from the form's last field to Save, Delete and Close, then the list
        # (set now that all of them are in one window, as Qt requires).
        form.set_tab_exits(self.save_button, self.form_delete_button, self.close_button, self.table)
        self.setFocusProxy(self.table)
        self._update_heading()
        self._update_count()

    def _build_filter_bar(self, plural: str, search_delay_ms: int) -> FlowLayout:
        """The search box and one combo a filter."""
        self.search_box = SearchBox(placeholder=f"Search {plural}", delay_ms=search_delay_ms)
        self.search_box.setToolTip(f"Search {plural} by reference, name or summary")
        self.search_box.search_changed.connect(self._search)
        self.search_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.filter_combos: list[QComboBox] = []
        # Widgets of filters whose choices wait to be read, by filter index.
        self._lazy_filters: dict[QObject, int] = {}
        # The search box and the filters wrap onto a second line rather than pushing the
        # window wider than a laptop screen; each label stays with its combo.
        filter_bar = FlowLayout(spacing=FILTER_SPACING)
        self._filter_bar = filter_bar
        filter_bar.addWidget(self.search_box)
        for spec in self._filter_specs:
            combo = QComboBox()
            # Without uniform item sizes the popup's list measures every choice each time
            # the combo is reparented or polished: about 2 s for 14,000 reviews.
            view = combo.view()
            if isinstance(view, QListView):
                view.setUniformItemSizes(True)
            combo.addItems([text for text, _values in spec.choices])
            if spec.searchable:
                make_searchable(combo)
            label = QLabel(f"{spec.label}:")
            label.setBuddy(combo)
            combo.setAccessibleName(f"Filter by {spec.label.lower()}")
            # Long agency names must not widen the screen: the combo shows about 14
            # characters, and its list opens wide enough for the longest choice.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(min(max(len(t) for t, _ in spec.choices), FILTER_CHARS))
            combo.currentIndexChanged.connect(self._filter_changed)
            filter_bar.addWidget(labelled(label, combo))
            self.filter_combos.append(combo)
            if spec.more_choices is not None:
                self._watch_lazy_filter(combo)
        return filter_bar

    def _build_actions(self, noun: str, plural: str) -> QHBoxLayout:
        """New, Open and Delete, and how many records the list holds."""
        self.count_label = QLabel()
        self.count_label.setAccessibleName(f"Number of {plural}")
        self.count_label.setProperty("role", "subtitle")

        self.new_action = self._action(f"&New {noun}", "new", "Ctrl+N", self.new_record)
        self.open_action = self._action(f"&Open {noun}", "open", "Enter", self.open_current)
        self.delete_action = self._action(f"&Delete {noun}", None, "Del", self.delete_current)
        self.save_action = self._action("&Save", None, "Ctrl+S", self.save)
        actions = QHBoxLayout()
        for action in (self.new_action, self.open_action, self.delete_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        return actions

    def _build_table(self, model: PagedTableModel[Q, RowT], plural: str) -> None:
        """The list: sortable by its headers, its columns fitted to the first rows."""
        self.table = row_picker_table(model, accessible_name=f"{plural.capitalize()} list")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setHighlightSections(False)
        self._sync_sort_indicator()
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(lambda *_: self._sync_sort_indicator())
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.installEventFilter(self)
        # Small enough for a laptop beside the form; the splitter never hides either pane.
        self.table.setMinimumWidth(_LIST_MIN_WIDTH)
        model.modelReset.connect(self._update_count)
        model.rowsInserted.connect(lambda *_: self._update_count())
        # Columns fit their texts once the first rows arrive; widths the user drags later
        # are kept across reloads and locks.
        self._columns_fitted = False
        model.modelReset.connect(self._fit_columns_once)

    def _build_panel(self, noun: str, form: RecordForm[Rec]) -> None:
        """The edit panel: a heading, the form in a scroll area, Save / Delete / Close; or a
        line saying how to open a record."""
        self.panel_heading = QLabel()
        self.panel_heading.setProperty("role", "subtitle")
        self.panel_heading.setWordWrap(True)
        self.save_error = ErrorLabel()
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.form_delete_button = QPushButton(f"Delete {noun}…")
        self.form_delete_button.clicked.connect(self.delete_open_record)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.panel_heading, 1)
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
        editor_layout.addLayout(buttons)
        editor_layout.addWidget(self.save_error)
        editor_layout.addWidget(scroll, 1)
        self.empty_panel = QLabel(
            f"Choose {_article(noun)} {noun} in the list to open it, "
            f"or press Ctrl+N for a new {noun}."
        )
        self.empty_panel.setWordWrap(True)
        self.empty_panel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_panel.setMinimumWidth(_PANEL_MIN_WIDTH // 2)
        self.panel = QStackedWidget()
        self.panel.addWidget(self.empty_panel)
        self.panel.addWidget(editor)
        self._editor = editor
        form.dirty_changed.connect(lambda _dirty: self._update_heading())

        self.panel.setMinimumWidth(_PANEL_MIN_WIDTH // 2)
        self.panel.currentChanged.connect(lambda _index: self._panel_changed())

    def _build_splitter(self) -> None:
        """The list beside the panel."""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        # Until the user drags the divider, the list gets most of the room while no record
        # is open, and the form (two columns of fields) while one is.
        self._user_split = False
        self._sized = False
        self.splitter.splitterMoved.connect(self._splitter_moved)
        # Set while the screen itself moves the table's selection (not the user's choice).
        self._selecting = False
        # Set while a row the user selected opens: the focus stays in the list.
        self._browsing = False

    # --- for subclasses -----------------------------------------------------------------------

    def _add_screen_action(self, action: QAction) -> QToolButton:
        """A button for `action` (a screen's own task) after the search and filters, which
        wrap onto a new line in a narrow window (the New/Open/Delete row does not)."""
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
        self._filter_bar.addWidget(button)
        return button

    def _record_class(self) -> type[Rec]:
        return cast("type[Rec]", RecordType(self.RECORD_TYPE).record_class)

    def _get(self, record_id: str) -> Rec:
        return self._records.get(self._record_class(), record_id)

    def _save(self, record: Rec) -> Changes:
        return self._records.save(record)

    def _delete(self, record_id: str) -> Changes:
        return self._records.delete(self._record_class(), record_id)

    def _new_id(self) -> str:
        return self._records.new_id(self.RECORD_TYPE)

    def _row_label(self, row: RowT) -> str:
        """How a row is named in the delete question."""
        raise NotImplementedError

    def _record_id_of(self, record: Rec) -> str:
        return str(getattr(record, "id"))  # noqa: B009 - records are dataclasses with an id

    # --- the Screen protocol ------------------------------------------------------------------

    @property
    def title(self) -> str:
        """The screen's name."""
        return self._title

    def refresh(self, changes: Changes | None) -> None:
        """Reload the list (and the open record, when untouched here) after `changes`."""
        if changes is not None and changes is self._refreshed:
            # This screen's own save refreshes it, then the window passes the same Changes
            # to every screen: once is enough.
            return
        self._refreshed = changes
        just_saved, self._just_saved = self._just_saved, None
        related = changes is None or any(changes.touches(t) for t in self.RELATED_TYPES)
        if related:
            self._lookups_stale = True
            if self.panel.currentWidget() is self._editor:
                self._ensure_lookups()
        if changes is not None and not changes.touches(self.RECORD_TYPE) and not related:
            return
        # Rows moving or going move the table's current row: that is no choice of the user's
        # and opens nothing.
        self._selecting = True
        try:
            if changes is None or related:
                self.model.reload(keep_loaded=True)
            else:
                kind = self.RECORD_TYPE
                self.model.apply_changes(
                    created=[i for t, i in changes.created if t == kind],
                    updated=[i for t, i in changes.updated if t == kind],
                    deleted=[i for t, i in changes.deleted if t == kind],
                )
                # Rows may have gone without a reset.
                self._update_count()
        finally:
            self._selecting = False
        record_id = self.form.record_id
        if record_id is None or self.form.is_new or changes is None:
            self._select(record_id)
            return
        if (self.RECORD_TYPE, record_id) in changes.deleted:
            self.form.clear()
            self.panel.setCurrentWidget(self.empty_panel)
        elif (self.RECORD_TYPE, record_id) in changes.updated and not self.form.is_dirty:
            # Changed elsewhere (the criteria wizard): show the stored version. After this
            # screen's own save the form shows it already, unless storing changed something
            # (filling the form again rebuilds its lists of children).
            try:
                stored = self._get(record_id)
                if stored != just_saved:
                    self.form.start(stored, record_id=record_id)
            except CragError:
                self.form.clear()
                self.panel.setCurrentWidget(self.empty_panel)
        self._select(record_id)
        self._update_heading()

    def clear(self) -> None:
        """Forget every row and field value (the app is locking)."""
        self.form.clear()
        self.panel.setCurrentWidget(self.empty_panel)
        self.model.clear()
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.save_error.clear_error()
        self._update_heading()

    # --- public API ---------------------------------------------------------------------------

    def apply_query(self, query: Q) -> None:
        """Show the rows of `query` (the dashboard opens filtered lists this way)."""
        self._show_query(query)
        self.model.set_query(query)
        self._sync_sort_indicator()

    def set_filters(self, filters: Sequence[FilterSpec]) -> None:
        """Offer new filter choices (e.g. after an agency was added), keeping each choice made
        when it is still offered."""
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
        self._filter_specs = tuple(filters)

    def complete_filter(self, index: int) -> None:
        """Read the rest of filter `index`'s choices if they wait to be read."""
        spec = self._filter_specs[index]
        if spec.more_choices is None:
            return
        full = completed(spec)
        self._filter_specs = (
            *self._filter_specs[:index],
            full,
            *self._filter_specs[index + 1 :],
        )
        combo = self.filter_combos[index]
        blocked = combo.blockSignals(True)
        combo.addItems([text for text, _values in full.choices[len(spec.choices) :]])
        combo.blockSignals(blocked)

    def open_record(self, record_id: str) -> bool:
        """Show `record_id` in the form (asking first about unsaved changes elsewhere); typing
        then goes to the form's first field, unless the user is moving through the list."""
        focus = not self._browsing
        if self._is_open(record_id):
            if focus:
                self._focus_form()
            return True
        if not self.form.may_leave(self.save):
            return False
        try:
            record = self._get(record_id)
            self._ensure_lookups()
        except CragError as error:
            self._prompter.error(f"The {self._noun} could not be opened", str(error))
            return False
        self.save_error.clear_error()
        self.form.start(record, record_id=record_id)
        self.panel.setCurrentWidget(self._editor)
        self._select(record_id)
        self._update_heading()
        if focus:
            self._focus_form()
        return True

    def open_current(self) -> None:
        """Open the row selected in the table."""
        row = self._current_row()
        if row is not None:
            self.open_record(self.model.row_id(row))

    def new_record(self) -> bool:
        """Start a new record in the form."""
        if not self.form.may_leave(self.save):
            return False
        try:
            record_id = self._new_id()
            self._ensure_lookups()
        except CragError as error:
            self._prompter.error(f"A new {self._noun} could not be started", str(error))
            return False
        self.save_error.clear_error()
        self.form.start(None, record_id=record_id)
        self.panel.setCurrentWidget(self._editor)
        # The list's highlight would name a record that is not the one in the form.
        self._select(None)
        self._update_heading()
        self._focus_form()
        return True

    def save(self) -> bool:
        """Store what the form holds through the service; True when stored."""
        if self.panel.currentWidget() is not self._editor or self.form.record_id is None:
            return False
        try:
            record = self.form.record()
            changes = self._save(record)
        except FormErrors as problems:
            self._show_problems(problems.errors)
            return False
        except ValidationFailed as failed:
            self._show_problems(failed.errors)
            return False
        except CragError as error:
            self._prompter.error(f"The {self._noun} was not saved", str(error))
            return False
        self.save_error.clear_error()
        self.form.saved(self._record_id_of(record))
        self._just_saved = record
        self.refresh(changes)
        self._update_heading()
        self.changed.emit(changes)
        return True

    def close_record(self) -> bool:
        """Close the form (asking about unsaved changes); True when closed."""
        if self.panel.currentWidget() is not self._editor:
            return True
        if not self.form.may_leave(self.save):
            return False
        self.form.clear()
        self.save_error.clear_error()
        self.panel.setCurrentWidget(self.empty_panel)
        # Unhighlighted, so that choosing the same row again opens it again.
        self._select(None)
        self._update_heading()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def may_close(self) -> bool:
        """Whether the screen may go away (the window closes): asks about unsaved changes."""
        return self.form.may_leave(self.save)

    def delete_current(self) -> None:
        """Delete the record open in the form (selecting a row opens it), or the row
        selected when none is open, after a confirmation naming it."""
        if self.panel.currentWidget() is self._editor and not self.form.is_new:
            self.delete_open_record()
            return
        row = self._current_row()
        if row is None:
            return
        self._delete_with_confirmation(
            self.model.row_id(row), self._row_label(self.model.row_at(row))
        )

    def delete_open_record(self) -> None:
        """Delete the record open in the form, after a confirmation."""
        record_id = self.form.record_id
        if record_id is None or self.form.is_new:
            return
        self._delete_with_confirmation(record_id, self.form.describe())

    # --- Qt overrides -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Claim Ctrl+N and Ctrl+S while focus is in the screen (the window uses Ctrl+N too)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            action = self._key_action(event)
            if action is not None:
                event.accept()
                action()
                return True
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Share the width between list and form on first show."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            self._apply_split()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete in the table deletes the current row (not while typing in the form); a
        filter whose choices wait to be read reads them when the user goes to it."""
        if watched in self._lazy_filters and event.type() in _GOING_TO_A_FILTER:
            self.complete_filter(self._lazy_filters[watched])
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Delete
            and not (event.modifiers() & _MODIFIERS)
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.delete_current()
                return True
        return super().eventFilter(watched, event)

    # --- internals ----------------------------------------------------------------------------

    def _action(
        self, text: str, icon: str | None, shortcut: str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(load_icon(icon))
        plain = text.replace("&", "")
        # Shown, not bound: `event()` handles the keys so they win over the window's own.
        action.setToolTip(f"{plain} ({QKeySequence(shortcut).toString()})")
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _key_action(self, event: QKeyEvent) -> Callable[[], object] | None:
        combination = QKeyCombination(event.modifiers() & _MODIFIERS, Qt.Key(event.key()))
        if combination == _NEW_KEY:
            return self.new_record
        if combination == _SAVE_KEY and self.panel.currentWidget() is self._editor:
            return self.save
        return None

    def _delete_with_confirmation(self, record_id: str, label: str) -> None:
        if not self._prompter.confirm(
            f"Delete {label}? The deletion is recorded in the audit log and cannot be undone here.",
            title=f"Delete {self._noun}",
        ):
            return
        try:
            changes = self._delete(record_id)
        except CragError as error:
            self._prompter.error(f"The {self._noun} was not deleted", str(error))
            return
        if self.form.record_id == record_id:
            self.form.discard_changes()
            self.form.clear()
            self.panel.setCurrentWidget(self.empty_panel)
        self.refresh(changes)
        self._update_heading()
        self.changed.emit(changes)

    def _show_problems(self, errors: Sequence[FieldError]) -> None:
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        self.save_error.show_error(
            f"The {self._noun} was not saved: {count} {noun} to correct, shown below."
        )
        first = self.form.show_errors(errors)
        if first is not None:
            self._reveal(first)

    def _reveal(self, widget: QWidget) -> None:
        """Scroll the form so `widget` (the first error's field) and its message show."""
        # The error labels just shown change the form's height: lay it out first, or the
        # scroll would aim at where the field was.
        layout = self.form.layout()
        if layout is not None:
            layout.activate()
        row = _field_row_of(widget, self.form)
        if row is not None:
            self.form_scroll.ensureWidgetVisible(row, 0, 8)
        self.form_scroll.ensureWidgetVisible(widget, 0, 24)

    def _watch_lazy_filter(self, combo: QComboBox) -> None:
        index = len(self.filter_combos) - 1
        for widget in (combo, combo.lineEdit()):
            if widget is not None:
                self._lazy_filters[widget] = index
                widget.installEventFilter(self)

    def _ensure_lookups(self) -> None:
        """Read the form's choices from other records if they may have changed."""
        if self._lookups_stale:
            self.form.refresh_lookups()
            self._lookups_stale = False

    def _is_open(self, record_id: str) -> bool:
        return (
            self.panel.currentWidget() is self._editor
            and self.form.record_id == record_id
            and not self.form.is_new
        )

    def _selection_changed(self) -> None:
        """Master-detail: the row the user selects opens in the form."""
        if self._selecting:
            return
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        record_id = self.model.row_id(rows[0].row())
        if self._is_open(record_id):
            return
        # Moving through the list keeps the keyboard in the list.
        self._browsing = True
        try:
            opened = self.open_record(record_id)
        finally:
            self._browsing = False
        if not opened:
            # Cancelled (unsaved changes kept): the highlight goes back to the open record,
            # once the click or key press that moved it has finished.
            QTimer.singleShot(0, self._select_open_record)

    def _select_open_record(self) -> None:
        showing = self.panel.currentWidget() is self._editor
        self._select(self.form.record_id if showing and not self.form.is_new else None)

    def _splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_split = True

    def _panel_changed(self) -> None:
        # The hint shown while nothing is open needs little room: the list takes the rest.
        editing = self.panel.currentWidget() is self._editor
        self.panel.setMinimumWidth(_PANEL_MIN_WIDTH if editing else _PANEL_MIN_WIDTH // 2)
        self._apply_split()

    def _first_columns_width(self, count: int) -> int:
        header = self.table.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)][:count]
        columns = sum(header.sectionSize(c) for c in shown)
        scroll_bar = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return columns + 2 * self.table.frameWidth() + scroll_bar

    def _fit_columns_once(self) -> None:
        if self._columns_fitted or self.model.rowCount() == 0:
            return
        self._columns_fitted = True
        fit_columns(self.table)

    def _apply_split(self) -> None:
        if self._user_split:
            return
        width = max(self.splitter.width(), _LIST_MIN_WIDTH + _PANEL_MIN_WIDTH)
        if self.panel.currentWidget() is self._editor:
            # The form's two columns of fields need more room than the list; the list keeps
            # its first two columns whole (a review's title and type at 1024 px) as long as
            # the form keeps its minimum, and the form one field a row.
            listed = min(width - _PANEL_MIN_WIDTH, self._first_columns_width(2))
            kept = max(width // 3, listed)
            sizes = [kept, width - kept]
        else:
            # With nothing open the list shows every column whole when the hint beside it
            # keeps its least room: the agencies' right-aligned Members numbers were cut by
            # the list's right edge at 1024 px.
            every = self._first_columns_width(self.model.columnCount())
            listed = max(width * 3 // 5, min(every, width - _PANEL_MIN_WIDTH // 2))
            sizes = [listed, width - listed]
        self.splitter.setSizes(sizes)

    def _search(self, text: str) -> None:
        self.model.set_query(self._query_with(text=text))

    def _filter_changed(self, _index: int) -> None:
        values: dict[str, object] = {}
        for spec, combo in zip(self._filter_specs, self.filter_combos, strict=True):
            values.update(spec.choices[0][1])
            values.update(spec.choices[max(combo.currentIndex(), 0)][1])
        self.model.set_query(self._query_with(**values))

    def _query_with(self, **values: object) -> Q:
        current: Any = self.model.query
        query: Q = dataclasses.replace(current, **values)
        return query

    def _show_query(self, query: Q) -> None:
        for index, spec in enumerate(self._filter_specs):
            everything = spec.choices[0][1]
            if spec.more_choices is not None and any(
                getattr(query, k) != v for k, v in everything.items()
            ):
                self.complete_filter(index)
        for spec, combo in zip(self._filter_specs, self.filter_combos, strict=True):
            chosen = 0
            for index, (_text, values) in enumerate(spec.choices):
                if index and all(getattr(query, k) == v for k, v in values.items()):
                    chosen = index
                    break
            combo.blockSignals(True)
            combo.setCurrentIndex(chosen)
            combo.blockSignals(False)
        text = str(getattr(query, "text", ""))
        self.search_box.blockSignals(True)
        self.search_box.setText(text)
        self.search_box.blockSignals(False)

    def _sync_sort_indicator(self) -> None:
        query: Any = self.model.query
        column = self.model.column_of_sort(query.sort)
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header.blockSignals(True)
        if column is None:
            header.setSortIndicator(-1, order)
        else:
            header.setSortIndicator(column, order)
        header.blockSignals(False)

    def _update_count(self) -> None:
        total = self.model.total
        noun = self._noun if total == 1 else self._plural
        self.count_label.setText(f"{total:,} {noun}")

    def _update_heading(self) -> None:
        if self.panel.currentWidget() is not self._editor:
            self.panel_heading.setText("")
        elif self.form.is_new:
            self.panel_heading.setText(f"New {self._noun}")
        else:
            described = self.form.describe()
            self.panel_heading.setText(described[:1].upper() + described[1:])
        if self.form.is_dirty:
            # Said in words as well as the asterisk: colour or symbols alone are not enough.
            self.panel_heading.setText(self.panel_heading.text() + " (unsaved changes)")
        editing = self.panel.currentWidget() is self._editor
        self.save_button.setEnabled(editing)
        self.close_button.setEnabled(editing)
        self.form_delete_button.setEnabled(editing and not self.form.is_new)
        self.open_action.setEnabled(True)

    def _current_row(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            selected = self.table.selectionModel().selectedRows()
            if not selected:
                return None
            index = selected[0]
        return index.row()

    def _select(self, record_id: str | None) -> None:
        """Highlight `record_id`'s row (None, or a row not loaded: highlight none); the
        screen moving the highlight opens nothing."""
        row = None if record_id is None else self.model.row_of(record_id)
        self._selecting = True
        try:
            if row is None:
                self.table.clearSelection()
                return
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        finally:
            self._selecting = False

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_record(self.model.row_id(index.row()))

    def _focus_form(self) -> None:
        first = self.form.first_input()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.form_scroll.ensureWidgetVisible(first)
