"""The annual report reads only the records its years can count, and counts them exactly as
from the whole database (design/annual-report.md's definitions; `domain.statistics` is held
to them by tests/domain/test_statistics_oracle.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import date, timedelta

import pytest
from sqlalchemy.dialects import postgresql

from crag_desktop.domain.records import Document, PanelLoop
from crag_desktop.domain.statistics import compute_annual_statistics, reporting_period
from crag_desktop.domain.synthetic import synthetic_document
from crag_desktop.domain.vocabulary import PanelResponse, ReviewStatus, ReviewType
from crag_desktop.services.annual_report import (
    _load,
    annual_report_view,
    annual_statistics_for,
)
from crag_desktop.services.annual_report_contents import build_annual_report_view
from crag_desktop.services.database import Database
from crag_desktop.storage import repositories
from crag_desktop.storage.queries.annual_report import annual_report_records

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
#: The report on which the edge cases below sit: it reads 2017/18 to 2019/20.
EDGE_YEAR = 2019


def _on_the_edges(document: Document) -> Document:
    """`document` with records moved onto the first and last days of the span the report for
    EDGE_YEAR reads, and just outside it."""
    first, _ = reporting_period(EDGE_YEAR - 2)
    _, last = reporting_period(EDGE_YEAR)
    reviews = list(document.reviews)
    referrals = list(document.referrals)
    reviewed = {v.referral for v in document.reviews}
    # Referrals no review refers to: nothing but the condition under test reads them.
    decided = [
        i for i, r in enumerate(referrals) if r.decision is not None and r.id not in reviewed
    ]
    long_ago = date(2005, 5, 1)

    def received_long_ago(index: int, *, decided_on: date = long_ago, panel: PanelLoop) -> str:
        referral = referrals[index]
        assert referral.decision is not None
        referrals[index] = dataclasses.replace(
            referral,
            received=long_ago,
            decision=dataclasses.replace(referral.decision, decided_on=decided_on, panel=panel),
        )
        return referral.id

    # Received long before the span: one decided on its first day, one sent to the Panel on
    # its last, one contested by the Panel on its first (each counted, never as received).
    old = received_long_ago(decided[0], decided_on=first, panel=PanelLoop())
    received_long_ago(decided[3], panel=PanelLoop(sent_on=last))
    received_long_ago(
        decided[4],
        panel=PanelLoop(sent_on=long_ago, response=PanelResponse.CONTESTED, responded_on=first),
    )
    # Received on the span's first day and on its last.
    referrals[decided[1]] = dataclasses.replace(referrals[decided[1]], received=first)
    referrals[decided[2]] = dataclasses.replace(referrals[decided[2]], received=last)
    statutory = [i for i, v in enumerate(reviews) if v.type.statutory]
    others = [i for i, v in enumerate(reviews) if v.type in (ReviewType.PARTNERSHIP,)]
    # A partnership review that ended (signed off, unpublished) on the span's first day is
    # worked on in its first year; one that ended the day before is not.
    reviews[others[0]] = dataclasses.replace(
        reviews[others[0]],
        commissioned_on=date(2014, 1, 1),
        signed_off_on=first,
        published_on=None,
        status=ReviewStatus.SIGNED_OFF,
    )
    reviews[others[1]] = dataclasses.replace(
        reviews[others[1]],
        commissioned_on=date(2014, 1, 1),
        signed_off_on=first - timedelta(days=1),
        published_on=None,
        status=ReviewStatus.SIGNED_OFF,
    )
    # A statutory review commissioned on the span's last day without children of its own:
    # its referral (received long before the span) gives them.
    reviews[statutory[0]] = dataclasses.replace(
        reviews[statutory[0]],
        commissioned_on=last,
        signed_off_on=None,
        published_on=None,
        status=ReviewStatus.ACTIVE,
        children=(),
        referral=old,
    )
    # A statutory review signed off long ago and published on the span's first day: worked
    # on, published in the first year, its recommendations counted.
    reviews[statutory[1]] = dataclasses.replace(
        reviews[statutory[1]],
        commissioned_on=date(2013, 1, 1),
        signed_off_on=date(2016, 1, 1),
        published_on=first,
        status=ReviewStatus.PUBLISHED,
    )
    return dataclasses.replace(document, referrals=tuple(referrals), reviews=tuple(reviews))


@pytest.fixture(scope="module")
def document() -> Document:
    return _on_the_edges(synthetic_document(size=400, seed=3))


@pytest.fixture
def stored(database: Database, document: Document) -> Database:
    with database.unit_of_work() as session:
        repositories.add_document(session, document)
    return database


def test_every_year_reads_to_the_same_report_as_the_whole_database(
    stored: Database, document: Document
) -> None:
    years = sorted({r.received.year for r in document.referrals})
    assert EDGE_YEAR in years
    reported = 0
    for year in range(years[0] - 1, years[-1] + 2):
        whole = build_annual_report_view(
            document, year, as_of=None, now=NOW, operator=stored.operator
        )
        assert annual_report_view(stored, year, now=NOW) == whole, year
        assert annual_statistics_for(stored, year) == compute_annual_statistics(document, year)
        reported += whole.cases.rows[0].values[0] > 0
    assert reported >= 5


def test_the_edges_of_the_span_are_counted(stored: Database, document: Document) -> None:
    read = _load(stored, EDGE_YEAR)
    first = compute_annual_statistics(read, EDGE_YEAR - 2)
    assert first == compute_annual_statistics(document, EDGE_YEAR - 2)
    assert first.panel_contested >= 1
    last = compute_annual_statistics(read, EDGE_YEAR)
    assert last == compute_annual_statistics(document, EDGE_YEAR)
    assert last.panel_decisions_sent >= 1
    # Less than the whole database: what no figure of the three years can count stays unread.
    assert len(read.referrals) < len(document.referrals)
    assert len(read.reviews) < len(document.reviews)
    assert len(read.recommendations) < len(document.recommendations)
    assert read.meetings == ()


def test_the_selection_is_portable_sql() -> None:
    records = annual_report_records(date(2017, 4, 1), date(2020, 3, 31))
    for select in records.selects().values():
        compiled = str(select.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
        assert compiled.startswith("SELECT")
        assert "strftime" not in compiled
