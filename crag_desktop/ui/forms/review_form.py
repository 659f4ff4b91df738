"""The review form: every field of a commissioned review, its clock in words, and the
review's own recommendations (read-only here; Enter or a double-click opens one)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, FieldError
from crag_desktop.domain.records import (
    LearningSummary,
    Referral,
    Review,
)
from crag_desktop.domain.vocabulary import (
    Methodology,
    ReviewStatus,
    ReviewType,
    Theme,
)
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS, RecordForm
from crag_desktop.ui.forms.bindings import Bind, Field
from crag_desktop.ui.forms.children import CHILD_CELLS, child_from_values, child_rows
from crag_desktop.ui.forms.clocks import (
    PausesEditor,
    ReviewClock,
    pause_rows,
    pauses_from_values,
    review_clock_text,
)
from crag_desktop.ui.forms.collection import CollectionEditor
from crag_desktop.ui.forms.fields import (
    CheckList,
    choice_combo,
    combo_code,
    read_date,
    section,
)
from crag_desktop.ui.forms.processes import (
    FAMILY_CELLS,
    PROCESS_CELLS,
    family_from_rows,
    family_rows,
    process_rows,
    processes_from_rows,
)
from crag_desktop.ui.forms.referral_chooser import ReferralChooser
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.recommendations import RecommendationTableModel
from crag_desktop.ui.widgets import FieldRow, UkDateEdit, row_picker_table

__all__ = [
    "FAMILY_CELLS",
    "PROCESS_CELLS",
    "ReviewForm",
    "parse_pounds",
]


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
        self.pauses_editor = PausesEditor(ReviewClock)
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
        self._build_recommendations(recommendations or RecommendationList(db=records.db))

        f = self.declare(
            Field(Bind("title", self.title_edit), "&Title:"),
            Field(Bind("referral", self.referral), "From &referral:"),
            Field(Bind("type", self.type), "T&ype:"),
            Field(Bind("methodology", self.methodology), "&Methodology:"),
            Field(Bind("status", self.status, new=ReviewStatus.COMMISSIONED), "&Status:"),
            Field(Bind("lead_reviewer", self.lead_reviewer), "&Lead reviewer:"),
            Field(Bind("commissioned_on", self.commissioned_on), "Comm&issioned on:"),
            Field(Bind("tor_agreed_on", self.tor_agreed_on), "Terms of reference a&greed on:"),
            Field(Bind("draft_on", self.draft_on), "&Draft report on:"),
            Field(Bind("signed_off_on", self.signed_off_on), "Signed off by the &Board on:"),
            Field(Bind("published_on", self.published_on), "&Published on:"),
            Field(Bind("cost_gbp", self.cost, shown=_format_pounds), "C&ost (£):"),
            Field(Bind("children", self.children_editor, shown=child_rows), "Childre&n:"),
            Field(Bind("themes", self.themes), "S&afeguarding themes:"),
            Field(
                Bind("parallel_processes", self.processes_editor, shown=process_rows),
                "Parallel processes:",
                "Criminal proceedings, inquests and the like that can hold a review up.",
            ),
            Field(
                Bind("family_contributions", self.family_editor, shown=family_rows),
                "Family contributions:",
            ),
            Field(
                Bind("clock_pauses", self.pauses_editor, shown=pause_rows),
                "Clock pa&uses:",
                "A pause holds a clock while, say, a criminal trial or inquest runs. "
                "Leave “Resumed on” empty while the clock is still paused; a reason is "
                "required.",
            ),
            Field(Bind("learning_points", self.learning_points), "Common learning points:"),
            Field(
                Bind(
                    "learning_summary_published_on",
                    self.summary_published_on,
                    field="learning_summary.published_on",
                ),
                "Learning summary published on:",
            ),
            Field(
                Bind("learning_summary_link", self.summary_link, field="learning_summary.link"),
                "Learning summary lin&k:",
            ),
        )
        # The clock lines follow the typing: the dates they count from or stop at, the type
        # (an LCSPR has one more clock) and the pauses.
        for date_edit in (self.commissioned_on, self.signed_off_on, self.published_on):
            date_edit.line_edit.textChanged.connect(self._update_clock)
        self.type.currentIndexChanged.connect(self._update_clock)
        self.pauses_editor.changed.connect(self._update_clock)
        self.pauses_editor.rows_changed.connect(self._update_clock)
        self._lay_out(f)
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

    def _build_recommendations(self, recommendations: RecommendationList) -> None:
        """The review's own recommendations, listed (Enter opens one)."""
        self.recommendations_model = _ReviewRecommendations(
            service=recommendations,
            query=RecommendationQuery(sort=RecommendationSort.NUMBER),
            parent=self,
        )
        self.recommendations_view = _recommendations_view(self.recommendations_model)
        self.recommendations_view.activated.connect(self._recommendation_activated)
        self.recommendations_label = QLabel()
        self.recommendations_label.setWordWrap(True)
        self.recommendations_label.setAccessibleName("Recommendations of this review")

    def _lay_out(self, f: dict[str, FieldRow]) -> None:
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
        new = record is None and self.record_id is not None
        self._bindings.show(record, commissioned_on=self._now() if new else None)
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
            children = self._records.get(Referral, record.referral).children
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
        processes = processes_from_rows(self.processes_editor.rows(), errors)
        contributions = family_from_rows(self.family_editor.rows(), errors)
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

    def _restore_payload(self, payload: Mapping[str, object]) -> None:
        super()._restore_payload(payload)
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
