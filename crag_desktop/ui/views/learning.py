"""The Learning screen: the catalogue of common learning points (with how many reviews carry
each) and the learning events, one tab each."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QHeaderView, QWidget

from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import LearningEvent, LearningPoint
from crag_desktop.domain.wording import one_line
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.memory_lists import (
    LearningEventLines,
    LearningEventQuery,
    LearningEventRow,
    LearningPointLines,
    LearningPointQuery,
    LearningPointRow,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.learning_form import LearningEventForm, LearningPointForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.learning import (
    LearningEventTableModel,
    LearningPointTableModel,
    usage_sentence,
)
from crag_desktop.ui.views.agencies import TabbedScreen
from crag_desktop.ui.views.list_screen import ListScreen

__all__ = [
    "LearningEventListScreen",
    "LearningPointListScreen",
    "LearningScreen",
    "create_screen",
]


class LearningPointListScreen(ListScreen[LearningPointQuery, LearningPointRow, LearningPoint]):
    """The catalogue: most-carried points first; open, create, save and delete."""

    RECORD_TYPE = RecordType.LEARNING_POINT
    # A review's learning changes the counts.
    RELATED_TYPES = (RecordType.REVIEW,)

    def __init__(
        self,
        *,
        records: RecordService,
        usage: Callable[[], Mapping[str, int]],
        drafts: DraftService,
        prompter: Prompter,
        carriers: Callable[[str], Sequence[str]] | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        self._lines = LearningPointLines(
            points=records.learning_points, usage=usage, carriers=carriers
        )
        self._model = LearningPointTableModel(service=self._lines)
        form = LearningPointForm(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms)
        super().__init__(
            title="Learning points",
            plural="learning points",
            model=self._model,
            form=form,
            filters=[],
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )
        self.form: LearningPointForm = form
        # The count must stay visible however long the points are: the text takes the rest.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(
            LearningPointTableModel.Column.TEXT, QHeaderView.ResizeMode.Stretch
        )
        header.setSectionResizeMode(
            LearningPointTableModel.Column.REVIEWS, QHeaderView.ResizeMode.ResizeToContents
        )

    def open_record(self, record_id: str) -> bool:
        """Open the point, saying how many reviews carry it and which they are."""
        opened = super().open_record(record_id)
        if opened:
            row = self.model.row_of(record_id)
            if row is None:
                self.form.set_usage(None)
            else:
                line = self._lines.named(self.model.row_at(row))
                self.form.set_usage(line.review_count)
                # A count alone sends the reader hunting: name the reviews as well.
                self.form.usage_label.setText(usage_sentence(line))
        return opened

    def new_record(self) -> bool:
        """Start a new learning point."""
        started = super().new_record()
        if started:
            self.form.set_usage(None)
        return started

    def _row_label(self, row: LearningPointRow) -> str:
        return f"the learning point “{one_line(row.text)}”"


class LearningEventListScreen(ListScreen[LearningEventQuery, LearningEventRow, LearningEvent]):
    """Learning events, newest first; open, create, save and delete."""

    RECORD_TYPE = RecordType.LEARNING_EVENT
    RELATED_TYPES = (RecordType.REVIEW,)

    def __init__(
        self,
        *,
        records: RecordService,
        events: Callable[[], Sequence[LearningEvent]],
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records

        def titles(ids: Collection[str]) -> dict[str, str]:
            return {choice.id: choice.label for choice in records.reviews(ids)}

        form = LearningEventForm(
            drafts=drafts, prompter=prompter, records=records, autosave_ms=autosave_ms
        )
        super().__init__(
            title="Learning events",
            plural="learning events",
            model=LearningEventTableModel(
                service=LearningEventLines(events=events, review_titles=titles)
            ),
            form=form,
            filters=[],
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )

    def _row_label(self, row: LearningEventRow) -> str:
        return f"the learning event “{one_line(row.title)}”"


class LearningScreen(TabbedScreen):
    """Learning points and learning events."""

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        events: Callable[[], Sequence[LearningEvent]] | None = None,
        usage: Callable[[], Mapping[str, int]] | None = None,
        carriers: Callable[[str], Sequence[str]] | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        """`events` and `usage` default to the record service's."""
        if events is None:
            events = records.learning_events
        if usage is None:
            usage = records.learning_point_usage
        options: dict[str, Any] = {
            "records": records,
            "drafts": drafts,
            "prompter": prompter,
            "autosave_ms": autosave_ms,
            "search_delay_ms": search_delay_ms,
        }
        self.points = LearningPointListScreen(usage=usage, carriers=carriers, **options)
        self.events = LearningEventListScreen(events=events, **options)
        super().__init__(
            title="Learning",
            tabs=[("Learning poi&nts", self.points), ("Learning even&ts", self.events)],
            parent=parent,
        )


def create_screen(context: ScreenContext) -> LearningScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    records = RecordService(db=db)
    screen = LearningScreen(
        records=records,
        drafts=DraftService(db=db),
        prompter=context.prompter,
        carriers=records.learning_point_review_titles,
    )
    screen.changed.connect(context.changed)
    return screen
