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

from PySide6.QtCore import QEvent, QKeyCombination, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QToolButton, QVBoxLayout, QWidget

from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.services.changes import Changes
from crag_desktop.ui.forms.base import FormErrors, RecordForm
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.paged import PagedRow, PagedTableModel
from crag_desktop.ui.views.filter_bar import FilterBar, FilterSpec
from crag_desktop.ui.views.record_panel import ListSplitter, RecordPanel
from crag_desktop.ui.widgets import fit_columns, load_icon, row_picker_table

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
_NEW_KEY = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_N)
_SAVE_KEY = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_S)


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
        # The kind's noun ("learning point") in the buttons, the hint and every message.
        noun = RecordType(self.RECORD_TYPE).noun
        self._noun = noun
        self._plural = plural
        self.model = model
        self.form = form
        self._prompter = prompter

        heading = QLabel(title)
        heading.setProperty("role", "title")
        self.filters = FilterBar(
            model,
            filters,
            plural=plural,
            query_with=self._query_with,
            search_delay_ms=search_delay_ms,
            parent=self,
        )
        self.search_box = self.filters.search_box
        self.filter_combos = self.filters.filter_combos
        actions = self._build_actions(noun, plural)
        self._build_table(model, plural)
        self._build_panel(noun, form)
        self.splitter = ListSplitter(self.table, self.panel)
        # Set while the screen itself moves the table's selection (not the user's choice).
        self._selecting = False
        # Set while a row the user selected opens: the focus stays in the list.
        self._browsing = False

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        filter_box = QWidget()
        filter_box.setLayout(self.filters.flow)
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
        model.modelReset.connect(self._update_count)
        model.rowsInserted.connect(lambda *_: self._update_count())
        # Columns fit their texts once the first rows arrive; widths the user drags later
        # are kept across reloads and locks.
        self._columns_fitted = False
        model.modelReset.connect(self._fit_columns_once)

    def _build_panel(self, noun: str, form: RecordForm[Rec]) -> None:
        """The edit panel beside the list, its parts named on the screen as well."""
        self.panel = RecordPanel(noun, form)
        self.panel.save_button.clicked.connect(self.save)
        self.panel.form_delete_button.clicked.connect(self.delete_open_record)
        self.panel.close_button.clicked.connect(self.close_record)
        self.panel_heading = self.panel.panel_heading
        self.save_error = self.panel.save_error
        self.save_button = self.panel.save_button
        self.form_delete_button = self.panel.form_delete_button
        self.close_button = self.panel.close_button
        self.form_scroll = self.panel.form_scroll
        self.empty_panel = self.panel.empty_panel

    # --- for subclasses -----------------------------------------------------------------------

    def _add_screen_action(self, action: QAction) -> QToolButton:
        """A button for `action` (a screen's own task) after the search and filters, which
        wrap onto a new line in a narrow window (the New/Open/Delete row does not)."""
        return self.filters.add_button(action)

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
            if self.panel.editing:
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
            self.panel.show_hint()
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
                self.panel.show_hint()
        self._select(record_id)
        self._update_heading()

    def clear(self) -> None:
        """Forget every row and field value (the app is locking)."""
        self.form.clear()
        self.panel.show_hint()
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
        self.filters.set_filters(filters)

    def complete_filter(self, index: int) -> None:
        """Read the rest of filter `index`'s choices if they wait to be read."""
        self.filters.complete_filter(index)

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
        self.panel.show_form()
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
        self.panel.show_form()
        # The list's highlight would name a record that is not the one in the form.
        self._select(None)
        self._update_heading()
        self._focus_form()
        return True

    def save(self) -> bool:
        """Store what the form holds through the service; True when stored."""
        if not self.panel.editing or self.form.record_id is None:
            return False
        try:
            record = self.form.record()
            changes = self._save(record)
        except FormErrors as problems:
            self.panel.show_problems(problems.errors)
            return False
        except ValidationFailed as failed:
            self.panel.show_problems(failed.errors)
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
        if not self.panel.editing:
            return True
        if not self.form.may_leave(self.save):
            return False
        self.form.clear()
        self.save_error.clear_error()
        self.panel.show_hint()
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
        if self.panel.editing and not self.form.is_new:
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
        self.splitter.first_shown()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete in the table deletes the current row (not while typing in the form)."""
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
        if combination == _SAVE_KEY and self.panel.editing:
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
            self.panel.show_hint()
        self.refresh(changes)
        self._update_heading()
        self.changed.emit(changes)

    def _ensure_lookups(self) -> None:
        """Read the form's choices from other records if they may have changed."""
        if self._lookups_stale:
            self.form.refresh_lookups()
            self._lookups_stale = False

    def _is_open(self, record_id: str) -> bool:
        return self.panel.editing and self.form.record_id == record_id and not self.form.is_new

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
        showing = self.panel.editing
        self._select(self.form.record_id if showing and not self.form.is_new else None)

    def _fit_columns_once(self) -> None:
        if self._columns_fitted or self.model.rowCount() == 0:
            return
        self._columns_fitted = True
        fit_columns(self.table, self.model.column_texts)

    def _query_with(self, **values: object) -> Q:
        current: Any = self.model.query
        query: Q = dataclasses.replace(current, **values)
        return query

    def _show_query(self, query: Q) -> None:
        self.filters.show_query(query)

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
        self.panel.update_heading()
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
        self.panel.focus_form()
