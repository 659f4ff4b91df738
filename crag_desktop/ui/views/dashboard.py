"""The dashboard: what needs the secretariat's attention today, one tile per figure.

Each tile shows its figure as a large number and a sentence (never colour alone), the most
urgent few records under it, and opens the matching filtered list when clicked or
activated from the keyboard (Enter or Space).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.clock import ClockKind, ClockState, ClockStatus, add_months
from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import abbreviated_date, long_date, word_for
from crag_desktop.services.changes import Changes
from crag_desktop.services.dashboard import (
    CLOCK_WINDOW_WORKING_DAYS,
    REVIEW_MARKS,
    ClockDue,
    DashboardFigures,
    DashboardService,
    ReviewMark,
)
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReviewList, ReviewQuery
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
from crag_desktop.ui.navigation import ScreenContext, ScreenKey, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import UkDateEdit

__all__ = [
    "ITEMS_PER_TILE",
    "DashboardScreen",
    "FigureTile",
    "clock_sentence",
]

#: How many records a tile names under its figure; the list behind it has them all.
ITEMS_PER_TILE = 5

_CLOCK_NAMES = {
    ClockKind.SERIOUS_INCIDENT_NOTIFICATION: "Serious incident notification",
    ClockKind.RAPID_REVIEW: "Rapid review",
}


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


#: Below this many working days a lateness is counted in working days (the statutory unit);
#: beyond it "2814 working days" means nothing to a reader, so it is said in calendar terms.
LONG_SPAN_WORKING_DAYS = 20


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def calendar_span(start: date, end: date) -> str:
    """ "11 years 2 months", "3 months 1 week", "5 weeks": the two largest whole units."""
    if end < start:
        start, end = end, start
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    years, months = divmod(months, 12)
    anchor = add_months(start, years * 12 + months)
    weeks = (end - anchor).days // 7
    parts = [(years, "year"), (months, "month"), (weeks, "week")]
    shown = [_unit(n, word) for n, word in parts if n > 0]
    if years > 0:
        # Weeks are noise beside years.
        shown = [_unit(n, word) for n, word in parts[:2] if n > 0]
    return " ".join(shown[:2]) or "less than a week"


def lateness(working_days: int, due_on: date, today: date) -> str:
    """How late a clock is: in working days when short, in years/months/weeks when long."""
    if working_days < LONG_SPAN_WORKING_DAYS:
        return _days(working_days)
    return calendar_span(due_on, today)


def clock_sentence(due: ClockDue, today: date) -> str:
    """ "Rapid review for CRAG-2024-03 due in 3 working days (Thu 14 Mar)".

    `today` is the dashboard's day, not the computer's: a demo opened as of 2017 must say
    which year a due date falls in, as the live figures do."""
    state: ClockState = due.state
    name = _CLOCK_NAMES.get(state.kind, state.kind.value.replace("_", " ").capitalize())
    subject = f"{name} for {due.reference} ({due.case_name})"
    # The year is left out only where it goes without saying.
    when = abbreviated_date(state.due_on, year=state.due_on.year != today.year)
    remaining = state.working_days_remaining
    if state.status is ClockStatus.PAUSED:
        return f"{subject} paused; due {when} so far"
    if state.status is ClockStatus.BREACHED or remaining < 0:
        late = lateness(abs(remaining), state.due_on, today)
        return f"{subject} late by {late} (was due {when})"
    if remaining == 0:
        return f"{subject} due today ({when})"
    return f"{subject} due in {_days(remaining)} ({when})"


@dataclass(frozen=True, slots=True)
class TileContent:
    """What one tile shows and where it leads."""

    key: str
    count: int
    #: The sentence after the number: "referrals await a decision".
    label: str
    items: tuple[str, ...]
    screen: ScreenKey
    query: object


class FigureTile(QPushButton):
    """A clickable card: a large number, what it counts, and the first few records."""

    def __init__(self, *, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTile")
        self.key = key
        self.content: TileContent | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.number_label = QLabel("–")
        self.number_label.setObjectName("tileNumber")
        self.title_label = QLabel()
        self.title_label.setObjectName("tileTitle")
        self.title_label.setWordWrap(True)
        self.items_label = QLabel()
        self.items_label.setObjectName("tileItem")
        self.items_label.setWordWrap(True)
        self.items_label.setTextFormat(Qt.TextFormat.PlainText)
        self.more_label = QLabel()
        self.more_label.setObjectName("tileMore")
        self.more_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(self.number_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.items_label)
        layout.addWidget(self.more_label)
        layout.addStretch(1)
        for label in (self.number_label, self.title_label, self.items_label, self.more_label):
            # Clicks on the text belong to the tile.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_content(self, content: TileContent | None) -> None:
        """Show `content`; None empties the tile (nothing readable stays)."""
        self.content = content
        if content is None:
            for label in (self.number_label, self.title_label, self.items_label):
                label.setText("")
            self.number_label.setText("–")
            self.more_label.setText("")
            self.setAccessibleName("")
            self.setAccessibleDescription("")
            self.setToolTip("")
            self._set_attention(False)
            return
        self.number_label.setText(str(content.count))
        self.title_label.setText(content.label)
        self.items_label.setText("\n".join(f"• {item}" for item in content.items))
        # Only a change: on a shown tile, setVisible lays the tile out there and then.
        if self.items_label.isHidden() == bool(content.items):
            self.items_label.setVisible(bool(content.items))
        hidden = content.count - len(content.items)
        if content.count == 0:
            more = "Nothing to do here."
        elif hidden > 0:
            more = f"and {hidden} more. Press Enter to open the list."
        else:
            more = "Press Enter to open the list."
        self.more_label.setText(more)
        self.setAccessibleName(f"{content.count} {content.label}")
        self.setAccessibleDescription("; ".join(content.items))
        self.setToolTip(f"Open the list: {content.count} {content.label}")
        self._set_attention(content.count > 0)
        self.updateGeometry()

    def _set_attention(self, on: bool) -> None:
        # The style sheet's [attention="true"] rule is read when the tile is polished, so a
        # change is polished again; the same look (unset reads as false) needs nothing, and
        # a tile not yet polished picks the property up when it is.
        if bool(self.property("attention")) == on:
            return
        self.setProperty("attention", on)
        if self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self.style().unpolish(self)
            self.style().polish(self)

    def sizeHint(self) -> QSize:
        """As big as the labels inside need."""
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        """At least as big as the labels inside need."""
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter opens the list, as Space does."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
            return
        super().keyPressEvent(event)


class DashboardScreen(QWidget):
    """The dashboard; emits `open_list(screen_key, query)` when a tile is chosen."""

    open_list = Signal(object, object)

    TILE_KEYS = (
        "pending_decisions",
        "clocks",
        "review_6",
        "review_12",
        "review_18",
        "overdue_recommendations",
    )

    def __init__(
        self,
        *,
        dashboard: DashboardService,
        referrals: ReferralList,
        reviews: ReviewList,
        recommendations: RecommendationList,
        prompter: Prompter,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardScreen")
        self._dashboard = dashboard
        self._referrals = referrals
        self._reviews = reviews
        self._recommendations = recommendations
        self._prompter = prompter
        self._today = today
        self._stale = True
        self._shown_before = False
        self.figures: DashboardFigures | None = None

        self.title_label = QLabel("Dashboard")
        self.title_label.setProperty("role", "title")
        self.date_label = QLabel()
        self.date_label.setProperty("role", "subtitle")
        # The day every figure is counted as of: today unless chosen (a demo database opens
        # on 1 April 2017, the end of the year it shows).
        self.as_of = UkDateEdit(accessible_name="Dashboard as of", parent=self)
        metrics = self.as_of.line_edit.fontMetrics()
        self.as_of.line_edit.setFixedWidth(metrics.horizontalAdvance("00/00/00000") + 16)
        self.as_of.value_changed.connect(self._as_of_changed)
        as_of_label = QLabel("&As of:")
        as_of_label.setBuddy(self.as_of.line_edit)
        self.today_button = QPushButton("&Today")
        self.today_button.setAutoDefault(False)
        self.today_button.clicked.connect(lambda: self.as_of.set_value(self._today()))
        self._as_of_chosen = False
        self.tiles: dict[str, FigureTile] = {}
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        for index, key in enumerate(self.TILE_KEYS):
            tile = FigureTile(key=key)
            tile.clicked.connect(lambda _checked=False, t=tile: self._activate(t))
            self.tiles[key] = tile
            grid.addWidget(tile, index // 2, index % 2)
        grid.setRowStretch(len(self.TILE_KEYS) // 2 + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        as_of_row = QHBoxLayout()
        as_of_row.addWidget(as_of_label)
        as_of_row.addWidget(self.as_of)
        as_of_row.addWidget(self.today_button)
        as_of_row.addWidget(self.date_label, 1)
        layout.addLayout(as_of_row)
        layout.addWidget(scroll, 1)
        self.setFocusProxy(self.tiles[self.TILE_KEYS[0]])

    @property
    def title(self) -> str:
        """The screen's name."""
        return "Dashboard"

    # --- Screen protocol -------------------------------------------------------------------

    def refresh(self, changes: Changes | None) -> None:
        """Recount now when shown or not shown yet; otherwise when next shown (any change
        may move a figure)."""
        del changes  # every record type feeds some figure, and recounting is a few queries
        # Not shown yet, the screen is being put into the window to be shown next: counted
        # now, its tiles are laid out once, as they first show, rather than again as each
        # figure arrives on a shown screen.
        if self.isVisible() or not self._shown_before:
            self.reload()
        else:
            self._stale = True

    def clear(self) -> None:
        """Forget every figure and record shown."""
        self.figures = None
        self.date_label.setText("")
        self.as_of.blockSignals(True)
        self.as_of.set_value(None)
        self.as_of.blockSignals(False)
        for tile in self.tiles.values():
            tile.set_content(None)
        self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        """Recount when shown after a change made elsewhere."""
        super().showEvent(event)
        self._shown_before = True
        if self._stale:
            self.reload()

    # --- Loading ---------------------------------------------------------------------------

    def as_of_day(self) -> date:
        """The day the figures are counted as of (the default until one is chosen)."""
        try:
            chosen = self.as_of.value()
        except ValueError:
            chosen = None
        if chosen is not None:
            return chosen
        day = self._dashboard.default_as_of(self._today())
        self.as_of.blockSignals(True)
        self.as_of.set_value(day)
        self.as_of.blockSignals(False)
        return day

    def _as_of_changed(self, value: object) -> None:
        if isinstance(value, date) and self.figures is not None and value != self.figures.today:
            self.reload()

    def reload(self) -> None:
        """Recount every figure as of the day chosen (today by default)."""
        try:
            today = self.as_of_day()
            figures = self._dashboard.figures(today)
            contents = self._contents(figures)
        except CragError as error:
            self._prompter.error("Dashboard", str(error))
            return
        self.figures = figures
        self._stale = False
        self.date_label.setText(
            f"{long_date(today, weekday=True)}. Choose a figure to open its list."
        )
        for content in contents:
            self.tiles[content.key].set_content(content)

    def _contents(self, figures: DashboardFigures) -> list[TileContent]:
        pending = figures.pending_decisions
        contents = [
            TileContent(
                key="pending_decisions",
                count=pending.count,
                label=word_for(pending.count, "referral awaits", "referrals await") + " a decision",
                items=self._referral_items(pending.ids[:ITEMS_PER_TILE]),
                screen=ScreenKey.REFERRALS,
                query=pending.query,
            ),
            TileContent(
                key="clocks",
                count=figures.clocks.count,
                label=(
                    word_for(figures.clocks.count, "statutory clock", "statutory clocks")
                    + f" due within {CLOCK_WINDOW_WORKING_DAYS} working days or late"
                ),
                items=tuple(
                    clock_sentence(c, figures.today) for c in figures.clocks_due[:ITEMS_PER_TILE]
                ),
                screen=ScreenKey.REFERRALS,
                query=figures.clocks.query,
            ),
        ]
        contents.extend(self._mark_content(mark, figures.today) for mark in figures.review_marks)
        overdue = figures.overdue_recommendations
        contents.append(
            TileContent(
                key="overdue_recommendations",
                count=overdue.count,
                label=word_for(overdue.count, "recommendation is", "recommendations are")
                + " overdue",
                items=self._recommendation_items(overdue.ids[:ITEMS_PER_TILE]),
                screen=ScreenKey.RECOMMENDATIONS,
                query=overdue.query,
            )
        )
        return contents

    def _mark_content(self, mark: ReviewMark, today: date) -> TileContent:
        figure = mark.figure
        what = "the 6-month completion aim" if mark.months == 6 else f"{mark.months} months"
        later = [m for m in REVIEW_MARKS if m > mark.months]
        band = f" (not yet {later[0]} months)" if later else ""
        return TileContent(
            key=f"review_{mark.months}",
            count=figure.count,
            label=word_for(figure.count, "review", "reviews")
            + f" not signed off after {what}{band}",
            items=self._review_items(figure.ids[:ITEMS_PER_TILE], mark.months, today),
            screen=ScreenKey.REVIEWS,
            query=figure.query,
        )

    def _referral_items(self, ids: Sequence[str]) -> tuple[str, ...]:
        if not ids:
            return ()
        rows = self._referrals.page(ReferralQuery(ids=tuple(ids)), limit=len(ids))
        return tuple(
            f"{row.reference} {row.case_name}: {row.status.label.lower()}, "
            f"received {long_date(row.received)}"
            for row in rows
        )

    def _review_items(self, ids: Sequence[str], months: int, today: date) -> tuple[str, ...]:
        if not ids:
            return ()
        rows = self._reviews.page(ReviewQuery(ids=tuple(ids)), limit=len(ids))
        items = []
        for row in rows:
            mark = add_months(row.commissioned_on, months)
            # The status label may carry its own brackets ("completed as far as possible
            # (parallel process)"): a dash keeps the item free of nested parentheses.
            items.append(
                f"{row.title} – {row.status.label.lower()}: commissioned "
                f"{long_date(row.commissioned_on)}, {months}-month mark {long_date(mark)}"
            )
        return tuple(items)

    def _recommendation_items(self, ids: Sequence[str]) -> tuple[str, ...]:
        if not ids:
            return ()
        query = RecommendationQuery(ids=tuple(ids), sort=RecommendationSort.DUE)
        rows = self._recommendations.page(query, limit=len(ids))
        return tuple(
            # The lead agency after a comma: agency names carry brackets of their own
            # ("Health Commissioner (Designated Professionals)").
            f"Recommendation {row.number} of {row.review_title}, lead {row.lead_agency_name}: "
            f"due {long_date(row.due)}"
            if row.due is not None
            else f"Recommendation {row.number} of {row.review_title}"
            for row in rows
        )

    def _activate(self, tile: FigureTile) -> None:
        if tile.content is not None:
            self.open_list.emit(tile.content.screen, tile.content.query)


def create_screen(context: ScreenContext) -> DashboardScreen:
    """The dashboard for app.py, over whichever database is open."""
    db = open_database(context)
    return DashboardScreen(
        dashboard=DashboardService(db=db),
        referrals=ReferralList(db=db),
        reviews=ReviewList(db=db),
        recommendations=RecommendationList(db=db),
        prompter=context.prompter,
    )
