"""The member form: a member of the subgroup, their agency and role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import Agency, Member
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind
from crag_desktop.ui.forms.fields import combo_code, set_combo_code
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow

__all__ = ["MemberForm"]


class MemberForm(RecordForm[Member]):
    """One member of the subgroup."""

    RECORD_TYPE: ClassVar[str] = "member"
    NOUN: ClassVar[str] = "member"

    def __init__(
        self,
        *,
        drafts: DraftService,
        prompter: Prompter,
        records: RecordService | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self._records = records
        self.heading = QLabel("Member")
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.agency_combo = QComboBox()
        self.role_edit = QLineEdit()
        self.role_edit.setPlaceholderText("e.g. Designated nurse")
        rows = [
            self.add_field("name", FieldRow(label="&Name", field=self.name_edit)),
            self.add_field("agency", FieldRow(label="&Agency", field=self.agency_combo)),
            self.add_field("role", FieldRow(label="&Role", field=self.role_edit, hint="Optional")),
        ]
        self.bind(
            Bind("name", self.name_edit),
            Bind("agency", self.agency_combo),
            Bind("role", self.role_edit),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.general_errors)
        for row in rows:
            layout.addWidget(row)
        layout.addStretch(1)
        self.set_tab_sequence(self.name_edit, self.agency_combo, self.role_edit)
        self.setFocusProxy(self.name_edit)

    def refresh_lookups(self) -> None:
        """Offer the agencies stored now."""
        if self._records is not None:
            self.set_agencies(self._records.agencies())

    def set_agencies(self, agencies: Sequence[Agency]) -> None:
        """Offer these agencies (call before `start`); the choice made is kept if still there."""
        current = combo_code(self.agency_combo)
        blocked = self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        self.agency_combo.addItem("Choose an agency", None)
        for agency in agencies:
            self.agency_combo.addItem(agency.name, agency.id)
        set_combo_code(self.agency_combo, current)
        self.agency_combo.blockSignals(blocked)

    def _load(self, record: Member | None) -> None:
        self._bindings.show(record)
        self.heading.setText(record.name if record else "New member")

    def _build_record(self, errors: list[FieldError]) -> Member | None:
        assert self.record_id is not None
        agency = combo_code(self.agency_combo)
        if agency is None:
            errors.append(FieldError("agency", "choose the member's agency"))
            return None
        role = self.role_edit.text().strip()
        return Member(
            id=self.record_id, name=self.name_edit.text().strip(), agency=agency, role=role or None
        )

    def describe(self) -> str:
        """ "the member Harriet Quillfeather"."""
        name = self.name_edit.text().strip()
        return f"the member {name}" if name else "the new member"
