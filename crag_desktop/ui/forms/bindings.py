"""Each form's fields declared once: which input holds which record field.

A form lists its inputs in one `Bindings` table, each with the record field it edits (also
its error path and its key in the autosaved draft) and, where the record holds something
other than what the input shows, how to show it. The table then writes the draft
(`payload`), puts a draft back (`restore`) and shows a record or a new one's starting
values (`show`); a form writes by hand only what is particular to it. Before, each form
spelled every field out three times, and a field added to one list and not another was
silently left out of the drafts.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from crag_desktop.ui.forms.collection import CollectionEditor
from crag_desktop.ui.forms.fields import CheckList, combo_code, set_combo_code
from crag_desktop.ui.widgets import UkDateEdit

__all__ = ["Bind", "Bindings", "DraftInput", "Field"]


@runtime_checkable
class DraftInput(Protocol):
    """An input of its own kind (the review's referral chooser) that says what it holds."""

    def draft_value(self) -> object:
        """What is typed or chosen, as the draft keeps it."""

    def restore_draft(self, value: object) -> None:
        """Put back what `draft_value` gave (or None: empty)."""


@dataclass(frozen=True, slots=True)
class Bind:
    """One input and the record field it edits."""

    #: The draft's key; also the record's field unless `field` says otherwise.
    key: str
    widget: QWidget
    #: What the input shows for the record's value, when that is not the value itself (a
    #: record's children as rows, an amount as "£24,500.00").
    shown: Callable[[Any], object] | None = None
    #: What a new record's input starts with.
    new: object = None
    #: The record's field when it is not `key` ("learning_summary.link": a part of a part,
    #: None when the part is missing).
    field: str = ""

    def value_of(self, record: object) -> object:
        """The record's value for this input, as the input shows it."""
        value: object = record
        for name in (self.field or self.key).split("."):
            value = getattr(value, name) if value is not None else None
        return self.shown(value) if self.shown is not None else value


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled input of a form: its binding, and the label and hint of its row (where
    an error whose path is the binding's key shows)."""

    bind: Bind
    label: str
    hint: str = ""


class Bindings:
    """A form's inputs, each bound to its record field."""

    def __init__(self, *binds: Bind) -> None:
        self._binds = binds
        keys = [b.key for b in binds]
        # A key given twice would have one input's draft overwrite the other's.
        assert len(set(keys)) == len(keys), keys

    def __iter__(self) -> Iterator[Bind]:
        return iter(self._binds)

    def widget(self, key: str) -> QWidget:
        """The input bound to `key`."""
        return next(b.widget for b in self._binds if b.key == key)

    def payload(self) -> dict[str, object]:
        """The raw typing of every input, keyed by field (dates as typed)."""
        return {b.key: _draft_value(b.widget) for b in self._binds}

    def restore(self, payload: Mapping[str, object]) -> None:
        """Put a draft's typing back into the inputs (missing keys: empty)."""
        for b in self._binds:
            _restore(b.widget, payload.get(b.key))

    def show(self, record: object | None, **new: object) -> None:
        """Show `record`'s values, or (None) a new record's: each input's `new` value, or
        the one given here by key (today's date)."""
        for b in self._binds:
            value = new.get(b.key, b.new) if record is None else b.value_of(record)
            _show(b.widget, value)


def _draft_value(widget: QWidget) -> object:
    if isinstance(widget, DraftInput):
        return widget.draft_value()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return combo_code(widget)
    if isinstance(widget, UkDateEdit):
        return widget.line_edit.text()
    if isinstance(widget, CheckList):
        return widget.checked()
    if isinstance(widget, CollectionEditor):
        return widget.rows()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    raise TypeError(f"no draft for {type(widget).__name__}")


def _restore(widget: QWidget, value: object) -> None:
    """Put back a draft's value; anything of the wrong shape (an older draft) is empty."""
    text = "" if value is None else str(value)
    if isinstance(widget, DraftInput):
        widget.restore_draft(value)
    elif isinstance(widget, QLineEdit):
        widget.setText(text)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QComboBox):
        set_combo_code(widget, value)
    elif isinstance(widget, UkDateEdit):
        widget.line_edit.setText(text)
    elif isinstance(widget, CheckList):
        widget.set_checked([str(c) for c in value] if isinstance(value, list) else [])
    elif isinstance(widget, CollectionEditor):
        rows = value if isinstance(value, list) else []
        widget.set_rows([r for r in rows if isinstance(r, dict)])
    elif isinstance(widget, QSpinBox):
        widget.setValue(value if isinstance(value, int) else widget.minimum())
    elif isinstance(widget, QCheckBox):
        widget.setChecked(value is True)
    else:
        raise TypeError(f"no draft for {type(widget).__name__}")


def _show(widget: QWidget, value: object) -> None:
    """Show a record's value (a code for its enum, a date for its date...)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(widget, UkDateEdit):
        widget.set_value(value if isinstance(value, dt.date) else None)
    elif isinstance(widget, CheckList):
        codes = value if isinstance(value, Iterable) and not isinstance(value, str) else ()
        widget.set_checked(c.value if isinstance(c, enum.Enum) else str(c) for c in codes)
    elif isinstance(widget, CollectionEditor):
        widget.set_rows(value if isinstance(value, Iterable) else [])
    else:
        _restore(widget, value)
