"""A record's statutory clocks in words ("Rapid review: due 14/03/2024 (3 working days
left)") and the editor of the pauses that hold them, shared by the referral and review
forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from crag_desktop.domain.clock import CLOCK_SPECS, ClockKind, ClockState, ClockStatus, clock_state
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import ClockPause
from crag_desktop.domain.vocabulary import ReviewType, Vocabulary
from crag_desktop.domain.wording import count_of
from crag_desktop.ui.forms.collection import Cell, CellKind, CollectionEditor
from crag_desktop.ui.forms.fields import read_date
from crag_desktop.ui.widgets import format_uk_date

__all__ = [
    "CLOCK_NAMES",
    "PausesEditor",
    "ReferralClock",
    "ReviewClock",
    "clock_line",
    "not_started",
    "pause_cells",
    "pause_rows",
    "pause_values",
    "pauses_from_values",
    "review_clock_text",
]

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


class PausesEditor(CollectionEditor):
    """A record's clock pauses, one card each, holding the clocks of `clocks`."""

    def __init__(self, clocks: type[Vocabulary], *, parent: QWidget | None = None) -> None:
        super().__init__(cells=pause_cells(clocks), noun="pause", parent=parent)

    def set_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Show these pauses; a clock the choice does not offer (imported data) is added to
        that pause's choice, so that saving never silently moves a pause to another clock."""
        rows = list(rows)
        super().set_rows(rows)
        for i, values in enumerate(rows):
            code = values.get("clock")
            combo = self.cell_widget(i, "clock")
            if code and isinstance(combo, QComboBox) and combo.findData(code) < 0:
                combo.blockSignals(True)
                combo.addItem(str(code).replace("_", " ").capitalize(), str(code))
                combo.setCurrentIndex(combo.count() - 1)
                combo.blockSignals(False)


def pause_rows(pauses: Iterable[ClockPause]) -> list[dict[str, object]]:
    """A record's clock pauses as the cards' values."""
    return [pause_values(p) for p in pauses]


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
