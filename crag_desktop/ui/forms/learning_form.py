"""The learning forms: a catalogue learning point, and a learning event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import LearningEvent, LearningPoint
from crag_desktop.domain.wording import one_line
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import Choice, RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind
from crag_desktop.ui.forms.fields import CheckList
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow, UkDateEdit

__all__ = ["LearningEventForm", "LearningPointForm"]

#: The attendance spin box shows this (its minimum) as "Not recorded".
_NOT_RECORDED = -1


class LearningPointForm(RecordForm[LearningPoint]):
    """One of the subgroup's common learning points."""

    RECORD_TYPE: ClassVar[str] = "learning_point"
    NOUN: ClassVar[str] = "learning point"

    def __init__(
        self,
        *,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self.heading = QLabel("Learning point")
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        # Tab moves on to the next field rather than typing a tab into the text.
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(120)
        self.usage_label = QLabel()
        self.usage_label.setProperty("role", "hint")
        self.usage_label.setWordWrap(True)
        row = self.add_field(
            "text",
            FieldRow(
                label="Learning &point",
                field=self.text_edit,
                hint="In the subgroup's own words; reviews link to it from their learning.",
            ),
        )
        self.bind(Bind("text", self.text_edit))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.general_errors)
        layout.addWidget(row)
        layout.addWidget(self.usage_label)
        layout.addStretch(1)
        self.setFocusProxy(self.text_edit)

    def set_usage(self, reviews: int | None) -> None:
        """Say how many reviews carry the point shown (None: a new point)."""
        if reviews is None:
            self.usage_label.setText("")
        elif reviews == 1:
            self.usage_label.setText("1 review carries this learning point.")
        else:
            self.usage_label.setText(f"{reviews} reviews carry this learning point.")

    def _load(self, record: LearningPoint | None) -> None:
        self._bindings.show(record)
        self.heading.setText("Learning point" if record else "New learning point")

    def _build_record(self, errors: list[FieldError]) -> LearningPoint | None:
        assert self.record_id is not None
        return LearningPoint(id=self.record_id, text=self.text_edit.toPlainText().strip())

    def describe(self) -> str:
        """ "the learning point “Fathers …”"."""
        text = self.text_edit.toPlainText().strip()
        return f"the learning point “{one_line(text)}”" if text else "the new learning point"


class LearningEventForm(RecordForm[LearningEvent]):
    """A learning event: date, title, the reviews it drew on and how many came."""

    RECORD_TYPE: ClassVar[str] = "learning_event"
    NOUN: ClassVar[str] = "learning event"

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
        self.heading = QLabel("Learning event")
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        self.date_edit = UkDateEdit(accessible_name="Date")
        self.title_edit = QLineEdit()
        self.reviews_list = CheckList()
        self.reviews_list.setAccessibleName("Reviews the event drew on")
        self.attendance_spin = QSpinBox()
        self.attendance_spin.setRange(_NOT_RECORDED, 100_000)
        self.attendance_spin.setSpecialValueText("Not recorded")
        rows = [
            self.add_field("date", FieldRow(label="&Date", field=self.date_edit)),
            self.add_field("title", FieldRow(label="&Title", field=self.title_edit)),
            self.add_field(
                "reviews",
                FieldRow(
                    label="&Reviews it drew on",
                    field=self.reviews_list,
                    hint="Space ticks or unticks the review under the cursor.",
                ),
            ),
            self.add_field("attendance", FieldRow(label="&Attendance", field=self.attendance_spin)),
        ]
        self.bind(
            Bind("date", self.date_edit),
            Bind("title", self.title_edit),
            Bind("reviews", self.reviews_list),
            # Not recorded is the number one below the least (the spin box's minimum).
            Bind("attendance", self.attendance_spin, new=_NOT_RECORDED),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.general_errors)
        for row in rows:
            layout.addWidget(row)
        layout.addStretch(1)
        self.set_tab_sequence(
            self.date_edit.line_edit,
            self.title_edit,
            self.reviews_list,
            self.attendance_spin,
        )
        self.setFocusProxy(self.date_edit)

    def refresh_lookups(self) -> None:
        """Offer the reviews stored now."""
        if self._records is not None:
            self.set_reviews(self._records.reviews())

    def set_reviews(self, reviews: Sequence[Choice]) -> None:
        """Offer these reviews to tick (call before `start`)."""
        kept = self.reviews_list.checked()
        self.reviews_list.set_items((c.id, c.label) for c in reviews)
        self.reviews_list.set_checked(kept)

    def _load(self, record: LearningEvent | None) -> None:
        self._bindings.show(record)
        self.heading.setText(record.title if record else "New learning event")

    def _build_record(self, errors: list[FieldError]) -> LearningEvent | None:
        assert self.record_id is not None
        try:
            day = self.date_edit.value()
        except ValueError as error:
            errors.append(FieldError("date", str(error)))
            return None
        if day is None:
            errors.append(FieldError("date", "give the date of the event"))
            return None
        attendance = self.attendance_spin.value()
        return LearningEvent(
            id=self.record_id,
            date=day,
            title=self.title_edit.text().strip(),
            reviews=tuple(self.reviews_list.checked()),
            attendance=None if attendance == _NOT_RECORDED else attendance,
        )

    def describe(self) -> str:
        """ "the learning event “Baby L: …”"."""
        title = self.title_edit.text().strip()
        return f"the learning event “{one_line(title)}”" if title else "the new learning event"
