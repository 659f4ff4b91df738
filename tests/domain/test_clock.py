"""The working-day calendar (England and Wales) and the statutory clocks."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crag_desktop.domain import bank_holidays as bank_holiday_table
from crag_desktop.domain import clock
from crag_desktop.domain.clock import (
    ClockKind,
    ClockStatus,
    add_months,
    add_working_days,
    clock_state,
    due_within,
    is_working_day,
    working_days_between,
)
from crag_desktop.domain.records import ClockPause

# --- Bank holidays -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2016, 3, 28),  # Easter Monday (missing without subdiv="ENG")
        date(2016, 12, 27),  # Christmas Day substitute (25th a Sunday)
        date(2017, 1, 2),  # New Year's Day substitute
        date(2017, 4, 14),  # Good Friday
        date(2018, 8, 27),  # Summer bank holiday
        date(2019, 4, 22),  # Easter Monday
        date(2020, 5, 8),  # VE Day: the early May bank holiday moved
        date(2020, 12, 28),  # Boxing Day substitute
        date(2021, 12, 27),  # Christmas Day substitute
        date(2021, 12, 28),  # Boxing Day substitute
        date(2022, 1, 3),  # New Year's Day substitute
        date(2022, 6, 2),  # Spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2024, 4, 1),  # Easter Monday
        date(2024, 12, 26),  # Boxing Day
    ],
)
def test_bank_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert day in clock.bank_holidays(day.year)


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 4),  # the usual early May Monday was a working day in 2020
        date(2022, 5, 30),  # the usual spring bank holiday was a working day in 2022
        date(2019, 3, 18),  # St Patrick's Day: Northern Ireland only
        date(2019, 1, 2),  # Scotland only
        date(2024, 3, 27),
    ],
)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2024, 3, 23))
    assert not is_working_day(date(2024, 3, 24))


def test_bank_holidays_past_the_table_are_computed_once_per_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Any] = []
    real = holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    clock._bank_holidays.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", counting)
    try:
        add_working_days(date(2051, 1, 1), 200)
        add_working_days(date(2051, 3, 1), 50)
        assert sorted(calls) == [2051]
        # The table's years never ask the package (importing it cost every start).
        add_working_days(date(2031, 1, 1), 200)
        assert sorted(calls) == [2051]
    finally:
        clock._bank_holidays.cache_clear()


def test_the_bank_holiday_table_is_what_the_holidays_package_says() -> None:
    # When this fails, the package has learned of a new bank holiday (or moved one):
    # regenerate the table with tools/bank_holidays.py.
    for year in range(bank_holiday_table.FIRST_YEAR, bank_holiday_table.LAST_YEAR + 1):
        assert sorted(clock.bank_holidays(year)) == clock.package_bank_holidays(year), year


# --- Counting working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 3, 27), 5, date(2024, 4, 5)),  # over Good Friday and Easter Monday
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        (date(2016, 12, 23), 1, date(2016, 12, 28)),  # Boxing Day and Christmas substitute
        (date(2021, 12, 24), 3, date(2021, 12, 31)),
        (date(2024, 3, 22), 1, date(2024, 3, 25)),  # Friday to Monday
        (date(2024, 3, 23), 1, date(2024, 3, 25)),  # from a Saturday
        (date(2024, 3, 23), 0, date(2024, 3, 23)),
        (date(2024, 4, 2), -1, date(2024, 3, 28)),
        (date(2024, 3, 27), -7, date(2024, 3, 18)),
        (date(2024, 1, 8), 15, date(2024, 1, 29)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2024, 3, 22), date(2024, 3, 25), 1),  # Friday to Monday: the Monday
        (date(2024, 3, 23), date(2024, 3, 24), 0),  # a weekend
        (date(2024, 3, 25), date(2024, 3, 25), 0),
        (date(2024, 3, 25), date(2024, 3, 22), -1),  # back to the Friday: the Friday
        (date(2024, 3, 24), date(2024, 3, 22), -1),
        (date(2024, 3, 28), date(2024, 4, 2), 1),  # Easter
        (date(2024, 3, 27), date(2024, 4, 5), 5),
    ],
)
def test_working_days_between_convention(a: date, b: date, expected: int) -> None:
    assert working_days_between(a, b) == expected


DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=DATES, days=st.integers(min_value=-80, max_value=80))
def test_round_trip(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    if days:
        assert is_working_day(end)
        assert (end > start) == (days > 0)


@settings(max_examples=300, deadline=None)
@given(a=DATES, b=DATES)
def test_adding_the_count_reaches_any_working_day(a: date, b: date) -> None:
    if is_working_day(b) or a == b:
        assert add_working_days(a, working_days_between(a, b)) == b


@settings(max_examples=200, deadline=None)
@given(dates=st.lists(DATES, min_size=3, max_size=3))
def test_forward_counts_add_up(dates: list[date]) -> None:
    a, b, c = sorted(dates)
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2015, 8, 31), 6, date(2016, 2, 29)),
        (date(2017, 8, 31), 6, date(2018, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2016, 3, 31), -1, date(2016, 2, 29)),
        (date(2016, 12, 15), 1, date(2017, 1, 15)),
        (date(2017, 1, 15), -13, date(2015, 12, 15)),
        (date(2015, 9, 1), 18, date(2017, 3, 1)),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


@given(d=DATES, months=st.integers(min_value=-30, max_value=30))
def test_add_months_keeps_the_day_or_clamps(d: date, months: int) -> None:
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


# --- Statutory clocks ----------------------------------------------------------------------

NOTIFICATION = ClockKind.SERIOUS_INCIDENT_NOTIFICATION
LEARNED = date(2024, 3, 27)  # due 5 working days later, over Easter: Friday 5 April


def pause(kind: ClockKind, on: date, resumed: date | None, reason: str = "inquest") -> ClockPause:
    return ClockPause(clock=kind.value, paused_on=on, resumed_on=resumed, reason=reason)


def test_notification_due() -> None:
    state = clock_state(NOTIFICATION, LEARNED, today=date(2024, 3, 28))
    assert state.status is ClockStatus.DUE
    assert state.due_on == state.base_due_on == date(2024, 4, 5)
    assert state.working_days_remaining == 4
    assert "Friday 5 April 2024" in state.explanation
    assert "4 working days left" in state.explanation


def test_due_today_has_no_days_left() -> None:
    state = clock_state(NOTIFICATION, LEARNED, today=date(2024, 4, 5))
    assert (state.status, state.working_days_remaining) == (ClockStatus.DUE, 0)


@pytest.mark.parametrize(
    ("completed", "status", "remaining"),
    [
        (date(2024, 3, 28), ClockStatus.MET, 4),
        (date(2024, 4, 5), ClockStatus.MET, 0),
        (date(2024, 4, 8), ClockStatus.BREACHED, -1),
        (date(2024, 4, 10), ClockStatus.BREACHED, -3),
    ],
)
def test_completed_clocks_are_met_or_breached(
    completed: date, status: ClockStatus, remaining: int
) -> None:
    state = clock_state(NOTIFICATION, LEARNED, completed_on=completed, today=date(2024, 6, 1))
    assert (state.status, state.working_days_remaining) == (status, remaining)
    assert state.completed_on == completed
    assert not state.open


def test_open_clock_past_its_due_date_is_breached() -> None:
    state = clock_state(NOTIFICATION, LEARNED, today=date(2024, 4, 9))
    assert state.status is ClockStatus.BREACHED
    assert state.working_days_remaining == -2
    assert "2 working days overdue" in state.explanation


def test_breached_on_a_weekend_is_at_least_a_day_late() -> None:
    # Six months after 7 September 2019 is Saturday 7 March 2020; on the Sunday no working
    # day has passed, yet the clock is late.
    state = clock_state(ClockKind.SCR_COMPLETION_AIM, date(2019, 9, 7), today=date(2020, 3, 8))
    assert state.due_on == date(2020, 3, 7)
    assert state.status is ClockStatus.BREACHED
    assert state.working_days_remaining == -1


def test_rapid_review_pause_extends_by_working_days() -> None:
    kind = ClockKind.RAPID_REVIEW
    start = date(2024, 1, 8)
    held = [pause(kind, date(2024, 1, 15), date(2024, 1, 22))]  # a working week
    during = clock_state(kind, start, pauses=held, today=date(2024, 1, 17))
    after = clock_state(kind, start, pauses=held, today=date(2024, 1, 23))
    assert during.base_due_on == after.base_due_on == date(2024, 1, 29)
    assert during.status is ClockStatus.PAUSED
    assert after.status is ClockStatus.EXTENDED
    assert after.due_on == date(2024, 2, 5)
    assert after.paused_days == 5
    assert "extended by 5 working days" in after.explanation


def test_a_running_pause_holds_the_clock_through_today() -> None:
    kind = ClockKind.RAPID_REVIEW
    state = clock_state(
        kind,
        date(2024, 1, 8),
        pauses=[pause(kind, date(2024, 1, 15), None)],
        today=date(2024, 1, 17),
    )
    assert state.status is ClockStatus.PAUSED
    assert state.paused_days == 3
    assert state.due_on == date(2024, 2, 1)
    assert "paused" in state.explanation


def test_pauses_for_other_clocks_are_ignored() -> None:
    other = pause(ClockKind.RAPID_REVIEW, date(2024, 3, 28), date(2024, 4, 10))
    state = clock_state(NOTIFICATION, LEARNED, pauses=[other], today=date(2024, 3, 28))
    assert state.due_on == date(2024, 4, 5)
    assert state.status is ClockStatus.DUE


def test_a_pause_after_the_due_date_cannot_rescue_the_clock() -> None:
    late = pause(NOTIFICATION, date(2024, 4, 10), date(2024, 5, 1))
    state = clock_state(NOTIFICATION, LEARNED, pauses=[late], today=date(2024, 4, 11))
    assert state.due_on == date(2024, 4, 5)
    assert state.status is ClockStatus.BREACHED


def test_held_days_before_the_start_do_not_count() -> None:
    # Held from before the start up to Good Friday: only Thursday 28 March was lost.
    early = pause(NOTIFICATION, date(2024, 3, 20), date(2024, 3, 29))
    state = clock_state(NOTIFICATION, LEARNED, pauses=[early], today=date(2024, 4, 2))
    assert state.paused_days == 1
    assert state.due_on == date(2024, 4, 8)
    assert state.status is ClockStatus.EXTENDED


def test_overlapping_pauses_count_once() -> None:
    kind = ClockKind.RAPID_REVIEW
    one = [pause(kind, date(2024, 1, 15), date(2024, 1, 22))]
    two = [*one, pause(kind, date(2024, 1, 17), date(2024, 1, 19), "trial")]
    today = date(2024, 1, 23)
    assert clock_state(kind, date(2024, 1, 8), pauses=two, today=today) == clock_state(
        kind, date(2024, 1, 8), pauses=one, today=today
    )


def test_month_clocks_extend_by_calendar_days() -> None:
    kind = ClockKind.SCR_COMPLETION_AIM
    start = date(2015, 8, 31)
    trial = [pause(kind, date(2016, 1, 1), date(2016, 2, 1), "criminal trial")]
    state = clock_state(kind, start, pauses=trial, today=date(2016, 3, 1))
    assert state.base_due_on == date(2016, 2, 29)
    assert state.due_on == date(2016, 3, 31)
    assert state.paused_days == 31
    assert state.status is ClockStatus.EXTENDED


def test_local_sign_off_aims_for_12_and_is_due_by_18_months() -> None:
    state = clock_state(ClockKind.LOCAL_SIGN_OFF, date(2015, 9, 1), today=date(2016, 10, 1))
    assert state.aim_on == date(2016, 9, 1)
    assert state.due_on == date(2017, 3, 1)
    assert state.status is ClockStatus.DUE
    signed_off = clock_state(
        ClockKind.LOCAL_SIGN_OFF,
        date(2015, 9, 1),
        completed_on=date(2016, 12, 1),
        today=date(2017, 4, 1),
    )
    assert signed_off.status is ClockStatus.MET


def test_lcspr_final_report_counts_back_from_publication() -> None:
    kind = ClockKind.LCSPR_FINAL_REPORT
    publication = date(2024, 3, 27)
    in_time = clock_state(kind, publication, completed_on=date(2024, 3, 18), today=publication)
    late = clock_state(kind, publication, completed_on=date(2024, 3, 19), today=publication)
    assert in_time.due_on == date(2024, 3, 18)
    assert (in_time.status, late.status) == (ClockStatus.MET, ClockStatus.BREACHED)
    assert "7 working days before" in in_time.explanation
    held = [pause(kind, date(2024, 3, 1), date(2024, 3, 10))]
    assert clock_state(kind, publication, pauses=held, today=date(2024, 3, 5)).due_on == (
        date(2024, 3, 18)
    )


def test_due_within_for_the_dashboard() -> None:
    today = date(2024, 1, 8)
    kind = ClockKind.RAPID_REVIEW
    due = clock_state(kind, today, today=today)  # due 29 January: 15 working days away
    assert not due_within(due, today)
    assert due_within(due, today, working_days=15)
    assert due_within(due, date(2024, 1, 15))  # 10 working days left
    assert not due_within(due, date(2024, 1, 12))  # 11 left
    assert due_within(due, date(2024, 1, 29))
    assert not due_within(due, date(2024, 1, 30))
    paused = clock_state(kind, today, pauses=[pause(kind, today, None)], today=date(2024, 1, 25))
    assert paused.status is ClockStatus.PAUSED
    assert not due_within(paused, date(2024, 1, 25))
    met = clock_state(kind, today, completed_on=date(2024, 1, 20), today=date(2024, 1, 25))
    assert not due_within(met, date(2024, 1, 25))


PAUSES = st.lists(
    st.tuples(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 6, 30)),
        st.one_of(st.none(), st.integers(min_value=1, max_value=40)),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from([k for k in ClockKind if k is not ClockKind.LCSPR_FINAL_REPORT]),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 3, 31)),
    spans=PAUSES,
    offset=st.integers(min_value=0, max_value=300),
)
def test_pauses_never_bring_the_due_date_forward(
    kind: ClockKind, start: date, spans: list[tuple[date, int | None]], offset: int
) -> None:
    today = start + timedelta(days=offset)
    pauses = [
        pause(kind, on, None if length is None else on + timedelta(days=length))
        for on, length in spans
    ]
    plain = clock_state(kind, start, today=today)
    held = clock_state(kind, start, pauses=pauses, today=today)
    assert held.base_due_on == plain.due_on
    assert held.due_on >= plain.due_on
    assert (held.due_on > plain.due_on) == (held.paused_days > 0)
    if held.status is ClockStatus.BREACHED:
        assert held.working_days_remaining < 0
    else:
        assert held.working_days_remaining >= 0
    assert held.explanation.endswith(".")


def _working_days_between_stepping(a: date, b: date) -> int:
    """The definition, one day at a time: the reference the counted version must match."""
    lo, hi, sign = (a + timedelta(days=1), b, 1) if b >= a else (b, a - timedelta(days=1), -1)
    count = 0
    d = lo
    while d <= hi:
        count += clock.is_working_day(d)
        d += timedelta(days=1)
    return sign * count


@given(
    a=st.dates(min_value=date(2010, 1, 1), max_value=date(2032, 12, 31)),
    b=st.dates(min_value=date(2010, 1, 1), max_value=date(2032, 12, 31)),
)
@settings(max_examples=300, deadline=None)
def test_working_days_are_counted_as_stepping_would(a: date, b: date) -> None:
    assert working_days_between(a, b) == _working_days_between_stepping(a, b)


def test_counting_across_years_and_holidays() -> None:
    # Christmas 2022 fell on a Sunday: the substitute days (26 and 27 December) are not
    # working days; New Year's Day 2023 (Sunday) moved to Monday 2 January.
    assert working_days_between(date(2022, 12, 23), date(2023, 1, 3)) == 4
    assert working_days_between(date(2023, 1, 3), date(2022, 12, 23)) == -4
