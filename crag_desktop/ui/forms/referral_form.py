"""The referral form: every field of a referral, its children, and its decision (read-only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

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

from crag_desktop.domain.clock import ClockKind, clock_state
from crag_desktop.domain.criteria import NotificationOwed, first_with_clock, notification_owed_for
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import CriteriaDecision, Referral
from crag_desktop.domain.vocabulary import AbuseCategory, IncidentType, ReferralStatus
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind, Field
from crag_desktop.ui.forms.children import CHILD_CELLS, child_from_values, child_rows
from crag_desktop.ui.forms.clocks import (
    CLOCK_NAMES,
    PausesEditor,
    ReferralClock,
    clock_line,
    not_started,
    pause_rows,
    pauses_from_values,
)
from crag_desktop.ui.forms.collection import CollectionEditor
from crag_desktop.ui.forms.fields import (
    CheckList,
    choice_combo,
    combo_code,
    read_date,
    section,
    set_combo_code,
)
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import FieldRow, UkDateEdit, format_uk_date

__all__ = ["NO_AGENCIES", "ReferralForm"]

_AGENCIES_SCREEN = (
    f"{ScreenKey.AGENCIES.default_title} screen ({ScreenKey.AGENCIES.default_shortcut})"
)
#: Shown under "Referring agency" while the database has no agencies.
NO_AGENCIES = f"No agencies yet: add them on the {_AGENCIES_SCREEN}."


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
        self.pauses_editor = PausesEditor(ReferralClock)
        decision_box = self._decision_box()

        rows = self.declare(
            Field(Bind("reference", self.reference), "&Reference:"),
            Field(Bind("received", self.received), "&Date received:"),
            Field(Bind("referring_agency", self.referring_agency), "Referring a&gency:"),
            Field(
                Bind("case_name", self.case_name),
                "Case name (&pseudonym):",
                "Pseudonyms only, e.g. “Child A and Child B”.",
            ),
            Field(Bind("incident_date", self.incident_date), "&Incident date:"),
            Field(Bind("incident_type", self.incident_type), "Incident &type:"),
            Field(Bind("status", self.status, new=ReferralStatus.RECEIVED), "&Status:"),
            Field(Bind("abuse_categories", self.abuse_categories), "&Abuse or neglect categories:"),
            Field(
                Bind("learned_on", self.learned_on),
                "Local authority &learned of it on:",
                "Starts the 5-working-day notification clock.",
            ),
            Field(
                Bind("notified_on", self.notified_on), "&Notified to Ofsted / National Panel on:"
            ),
            Field(
                Bind("notification_reference", self.notification_reference),
                "N&otification reference:",
            ),
            Field(Bind("summary", self.summary), "Su&mmary:"),
            Field(Bind("children", self.children_editor, shown=child_rows), "Children:"),
            Field(
                Bind("clock_pauses", self.pauses_editor, shown=pause_rows),
                "Clock pa&uses:",
                "A pause holds a clock while, say, a criminal trial runs. Leave "
                "“Resumed on” empty while the clock is still paused; a reason is required.",
            ),
        )
        self.received.value_changed.connect(self._suggest_reference)
        # The clock lines follow the typing: the start dates, the incident date (which decides
        # whether the rapid review applies) and the pauses.
        for date_edit in (self.incident_date, self.learned_on, self.notified_on):
            date_edit.line_edit.textChanged.connect(self._update_clocks)
        self.pauses_editor.changed.connect(self._update_clocks)
        self.pauses_editor.rows_changed.connect(self._update_clocks)
        self._lay_out(rows, decision_box)
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

    def _decision_box(self) -> QWidget:
        """The criteria decision's words, the wizard's button and the record's two."""
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
        return decision_box

    def _lay_out(self, rows: dict[str, FieldRow], decision_box: QWidget) -> None:
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
        self._suggested = ""
        new = record is None and self.record_id is not None
        today = self._today()
        # A new referral has at least one child: it starts with one to fill in.
        self._bindings.show(record, received=today if new else None, children=[{}] if new else [])
        if new:
            self._suggest_reference(today)
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

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        super()._restore_payload(payload)
        self._suggested = ""
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
