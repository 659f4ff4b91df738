"""The working-day calendar and the statutory clocks.

A working day is Monday to Friday except the bank holidays of England and Wales, taken
from the ``holidays`` package (``country_holidays("GB", subdiv="ENG")``: without the
subdivision Easter Monday is missing): for 1990 to 2045 from a table of its answers
(`bank_holidays.py`), otherwise from the package itself; each year is read once and cached.

**Counting convention.** Counting starts the day *after* the start date: the first
working day after a Friday is the next Monday (or Tuesday after a bank holiday Monday).
`add_working_days(start, n)` is the n-th working day after ``start`` (before it when n is
negative; ``start`` itself when n is 0). `working_days_between(a, b)` counts the working
days passed on the way from ``a`` to ``b``: those after ``a`` up to and including ``b``
when ``b`` is later, and minus those before ``a`` down to and including ``b`` when ``b``
is earlier. The two agree: ``working_days_between(a, add_working_days(a, n)) == n`` for
every ``a`` and ``n``.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from crag_desktop.domain.bank_holidays import FIRST_YEAR, LAST_YEAR, TABLE
from crag_desktop.domain.records import ClockPause
from crag_desktop.domain.wording import count_of, long_date

_DAY = timedelta(days=1)
_SATURDAY = 5


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # A frozenset per year is cheap to keep and safe to share.
    if FIRST_YEAR <= year <= LAST_YEAR:
        return frozenset(date(year, int(md[:2]), int(md[2:])) for md in _table()[year])
    return frozenset(package_bank_holidays(year))


def package_bank_holidays(year: int) -> list[date]:
    """The year's bank holidays as the holidays package computes them (the table's source)."""
    import holidays

    return sorted(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@cache
def _table() -> dict[int, list[str]]:
    rows = (line.split() for line in TABLE.strip().splitlines())
    return {int(year): days for year, *days in rows}


def bank_holidays(year: int) -> frozenset[date]:
    """The England and Wales bank holidays of a year (substitute days included)."""
    return _bank_holidays(year)


def is_working_day(d: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return d.weekday() < _SATURDAY and d not in _bank_holidays(d.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (before it when negative; ``start`` when
    0). Five working days after a Friday is the next Friday, bank holidays skipped."""
    step = _DAY if days >= 0 else -_DAY
    d = start
    remaining = abs(days)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Working days from ``a`` to ``b``: after ``a`` up to and including ``b`` when ``b`` is
    later; minus those before ``a`` down to and including ``b`` when it is earlier; 0 when
    equal. The inverse of `add_working_days`; note it is not antisymmetric when ``a`` or
    ``b`` is not a working day."""
    if b >= a:
        lo, hi, sign = a + _DAY, b, 1
    else:
        lo, hi, sign = b, a - _DAY, -1
    if lo > hi:
        return 0
    # Counted, not stepped: the dashboard asks this for every open clock (about 1.4 million
    # days walked one at a time at 100,000 referrals).
    weekdays = _weekdays_up_to(hi) - _weekdays_up_to(lo - _DAY)
    holidays_on_weekdays = 0
    for year in range(lo.year, hi.year + 1):
        days = _weekday_bank_holidays(year)
        holidays_on_weekdays += bisect_right(days, hi) - bisect_left(days, lo)
    return sign * (weekdays - holidays_on_weekdays)


def _weekdays_up_to(d: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including ``d``."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@cache
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    return tuple(sorted(d for d in _bank_holidays(year) if d.weekday() < _SATURDAY))


def add_months(d: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier when negative), moved back to
    the last day of the month when that month is shorter (31 August + 6 months = 28 or 29
    February)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --- Statutory clocks ----------------------------------------------------------------------


class ClockKind(StrEnum):
    """A statutory or local time limit. The value is what `ClockPause.clock` holds."""

    SERIOUS_INCIDENT_NOTIFICATION = "serious_incident_notification"
    RAPID_REVIEW = "rapid_review"
    SCR_COMPLETION_AIM = "scr_completion_aim"
    LOCAL_SIGN_OFF = "local_sign_off"
    LCSPR_FINAL_REPORT = "lcspr_final_report"


class ClockStatus(StrEnum):
    DUE = "due"
    PAUSED = "paused"
    EXTENDED = "extended"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """How a clock runs: ``amount`` working days or calendar months after ``start`` (before
    it when negative); ``aim_months`` an earlier local aim shown beside the due date."""

    kind: ClockKind
    label: str
    start_label: str
    amount: int
    working_days: bool
    pausable: bool
    aim_months: int | None = None


CLOCK_SPECS: dict[ClockKind, ClockSpec] = {
    ClockKind.SERIOUS_INCIDENT_NOTIFICATION: ClockSpec(
        ClockKind.SERIOUS_INCIDENT_NOTIFICATION,
        "The serious incident notification",
        "the local authority learned of the incident",
        5,
        working_days=True,
        pausable=True,
    ),
    ClockKind.RAPID_REVIEW: ClockSpec(
        ClockKind.RAPID_REVIEW,
        "The rapid review",
        "the serious incident notification",
        15,
        working_days=True,
        pausable=True,
    ),
    ClockKind.SCR_COMPLETION_AIM: ClockSpec(
        ClockKind.SCR_COMPLETION_AIM,
        "Completion of the serious case review (WT2015 aim)",
        "the review was commissioned",
        6,
        working_days=False,
        pausable=True,
    ),
    ClockKind.LOCAL_SIGN_OFF: ClockSpec(
        ClockKind.LOCAL_SIGN_OFF,
        "Board sign-off",
        "the review was commissioned",
        18,
        working_days=False,
        pausable=True,
        aim_months=12,
    ),
    # Counts back from the planned publication date; moving publication moves the start,
    # so pauses do not apply.
    ClockKind.LCSPR_FINAL_REPORT: ClockSpec(
        ClockKind.LCSPR_FINAL_REPORT,
        "Sending the final LCSPR report to the national Panel and the Secretary of State",
        "the planned publication",
        -7,
        working_days=True,
        pausable=False,
    ),
}


@dataclass(frozen=True, slots=True)
class ClockState:
    """A clock on a given day.

    ``due_on`` includes the extension for pauses; ``base_due_on`` is without them.
    ``working_days_remaining`` counts (see `working_days_between`) from ``completed_on``
    when the clock is met or breached after completion, otherwise from today, to the due
    date: 0 on the due day, negative when late (at least one day late once breached, even
    when the due date fell on a weekend).
    """

    kind: ClockKind
    start: date
    base_due_on: date
    due_on: date
    aim_on: date | None
    status: ClockStatus
    working_days_remaining: int
    paused_days: int
    completed_on: date | None
    explanation: str

    @property
    def open(self) -> bool:
        """Still running or held: neither met nor completed late."""
        return self.completed_on is None


def _merged(pauses: Iterable[ClockPause], today: date) -> list[tuple[date, date]]:
    """Pause intervals as [first held day, first running day), overlaps merged; a pause
    still running is taken to hold the clock up to and including today."""
    spans = sorted(
        (p.paused_on, p.resumed_on if p.resumed_on is not None else today + _DAY) for p in pauses
    )
    merged: list[tuple[date, date]] = []
    for lo, hi in spans:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def clock_state(
    kind: ClockKind,
    start: date,
    *,
    pauses: Iterable[ClockPause] = (),
    completed_on: date | None = None,
    today: date,
) -> ClockState:
    """The state of a clock that started on ``start`` (for the LCSPR final report: the
    planned publication date), as of ``today``.

    Only pauses whose ``clock`` is ``kind.value`` count, so a record's pauses can be passed
    whole. A pause holds the clock from ``paused_on`` up to the day before ``resumed_on``
    (up to today while it runs); the held days after ``start`` extend the due date -
    working days for working-day clocks, calendar days for month clocks. A pause that starts
    after the due date (as extended by earlier pauses) cannot rescue a late clock and is
    ignored. Pauses do not apply to the LCSPR final report.

    Status: ``met`` when completed on or before the due date, ``breached`` when completed
    after it or not completed and the due date has passed, ``paused`` while a pause runs,
    ``extended`` when pauses moved the due date, otherwise ``due``.
    """
    spec = CLOCK_SPECS[kind]
    if spec.working_days:
        base_due = add_working_days(start, spec.amount)
    else:
        base_due = add_months(start, spec.amount)
    aim = add_months(start, spec.aim_months) if spec.aim_months is not None else None

    own = [p for p in pauses if p.clock == kind.value] if spec.pausable else []
    due = base_due
    held = 0
    for paused_on, hi in _merged(own, today):
        lo = max(paused_on, start + _DAY)  # days before the clock started were never counted
        if lo > due or hi <= lo:
            continue
        days = working_days_between(lo - _DAY, hi - _DAY) if spec.working_days else (hi - lo).days
        held += days
        due = add_working_days(due, days) if spec.working_days else due + timedelta(days=days)
    running_pause = any(
        p.paused_on <= today and (p.resumed_on is None or today < p.resumed_on) for p in own
    )

    reference = completed_on if completed_on is not None else today
    remaining = working_days_between(reference, due)
    if completed_on is not None:
        status = ClockStatus.MET if completed_on <= due else ClockStatus.BREACHED
    elif today > due:
        status = ClockStatus.BREACHED
    elif running_pause:
        status = ClockStatus.PAUSED
    elif due != base_due:
        status = ClockStatus.EXTENDED
    else:
        status = ClockStatus.DUE
    if status is ClockStatus.BREACHED:
        remaining = min(remaining, -1)

    return ClockState(
        kind=kind,
        start=start,
        base_due_on=base_due,
        due_on=due,
        aim_on=aim,
        status=status,
        working_days_remaining=remaining,
        paused_days=held,
        completed_on=completed_on,
        explanation=_explain(
            spec,
            start=start,
            due=due,
            aim=aim,
            status=status,
            remaining=remaining,
            held=held,
            completed_on=completed_on,
        ),
    )


def _explain(
    spec: ClockSpec,
    *,
    start: date,
    due: date,
    aim: date | None,
    status: ClockStatus,
    remaining: int,
    held: int,
    completed_on: date | None,
) -> str:
    if spec.amount < 0:
        period = f"{count_of(-spec.amount, 'working day')} before {spec.start_label}"
    elif spec.working_days:
        period = f"{count_of(spec.amount, 'working day')} after {spec.start_label}"
    else:
        period = f"{count_of(spec.amount, 'month')} after {spec.start_label}"
    period += f" on {long_date(start, weekday=True)}"
    unit = "working day" if spec.working_days else "day"
    extension = f", extended by {count_of(held, unit)} of pauses" if held else ""
    when = f"{long_date(due, weekday=True)} ({period}{extension})"
    if aim is not None:
        when += f", with a local aim of {long_date(aim, weekday=True)}"
    late = count_of(-remaining, "working day")
    if status is ClockStatus.MET:
        assert completed_on is not None
        return (
            f"{spec.label} was done on {long_date(completed_on, weekday=True)}, in time for {when}."
        )
    if status is ClockStatus.BREACHED and completed_on is not None:
        done = long_date(completed_on, weekday=True)
        return f"{spec.label} was done on {done}, {late} after {when}."
    if status is ClockStatus.BREACHED:
        return f"{spec.label} is {late} overdue: it was due by {when}."
    if status is ClockStatus.PAUSED:
        return f"{spec.label} is paused; if it resumed tomorrow it would be due by {when}."
    left = count_of(remaining, "working day")
    return f"{spec.label} is due by {when}; {left} left."


def due_within(state: ClockState, today: date, working_days: int = 10) -> bool:
    """For the dashboard: a running clock (due or extended, not paused, met or breached)
    whose due date is today or within the next ``working_days`` working days."""
    if state.status not in (ClockStatus.DUE, ClockStatus.EXTENDED):
        return False
    return today <= state.due_on and working_days_between(today, state.due_on) <= working_days
