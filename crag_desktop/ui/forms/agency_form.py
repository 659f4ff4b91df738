"""The agency form: name and kind."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import Agency
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.drafts import DraftService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind
from crag_desktop.ui.forms.fields import choice_combo, combo_code
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow

__all__ = ["AgencyForm"]


class AgencyForm(RecordForm[Agency]):
    """One agency of the partnership."""

    RECORD_TYPE: ClassVar[str] = "agency"
    NOUN: ClassVar[str] = "agency"

    def __init__(
        self,
        *,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self.heading = QLabel("Agency")
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.kind_combo = choice_combo(AgencyKind)
        name_row = self.add_field("name", FieldRow(label="&Name", field=self.name_edit))
        kind_row = self.add_field("kind", FieldRow(label="&Kind of agency", field=self.kind_combo))
        self.bind(
            Bind("name", self.name_edit),
            Bind("kind", self.kind_combo, new=AgencyKind.OTHER),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.general_errors)
        layout.addWidget(name_row)
        layout.addWidget(kind_row)
        layout.addStretch(1)
        self.set_tab_sequence(self.name_edit, self.kind_combo)
        self.setFocusProxy(self.name_edit)

    def _load(self, record: Agency | None) -> None:
        self._bindings.show(record)
        self.heading.setText(record.name if record else "New agency")

    def _build_record(self, errors: list[FieldError]) -> Agency | None:
        assert self.record_id is not None
        return Agency(
            id=self.record_id,
            name=self.name_edit.text().strip(),
            kind=AgencyKind(combo_code(self.kind_combo) or AgencyKind.OTHER.value),
        )

    def describe(self) -> str:
        """ "the agency Police"."""
        name = self.name_edit.text().strip()
        return f"the agency {name}" if name else "the new agency"
