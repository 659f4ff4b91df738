"""The progress updates of a recommendation's actions, on its form: the current action's
updates listed under its cards, and one more appended (updates are never edited or
deleted; the screen stores it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.tracker import latest_update
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.ui.forms.fields import combo_code, read_date, set_combo_code
from crag_desktop.ui.qt_models.recommendations import first_line

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

    from crag_desktop.ui.forms.actions import ActionsEditor
    from crag_desktop.ui.qt_models.recommendations import ActionUpdateTableModel
    from crag_desktop.ui.widgets import ErrorLabel, FieldRow, UkDateEdit


class _Form(Protocol):
    """What this part needs of the recommendation form it belongs to."""

    update_requested: SignalInstance
    actions_editor: ActionsEditor
    updates_model: ActionUpdateTableModel
    updates_heading: QLabel
    update_on: UkDateEdit
    update_status: QComboBox
    update_note: QLineEdit
    update_by: QComboBox
    add_update_button: QPushButton
    update_error: ErrorLabel
    _update_rows: dict[str, FieldRow]
    _stored_updates: dict[str, tuple[ActionUpdate, ...]]
    _member_names: dict[str, str]
    _today: Callable[[], dt.date]

    @property
    def is_new(self) -> bool: ...

    @property
    def record_id(self) -> str | None: ...

    def stored_action_id(self) -> str: ...

    def show_update_errors(self, errors: Sequence[FieldError]) -> None: ...

    def _clear_update_errors(self) -> None: ...

    def _reset_update_inputs(self, *, keep_by: bool = False) -> None: ...

    def _latest_update(self) -> ActionUpdate | None: ...

    def _show_updates(self) -> None: ...


__all__ = ["ProgressUpdates"]


class ProgressUpdates:
    """The recommendation form's progress updates: a part of `RecommendationForm`, apart so
    that each reads on its own (its methods' `self` is the form, as `_Form` describes)."""

    def stored_action_id(self: _Form) -> str:
        """The current action's id when it is stored (updates can be added), else ""."""
        if self.is_new or self.record_id is None:
            return ""
        action_id = self.actions_editor.current_action_id()
        return action_id if action_id in self._stored_updates else ""

    def request_update(self: _Form) -> None:
        """Ask the screen to append the typed update to the current action."""
        action_id = self.stored_action_id()
        if not action_id:
            return
        self._clear_update_errors()
        errors: list[FieldError] = []
        on = read_date(self.update_on.line_edit.text(), "on", errors)
        if on is None and not errors:
            errors.append(FieldError("on", "give the date of the update"))
        if errors or on is None:
            self.show_update_errors(errors)
            return
        update = ActionUpdate(
            on=on,
            status=RecommendationStatus(
                combo_code(self.update_status) or RecommendationStatus.ON_TRACK
            ),
            note=self.update_note.text().strip(),
            by=combo_code(self.update_by),
        )
        self.update_requested.emit(action_id, update)

    def show_update_errors(self: _Form, errors: Sequence[FieldError]) -> None:
        """Show the problems with the typed update next to its fields."""
        self._clear_update_errors()
        general: list[str] = []
        first: QWidget | None = None
        for error in errors:
            name = error.path.rsplit(".", 1)[-1]
            row = self._update_rows.get(name)
            if row is None:
                general.append(error.message)
                continue
            row.set_error(error.message)
            first = first or (row.field.focusProxy() or row.field)
        if general:
            self.update_error.show_error("The update was not added: " + "; ".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def update_added(self: _Form, stored: Recommendation) -> None:
        """The screen appended an update: show the stored updates; the rest stays as typed."""
        self._stored_updates = {a.id: a.updates for a in stored.actions}
        self._reset_update_inputs(keep_by=True)
        self._show_updates()

    def _reset_update_inputs(self: _Form, *, keep_by: bool = False) -> None:
        self._clear_update_errors()
        self.update_on.set_value(self._today())
        self.update_note.setText("")
        if not keep_by:
            set_combo_code(self.update_by, None)
        latest = self._latest_update()
        set_combo_code(
            self.update_status,
            (latest.status if latest is not None else RecommendationStatus.ON_TRACK).value,
        )

    def _clear_update_errors(self: _Form) -> None:
        for row in self._update_rows.values():
            row.set_error(None)
        self.update_error.clear_error()

    def _latest_update(self: _Form) -> ActionUpdate | None:
        return latest_update(self._stored_updates.get(self.actions_editor.current_action_id(), ()))

    def _show_updates(self: _Form) -> None:
        action_id = self.actions_editor.current_action_id()
        number = self.actions_editor.current_action_number()
        stored = self.stored_action_id()
        self.updates_model.set_updates(
            self._stored_updates.get(stored, ()), names=self._member_names
        )
        if not action_id:
            text = "Add an action above, or choose one, to see its progress updates."
        elif not stored:
            text = (
                f"Action {number} is not saved yet: save the recommendation (Ctrl+S) before "
                "adding progress updates to it."
            )
        else:
            rows = self.actions_editor.rows()
            description = first_line(str(rows[number - 1].get("description") or ""))
            count = self.updates_model.rowCount()
            noun = "update" if count == 1 else "updates"
            text = f"Action {number}: {description or 'no description yet'} ({count} {noun})"
        self.updates_heading.setText(text)
        for widget in (
            self.update_on,
            self.update_status,
            self.update_note,
            self.update_by,
            self.add_update_button,
        ):
            widget.setEnabled(bool(stored))
