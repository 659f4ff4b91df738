"""The referral form: every field of a referral, its children, and its decision (read-only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.clock import CLOCK_SPECS, ClockKind, ClockState, ClockStatus, clock_state
from crag_desktop.domain.criteria import NotificationOwed, first_with_clock, notification_owed_for
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import Child, ClockPause, CriteriaDecision, Referral
from crag_desktop.domain.vocabulary import (
    AbuseCategory,
    IncidentType,
    LegalStatus,
    ReferralStatus,
    Sex,
    Vocabulary,
)
from crag_desktop.domain.wording import count_of
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.collection import Cell, CellKind, CollectionEditor
from crag_desktop.ui.forms.fields import (
    CheckList,
    choice_combo,
    combo_code,
    section,
    set_combo_code,
)
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow, UkDateEdit, format_uk_date, parse_uk_date

__all__ = [
    "CHILD_CELLS",
    "CLOCK_NAMES",
    "NO_AGENCIES",
    "ReferralClock",
    "ReferralForm",
    "child_from_values",
    "child_values",
    "clock_line",
    "not_started",
    "pause_cells",
    "pause_values",
    "pauses_from_values",
    "read_date",
    "set_pause_rows",
]

_AGENCIES_SCREEN = (
    f"{ScreenKey.AGENCIES.default_title} screen ({ScreenKey.AGENCIES.default_shortcut})"
)
#: Shown under "Referring agency" while the database has no agencies.
NO_AGENCIES = f"No agencies yet: add them on the {_AGENCIES_SCREEN}."

CHILD_CELLS = (
    Cell(name="pseudonym", title="Pseudonym"),
    Cell(name="sex", title="Sex", kind=CellKind.CHOICE, vocabulary=Sex),
    Cell(name="age_years", title="Age (years)", kind=CellKind.NUMBER, maximum=24),
    Cell(name="age_months", title="Age (months)", kind=CellKind.NUMBER, maximum=11),
    Cell(
        name="legal_status",
        title="Legal status",
        kind=CellKind.CHOICE,
        vocabulary=LegalStatus,
    ),
    Cell(name="disability_or_sen", title="Disability / SEN", kind=CellKind.CHECK),
    Cell(name="ethnicity", title="Ethnicity (optional)"),
)


def read_date(text: object, path: str, errors: list[FieldError]) -> dt.date | None:
    """A typed date, or None; a FieldError at `path` when it is not a date."""
    try:
        return parse_uk_date(str(text or ""))
    except ValueError as error:
        errors.append(FieldError(path, str(error)))
        return None


def child_values(child: Child) -> dict[str, object]:
    """A child as a collection editor row."""
    return {
        "pseudonym": child.pseudonym,
        "sex": child.sex.value,
        "age_years": child.age_years,
        "age_months": child.age_months,
        "legal_status": child.legal_status.value,
        "disability_or_sen": child.disability_or_sen,
        "ethnicity": child.ethnicity or "",
    }


def child_from_values(values: Mapping[str, object]) -> Child:
    """A collection editor row as a child."""
    years = values.get("age_years")
    months = values.get("age_months")
    ethnicity = str(values.get("ethnicity") or "").strip()
    return Child(
        pseudonym=str(values.get("pseudonym") or "").strip(),
        sex=Sex(str(values.get("sex") or Sex.UNKNOWN.value)),
        age_years=years if isinstance(years, int) else None,
        age_months=months if isinstance(months, int) else None,
        legal_status=LegalStatus(str(values.get("legal_status") or LegalStatus.UNKNOWN.value)),
        disability_or_sen=bool(values.get("disability_or_sen")),
        ethnicity=ethnicity or None,
    )


# --- clocks -----------------------------------------------------------------------------------

#: The short name of each clock in the clock lines and the pauses editor.
CLOCK_NAMES: dict[ClockKind, str] = {
    ClockKind.SERIOUS_INCIDENT_NOTIFICATION: "Serious incident notification",
    ClockKind.RAPID_REVIEW: "Rapid review",
    ClockKind.SCR_COMPLETION_AIM: "6-month completion aim",
    ClockKind.LOCAL_SIGN_OFF: "Local sign-off",
    ClockKind.LCSPR_FINAL_REPORT: "Final LCSPR report to the Panel",
}


class ReferralClock(Vocabulary):
    """The clocks a referral's pause can hold (the pauses editor's clock choices)."""

    SERIOUS_INCIDENT_NOTIFICATION = ClockKind.SERIOUS_INCIDENT_NOTIFICATION.value
    RAPID_REVIEW = ClockKind.RAPID_REVIEW.value

    @property
    def label(self) -> str:
        """The clock's short name."""
        return CLOCK_NAMES[ClockKind(self.value)]


def pause_cells(clocks: type[Vocabulary]) -> tuple[Cell, ...]:
    """The pauses editor's columns, offering the clocks in `clocks`."""
    return (
        Cell(
            name="clock",
            title="Clock",
            kind=CellKind.CHOICE,
            vocabulary=clocks,
            empty="Choose the clock",
        ),
        Cell(name="paused_on", title="Paused on", kind=CellKind.DATE),
        Cell(name="resumed_on", title="Resumed on", kind=CellKind.DATE),
        Cell(name="reason", title="Reason", wide=True),
    )


def pause_values(pause: ClockPause) -> dict[str, object]:
    """A clock pause as a pauses editor row."""
    return {
        "clock": pause.clock,
        "paused_on": format_uk_date(pause.paused_on),
        "resumed_on": format_uk_date(pause.resumed_on),
        "reason": pause.reason,
    }


def set_pause_rows(editor: CollectionEditor, pauses: Iterable[Mapping[str, object]]) -> None:
    """Show these pause rows; a clock the combo does not offer (imported data) is added to
    that row's combo, so that saving never silently moves a pause to another clock."""
    rows = list(pauses)
    editor.set_rows(rows)
    for i, values in enumerate(rows):
        code = values.get("clock")
        combo = editor.cell_widget(i, "clock")
        if code and isinstance(combo, QComboBox) and combo.findData(code) < 0:
            combo.blockSignals(True)
            combo.addItem(str(code).replace("_", " ").capitalize(), str(code))
            combo.setCurrentIndex(combo.count() - 1)
            combo.blockSignals(False)


def pauses_from_values(
    rows: Sequence[Mapping[str, object]], errors: list[FieldError] | None
) -> tuple[ClockPause, ...]:
    """The pauses editor's rows as pauses. With `errors`, an unreadable or missing date is
    reported there; without (recomputing the clock lines while typing), such rows are
    skipped."""
    found: list[ClockPause] = []
    for i, values in enumerate(rows):
        path = f"clock_pauses[{i}]"
        problems: list[FieldError] = []
        paused_on = read_date(values.get("paused_on"), f"{path}.paused_on", problems)
        resumed_on = read_date(values.get("resumed_on"), f"{path}.resumed_on", problems)
        if paused_on is None and not problems:
            problems.append(FieldError(f"{path}.paused_on", "give the date the clock was paused"))
        if not values.get("clock"):
            problems.append(FieldError(f"{path}.clock", "choose the clock the pause holds"))
        if errors is not None:
            errors.extend(problems)
        if paused_on is None or problems:
            continue
        found.append(
            ClockPause(
                clock=str(values.get("clock") or ""),
                paused_on=paused_on,
                resumed_on=resumed_on,
                reason=str(values.get("reason") or "").strip(),
            )
        )
    return tuple(found)


def not_started(start: str, unreadable: bool) -> str:
    """Why a clock shows no due date: its start date is missing, or is not a date yet."""
    if unreadable:
        return f"not started: type {start} as dd/mm/yyyy."
    return f"not started: starts when {start} is given."


def clock_line(
    state: ClockState, pauses: Iterable[ClockPause], *, today: dt.date, done: str = "done"
) -> str:
    """One clock in words, status first and never by colour: "Rapid review: due 14/03/2024
    (extended by 5 working days: paused for the criminal trial; 3 working days left)".
    `done` is what completing it is called ("notified", "signed off")."""
    spec = CLOCK_SPECS[state.kind]
    name = CLOCK_NAMES[state.kind]
    own = [p for p in pauses if p.clock == state.kind.value] if spec.pausable else []
    aim = ""
    if state.aim_on is not None:
        aim = f"local aim {format_uk_date(state.aim_on)}"
        if (state.completed_on or today) > state.aim_on:
            aim += " missed"
    due = f"due {format_uk_date(state.due_on)}" + (f", {aim}" if aim else "")
    unit = "working day" if spec.working_days else "day"
    reasons = "; ".join(dict.fromkeys(p.reason for p in own if p.reason))
    extension = ""
    if state.paused_days:
        extension = f"extended by {count_of(state.paused_days, unit)}"
        extension += f": paused for {reasons}" if reasons else ""
    reference = state.completed_on or today
    if spec.working_days:
        late = count_of(-state.working_days_remaining, "working day")
        left = count_of(state.working_days_remaining, "working day")
    else:
        # Month clocks are late by months: calendar days read better than working days.
        late = count_of((reference - state.due_on).days, "day")
        left = count_of((state.due_on - reference).days, "day")
    after = f"; {extension}" if extension else ""
    status = state.status
    if status is ClockStatus.MET:
        assert state.completed_on is not None
        return f"{name}: met, {done} {format_uk_date(state.completed_on)} ({due}{after})"
    if status is ClockStatus.BREACHED:
        if state.completed_on is not None:
            text = f"breached, {done} {format_uk_date(state.completed_on)}, {late} late"
        else:
            text = f"breached, {late} overdue"
        return f"{name}: {text} ({due}{after})"
    if status is ClockStatus.PAUSED:
        running = [
            p
            for p in own
            if p.paused_on <= today and (p.resumed_on is None or today < p.resumed_on)
        ]
        since = min((p.paused_on for p in running), default=today)
        why = "; ".join(dict.fromkeys(p.reason for p in running if p.reason))
        text = f"paused since {format_uk_date(since)}" + (f" for {why}" if why else "")
        due = f"due {format_uk_date(state.due_on)} if it resumed tomorrow"
        return f"{name}: {text} ({due}{'; ' + aim if aim else ''})"
    parts = [p for p in (extension, "due today" if left.startswith("0 ") else f"{left} left") if p]
    return f"{name}: {due} ({'; '.join(parts)})"


def _describe_decision(decision: CriteriaDecision | None) -> str:
    if decision is None:
        return "No decision recorded yet. Use the criteria wizard at the meeting."
    text = (
        f"{decision.decided_outcome.label}, decided on {format_uk_date(decision.decided_on)} "
        f"under {decision.rule_set} (version {decision.rule_set_version}); "
        f"the rules gave: {decision.rules_outcome.replace('_', ' ')}."
    )
    if decision.alternative_review_type is not None:
        text += f" Review instead: {decision.alternative_review_type.label}."
    if decision.reason_if_different:
        text += f" Reason for differing: {decision.reason_if_different}"
    panel = decision.panel
    if panel.sent_on is not None:
        text += f"\nSent to the National Panel on {format_uk_date(panel.sent_on)}; "
        text += f"response: {panel.response.label}"
        if panel.responded_on is not None:
            text += f" ({format_uk_date(panel.responded_on)})"
        text += "."
    return text


class ReferralForm(RecordForm[Referral]):
    """Every referral field; the criteria decision is shown, and changed only by the wizard."""

    RECORD_TYPE = "referral"
    NOUN = "referral"

    #: The user asked to run the criteria wizard for the referral with this id.
    criteria_wizard_requested = Signal(str)
    #: The user asked to save the decision record of the referral with this id (a PDF).
    decision_record_requested = Signal(str)
    #: The user asked to print the decision record of the referral with this id.
    decision_record_print_requested = Signal(str)

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self._records = records
        self._today = today
        self._original: Referral | None = None
        self._suggested = ""
        self._has_agencies = True

        # Created in reading order: Tab follows creation order.
        self.reference = QLineEdit()
        self.received = UkDateEdit(accessible_name="Date received")
        self.referring_agency = QComboBox()
        self.case_name = QLineEdit()
        self.case_name.setPlaceholderText("A pseudonym, e.g. Child Q: never a real name")
        self.incident_date = UkDateEdit(accessible_name="Incident date")
        self.incident_type = choice_combo(IncidentType, empty="Choose the type of incident")
        self.status = choice_combo(ReferralStatus)
        self.abuse_categories = CheckList()
        self.abuse_categories.set_items((c.value, c.label) for c in AbuseCategory)
        self.learned_on = UkDateEdit(accessible_name="Date the local authority learned of it")
        self.notified_on = UkDateEdit(accessible_name="Date notified")
        self.notification_reference = QLineEdit()
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(110)
        self.children_editor = CollectionEditor(cells=CHILD_CELLS, noun="child")
        self.clocks_label = QLabel()
        self.clocks_label.setWordWrap(True)
        self.clocks_label.setAccessibleName("Clocks")
        self.clocks_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pauses_editor = CollectionEditor(cells=pause_cells(ReferralClock), noun="pause")
        self.decision_label = QLabel()
        self.decision_label.setWordWrap(True)
        self.decision_label.setAccessibleName("Criteria decision")
        self.wizard_button = QPushButton("Open criteria wizard…")
        self.wizard_button.setAccessibleName("Open criteria wizard")
        self.wizard_button.clicked.connect(self._wizard)
        self.save_record_button = QPushButton("Save decision record…")
        self.save_record_button.setAccessibleName("Save decision record")
        self.save_record_button.setToolTip(
            "The decision record as a PDF marked OFFICIAL-SENSITIVE, protected by a passphrase"
        )
        self.save_record_button.clicked.connect(self._save_record)
        self.print_button = QPushButton("Print decision record…")
        self.print_button.setAccessibleName("Print decision record")
        self.print_button.setToolTip("Print the decision record (the print dialog opens)")
        self.print_button.clicked.connect(self._print)

        row = self.add_field
        rows = {
            "reference": row("reference", FieldRow(label="&Reference:", field=self.reference)),
            "received": row("received", FieldRow(label="&Date received:", field=self.received)),
            "referring_agency": row(
                "referring_agency",
                FieldRow(label="Referring a&gency:", field=self.referring_agency),
            ),
            "case_name": row(
                "case_name",
                FieldRow(
                    label="Case name (&pseudonym):",
                    field=self.case_name,
                    hint="Pseudonyms only, e.g. “Child A and Child B”.",
                ),
            ),
            "incident_date": row(
                "incident_date", FieldRow(label="&Incident date:", field=self.incident_date)
            ),
            "incident_type": row(
                "incident_type", FieldRow(label="Incident &type:", field=self.incident_type)
            ),
            "status": row("status", FieldRow(label="&Status:", field=self.status)),
            "abuse_categories": row(
                "abuse_categories",
                FieldRow(label="&Abuse or neglect categories:", field=self.abuse_categories),
            ),
            "learned_on": row(
                "learned_on",
                FieldRow(
                    label="Local authority &learned of it on:",
                    field=self.learned_on,
                    hint="Starts the 5-working-day notification clock.",
                ),
            ),
            "notified_on": row(
                "notified_on",
                FieldRow(label="&Notified to Ofsted / National Panel on:", field=self.notified_on),
            ),
            "notification_reference": row(
                "notification_reference",
                FieldRow(label="N&otification reference:", field=self.notification_reference),
            ),
            "summary": row("summary", FieldRow(label="Su&mmary:", field=self.summary)),
            "children": row("children", FieldRow(label="Children:", field=self.children_editor)),
            "clock_pauses": row(
                "clock_pauses",
                FieldRow(
                    label="Clock pa&uses:",
                    field=self.pauses_editor,
                    hint="A pause holds a clock while, say, a criminal trial runs. Leave "
                    "“Resumed on” empty while the clock is still paused; a reason is required.",
                ),
            ),
        }
        self.add_collection("children", self.children_editor)
        self.add_collection("clock_pauses", self.pauses_editor)
        self.watch(
            self.reference,
            self.received,
            self.referring_agency,
            self.case_name,
            self.incident_date,
            self.incident_type,
            self.status,
            self.abuse_categories,
            self.learned_on,
            self.notified_on,
            self.notification_reference,
            self.summary,
        )
        self.received.value_changed.connect(self._suggest_reference)
        # The clock lines follow the typing: the start dates, the incident date (which decides
        # whether the rapid review applies) and the pauses.
        for date_edit in (self.incident_date, self.learned_on, self.notified_on):
            date_edit.line_edit.textChanged.connect(self._update_clocks)
        self.pauses_editor.changed.connect(self._update_clocks)
        self.pauses_editor.rows_changed.connect(self._update_clocks)

        # The decision's words above its two buttons: side by side they held the form
        # wider than the panel of a 1024 px window.
        decision_box = QWidget()
        decision_layout = QVBoxLayout(decision_box)
        decision_layout.setContentsMargins(0, 0, 0, 0)
        decision_layout.addWidget(self.decision_label)
        decision_buttons = QHBoxLayout()
        decision_buttons.addWidget(self.wizard_button)
        decision_buttons.addStretch(1)
        decision_layout.addLayout(decision_buttons)
        # The record's two buttons on a line of their own: three in one line held the form
        # wider than the panel of a 1024 px window.
        record_buttons = QHBoxLayout()
        record_buttons.addWidget(self.save_record_button)
        record_buttons.addWidget(self.print_button)
        record_buttons.addStretch(1)
        decision_layout.addLayout(record_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.general_errors)
        layout.addWidget(
            section(
                "Referral",
                [
                    [rows["reference"], rows["received"]],
                    [rows["referring_agency"], rows["status"]],
                    [rows["case_name"]],
                ],
            )
        )
        layout.addWidget(
            section(
                "Incident",
                [
                    [rows["incident_date"], rows["incident_type"]],
                    [rows["abuse_categories"]],
                    [rows["learned_on"], rows["notified_on"]],
                    [rows["notification_reference"]],
                    [rows["summary"]],
                ],
            )
        )
        layout.addWidget(section("Clocks", [[self.clocks_label], [rows["clock_pauses"]]]))
        layout.addWidget(section("Children", [[rows["children"]]]))
        layout.addWidget(section("Criteria decision", [[decision_box]]))
        layout.addStretch(1)
        self.set_tab_sequence(
            self.reference,
            self.received,
            self.referring_agency,
            self.status,
            self.case_name,
            self.incident_date,
            self.incident_type,
            self.abuse_categories,
            self.learned_on,
            self.notified_on,
            self.notification_reference,
            self.summary,
            self.pauses_editor,
            self.children_editor,
            self.wizard_button,
            self.save_record_button,
            self.print_button,
        )
        self._load_agencies()
        self._with_loading(lambda: self._load(None))

    # --- RecordForm ---------------------------------------------------------------------------

    def describe(self) -> str:
        """ "referral CRAG-2016-05 (Child Q)", or "a new referral"."""
        reference = self.reference.text().strip()
        name = self.case_name.text().strip()
        if not reference and not name:
            return "a new referral"
        return f"referral {reference} ({name})" if name else f"referral {reference}"

    def refresh_lookups(self) -> None:
        """Reload the agencies offered (after an agency was added or renamed)."""
        chosen = combo_code(self.referring_agency)
        self._load_agencies()
        self._with_loading(lambda: set_combo_code(self.referring_agency, chosen))

    def _load_agencies(self) -> None:
        agencies = self._records.agencies()
        self.referring_agency.blockSignals(True)
        self.referring_agency.clear()
        self.referring_agency.addItem("Choose the referring agency", None)
        for agency in agencies:
            self.referring_agency.addItem(agency.name, agency.id)
        self.referring_agency.blockSignals(False)
        # A new database has no agencies: say where they come from rather than offer an
        # empty required list.
        self._has_agencies = bool(agencies)
        self.field_row("referring_agency").set_hint("" if agencies else NO_AGENCIES)

    def _load(self, record: Referral | None) -> None:
        self._original = record
        if record is None:
            today = self._today()
            self.reference.setText("")
            self._suggested = ""
            self.received.set_value(today if self.record_id is not None else None)
            set_combo_code(self.referring_agency, None)
            self.case_name.setText("")
            self.incident_date.set_value(None)
            set_combo_code(self.incident_type, None)
            set_combo_code(self.status, ReferralStatus.RECEIVED.value)
            self.abuse_categories.set_checked(())
            self.learned_on.set_value(None)
            self.notified_on.set_value(None)
            self.notification_reference.setText("")
            self.summary.setPlainText("")
            # A referral has at least one child: start with a row to fill in.
            self.children_editor.set_rows([{}] if self.record_id is not None else [])
            set_pause_rows(self.pauses_editor, [])
            if self.record_id is not None:
                self._suggest_reference(today)
        else:
            self.reference.setText(record.reference)
            self._suggested = ""
            self.received.set_value(record.received)
            set_combo_code(self.referring_agency, record.referring_agency)
            self.case_name.setText(record.case_name)
            self.incident_date.set_value(record.incident_date)
            set_combo_code(self.incident_type, record.incident_type.value)
            set_combo_code(self.status, record.status.value)
            self.abuse_categories.set_checked(c.value for c in record.abuse_categories)
            self.learned_on.set_value(record.learned_on)
            self.notified_on.set_value(record.notified_on)
            self.notification_reference.setText(record.notification_reference or "")
            self.summary.setPlainText(record.summary)
            self.children_editor.set_rows(child_values(c) for c in record.children)
            set_pause_rows(self.pauses_editor, [pause_values(p) for p in record.clock_pauses])
        self._update_clocks()
        self.decision_label.setText(
            _describe_decision(record.decision if record is not None else None)
        )
        self.wizard_button.setEnabled(record is not None)
        decided = record is not None and record.decision is not None
        self.save_record_button.setEnabled(decided)
        self.print_button.setEnabled(decided)

    def _build_record(self, errors: list[FieldError]) -> Referral | None:
        received = read_date(self.received.line_edit.text(), "received", errors)
        if received is None and not any(e.path == "received" for e in errors):
            errors.append(FieldError("received", "give the date the referral was received"))
        incident_date = read_date(self.incident_date.line_edit.text(), "incident_date", errors)
        learned_on = read_date(self.learned_on.line_edit.text(), "learned_on", errors)
        notified_on = read_date(self.notified_on.line_edit.text(), "notified_on", errors)
        pauses = pauses_from_values(self.pauses_editor.rows(), errors)
        agency = combo_code(self.referring_agency)
        if agency is None:
            errors.append(
                FieldError(
                    "referring_agency",
                    "choose the referring agency"
                    if self._has_agencies
                    else f"there are no agencies to choose from yet: add them on the "
                    f"{_AGENCIES_SCREEN}",
                )
            )
        incident_type = combo_code(self.incident_type)
        if incident_type is None:
            errors.append(FieldError("incident_type", "choose the type of incident"))
        if errors or received is None or agency is None or incident_type is None:
            return None
        original = self._original
        assert self.record_id is not None
        notification_reference = self.notification_reference.text().strip()
        return Referral(
            id=self.record_id,
            reference=self.reference.text().strip(),
            received=received,
            referring_agency=agency,
            case_name=self.case_name.text().strip(),
            incident_date=incident_date,
            incident_type=IncidentType(incident_type),
            children=tuple(child_from_values(v) for v in self.children_editor.rows()),
            summary=self.summary.toPlainText().strip(),
            decision=original.decision if original is not None else None,
            status=ReferralStatus(combo_code(self.status) or ReferralStatus.RECEIVED.value),
            abuse_categories=tuple(AbuseCategory(c) for c in self.abuse_categories.checked()),
            learned_on=learned_on,
            notified_on=notified_on,
            notification_reference=notification_reference or None,
            clock_pauses=pauses,
        )

    def payload(self) -> dict[str, object]:
        """The raw typing, dates as typed."""
        return {
            "reference": self.reference.text(),
            "received": self.received.line_edit.text(),
            "referring_agency": combo_code(self.referring_agency),
            "case_name": self.case_name.text(),
            "incident_date": self.incident_date.line_edit.text(),
            "incident_type": combo_code(self.incident_type),
            "status": combo_code(self.status),
            "abuse_categories": self.abuse_categories.checked(),
            "learned_on": self.learned_on.line_edit.text(),
            "notified_on": self.notified_on.line_edit.text(),
            "notification_reference": self.notification_reference.text(),
            "summary": self.summary.toPlainText(),
            "children": self.children_editor.rows(),
            "clock_pauses": self.pauses_editor.rows(),
        }

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        def text(key: str) -> str:
            value = payload.get(key)
            return "" if value is None else str(value)

        self.reference.setText(text("reference"))
        self._suggested = ""
        self.received.line_edit.setText(text("received"))
        set_combo_code(self.referring_agency, payload.get("referring_agency"))
        self.case_name.setText(text("case_name"))
        self.incident_date.line_edit.setText(text("incident_date"))
        set_combo_code(self.incident_type, payload.get("incident_type"))
        set_combo_code(self.status, payload.get("status"))
        categories = payload.get("abuse_categories")
        self.abuse_categories.set_checked(
            [str(c) for c in categories] if isinstance(categories, list) else []
        )
        self.learned_on.line_edit.setText(text("learned_on"))
        self.notified_on.line_edit.setText(text("notified_on"))
        self.notification_reference.setText(text("notification_reference"))
        self.summary.setPlainText(text("summary"))
        children = payload.get("children")
        self.children_editor.set_rows(
            [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []
        )
        pauses = payload.get("clock_pauses")
        set_pause_rows(
            self.pauses_editor,
            [p for p in pauses if isinstance(p, dict)] if isinstance(pauses, list) else [],
        )
        self._update_clocks()

    # --- internals ----------------------------------------------------------------------------

    def _suggest_reference(self, received: object) -> None:
        # Only a new referral gets a suggestion, and only while the user has not typed their own.
        if not self.is_new or not isinstance(received, dt.date):
            return
        current = self.reference.text().strip()
        if current and current != self._suggested:
            return
        self._suggested = self._records.suggest_referral_reference(received)
        self.reference.setText(self._suggested)

    def clock_lines(self) -> list[str]:
        """The referral's clocks in words, one line each, from what is typed now."""
        today = self._today()
        pauses = pauses_from_values(self.pauses_editor.rows(), None)
        dates: dict[str, dt.date | None] = {}
        unreadable: set[str] = set()
        for key, edit in (
            ("incident", self.incident_date),
            ("learned", self.learned_on),
            ("notified", self.notified_on),
        ):
            try:
                dates[key] = edit.value()
            except ValueError:
                dates[key] = None
                unreadable.add(key)
        decision = self._original.decision if self._original is not None else None
        notification = CLOCK_NAMES[ClockKind.SERIOUS_INCIDENT_NOTIFICATION]
        rapid = CLOCK_NAMES[ClockKind.RAPID_REVIEW]
        lines: list[str] = []

        learned = dates["learned"]
        owed = notification_owed_for(decision)
        if owed is NotificationOwed.NOT_OWED and dates["notified"] is None:
            assert decision is not None
            lines.append(
                f"{notification}: none owed (the criteria answers recorded on "
                f"{format_uk_date(decision.decided_on)} show no serious incident to notify)."
            )
        elif learned is None:
            start = "the date the local authority learned of it"
            lines.append(f"{notification}: {not_started(start, 'learned' in unreadable)}")
        else:
            state = clock_state(
                ClockKind.SERIOUS_INCIDENT_NOTIFICATION,
                learned,
                pauses=pauses,
                completed_on=dates["notified"],
                today=today,
            )
            lines.append(clock_line(state, pauses, today=today, done="notified"))

        notified = dates["notified"]
        rapid_from = first_with_clock(ClockKind.RAPID_REVIEW)
        if owed is NotificationOwed.NOT_OWED and notified is None:
            lines.append(f"{rapid}: none (no notification owed).")
        elif notified is None:
            lines.append(
                f"{rapid}: {not_started('the notification date', 'notified' in unreadable)}"
            )
        elif (dates["incident"] or notified) < rapid_from.effective_from:
            # As on the dashboard: rapid reviews came in with Working Together 2018.
            lines.append(
                f"{rapid}: does not apply (before {rapid_from.name}, in force "
                f"{format_uk_date(rapid_from.effective_from)})."
            )
        else:
            state = clock_state(
                ClockKind.RAPID_REVIEW,
                notified,
                pauses=pauses,
                completed_on=decision.decided_on if decision is not None else None,
                today=today,
            )
            lines.append(clock_line(state, pauses, today=today, done="decided"))
        return lines

    def _update_clocks(self, *_args: object) -> None:
        self.clocks_label.setText("\n".join(self.clock_lines()))

    def _save_record(self) -> None:
        if self.record_id is not None and not self.is_new:
            self.decision_record_requested.emit(self.record_id)

    def _print(self) -> None:
        if self.record_id is not None and not self.is_new:
            self.decision_record_print_requested.emit(self.record_id)

    def saved(self, record_id: str) -> None:
        """Stored: a new referral can now go to the criteria wizard."""
        super().saved(record_id)
        self.wizard_button.setEnabled(True)

    def _wizard(self) -> None:
        if self.record_id is not None and not self.is_new:
            self.criteria_wizard_requested.emit(self.record_id)
