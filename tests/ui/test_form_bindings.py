"""Each form's fields are declared once, in its bindings: the draft written from a record
puts the same record back, in every form."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from crag_desktop.domain.records import Recommendation, Referral
from crag_desktop.ui.forms.base import RecordForm
from crag_desktop.ui.main_window import MainWindow
from tests.ui.test_layout_small_window import _views


def _kept_outside_drafts(restored: Any, shown: Any) -> Any:
    """`restored` with what a draft does not hold taken from `shown`: a referral's decision
    (the wizard records it) and an action's progress updates (appended, never typed)."""
    if isinstance(restored, Referral):
        return dataclasses.replace(restored, decision=shown.decision)
    if isinstance(restored, Recommendation):
        actions = tuple(
            dataclasses.replace(mine, updates=theirs.updates)
            for mine, theirs in zip(restored.actions, shown.actions, strict=True)
        )
        return dataclasses.replace(restored, actions=actions)
    return restored


def test_every_forms_draft_puts_back_the_record_it_was_written_from(window: MainWindow) -> None:
    checked: list[str] = []
    for key in window.screen_keys():
        for name, page in _views(window, key):
            form = getattr(page, "form", None)
            if not name.endswith("first record") or not isinstance(form, RecordForm):
                continue
            shown = form.record()
            draft = form.payload()
            record_id = form.record_id
            assert record_id is not None
            # A blank form with every text in it made stale, then the draft put back: the
            # same record (a field missing from the bindings would keep "stale").
            form.start(None, record_id=record_id)
            assert form.payload() != draft, name
            for edit in form.findChildren(QLineEdit):
                edit.setText("stale")
            for text in form.findChildren(QPlainTextEdit):
                text.setPlainText("stale")
            cast(Any, form)._with_loading(lambda f=form, d=draft: f._restore_payload(d))
            QApplication.processEvents()
            assert form.payload() == draft, name
            assert _kept_outside_drafts(form.record(), shown) == shown, name
            form.discard_changes()
            checked.append(type(form).__name__)
    # The referral, review, recommendation, meeting, learning, agency and member forms.
    assert len(set(checked)) >= 7, checked
