"""The meeting form: date, agenda, who came and who sent apologies, quorate, declarations of
interest, the referrals considered, the decisions taken there (read-only: the criteria wizard
records them) and the notes.

The screen's edit panel already names the meeting ("The meeting of 14 June 2016"), so the form
carries no heading of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, FieldError
from crag_desktop.domain.records import Agency, Meeting, Member
from crag_desktop.domain.wording import long_date, short_date
from crag_desktop.services.decisions import MeetingDecision
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralRow, ReferralSort
from crag_desktop.services.records import MeetingUpdateLine, RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind, Field
from crag_desktop.ui.forms.fields import CheckList, combo_code, section
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow, UkDateEdit

__all__ = ["MeetingForm", "ReferralPicker"]

#: How many matches the referral search lists; typing more narrows them.
SEARCH_LIMIT = 12

_QUORATE = (("Not recorded", None), ("Quorate", "yes"), ("Not quorate", "no"))

#: The decisions whose record names a meeting, by meeting id.
DecisionsAt = Callable[[str], Sequence[MeetingDecision]]
#: The progress updates given at a meeting, by meeting id.
UpdatesAt = Callable[[str], Sequence[MeetingUpdateLine]]


def decision_line(decision: MeetingDecision) -> str:
    """ "CRAG-2016-02 Child R: Partnership review"."""
    return f"{decision.reference} {decision.case_name}: {decision.outcome_label}"


def _label(row: ReferralRow) -> str:
    return f"{row.reference} {row.case_name} (received {short_date(row.received)})"


class ReferralPicker(QWidget):
    """The referrals a meeting considered: search by reference or case name, Enter adds the
    highlighted match, Delete removes the chosen referral under the cursor.

    Searched in SQL a dozen at a time, as there may be 100,000 referrals.
    """

    changed = Signal()

    def __init__(self, *, referrals: ReferralList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._referrals = referrals
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Find a referral by reference or case name")
        self.search_edit.setAccessibleName("Find a referral to add")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.returnPressed.connect(self.add_current_match)
        self.search_edit.installEventFilter(self)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching referrals")
        self.matches.setMaximumHeight(110)
        self.matches.itemActivated.connect(lambda _item: self.add_current_match())
        self.matches.hide()
        self.add_button = QPushButton("Add referral")
        self.add_button.clicked.connect(self.add_current_match)
        self.chosen = QListWidget()
        self.chosen.setAccessibleName("Referrals considered")
        self.chosen.setMaximumHeight(120)
        self.chosen.installEventFilter(self)
        self.remove_button = QPushButton("Remove referral")
        self.remove_button.clicked.connect(self.remove_current)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.add_button)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addWidget(self.matches)
        layout.addWidget(self.chosen)
        layout.addLayout(remove_row)
        self.setFocusProxy(self.search_edit)
        self._update_buttons()

    def ids(self) -> list[str]:
        """The referrals chosen, in the order added."""
        return [
            str(self.chosen.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.chosen.count())
        ]

    def draft_value(self) -> object:
        """The referrals ticked, for the draft."""
        return self.ids()

    def restore_draft(self, value: object) -> None:
        """Tick the referrals a draft (or a record) lists."""
        self.set_ids([str(v) for v in value] if isinstance(value, list | tuple) else [])

    def set_ids(self, ids: Sequence[str]) -> None:
        """Show exactly these referrals as chosen (no change signal: loading is not editing)."""
        labels: dict[str, str] = {}
        if ids:
            try:
                rows = self._referrals.page(ReferralQuery(ids=tuple(ids)), limit=len(ids))
            except CragError:
                rows = []
            labels = {row.id: _label(row) for row in rows}
        blocked = self.chosen.blockSignals(True)
        self.chosen.clear()
        for key in ids:
            self._append(key, labels.get(key, key))
        self.chosen.blockSignals(blocked)
        self.search_edit.clear()
        self._update_buttons()

    def add_current_match(self) -> None:
        """Add the highlighted match (the first when none is highlighted)."""
        item = self.matches.currentItem() or self.matches.item(0)
        if item is None or not self.matches.isVisible():
            return
        key = str(item.data(Qt.ItemDataRole.UserRole))
        if key not in self.ids():
            self._append(key, item.text())
            self.changed.emit()
        self.search_edit.clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_current(self) -> None:
        """Remove the chosen referral under the cursor."""
        row = self.chosen.currentRow()
        if row < 0:
            return
        self.chosen.takeItem(row)
        self._update_buttons()
        self.changed.emit()

    def eventFilter(self, watched: object, event: object) -> bool:
        """Up/Down in the search move through the matches; Delete removes a chosen referral."""
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if watched is self.search_edit and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = min(max(self.matches.currentRow() + step, 0), self.matches.count() - 1)
                self.matches.setCurrentRow(row)
                return True
            if watched is self.chosen and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_current()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _append(self, key: str, label: str) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.chosen.addItem(item)
        self._update_buttons()

    def _search(self, text: str) -> None:
        self.matches.clear()
        needle = text.strip()
        if not needle:
            self.matches.hide()
            self._update_buttons()
            return
        query = ReferralQuery(text=needle, sort=ReferralSort.RECEIVED, descending=True)
        try:
            rows = self._referrals.page(query, limit=SEARCH_LIMIT)
        except CragError:
            rows = []
        chosen = set(self.ids())
        for row in rows:
            if row.id in chosen:
                continue
            item = QListWidgetItem(_label(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.matches.addItem(item)
        if self.matches.count() == 0:
            self.matches.addItem(QListWidgetItem("No referral matches"))
            self.matches.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.matches.setCurrentRow(0)
        self.matches.show()
        self._update_buttons()

    def _update_buttons(self) -> None:
        first = self.matches.item(0)
        self.add_button.setEnabled(
            first is not None and bool(first.flags() & Qt.ItemFlag.ItemIsEnabled)
        )
        self.remove_button.setEnabled(self.chosen.count() > 0)


def _member_label(member: Member, agency_names: Mapping[str, str]) -> str:
    agency = agency_names.get(member.agency, member.agency)
    role = f", {member.role}" if member.role else ""
    return f"{member.name} ({agency}{role})"


class MeetingForm(RecordForm[Meeting]):
    """One meeting of the subgroup."""

    RECORD_TYPE: ClassVar[str] = "meeting"
    NOUN: ClassVar[str] = "meeting"

    #: Record recommendation progress updates at this meeting (its id).
    updates_requested = Signal(str)

    def __init__(
        self,
        *,
        drafts: DraftService,
        prompter: Prompter,
        referrals: ReferralList,
        records: RecordService | None = None,
        decisions_at: DecisionsAt | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self._records = records
        self._decisions_at = decisions_at
        self._updates_at: UpdatesAt | None = None if records is None else records.updates_at_meeting
        self.date_edit = UkDateEdit(accessible_name="Date")
        self.quorate_combo = QComboBox()
        for text, code in _QUORATE:
            self.quorate_combo.addItem(text, code)
        self.agenda_edit = self._text_box(80)
        self.attendees_list = CheckList()
        self.apologies_list = CheckList()
        self.declarations_edit = self._text_box(60)
        self.referral_picker = ReferralPicker(referrals=referrals)
        self.notes_edit = self._text_box(120)
        rows = self.declare(
            Field(Bind("date", self.date_edit), "&Date"),
            Field(Bind("quorate", self.quorate_combo, shown=_yes_no), "&Quorate"),
            Field(Bind("agenda", self.agenda_edit), "A&genda"),
            Field(
                Bind("attendees", self.attendees_list),
                "&Attended",
                "Space ticks the member under the cursor.",
            ),
            Field(Bind("apologies", self.apologies_list), "Ap&ologies"),
            Field(
                Bind("declarations_of_interest", self.declarations_edit),
                "Dec&larations of interest",
            ),
            Field(
                Bind("referrals_considered", self.referral_picker),
                "&Referrals considered",
                "Type to search, Enter adds the highlighted referral, Delete removes one.",
            ),
            Field(
                Bind("notes", self.notes_edit),
                "Minutes and &notes",
                "The meeting's minutes: what was discussed and agreed.",
            ),
        )
        # Read-only rows: what was decided and updated at the meeting, recorded elsewhere.
        rows["decisions"] = self._decisions_row()
        rows["updates"] = self._updates_row()
        self._lay_out(rows)
        self.set_tab_sequence(
            self.date_edit.line_edit,
            self.quorate_combo,
            self.agenda_edit,
            self.attendees_list,
            self.apologies_list,
            self.declarations_edit,
            self.referral_picker.search_edit,
            self.referral_picker.add_button,
            self.referral_picker.matches,
            self.referral_picker.chosen,
            self.referral_picker.remove_button,
            self.decisions_list,
            self.updates_list,
            self.updates_button,
            self.notes_edit,
        )
        self.setFocusProxy(self.date_edit)

    def _decisions_row(self) -> FieldRow:
        # Read-only: a decision belongs to its referral and is changed in the criteria wizard,
        # but the meeting's record must show what was decided there.
        self.decisions_list = QListWidget()
        self.decisions_list.setAccessibleName("Decisions taken at this meeting")
        self.decisions_list.setMaximumHeight(110)
        self.decisions_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.decisions_list.setWordWrap(True)
        return FieldRow(
            label="Decisions &taken at this meeting",
            field=self.decisions_list,
            hint="Recorded with the criteria wizard; read-only here.",
        )

    def _updates_row(self) -> FieldRow:
        # Read-only too: updates are appended on the recommendations, never edited here.
        self.updates_list = QListWidget()
        self.updates_list.setAccessibleName("Recommendation updates given at this meeting")
        self.updates_list.setMaximumHeight(110)
        self.updates_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.updates_list.setWordWrap(True)
        self.updates_button = QPushButton("Record recommendation &updates…")
        self.updates_button.setToolTip(
            "Tick the recommendations' actions discussed here and record an update for each"
        )
        self.updates_button.clicked.connect(self._request_updates)
        updates_box = QWidget()
        updates_layout = QVBoxLayout(updates_box)
        updates_layout.setContentsMargins(0, 0, 0, 0)
        updates_layout.addWidget(self.updates_list)
        button_row = QHBoxLayout()
        button_row.addWidget(self.updates_button)
        button_row.addStretch(1)
        updates_layout.addLayout(button_row)
        return FieldRow(
            label="Recommendation updates given at this meeting",
            field=updates_box,
            hint="Each appended to its recommendation's action, dated the meeting's day.",
        )

    def _lay_out(self, rows: dict[str, FieldRow]) -> None:
        """The form's sections in a scrolling area."""
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 8, 0)
        inner.addWidget(self.general_errors)
        inner.addWidget(section("Meeting", [[rows["date"], rows["quorate"]], [rows["agenda"]]]))
        inner.addWidget(section("Who was there", [[rows["attendees"], rows["apologies"]]]))
        inner.addWidget(
            section(
                "Business",
                [
                    [rows["declarations_of_interest"]],
                    [rows["referrals_considered"]],
                    [rows["decisions"]],
                    [rows["updates"]],
                    [rows["notes"]],
                ],
            )
        )
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)

    @staticmethod
    def _text_box(height: int) -> QPlainTextEdit:
        box = QPlainTextEdit()
        # Tab moves to the next field, as in every other input of the form.
        box.setTabChangesFocus(True)
        box.setMinimumHeight(height)
        return box

    def refresh_lookups(self) -> None:
        """Offer the members stored now, and list the decisions as they now stand."""
        if self._records is not None:
            self.set_members(self._records.members(), self._records.agencies())
        self._show_decisions(None if self.is_new else self.record_id)
        self._show_updates(None if self.is_new else self.record_id)

    def set_members(self, members: Sequence[Member], agencies: Sequence[Agency]) -> None:
        """Offer these members for attendance and apologies (call before `start`)."""
        names = {a.id: a.name for a in agencies}
        items = [(m.id, _member_label(m, names)) for m in members]
        for check_list in (self.attendees_list, self.apologies_list):
            kept = check_list.checked()
            check_list.set_items(items)
            check_list.set_checked(kept)

    def _load(self, record: Meeting | None) -> None:
        self._bindings.show(record)
        self._show_decisions(record.id if record else None)
        self._show_updates(record.id if record else None)

    def saved(self, record_id: str) -> None:
        """Stored: a new meeting can take recommendation updates now."""
        super().saved(record_id)
        self._show_updates(record_id)

    def _request_updates(self) -> None:
        if self.record_id is not None and not self.is_new:
            self.updates_requested.emit(self.record_id)

    def _show_updates(self, meeting_id: str | None) -> None:
        self.updates_list.clear()
        lines: Sequence[MeetingUpdateLine] = ()
        if meeting_id is not None and self._updates_at is not None:
            try:
                lines = self._updates_at(meeting_id)
            except CragError:
                lines = ()
        for line in lines:
            item = QListWidgetItem(line.text)
            item.setData(Qt.ItemDataRole.UserRole, line.recommendation_id)
            item.setToolTip(line.text)
            self.updates_list.addItem(item)
        if not lines:
            empty = QListWidgetItem(
                "Save the meeting first, then record the updates given at it"
                if meeting_id is None
                else "No recommendation update was recorded at this meeting"
            )
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.updates_list.addItem(empty)
        self.updates_button.setEnabled(meeting_id is not None and self._updates_at is not None)

    def update_lines(self) -> list[str]:
        """The recommendation updates listed, as shown (empty when none)."""
        return [
            self.updates_list.item(i).text()
            for i in range(self.updates_list.count())
            if self.updates_list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
        ]

    def _show_decisions(self, meeting_id: str | None) -> None:
        self.decisions_list.clear()
        decisions: Sequence[MeetingDecision] = ()
        if meeting_id is not None and self._decisions_at is not None:
            try:
                decisions = self._decisions_at(meeting_id)
            except CragError:
                decisions = ()
        for decision in decisions:
            item = QListWidgetItem(decision_line(decision))
            item.setData(Qt.ItemDataRole.UserRole, decision.referral_id)
            item.setToolTip(f"Decided on {short_date(decision.decided_on)}")
            self.decisions_list.addItem(item)
        if not decisions:
            empty = QListWidgetItem(
                "None yet: a new meeting has no decisions"
                if meeting_id is None
                else "No criteria decision was recorded at this meeting"
            )
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.decisions_list.addItem(empty)

    def decision_lines(self) -> list[str]:
        """The decisions listed, as shown (empty when none)."""
        return [
            self.decisions_list.item(i).text()
            for i in range(self.decisions_list.count())
            if self.decisions_list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
        ]

    def _build_record(self, errors: list[FieldError]) -> Meeting | None:
        assert self.record_id is not None
        try:
            day = self.date_edit.value()
        except ValueError as error:
            errors.append(FieldError("date", str(error)))
            return None
        if day is None:
            errors.append(FieldError("date", "give the date of the meeting"))
            return None
        quorate = combo_code(self.quorate_combo)
        return Meeting(
            id=self.record_id,
            date=day,
            attendees=tuple(self.attendees_list.checked()),
            referrals_considered=tuple(self.referral_picker.ids()),
            notes=self.notes_edit.toPlainText().strip(),
            agenda=self.agenda_edit.toPlainText().strip(),
            apologies=tuple(self.apologies_list.checked()),
            quorate=None if quorate is None else quorate == "yes",
            declarations_of_interest=self.declarations_edit.toPlainText().strip(),
        )

    def describe(self) -> str:
        """ "the meeting of 14 March 2024"."""
        try:
            day = self.date_edit.value()
        except ValueError:
            day = None
        return f"the meeting of {long_date(day)}" if day else "the new meeting"


def _yes_no(quorate: bool | None) -> str | None:
    """Quorate as the choice's code ("yes", "no"; None: not recorded)."""
    return None if quorate is None else ("yes" if quorate else "no")
