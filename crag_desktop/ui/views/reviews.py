"""The Reviews screen: the list of every commissioned review and the review form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Review
from crag_desktop.domain.vocabulary import Methodology, ReviewStatus, ReviewType
from crag_desktop.services.changes import Changes
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReviewList, ReviewQuery, ReviewRow
from crag_desktop.services.recommendation_list import RecommendationList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.review_form import ReviewForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.reviews import ReviewTableModel
from crag_desktop.ui.views.filter_bar import FilterSpec, reporting_year_choices
from crag_desktop.ui.views.list_screen import ListScreen
from crag_desktop.ui.working_day import WorkingDay

__all__ = ["ReviewsScreen"]

_Choices = list[tuple[str, Mapping[str, object]]]


def _filters() -> list[FilterSpec]:
    statuses: _Choices = [
        ("All statuses", {"status": None, "unfinished": False}),
        ("Not yet signed off", {"unfinished": True}),
    ]
    statuses += [(s.label, {"status": s}) for s in ReviewStatus]
    types: _Choices = [("All types", {"type": None})]
    types += [(t.label, {"type": t}) for t in ReviewType]
    methods: _Choices = [("All methodologies", {"methodology": None})]
    methods += [(m.label, {"methodology": m}) for m in Methodology]
    years: _Choices = [("All years", {"commissioned_year": None})]
    years += reporting_year_choices("commissioned_year")
    return [
        FilterSpec(label="Status", choices=statuses),
        FilterSpec(label="Type", choices=types),
        FilterSpec(label="Methodology", choices=methods),
        FilterSpec(label="Commissioned", choices=years),
    ]


class ReviewsScreen(ListScreen[ReviewQuery, ReviewRow, Review]):
    """Every review: search, filter, sort, open, create, save and delete."""

    RECORD_TYPE = RecordType.REVIEW
    RELATED_TYPES = (RecordType.LEARNING_POINT,)

    #: The user asked to open this recommendation (its id) from a review's list.
    recommendation_open_requested = Signal(str)

    def __init__(
        self,
        *,
        records: RecordService,
        lists: ReviewList,
        drafts: DraftService,
        referrals: ReferralList | None = None,
        recommendations: RecommendationList | None = None,
        prompter: Prompter,
        today: Callable[[], date] = date.today,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        form = ReviewForm(
            records=records,
            drafts=drafts,
            prompter=prompter,
            autosave_ms=autosave_ms,
            today=today,
            referrals=referrals,
            recommendations=recommendations,
        )
        super().__init__(
            title="Reviews",
            plural="reviews",
            model=ReviewTableModel(service=lists, page_size=page_size),
            form=form,
            filters=_filters(),
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )
        self.form: ReviewForm = form
        form.recommendation_chosen.connect(self.recommendation_open_requested)

    def refresh(self, changes: Changes | None) -> None:
        """Reload the list; the open review's recommendations follow their own changes."""
        super().refresh(changes)
        if changes is not None and (
            changes.touches(RecordType.RECOMMENDATION) or changes.touches(RecordType.AGENCY)
        ):
            self.form.show_recommendations()

    def _row_label(self, row: ReviewRow) -> str:
        return f"review “{row.title}”"


def create_screen(context: ScreenContext) -> ReviewsScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    today = WorkingDay(current=context.current)
    screen = ReviewsScreen(
        records=RecordService(db=db),
        lists=ReviewList(db=db),
        drafts=DraftService(db=db),
        referrals=ReferralList(db=db),
        recommendations=RecommendationList(db=db, today=today),
        prompter=context.prompter,
        today=today,
    )
    screen.changed.connect(context.changed)
    return screen
