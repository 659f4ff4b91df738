"""The recommendation form: every field of a recommendation, its agency actions, and the
selected action's progress updates (read-only, with a row that appends a new one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import ActionUpdate, AgencyAction, Recommendation
from crag_desktop.domain.tracker import CLOSURE_STEPS, derived_status, latest_update
from crag_desktop.domain.vocabulary import (
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
)
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.action_updates import ProgressUpdates
from crag_desktop.ui.forms.actions import ActionsEditor, action_rows
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind, Field
from crag_desktop.ui.forms.fields import (
    choice_combo,
    combo_code,
    read_date,
    section,
    set_combo_code,
)
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.recommendations import ActionUpdateTableModel
from crag_desktop.ui.widgets import ErrorLabel, FieldRow, UkDateEdit, format_uk_date

__all__ = ["RecommendationForm"]


class RecommendationForm(ProgressUpdates, RecordForm[Recommendation]):
    """Every recommendation field, its agency actions, and the selected action's updates."""

    RECORD_TYPE = "recommendation"
    NOUN = "recommendation"

    #: Append this ActionUpdate to the stored action with this id (the screen stores it).
    update_requested = Signal(str, object)

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        today: Callable[[], dt.date] = dt.date.today,
        suggest_number: Callable[[str], int] | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self._records = records
        self._today = today
        self._suggest_number = suggest_number
        self._suggested = 0
        self._original: Recommendation | None = None
        # The record last built for the screen to save: once saved, it is what is stored.
        self._built: Recommendation | None = None
        # Updates as stored, by action id: the form never edits them, only shows them.
        self._stored_updates: dict[str, tuple[ActionUpdate, ...]] = {}
        self._member_names: dict[str, str] = {}

        # Created in reading order.
        self.review = QComboBox()
        self.number = QSpinBox()
        self.number.setRange(1, 999)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.scope = choice_combo(RecommendationScope)
        self.lead_agency = QComboBox()
        self.monitoring_group = choice_combo(MonitoringGroup)
        self.due = UkDateEdit(accessible_name="Due")
        self.status = choice_combo(RecommendationStatus)
        self.derived_label = QLabel()
        self.derived_label.setProperty("role", "hint")
        self.derived_label.setWordWrap(True)
        self.derived_label.setAccessibleName("Status by its dates")
        self.reason_not_implemented = QPlainTextEdit()
        self.reason_not_implemented.setTabChangesFocus(True)
        self.reason_not_implemented.setFixedHeight(64)
        self.evidence_of_impact = QPlainTextEdit()
        self.evidence_of_impact.setTabChangesFocus(True)
        self.evidence_of_impact.setFixedHeight(64)
        # The closure steps: a date and who for each (who is typed; members are suggested).
        self.completed_on = UkDateEdit(accessible_name="Completed on")
        self.completed_by = _who_edit("Who reported it completed")
        self.verified_on = UkDateEdit(accessible_name="Verified on")
        self.verified_by = _who_edit("Who checked the completion")
        self.impact_evidenced_on = UkDateEdit(accessible_name="Impact evidenced on")
        self.impact_evidenced_by = _who_edit("Who recorded the evidence")
        self.actions_editor = ActionsEditor(
            new_id=lambda: self._records.new_id("action"),
            has_updates=lambda action_id: bool(self._stored_updates.get(action_id)),
        )
        self._build_updates_table()
        adder = self._build_update_adder()

        rows = self.declare(
            Field(Bind("review", self.review), "Revie&w:"),
            Field(Bind("number", self.number, new=1), "Number:"),
            Field(Bind("text", self.text), "Recommendation &text:"),
            Field(Bind("scope", self.scope, new=RecommendationScope.MULTI_AGENCY), "Sc&ope:"),
            Field(Bind("lead_agency", self.lead_agency), "&Lead agency:"),
            Field(
                Bind("monitoring_group", self.monitoring_group, new=MonitoringGroup.EXECUTIVE),
                "&Monitored by:",
            ),
            Field(Bind("due", self.due), "&Due:"),
            Field(Bind("status", self.status, new=RecommendationStatus.NOT_STARTED), "&Status:"),
            Field(
                Bind("reason_not_implemented", self.reason_not_implemented),
                "&Reason not implemented:",
                "Required when the status is “Not implemented”.",
            ),
            Field(
                Bind("evidence_of_impact", self.evidence_of_impact),
                "Outcome and evidence of &impact:",
                "Required when the status is “Impact evidenced”.",
            ),
            Field(
                Bind("actions", self.actions_editor, shown=action_rows),
                "A&gency actions:",
                "Single-agency actions are usually monitored by the PAQA subgroup.",
            ),
            # The closure steps, in `CLOSURE_STEPS` order (see `_closure_inputs`).
            Field(
                Bind("completed_on", self.completed_on),
                "Completed on:",
                "Required from “Completed” on.",
            ),
            Field(Bind("completed_by", self.completed_by), "Completion reported by:"),
            Field(
                Bind("verified_on", self.verified_on),
                "Verified on:",
                "Required from “Verified” on.",
            ),
            Field(
                Bind("verified_by", self.verified_by),
                "Verified by:",
                "Required when verified: who checked it was done.",
            ),
            Field(
                Bind("impact_evidenced_on", self.impact_evidenced_on),
                "Impact evidenced on:",
                "Required when the status is “Impact evidenced”.",
            ),
            Field(Bind("impact_evidenced_by", self.impact_evidenced_by), "Impact recorded by:"),
        )
        self.status.currentIndexChanged.connect(lambda _i: self._update_derived())
        self.due.line_edit.textChanged.connect(lambda _t: self._update_derived())
        self.review.currentIndexChanged.connect(lambda _i: self._suggest())
        self.actions_editor.current_action_changed.connect(lambda _id: self._show_updates())
        self.actions_editor.rows_changed.connect(self._show_updates)
        self._lay_out(rows, adder)
        self.set_tab_sequence(
            self.review,
            self.number,
            self.text,
            self.scope,
            self.lead_agency,
            self.monitoring_group,
            self.due,
            self.status,
            self.completed_on,
            self.completed_by,
            self.verified_on,
            self.verified_by,
            self.impact_evidenced_on,
            self.impact_evidenced_by,
            self.reason_not_implemented,
            self.evidence_of_impact,
            self.actions_editor,
            self.updates_view,
            self.update_on,
            self.update_status,
            self.update_by,
            self.update_note,
            self.add_update_button,
        )
        # The choices from other records come with `refresh_lookups`, which the screen calls
        # before it first opens a record.
        self._with_loading(lambda: self._load(None))

    def _build_updates_table(self) -> None:
        """The current action's progress updates, listed (read-only)."""
        self.updates_heading = QLabel()
        self.updates_heading.setWordWrap(True)
        self.updates_heading.setAccessibleName("Progress updates of the action")
        self.updates_model = ActionUpdateTableModel(parent=self)
        self.updates_view = QTableView()
        self.updates_view.setModel(self.updates_model)
        self.updates_view.setAccessibleName("Progress updates")
        self.updates_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.updates_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.updates_view.setTabKeyNavigation(False)
        self.updates_view.setWordWrap(False)
        self.updates_view.verticalHeader().hide()
        self.updates_view.setFixedHeight(150)
        # The note is what was done: it takes the room the date, status and name leave
        # (which fit their texts), rather than being squeezed to "S…" beside a wide name.
        header = self.updates_view.horizontalHeader()
        for kind in (
            ActionUpdateTableModel.Column.ON,
            ActionUpdateTableModel.Column.STATUS,
            ActionUpdateTableModel.Column.BY,
        ):
            header.setSectionResizeMode(kind, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            ActionUpdateTableModel.Column.NOTE, QHeaderView.ResizeMode.Stretch
        )

    def _build_update_adder(self) -> QWidget:
        """The "Add update" row: fields with their own errors, not the record's."""
        self.update_on = UkDateEdit(accessible_name="Date of the update")
        self.update_status = choice_combo(RecommendationStatus)
        self.update_status.setAccessibleName("Status at the update")
        self.update_note = QLineEdit()
        self.update_note.setAccessibleName("Note of the update")
        self.update_note.setPlaceholderText("What has been done since the last update")
        self.update_by = QComboBox()
        # The member's name only: with roles ("Marcus Penhallow (Detective Inspector, child
        # abuse investigation)") the choice was cut at 1024 px. The role shows under it.
        self.update_by.setAccessibleName("Update given by")
        self._member_roles: dict[str, str] = {}
        self.add_update_button = QPushButton("Add update")
        self.add_update_button.setAccessibleName("Add progress update")
        self.add_update_button.setToolTip(
            "Append this update to the action; updates are kept and never changed"
        )
        self.add_update_button.clicked.connect(self.request_update)
        self.update_note.returnPressed.connect(self.request_update)
        self.update_error = ErrorLabel()
        self._update_rows = {
            "on": FieldRow(label="D&ate:", field=self.update_on),
            "status": FieldRow(label="Stat&us:", field=self.update_status),
            "note": FieldRow(label="&Note:", field=self.update_note),
            "by": FieldRow(label="&By:", field=self.update_by),
        }
        self.update_by.currentIndexChanged.connect(self._show_update_role)
        adder = QWidget()
        adder_grid = QGridLayout(adder)
        adder_grid.setContentsMargins(0, 0, 0, 0)
        # Two columns, not three: three held the form wider than a 1024 px window's panel.
        adder_grid.addWidget(self._update_rows["on"], 0, 0)
        adder_grid.addWidget(self._update_rows["status"], 0, 1)
        adder_grid.addWidget(self._update_rows["by"], 1, 0)
        adder_grid.addWidget(self._update_rows["note"], 2, 0, 1, 2)
        adder_grid.addWidget(
            self.add_update_button, 3, 0, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
        )
        adder_grid.setColumnStretch(0, 1)
        adder_grid.setColumnStretch(1, 1)
        return adder

    def _lay_out(self, f: dict[str, FieldRow], adder: QWidget) -> None:
        status_box = QWidget()
        status_layout = QVBoxLayout(status_box)
        status_layout.setContentsMargins(0, 0, 0, 0)
        status_layout.setSpacing(2)
        status_layout.addWidget(f["status"])
        status_layout.addWidget(self.derived_label)

        layout = QVBoxLayout(self)
        layout.addWidget(self.general_errors)
        layout.addWidget(
            section(
                "Recommendation",
                [
                    [f["review"], f["number"]],
                    [f["text"]],
                    [f["scope"], f["lead_agency"]],
                    [f["monitoring_group"], f["due"]],
                    [status_box],
                ],
            )
        )
        layout.addWidget(
            section(
                "Closure and outcome",
                [
                    [f["completed_on"], f["completed_by"]],
                    [f["verified_on"], f["verified_by"]],
                    [f["impact_evidenced_on"], f["impact_evidenced_by"]],
                    [f["reason_not_implemented"]],
                    [f["evidence_of_impact"]],
                ],
            )
        )
        layout.addWidget(section("Agency actions", [[f["actions"]]]))
        layout.addWidget(
            section(
                "Progress updates",
                [[self.updates_heading], [self.updates_view], [adder], [self.update_error]],
            )
        )
        layout.addStretch(1)

    # --- RecordForm ---------------------------------------------------------------------------

    def describe(self) -> str:
        """ "recommendation 3 of Baby L", or "a new recommendation"."""
        if self.is_new and combo_code(self.review) is None:
            return "a new recommendation"
        if combo_code(self.review) is None:
            return f"recommendation {self.number.value()}"
        return f"recommendation {self.number.value()} of {self.review.currentText()}"

    def refresh_lookups(self) -> None:
        """Reload the reviews, agencies and members offered (after one was added or renamed)."""
        chosen = (combo_code(self.review), combo_code(self.lead_agency), combo_code(self.update_by))
        self._load_lookups()

        def restore() -> None:
            set_combo_code(self.review, chosen[0])
            set_combo_code(self.lead_agency, chosen[1])
            set_combo_code(self.update_by, chosen[2])

        self._with_loading(restore)
        self._show_updates()

    def _show_update_role(self, *_args: object) -> None:
        """The chosen member's role, under their name."""
        self._update_rows["by"].set_hint(
            self._member_roles.get(combo_code(self.update_by) or "", "")
        )

    def _load_lookups(self) -> None:
        agencies = self._records.agencies()
        members = self._records.members()
        self._fill(
            self.review, "Choose the review", ((c.id, c.label) for c in self._records.reviews())
        )
        self._fill(self.lead_agency, "Choose the lead agency", ((a.id, a.name) for a in agencies))
        self._fill(self.update_by, "Not recorded", ((m.id, m.name) for m in members))
        self._member_roles = {m.id: m.role for m in members if m.role}
        self._show_update_role()
        self._member_names = {m.id: m.name for m in members}
        names = sorted({m.name for m in members}, key=str.casefold)
        for edit in self._who_edits():
            _suggest(edit, names)
        self.actions_editor.set_agencies(agencies)

    @staticmethod
    def _fill(combo: QComboBox, empty: str, items: Iterable[tuple[str, str]]) -> None:
        blocked = combo.blockSignals(True)
        combo.clear()
        combo.addItem(empty, None)
        for code, label in items:
            combo.addItem(label, code)
        combo.blockSignals(blocked)

    def _load(self, record: Recommendation | None) -> None:
        previous = self._original
        same = record is not None and previous is not None and previous.id == record.id
        keep_row = self.actions_editor.current_row() if same else 0
        self._original = record
        self._suggested = 0
        # The updates first: showing the actions shows the current one's updates.
        self._stored_updates = {a.id: a.updates for a in record.actions} if record else {}
        self._bindings.show(record)
        self.actions_editor.select_action(max(keep_row, 0))
        if not same:
            # What was half-typed in "Add update" belongs to the record it was typed for.
            self._reset_update_inputs()
        self._update_derived()
        self._show_updates()

    def _build_record(self, errors: list[FieldError]) -> Recommendation | None:
        due = read_date(self.due.line_edit.text(), "due", errors)
        review = combo_code(self.review)
        if review is None:
            errors.append(FieldError("review", "choose the review the recommendation came from"))
        lead_agency = combo_code(self.lead_agency)
        if lead_agency is None:
            errors.append(FieldError("lead_agency", "choose the lead agency"))
        actions: list[AgencyAction] = []
        for i, values in enumerate(self.actions_editor.rows()):
            action_due = read_date(values.get("due"), f"actions[{i}].due", errors)
            owner = values.get("owner_agency")
            if owner is None:
                errors.append(FieldError(f"actions[{i}].owner_agency", "choose the owner agency"))
                continue
            action_id = str(values["id"])
            actions.append(
                AgencyAction(
                    id=action_id,
                    owner_agency=str(owner),
                    description=str(values.get("description") or "").strip(),
                    due=action_due,
                    monitoring_group=MonitoringGroup(
                        str(values.get("monitoring_group") or MonitoringGroup.PAQA.value)
                    ),
                    updates=self._stored_updates.get(action_id, ()),
                )
            )
        steps_on = [
            read_date(date_edit.line_edit.text(), f"{step.field}_on", errors)
            for step, (date_edit, _who) in zip(CLOSURE_STEPS, self._closure_inputs(), strict=True)
        ]
        steps_by = [who.text().strip() or None for who in self._who_edits()]
        if errors or review is None or lead_agency is None:
            return None
        assert self.record_id is not None
        reason = self.reason_not_implemented.toPlainText().strip()
        evidence = self.evidence_of_impact.toPlainText().strip()
        self._built = Recommendation(
            id=self.record_id,
            review=review,
            number=self.number.value(),
            text=self.text.toPlainText().strip(),
            scope=RecommendationScope(combo_code(self.scope) or RecommendationScope.MULTI_AGENCY),
            lead_agency=lead_agency,
            monitoring_group=MonitoringGroup(
                combo_code(self.monitoring_group) or MonitoringGroup.EXECUTIVE
            ),
            due=due,
            status=RecommendationStatus(
                combo_code(self.status) or RecommendationStatus.NOT_STARTED
            ),
            reason_not_implemented=reason or None,
            evidence_of_impact=evidence or None,
            actions=tuple(actions),
            completed_on=steps_on[0],
            completed_by=steps_by[0],
            verified_on=steps_on[1],
            verified_by=steps_by[1],
            impact_evidenced_on=steps_on[2],
            impact_evidenced_by=steps_by[2],
        )
        return self._built

    def saved(self, record_id: str) -> None:
        """The screen stored the record: its actions, stored now, can take updates."""
        super().saved(record_id)
        built = self._built
        if built is not None and built.id == record_id:
            self._original = built
            self._stored_updates = {a.id: a.updates for a in built.actions}
        self._show_updates()

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        super()._restore_payload(payload)
        self.actions_editor.select_action(0)
        self._update_derived()
        self._show_updates()

    # --- internals ----------------------------------------------------------------------------

    def _closure_inputs(self) -> list[tuple[UkDateEdit, QLineEdit]]:
        """Each closure step's date and who, in `CLOSURE_STEPS` order."""
        return [
            (self.completed_on, self.completed_by),
            (self.verified_on, self.verified_by),
            (self.impact_evidenced_on, self.impact_evidenced_by),
        ]

    def _who_edits(self) -> list[QLineEdit]:
        return [who for _date, who in self._closure_inputs()]

    def _update_derived(self) -> None:
        code = combo_code(self.status)
        try:
            due = self.due.value()
        except ValueError:
            due = None
        if code is None:
            self.derived_label.setText("")
            self.derived_label.hide()
            return
        status = RecommendationStatus(code)
        latest = [
            update.status
            for update in (latest_update(u) for u in self._stored_updates.values())
            if update is not None
        ]
        today = self._today()
        derived = derived_status(status, due, today, latest)
        if derived == status:
            self.derived_label.setText("")
            self.derived_label.hide()
            return
        if due is not None and due < today:
            why = f"it was due on {format_uk_date(due)} and is not closed"
        else:
            why = f"an action's latest progress update says {derived.label.lower()}"
        self.derived_label.setText(
            f"Set as {status.label.lower()}, but by its dates and updates it is "
            f"{derived.label.lower()}: {why}."
        )
        self.derived_label.show()

    def _suggest(self) -> None:
        # Only a new recommendation gets a number suggested, and only while the user has not
        # chosen their own.
        review = combo_code(self.review)
        if not self.is_new or review is None or self._suggest_number is None:
            return
        if self.number.value() not in (1, self._suggested):
            return
        self._suggested = self._suggest_number(review)
        self.number.setValue(self._suggested)


def _who_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


def _suggest(edit: QLineEdit, names: Sequence[str]) -> None:
    """Offer the members' names as `edit` is typed in (any other name may be typed)."""
    completer = QCompleter(list(names), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    # Completed in the line itself (Tab or End accepts it): no popup over the form's fields.
    completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
    edit.setCompleter(completer)
