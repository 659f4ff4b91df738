"""What every record form shares: errors at their fields, dirty tracking, autosaved drafts
and the unsaved-changes question.

A form never saves: it builds a record from what was typed (`record()`), and the screen hands
that to the record service. What the form does keep by itself is a *draft* of the raw typing
(`payload()`), autosaved to the encrypted database every few seconds, so a crash or a flat
battery loses nothing; opening the same record (or a new one) again offers the draft back.
The inputs a form is made of are in `fields`; a record's nested items in `collection`.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from crag_desktop.domain.errors import CragError, FieldError
from crag_desktop.services.drafts import Draft, DraftService
from crag_desktop.ui.draft_offer import DraftOffer
from crag_desktop.ui.forms.bindings import Bind, Bindings, DraftInput, Field
from crag_desktop.ui.forms.collection import CollectionEditor
from crag_desktop.ui.forms.fields import CheckList, focus_leaves, refit_sections
from crag_desktop.ui.prompts import Prompter, UnsavedChoice
from crag_desktop.ui.widgets import ErrorLabel, FieldRow, UkDateEdit, WheelGuard, guard_wheel

__all__ = [
    "AUTOSAVE_MS",
    "FormErrors",
    "RecordForm",
    "UnsavedChoice",
    "ask_unsaved_changes",
]

R = TypeVar("R")

#: Autosave interval in the app; tests pass a few milliseconds.
AUTOSAVE_MS = 5000


def ask_unsaved_changes(prompter: Prompter, what: str) -> UnsavedChoice:
    """Save, Discard or Cancel for unsaved changes to `what`."""
    return prompter.ask_save_discard_cancel(f"Save the changes to {what}?")


class RecordForm(QWidget, Generic[R]):
    """A record's form: subclasses build the fields, load a record, and build one back.

    Subclasses implement `_load`, `_build_record` and `describe`, declare their inputs with
    `bind` (the draft and edits follow from it) and register each field with `add_field`.
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
        self.draft_offer = DraftOffer(
            drafts=drafts,
            prompter=prompter,
            title="Unsaved work found",
            question=_form_draft_question,
        )
        self._fields: dict[str, FieldRow] = {}
        self._collections: dict[str, CollectionEditor] = {}
        self._bindings = Bindings()
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

    def bind(self, *binds: Bind) -> Bindings:
        """Declare the form's inputs once, each with the record field it edits: the draft,
        putting a draft back and counting edits follow from this table (a collection
        editor's errors show in it)."""
        self._bindings = Bindings(*binds)
        for b in binds:
            if isinstance(b.widget, CollectionEditor):
                self.add_collection(b.key, b.widget)
            else:
                self.watch(b.widget)
        return self._bindings

    def declare(self, *fields: Field | Bind) -> dict[str, FieldRow]:
        """Declare the form's inputs once, in order: each `Field`'s labelled row (registered
        for its errors, see `add_field`) and every binding (see `bind`). Returns the rows by
        key, for the form to lay out."""
        # A row's errors come by the record's field (`learning_summary.link`), which is the
        # draft's key unless the binding names another.
        rows = {
            f.bind.field or f.bind.key: self.add_field(
                f.bind.field or f.bind.key,
                FieldRow(label=f.label, field=f.bind.widget, hint=f.hint),
            )
            for f in fields
            if isinstance(f, Field)
        }
        self.bind(*(f.bind if isinstance(f, Field) else f for f in fields))
        return rows

    def payload(self) -> dict[str, object]:
        """Everything typed, raw, for the autosaved draft (JSON-friendly)."""
        return self._bindings.payload()

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        """Put a draft's raw values back into the fields."""
        self._bindings.restore(payload)

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
            elif isinstance(widget, CheckList | DraftInput):
                # A check list, or an input of its own kind (a chooser), says "changed".
                signal = getattr(widget, "changed", None)
                if signal is None:
                    raise TypeError(f"cannot watch {type(widget).__name__}")
                signal.connect(self._edited)
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
        refit_sections(self)
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
                draft = self.draft_offer.take_back(newest_under=f"{self.RECORD_TYPE}:new:")
            else:
                draft = self.draft_offer.take_back(key=key)
        except CragError:
            return
        if draft is not None:
            self._draft_key = draft.key
            self._with_loading(lambda: self._restore_payload(draft.payload))
            self._set_dirty(True)
            self._autosave_pending = False
            self.changed.emit()


def _form_draft_question(draft: Draft, when: str) -> str:
    return (
        f"There is unsaved work on {draft.title} from {when}.\n\n"
        "Delete it and open the record as it was saved? "
        "(No restores the unsaved work.)"
    )


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
