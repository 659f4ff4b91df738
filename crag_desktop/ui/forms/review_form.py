"""The review form: every field of a commissioned review, its clock in words, and the
review's own recommendations (read-only here; Enter or a double-click opens one)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.clock import ClockKind, ClockStatus, clock_state
from crag_desktop.domain.errors import CragError, FieldError
from crag_desktop.domain.records import (
    ClockPause,
    FamilyContribution,
    LearningSummary,
    ParallelProcess,
    Review,
)
from crag_desktop.domain.vocabulary import (
    Methodology,
    ParallelProcessStatus,
    ParallelProcessType,
    ReviewStatus,
    ReviewType,
    Theme,
    Vocabulary,
)
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralRow, ReferralSort
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
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
from crag_desktop.ui.forms.referral_form import (
    CHILD_CELLS,
    CLOCK_NAMES,
    child_from_values,
    child_values,
    clock_line,
    not_started,
    pause_cells,
    pause_values,
    pauses_from_values,
    read_date,
    set_pause_rows,
)
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.recommendations import RecommendationTableModel
from crag_desktop.ui.widgets import FieldRow, UkDateEdit, format_uk_date, row_picker_table

__all__ = [
    "FAMILY_CELLS",
    "PROCESS_CELLS",
    "ReferralChooser",
    "ReviewClock",
    "ReviewForm",
    "parse_pounds",
    "review_clock_text",
]

PROCESS_CELLS = (
    Cell(
        name="type",
        title="Process",
        kind=CellKind.CHOICE,
        vocabulary=ParallelProcessType,
        empty="Choose the process",
    ),
    Cell(
        name="status",
        title="Status",
        kind=CellKind.CHOICE,
        vocabulary=ParallelProcessStatus,
    ),
    Cell(name="started_on", title="Started", kind=CellKind.DATE),
    Cell(name="concluded_on", title="Concluded", kind=CellKind.DATE),
    Cell(name="notes", title="Effect on the timetable", wide=True),
)

FAMILY_CELLS = (
    Cell(name="who", title="Who"),
    Cell(name="facilitated_by", title="Facilitated by"),
    Cell(name="on", title="Date", kind=CellKind.DATE),
    Cell(
        name="saw_report_before_publication",
        title="Saw report before publication",
        kind=CellKind.CHECK,
    ),
)


#: How many referrals the chooser lists as matches; typing more narrows them.
REFERRAL_MATCHES = 20
_NO_REFERRAL = "Not commissioned from a referral."


def _referral_text(row: ReferralRow) -> str:
    return f"{row.reference} — {row.case_name}"


class ReferralChooser(QWidget):
    """The referral a review was commissioned from: type a reference or case name, then
    Enter (or a double-click) chooses the highlighted match. The internal id is never shown
    or typed. Searched in SQL, 20 matches at a time, as there may be 100,000 referrals."""

    changed = Signal()

    def __init__(self, *, referrals: ReferralList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._referrals = referrals
        self._id: str | None = None
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Type a reference or case name to find it")
        self.search_edit.setAccessibleName("Find the referral the review came from")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.returnPressed.connect(self.choose_current_match)
        self.search_edit.installEventFilter(self)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching referrals")
        self.matches.setMaximumHeight(120)
        self.matches.itemActivated.connect(lambda _item: self.choose_current_match())
        self.matches.hide()
        self.chosen_label = QLabel(_NO_REFERRAL)
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setAccessibleName("Referral chosen")
        self.clear_button = QPushButton("No referral")
        self.clear_button.setAccessibleName("Not from a referral")
        self.clear_button.setToolTip("The review was not commissioned from a referral")
        self.clear_button.clicked.connect(self.clear_choice)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen_label, 1)
        chosen_row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chosen_row)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.matches)
        self.setFocusProxy(self.search_edit)
        self._show_choice(None)

    def referral_id(self) -> str | None:
        """The chosen referral's id, or None."""
        return self._id

    def set_referral_id(self, referral_id: str | None) -> None:
        """Show `referral_id` as chosen (no change signal: loading is not editing)."""
        row: ReferralRow | None = None
        if referral_id:
            try:
                found = self._referrals.page(ReferralQuery(ids=(referral_id,)), limit=1)
            except CragError:
                found = []
            row = found[0] if found else None
        self._id = referral_id or None
        self._show_choice(row)
        blocked = self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(blocked)
        self._search("")

    def choose_current_match(self) -> None:
        """Choose the highlighted match (the first when none is highlighted)."""
        item = self.matches.currentItem() or self.matches.item(0)
        if item is None or not self.matches.isVisible():
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        row: ReferralRow = item.data(Qt.ItemDataRole.UserRole + 1)
        self.search_edit.clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if key != self._id:
            self._id = str(key)
            self._show_choice(row)
            self.changed.emit()

    def clear_choice(self) -> None:
        """The review was not commissioned from a referral."""
        if self._id is None:
            return
        self._id = None
        self._show_choice(None)
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the search move through the matches."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self.matches.isVisible()
        ):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(self.matches.currentRow() + step, 0), self.matches.count() - 1)
            self.matches.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _show_choice(self, row: ReferralRow | None) -> None:
        if self._id is None:
            self.chosen_label.setText(_NO_REFERRAL)
        elif row is None:
            # Imported data can name a referral this database does not hold.
            self.chosen_label.setText("A referral that is not in this database.")
        else:
            self.chosen_label.setText(_referral_text(row))
        self.clear_button.setEnabled(self._id is not None)

    def _search(self, text: str) -> None:
        self.matches.clear()
        needle = text.strip()
        if not needle:
            self.matches.hide()
            return
        query = ReferralQuery(text=needle, sort=ReferralSort.RECEIVED, descending=True)
        try:
            rows = self._referrals.page(query, limit=REFERRAL_MATCHES)
        except CragError:
            rows = []
        for row in rows:
            item = QListWidgetItem(_referral_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row)
            self.matches.addItem(item)
        if self.matches.count() == 0:
            self.matches.addItem(QListWidgetItem("No referral matches"))
            self.matches.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.matches.setCurrentRow(0)
        self.matches.show()


def _recommendations_view(model: RecommendationTableModel) -> QTableView:
    # The review is already known: its column would repeat the title on every row, and the
    # monitoring group is on the recommendation. Beside a form on a small laptop the text
    # comes first after its number and takes the room left; the status set shows in the
    # derived status's "(differs)" and its tooltip, and in full when the item is opened.
    view = row_picker_table(model, accessible_name="Recommendations of this review")
    view.setFixedHeight(190)
    column = RecommendationTableModel.Column
    for hidden in (column.REVIEW, column.STATUS, column.MONITORING_GROUP, column.LEAD_AGENCY):
        view.setColumnHidden(hidden, True)
    header = view.horizontalHeader()
    header.moveSection(header.visualIndex(column.TEXT), header.visualIndex(column.NUMBER) + 1)
    for kind in (column.NUMBER, column.DERIVED_STATUS, column.DUE):
        header.setSectionResizeMode(kind, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(column.TEXT, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    # Squeezed, the text's heading reads "Recommendat…", not "commendati".
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


class _ReviewRecommendations(RecommendationTableModel):
    """A review's own recommendations. The status set is not shown, so the derived status is
    headed "Status" (its hover text says how it is derived): beside a form at 1024 px the
    longer heading left "Recommen…" for the text's."""

    COLUMNS = tuple(
        dataclasses.replace(spec, title="Status")
        if index == RecommendationTableModel.Column.DERIVED_STATUS
        else spec
        for index, spec in enumerate(RecommendationTableModel.COLUMNS)
    )


def parse_pounds(text: str) -> Decimal | None:
    """ "£24,500" or "24500.00" as pounds; None when empty; ValueError with a sentence."""
    cleaned = re.sub(r"[£,\s]", "", text)
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not an amount: type pounds, e.g. 24500.00") from None
    if amount.is_finite() and amount == amount.quantize(Decimal("0.01")):
        return amount.quantize(Decimal("0.01"))
    return amount


def _format_pounds(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


class ReviewClock(Vocabulary):
    """The clocks a review's pause can hold (the LCSPR final report counts back from
    publication, so it cannot be paused)."""

    SCR_COMPLETION_AIM = ClockKind.SCR_COMPLETION_AIM.value
    LOCAL_SIGN_OFF = ClockKind.LOCAL_SIGN_OFF.value

    @property
    def label(self) -> str:
        """The clock's short name."""
        return CLOCK_NAMES[ClockKind(self.value)]


def review_clock_text(
    commissioned: dt.date | None,
    signed_off: dt.date | None,
    pauses: Iterable[ClockPause],
    *,
    today: dt.date,
    review_type: ReviewType | None = None,
    published_on: dt.date | None = None,
) -> str:
    """The review's clocks in words, one line each: time since commissioning, the 6-month
    completion aim, local sign-off (12-month aim, 18 months at most) and, for an LCSPR, the
    final report due 7 working days before publication."""
    lines = []
    if commissioned is None:
        aim = CLOCK_NAMES[ClockKind.SCR_COMPLETION_AIM]
        sign_off = CLOCK_NAMES[ClockKind.LOCAL_SIGN_OFF]
        lines.append(f"{aim}: {not_started('the commissioning date', False)}")
        lines.append(f"{sign_off}: {not_started('the commissioning date', False)}")
    else:
        pauses = tuple(pauses)
        end = signed_off or today
        months = (end.year - commissioned.year) * 12 + end.month - commissioned.month
        if end.day < commissioned.day:
            months -= 1
        if signed_off is not None:
            lines.append(
                f"Signed off {format_uk_date(signed_off)}, {months} months after commissioning "
                f"({format_uk_date(commissioned)})."
            )
        else:
            lines.append(f"Running for {months} months since {format_uk_date(commissioned)}.")
        for kind in (ClockKind.SCR_COMPLETION_AIM, ClockKind.LOCAL_SIGN_OFF):
            state = clock_state(
                kind, commissioned, pauses=pauses, completed_on=signed_off, today=today
            )
            lines.append(clock_line(state, pauses, today=today, done="signed off"))
    if review_type is ReviewType.LCSPR:
        lines.append(_final_report_line(published_on, today))
    return "\n".join(lines)


def _final_report_line(published_on: dt.date | None, today: dt.date) -> str:
    name = CLOCK_NAMES[ClockKind.LCSPR_FINAL_REPORT]
    if published_on is None:
        start = "the publication date"
        return f"{name}: due 7 working days before publication; {not_started(start, False)}"
    state = clock_state(ClockKind.LCSPR_FINAL_REPORT, published_on, today=today)
    due = format_uk_date(state.due_on)
    if state.status is ClockStatus.BREACHED:
        # The form does not record when the report went, so a passed date is not a breach.
        return (
            f"{name}: was due {due}, 7 working days before publication on "
            f"{format_uk_date(published_on)} (when it was sent is not recorded here)"
        )
    left = state.working_days_remaining
    when = "today" if left == 0 else f"{left:,} working day{'' if left == 1 else 's'} left"
    return (
        f"{name}: due {due} (7 working days before publication on "
        f"{format_uk_date(published_on)}; {when})"
    )


def _texts(payload: Mapping[str, object], key: str) -> list[str]:
    value = payload.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _rows(payload: Mapping[str, object], key: str) -> list[dict[str, object]]:
    value = payload.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class ReviewForm(RecordForm[Review]):
    """Every review field, with the parallel processes, family contributions and learning."""

    RECORD_TYPE = "review"
    NOUN = "review"

    #: Open this recommendation (its id): Enter or a double-click in the review's list.
    recommendation_chosen = Signal(str)

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        today: Callable[[], dt.date] = dt.date.today,
        referrals: ReferralList | None = None,
        recommendations: RecommendationList | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, parent=parent)
        self._records = records
        self._today = today
        self._original: Review | None = None

        self.title_edit = QLineEdit()
        # Until the screen passes its own list service, search the records' database.
        self.referral = ReferralChooser(referrals=referrals or ReferralList(db=records.db))
        self.referral_label = self.referral.chosen_label
        self.type = choice_combo(ReviewType, empty="Choose the type of review")
        self.methodology = choice_combo(Methodology, empty="Choose the methodology")
        self.status = choice_combo(ReviewStatus)
        self.lead_reviewer = QLineEdit()
        self.commissioned_on = UkDateEdit(accessible_name="Commissioned on")
        self.tor_agreed_on = UkDateEdit(accessible_name="Terms of reference agreed on")
        self.draft_on = UkDateEdit(accessible_name="Draft report on")
        self.signed_off_on = UkDateEdit(accessible_name="Signed off by the Board on")
        self.published_on = UkDateEdit(accessible_name="Published on")
        self.cost = QLineEdit()
        self.cost.setPlaceholderText("£ pounds and pence")
        self.clock_label = QLabel()
        self.clock_label.setWordWrap(True)
        self.clock_label.setAccessibleName("Clocks")
        self.clock_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.children_editor = CollectionEditor(cells=CHILD_CELLS, noun="child")
        self.themes = CheckList()
        self.themes.set_items((t.value, t.label) for t in Theme)
        self.processes_editor = CollectionEditor(cells=PROCESS_CELLS, noun="parallel process")
        self.family_editor = CollectionEditor(cells=FAMILY_CELLS, noun="family contribution")
        self.pauses_editor = CollectionEditor(cells=pause_cells(ReviewClock), noun="pause")
        self.learning_points = CheckList()
        self.summary_published_on = UkDateEdit(accessible_name="Learning summary published on")
        self.summary_link = QLineEdit()
        self.summary_link.setPlaceholderText("Web address of the published learning summary")
        # A review with no children of its own counts its referral's (as the annual report
        # does): say so, and name them, rather than show an empty table.
        self.referral_children_label = QLabel()
        self.referral_children_label.setProperty("role", "hint")
        self.referral_children_label.setWordWrap(True)
        self.referral_children_label.setAccessibleName("Children counted from the referral")
        self.referral_children_label.hide()
        self.recommendations_model = _ReviewRecommendations(
            service=recommendations or RecommendationList(db=records.db),
            query=RecommendationQuery(sort=RecommendationSort.NUMBER),
            parent=self,
        )
        self.recommendations_view = _recommendations_view(self.recommendations_model)
        self.recommendations_view.activated.connect(self._recommendation_activated)
        self.recommendations_label = QLabel()
        self.recommendations_label.setWordWrap(True)
        self.recommendations_label.setAccessibleName("Recommendations of this review")

        row = self.add_field
        f = {
            "title": row("title", FieldRow(label="&Title:", field=self.title_edit)),
            "referral": row("referral", FieldRow(label="From &referral:", field=self.referral)),
            "type": row("type", FieldRow(label="T&ype:", field=self.type)),
            "methodology": row(
                "methodology", FieldRow(label="&Methodology:", field=self.methodology)
            ),
            "status": row("status", FieldRow(label="&Status:", field=self.status)),
            "lead_reviewer": row(
                "lead_reviewer", FieldRow(label="&Lead reviewer:", field=self.lead_reviewer)
            ),
            "commissioned_on": row(
                "commissioned_on",
                FieldRow(label="Comm&issioned on:", field=self.commissioned_on),
            ),
            "tor_agreed_on": row(
                "tor_agreed_on",
                FieldRow(label="Terms of reference a&greed on:", field=self.tor_agreed_on),
            ),
            "draft_on": row("draft_on", FieldRow(label="&Draft report on:", field=self.draft_on)),
            "signed_off_on": row(
                "signed_off_on",
                FieldRow(label="Signed off by the &Board on:", field=self.signed_off_on),
            ),
            "published_on": row(
                "published_on", FieldRow(label="&Published on:", field=self.published_on)
            ),
            "cost_gbp": row("cost_gbp", FieldRow(label="C&ost (£):", field=self.cost)),
            "children": row("children", FieldRow(label="Childre&n:", field=self.children_editor)),
            "themes": row("themes", FieldRow(label="S&afeguarding themes:", field=self.themes)),
            "parallel_processes": row(
                "parallel_processes",
                FieldRow(
                    label="Parallel processes:",
                    field=self.processes_editor,
                    hint="Criminal proceedings, inquests and the like that can hold a review up.",
                ),
            ),
            "family_contributions": row(
                "family_contributions",
                FieldRow(label="Family contributions:", field=self.family_editor),
            ),
            "clock_pauses": row(
                "clock_pauses",
                FieldRow(
                    label="Clock pa&uses:",
                    field=self.pauses_editor,
                    hint="A pause holds a clock while, say, a criminal trial or inquest runs. "
                    "Leave “Resumed on” empty while the clock is still paused; a reason is "
                    "required.",
                ),
            ),
            "learning_points": row(
                "learning_points",
                FieldRow(label="Common learning points:", field=self.learning_points),
            ),
            "learning_summary.published_on": row(
                "learning_summary.published_on",
                FieldRow(label="Learning summary published on:", field=self.summary_published_on),
            ),
            "learning_summary.link": row(
                "learning_summary.link",
                FieldRow(label="Learning summary lin&k:", field=self.summary_link),
            ),
        }
        self.add_collection("children", self.children_editor)
        self.add_collection("parallel_processes", self.processes_editor)
        self.add_collection("family_contributions", self.family_editor)
        self.add_collection("clock_pauses", self.pauses_editor)
        self.referral.changed.connect(self._edited)
        self.watch(
            self.title_edit,
            self.type,
            self.methodology,
            self.status,
            self.lead_reviewer,
            self.commissioned_on,
            self.tor_agreed_on,
            self.draft_on,
            self.signed_off_on,
            self.published_on,
            self.cost,
            self.themes,
            self.learning_points,
            self.summary_published_on,
            self.summary_link,
        )
        # The clock lines follow the typing: the dates they count from or stop at, the type
        # (an LCSPR has one more clock) and the pauses.
        for date_edit in (self.commissioned_on, self.signed_off_on, self.published_on):
            date_edit.line_edit.textChanged.connect(self._update_clock)
        self.type.currentIndexChanged.connect(self._update_clock)
        self.pauses_editor.changed.connect(self._update_clock)
        self.pauses_editor.rows_changed.connect(self._update_clock)

        layout = QVBoxLayout(self)
        layout.addWidget(self.general_errors)
        layout.addWidget(
            section(
                "Review",
                [
                    [f["title"]],
                    [f["type"], f["methodology"]],
                    [f["status"], f["lead_reviewer"]],
                    [f["referral"], f["cost_gbp"]],
                ],
            )
        )
        layout.addWidget(
            section(
                "Key dates",
                [
                    [f["commissioned_on"], f["tor_agreed_on"]],
                    [f["draft_on"], f["signed_off_on"]],
                    [f["published_on"]],
                ],
            )
        )
        layout.addWidget(section("Clocks", [[self.clock_label], [f["clock_pauses"]]]))
        layout.addWidget(
            section("Subjects", [[f["children"]], [self.referral_children_label], [f["themes"]]])
        )
        layout.addWidget(
            section("Recommendations", [[self.recommendations_label], [self.recommendations_view]])
        )
        layout.addWidget(
            section(
                "Parallel processes and family",
                [[f["parallel_processes"]], [f["family_contributions"]]],
            )
        )
        layout.addWidget(
            section(
                "Learning",
                [
                    [f["learning_points"]],
                    [f["learning_summary.published_on"], f["learning_summary.link"]],
                ],
            )
        )
        layout.addStretch(1)
        self.set_tab_sequence(
            self.title_edit,
            self.type,
            self.methodology,
            self.status,
            self.lead_reviewer,
            self.referral.search_edit,
            self.referral.matches,
            self.referral.clear_button,
            self.cost,
            self.commissioned_on,
            self.tor_agreed_on,
            self.draft_on,
            self.signed_off_on,
            self.published_on,
            self.pauses_editor,
            self.children_editor,
            self.themes,
            self.recommendations_view,
            self.processes_editor,
            self.family_editor,
            self.learning_points,
            self.summary_published_on,
            self.summary_link,
        )
        self._load_learning_points()
        self._with_loading(lambda: self._load(None))

    # --- RecordForm ---------------------------------------------------------------------------

    def describe(self) -> str:
        """ "review “Child Q”", or "a new review"."""
        title = self.title_edit.text().strip()
        return f"review “{title}”" if title else "a new review"

    def saved(self, record_id: str) -> None:
        """Stored: a new review's recommendations can be listed now."""
        super().saved(record_id)
        self.show_recommendations()

    def refresh_lookups(self) -> None:
        """Reload the catalogue of learning points offered."""
        chosen = self.learning_points.checked()
        self._load_learning_points()
        self._with_loading(lambda: self.learning_points.set_checked(chosen))

    def _load_learning_points(self) -> None:
        self.learning_points.set_items((p.id, p.text) for p in self._records.learning_points())
        # Learning points are sentences that wrap: give them more room than short labels.
        self.learning_points.setFixedHeight(240)

    def _now(self) -> dt.date:
        return self._today()

    def _load(self, record: Review | None) -> None:
        self._original = record
        if record is None:
            new = self.record_id is not None
            self.title_edit.setText("")
            self.referral.set_referral_id(None)
            set_combo_code(self.type, None)
            set_combo_code(self.methodology, None)
            set_combo_code(self.status, ReviewStatus.COMMISSIONED.value)
            self.lead_reviewer.setText("")
            self.commissioned_on.set_value(self._now() if new else None)
            for edit in (self.tor_agreed_on, self.draft_on, self.signed_off_on):
                edit.set_value(None)
            self.published_on.set_value(None)
            self.cost.setText("")
            self.children_editor.set_rows([])
            self.themes.set_checked(())
            self.processes_editor.set_rows([])
            self.family_editor.set_rows([])
            set_pause_rows(self.pauses_editor, [])
            self.learning_points.set_checked(())
            self.summary_published_on.set_value(None)
            self.summary_link.setText("")
        else:
            self.title_edit.setText(record.title)
            self.referral.set_referral_id(record.referral)
            set_combo_code(self.type, record.type.value)
            set_combo_code(self.methodology, record.methodology.value)
            set_combo_code(self.status, record.status.value)
            self.lead_reviewer.setText(record.lead_reviewer)
            self.commissioned_on.set_value(record.commissioned_on)
            self.tor_agreed_on.set_value(record.tor_agreed_on)
            self.draft_on.set_value(record.draft_on)
            self.signed_off_on.set_value(record.signed_off_on)
            self.published_on.set_value(record.published_on)
            self.cost.setText(_format_pounds(record.cost_gbp))
            self.children_editor.set_rows(child_values(c) for c in record.children)
            self.themes.set_checked(t.value for t in record.themes)
            self.processes_editor.set_rows(
                {
                    "type": p.type.value,
                    "status": p.status.value,
                    "started_on": format_uk_date(p.started_on),
                    "concluded_on": format_uk_date(p.concluded_on),
                    "notes": p.notes,
                }
                for p in record.parallel_processes
            )
            self.family_editor.set_rows(
                {
                    "who": c.who,
                    "facilitated_by": c.facilitated_by,
                    "on": format_uk_date(c.on),
                    "saw_report_before_publication": c.saw_report_before_publication,
                }
                for c in record.family_contributions
            )
            set_pause_rows(self.pauses_editor, [pause_values(p) for p in record.clock_pauses])
            self.learning_points.set_checked(record.learning_points)
            summary = record.learning_summary
            self.summary_published_on.set_value(summary.published_on if summary else None)
            self.summary_link.setText(summary.link if summary else "")
        self._update_clock()
        self.show_recommendations()
        self._show_referral_children(record)

    # --- the review's recommendations and its referral's children -----------------------------

    def show_recommendations(self) -> None:
        """List the stored review's recommendations as they now stand (none for a new one)."""
        stored = None if self.is_new else self.record_id
        if stored is None:
            self.recommendations_model.clear()
            self.recommendations_label.setText(
                "Save the review first; then add its recommendations on the Recommendations "
                "screen (Ctrl+5)."
                if self.record_id is not None
                else ""
            )
            return
        query = dataclasses.replace(self.recommendations_model.query, review=stored)
        try:
            self.recommendations_model.set_query(query)
        except CragError:
            self.recommendations_model.clear()
        count = self.recommendations_model.total
        if count == 0:
            text = "No recommendations are recorded for this review yet."
        else:
            noun = "recommendation" if count == 1 else "recommendations"
            text = f"{count} {noun}: press Enter or double-click one to open it."
        self.recommendations_label.setText(text)

    def recommendation_ids(self) -> list[str]:
        """The recommendations listed, in their order."""
        model = self.recommendations_model
        return [model.row_id(row) for row in range(model.rowCount())]

    def _recommendation_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.recommendation_chosen.emit(self.recommendations_model.row_id(index.row()))

    def _show_referral_children(self, record: Review | None) -> None:
        label = self.referral_children_label
        if record is None or record.children or record.referral is None:
            label.hide()
            return
        try:
            children = self._records.get_referral(record.referral).children
        except CragError:
            children = ()
        if not children:
            label.hide()
            return
        names = "; ".join(child.summary() for child in children)
        label.setText(f"No children are recorded on the review, so its referral's count: {names}.")
        label.show()

    def _build_record(self, errors: list[FieldError]) -> Review | None:
        def date_of(edit: UkDateEdit, path: str) -> dt.date | None:
            return read_date(edit.line_edit.text(), path, errors)

        commissioned = date_of(self.commissioned_on, "commissioned_on")
        if commissioned is None and not any(e.path == "commissioned_on" for e in errors):
            errors.append(
                FieldError("commissioned_on", "give the date the review was commissioned")
            )
        tor = date_of(self.tor_agreed_on, "tor_agreed_on")
        draft = date_of(self.draft_on, "draft_on")
        signed_off = date_of(self.signed_off_on, "signed_off_on")
        published = date_of(self.published_on, "published_on")
        try:
            cost = parse_pounds(self.cost.text())
        except ValueError as error:
            errors.append(FieldError("cost_gbp", str(error)))
            cost = None
        review_type = combo_code(self.type)
        if review_type is None:
            errors.append(FieldError("type", "choose the type of review"))
        methodology = combo_code(self.methodology)
        if methodology is None:
            errors.append(FieldError("methodology", "choose the methodology"))
        processes = []
        for i, values in enumerate(self.processes_editor.rows()):
            path = f"parallel_processes[{i}]"
            if values["type"] is None:
                errors.append(FieldError(f"{path}.type", "choose the kind of process"))
                continue
            processes.append(
                ParallelProcess(
                    type=ParallelProcessType(str(values["type"])),
                    status=ParallelProcessStatus(str(values["status"])),
                    started_on=read_date(values["started_on"], f"{path}.started_on", errors),
                    concluded_on=read_date(values["concluded_on"], f"{path}.concluded_on", errors),
                    notes=str(values["notes"] or "").strip(),
                )
            )
        contributions = []
        for i, values in enumerate(self.family_editor.rows()):
            path = f"family_contributions[{i}]"
            contributions.append(
                FamilyContribution(
                    who=str(values["who"] or "").strip(),
                    facilitated_by=str(values["facilitated_by"] or "").strip(),
                    on=read_date(values["on"], f"{path}.on", errors),
                    saw_report_before_publication=bool(values["saw_report_before_publication"]),
                )
            )
        pauses = pauses_from_values(self.pauses_editor.rows(), errors)
        summary_on = date_of(self.summary_published_on, "learning_summary.published_on")
        link = self.summary_link.text().strip()
        summary = (
            LearningSummary(published_on=summary_on, link=link)
            if link or summary_on is not None
            else None
        )
        if errors or commissioned is None or review_type is None or methodology is None:
            return None
        assert self.record_id is not None
        return Review(
            id=self.record_id,
            referral=self.referral.referral_id(),
            title=self.title_edit.text().strip(),
            type=ReviewType(review_type),
            methodology=Methodology(methodology),
            status=ReviewStatus(combo_code(self.status) or ReviewStatus.COMMISSIONED.value),
            lead_reviewer=self.lead_reviewer.text().strip(),
            commissioned_on=commissioned,
            tor_agreed_on=tor,
            signed_off_on=signed_off,
            published_on=published,
            cost_gbp=cost,
            children=tuple(child_from_values(v) for v in self.children_editor.rows()),
            themes=tuple(Theme(t) for t in self.themes.checked()),
            parallel_processes=tuple(processes),
            family_contributions=tuple(contributions),
            learning_points=tuple(self.learning_points.checked()),
            learning_summary=summary,
            draft_on=draft,
            clock_pauses=pauses,
        )

    def payload(self) -> dict[str, object]:
        """The raw typing, dates and cost as typed."""
        return {
            "title": self.title_edit.text(),
            "referral": self.referral.referral_id(),
            "type": combo_code(self.type),
            "methodology": combo_code(self.methodology),
            "status": combo_code(self.status),
            "lead_reviewer": self.lead_reviewer.text(),
            "commissioned_on": self.commissioned_on.line_edit.text(),
            "tor_agreed_on": self.tor_agreed_on.line_edit.text(),
            "draft_on": self.draft_on.line_edit.text(),
            "signed_off_on": self.signed_off_on.line_edit.text(),
            "published_on": self.published_on.line_edit.text(),
            "cost_gbp": self.cost.text(),
            "children": self.children_editor.rows(),
            "themes": self.themes.checked(),
            "parallel_processes": self.processes_editor.rows(),
            "family_contributions": self.family_editor.rows(),
            "clock_pauses": self.pauses_editor.rows(),
            "learning_points": self.learning_points.checked(),
            "learning_summary_published_on": self.summary_published_on.line_edit.text(),
            "learning_summary_link": self.summary_link.text(),
        }

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        def text(key: str) -> str:
            value = payload.get(key)
            return "" if value is None else str(value)

        self.title_edit.setText(text("title"))
        self.referral.set_referral_id(text("referral") or None)
        set_combo_code(self.type, payload.get("type"))
        set_combo_code(self.methodology, payload.get("methodology"))
        set_combo_code(self.status, payload.get("status"))
        self.lead_reviewer.setText(text("lead_reviewer"))
        self.commissioned_on.line_edit.setText(text("commissioned_on"))
        self.tor_agreed_on.line_edit.setText(text("tor_agreed_on"))
        self.draft_on.line_edit.setText(text("draft_on"))
        self.signed_off_on.line_edit.setText(text("signed_off_on"))
        self.published_on.line_edit.setText(text("published_on"))
        self.cost.setText(text("cost_gbp"))
        self.children_editor.set_rows(_rows(payload, "children"))
        self.themes.set_checked(_texts(payload, "themes"))
        self.processes_editor.set_rows(_rows(payload, "parallel_processes"))
        self.family_editor.set_rows(_rows(payload, "family_contributions"))
        set_pause_rows(self.pauses_editor, _rows(payload, "clock_pauses"))
        self.learning_points.set_checked(_texts(payload, "learning_points"))
        self.summary_published_on.line_edit.setText(text("learning_summary_published_on"))
        self.summary_link.setText(text("learning_summary_link"))
        self._update_clock()

    # --- internals ----------------------------------------------------------------------------

    def _update_clock(self, *_args: object) -> None:
        self.clock_label.setText(self.clock_text())

    def clock_text(self) -> str:
        """The review's clocks in words, one line each, from what is typed now."""

        def typed(edit: UkDateEdit) -> dt.date | None:
            try:
                return edit.value()
            except ValueError:
                # Half-typed: counted as not given until it reads as a date.
                return None

        review_type = combo_code(self.type)
        return review_clock_text(
            typed(self.commissioned_on),
            typed(self.signed_off_on),
            pauses_from_values(self.pauses_editor.rows(), None),
            today=self._now(),
            review_type=ReviewType(review_type) if review_type is not None else None,
            published_on=typed(self.published_on),
        )
