"""The record lists: keyset pages give every row exactly once, in order, filtered in SQL."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from crag_desktop.domain.records import (
    Agency,
    Child,
    Document,
    Meeting,
    Recommendation,
    Referral,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AgencyKind,
    DecidedOutcome,
    IncidentType,
    Methodology,
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
    ReferralStatus,
    ReviewStatus,
    ReviewType,
    Sex,
)
from crag_desktop.services.audit_log import AuditLog, AuditQuery
from crag_desktop.services.database import Database
from crag_desktop.services.lists import (
    MeetingList,
    MeetingQuery,
    ReferralList,
    ReferralQuery,
    ReferralSort,
    ReviewList,
    ReviewQuery,
    ReviewSort,
)
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit, repositories
from tests.helpers.databases import OPERATOR, PASSPHRASE
from tests.helpers.records import a_decision

REFERRALS = 2000
REVIEWS = 300
AS_OF = date(2017, 3, 1)

AGENCIES = (
    Agency(id="tvp", name="Thames Valley Police", kind=AgencyKind.POLICE),
    Agency(id="csc", name="Children's social care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
    Agency(id="hp", name="Health provider", kind=AgencyKind.HEALTH_PROVIDER),
)
AGENCY_NAMES = {a.id: a.name for a in AGENCIES}
CASE_NAMES = ("Baby L", "Child Q", "Child A and Child B", "Child X", "Adolescent 1", "Child 50%")


def build_document() -> Document:
    """Many rows with many ties in every sortable column, from a fixed seed."""
    rng = random.Random(20160401)
    referrals = []
    for i in range(REFERRALS):
        outcome = rng.choice((None, None, *DecidedOutcome))
        received = date(2015, 1, 1) + timedelta(days=rng.randrange(60) * 13)
        referrals.append(
            Referral(
                # Ids not in insertion order, so that the id tie-break is really exercised.
                id=f"R{(i * 7919) % 10007:05d}",
                reference=f"CRAG-{received.year}-{rng.randrange(40):02d}",
                received=received,
                referring_agency=rng.choice(AGENCIES).id,
                case_name=rng.choice(CASE_NAMES),
                incident_date=None,
                incident_type=rng.choice(tuple(IncidentType)),
                children=tuple(
                    Child(pseudonym=f"Child {n}", sex=Sex.UNKNOWN)
                    for n in range(rng.randrange(1, 4))
                ),
                summary=rng.choice(("Found at home.", "Seen in A&E by the nurse.", "")),
                decision=None
                if outcome is None
                else a_decision(decided_outcome=outcome, decided_on=date(2016, 6, 1)),
                status=rng.choice(tuple(ReferralStatus)),
            )
        )
    reviews = []
    for i in range(REVIEWS):
        signed = rng.choice((None, date(2016, 1, 1) + timedelta(days=rng.randrange(20) * 30)))
        reviews.append(
            Review(
                id=f"V{(i * 31) % 307:03d}",
                referral=None,
                title=rng.choice(CASE_NAMES),
                type=rng.choice(tuple(ReviewType)),
                methodology=rng.choice(tuple(Methodology)),
                status=rng.choice(tuple(ReviewStatus)),
                lead_reviewer=rng.choice(("A Reviewer", "B Reviewer")),
                commissioned_on=date(2014, 4, 1) + timedelta(days=rng.randrange(30) * 40),
                signed_off_on=signed,
            )
        )
    recommendations = []
    for i in range(600):
        recommendations.append(
            Recommendation(
                id=f"REC{(i * 17) % 601:03d}",
                review=rng.choice(reviews).id,
                number=rng.randrange(1, 8),
                text=rng.choice(("Share information", "Think FAMILY", "Train staff")),
                scope=rng.choice(tuple(RecommendationScope)),
                lead_agency=rng.choice(AGENCIES).id,
                monitoring_group=rng.choice(tuple(MonitoringGroup)),
                due=rng.choice((None, date(2016, 6, 1), date(2017, 3, 1), date(2017, 9, 30))),
                status=rng.choice(tuple(RecommendationStatus)),
            )
        )
    meetings = tuple(
        Meeting(
            id=f"mt{i:03d}",
            date=date(2016, 1, 1) + timedelta(days=(i % 40) * 14),
            attendees=(),
            referrals_considered=tuple(r.id for r in referrals[i : i + i % 3]),
            notes="Quorate" if i % 2 else "Chair absent",
        )
        for i in range(120)
    )
    return Document(
        agencies=AGENCIES,
        referrals=tuple(referrals),
        reviews=tuple(reviews),
        recommendations=tuple(recommendations),
        meetings=meetings,
    )


#: The lists' rows: built once (from a fixed seed) and only read.
DOCUMENT = build_document()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Document]]:
    """One database for the module: the lists only read it."""
    path = tmp_path_factory.mktemp("lists") / "crag.db"
    db = Database.create(path, PASSPHRASE, operator=OPERATOR)
    with db.unit_of_work() as session:
        repositories.add_document(session, DOCUMENT)
        for i in range(250):
            audit.append(
                session,
                operator=("Ann", "Bob")[i % 2],
                action="update",
                record_type=("referral", "review")[i % 3 == 0],
                record_id=f"R{i}",
                changes=[("case_name", "Child Q", f"Child {i}")],
                reason="typo" if i % 5 == 0 else None,
            )
    try:
        yield db, DOCUMENT
    finally:
        db.close()


def all_pages(lists: Any, query: Any, limit: int) -> list[Any]:
    """Every row of `lists` that `query` selects, `limit` rows a page, each page asked for
    after the last row's sort key."""
    rows: list[Any] = []
    after = None
    while True:
        page = lists.page(query, after=after, limit=limit)
        rows.extend(page)
        if not page:
            return rows
        after = page[-1].sort_key


def ordered(items: list[tuple[Any, str]], descending: bool) -> list[str]:
    """Ids by (value, id), NULL values last; descending is the exact reverse."""
    present = sorted((v, i) for v, i in items if v is not None)
    missing = sorted(i for v, i in items if v is None)
    ids = [i for _, i in present] + missing
    return ids[::-1] if descending else ids


# --- Every list, sorted every way --------------------------------------------------------------

REFERRAL_VALUE: dict[ReferralSort, Callable[[Referral], Any]] = {
    ReferralSort.REFERENCE: lambda r: r.reference,
    ReferralSort.RECEIVED: lambda r: r.received,
    ReferralSort.CASE_NAME: lambda r: r.case_name,
    ReferralSort.AGENCY: lambda r: AGENCY_NAMES[r.referring_agency],
    ReferralSort.STATUS: lambda r: r.status.value,
    ReferralSort.INCIDENT_TYPE: lambda r: r.incident_type.value,
}
REVIEW_VALUE: dict[ReviewSort, Callable[[Review], Any]] = {
    ReviewSort.TITLE: lambda v: v.title,
    ReviewSort.COMMISSIONED_ON: lambda v: v.commissioned_on,
    ReviewSort.STATUS: lambda v: v.status.value,
    ReviewSort.TYPE: lambda v: v.type.value,
    ReviewSort.METHODOLOGY: lambda v: v.methodology.value,
    ReviewSort.LEAD_REVIEWER: lambda v: v.lead_reviewer,
    ReviewSort.SIGNED_OFF_ON: lambda v: v.signed_off_on,
    ReviewSort.PUBLISHED_ON: lambda v: v.published_on,
}
REVIEW_TITLES = {v.id: v.title for v in DOCUMENT.reviews}
RECOMMENDATION_VALUE: dict[RecommendationSort, Callable[[Recommendation], Any]] = {
    RecommendationSort.REVIEW: lambda r: (REVIEW_TITLES[r.review], r.number),
    RecommendationSort.NUMBER: lambda r: r.number,
    RecommendationSort.LEAD_AGENCY: lambda r: AGENCY_NAMES[r.lead_agency],
    RecommendationSort.MONITORING_GROUP: lambda r: r.monitoring_group.value,
    RecommendationSort.DUE: lambda r: r.due,
    RecommendationSort.STATUS: lambda r: r.status.value,
}


@dataclasses.dataclass(frozen=True)
class Sorted:
    """One list sorted one way: how to build the list, the query, what a record sorts by, the
    records DOCUMENT has, and a page size that leaves the last page short."""

    make: Callable[..., Any]
    query: Any
    value: Callable[[Any], Any]
    records: Sequence[Any]
    limit: int


def every_sort() -> list[Any]:
    """Each list with each of its sort keys, both ways. Sort keys come from the enumerations,
    so that a new one without a value fails here."""
    lists: list[tuple[Callable[..., Any], Any, Any, Mapping[Any, Any], Sequence[Any], int]]
    lists = [
        (ReferralList, ReferralQuery, ReferralSort, REFERRAL_VALUE, DOCUMENT.referrals, 97),
        (ReviewList, ReviewQuery, ReviewSort, REVIEW_VALUE, DOCUMENT.reviews, 13),
        (
            lambda db: RecommendationList(db=db, today=lambda: AS_OF),
            RecommendationQuery,
            RecommendationSort,
            RECOMMENDATION_VALUE,
            DOCUMENT.recommendations,
            41,
        ),
    ]
    return [
        pytest.param(
            Sorted(make, query(sort=sort, descending=descending), values[sort], records, limit),
            id=f"{sorts.__name__}.{sort.name}{' descending' if descending else ''}",
        )
        for make, query, sorts, values, records, limit in lists
        for sort in sorts
        for descending in (False, True)
    ]


@pytest.mark.parametrize("case", every_sort())
def test_pages_cover_every_row_once_in_order_nulls_last(
    filled: tuple[Database, Document], case: Sorted
) -> None:
    lists = case.make(db=filled[0])

    rows = all_pages(lists, case.query, case.limit)

    pairs = [(case.value(record), record.id) for record in case.records]
    assert [row.id for row in rows] == ordered(pairs, case.query.descending)
    assert lists.count(case.query) == len(case.records)


# --- Referrals --------------------------------------------------------------------------------


def test_a_referral_list_kept_across_changes_shows_the_current_rows(database: Database) -> None:
    """The list keeps its statements between calls: they must read the data as it is now,
    with each page's key bound afresh."""
    document = build_document()
    with database.unit_of_work() as session:
        repositories.add_document(session, document)
    lists = ReferralList(db=database)
    query = ReferralQuery(sort=ReferralSort.CASE_NAME, descending=True)
    first = lists.page(query, limit=3)
    second = lists.page(query, after=first[-1].sort_key, limit=3)
    assert first[0].case_name != "Zebra"
    records = RecordService(db=database)
    target = records.get(Referral, second[0].id)
    records.save(dataclasses.replace(target, case_name="Zebra"))
    records.delete(Referral, first[1].id)

    now = lists.page(query, limit=3)
    assert now[0].id == target.id
    assert now[0].case_name == "Zebra"
    assert first[1].id not in [row.id for row in now]
    assert lists.count(query) == REFERRALS - 1
    rest = all_pages(lists, query, 97)
    assert len(rest) == REFERRALS - 1
    assert len({row.id for row in rest}) == REFERRALS - 1


def test_referral_row_shows_the_list_columns(filled: tuple[Database, Document]) -> None:
    db, document = filled
    decided = next(r for r in document.referrals if r.decision is not None)
    (row,) = ReferralList(db=db).page(ReferralQuery(ids=(decided.id,)))

    assert row.reference == decided.reference
    assert row.agency_name == AGENCY_NAMES[decided.referring_agency]
    assert row.children_count == len(decided.children)
    assert row.decided_outcome == decided.decision.decided_outcome  # type: ignore[union-attr]
    assert row.sort_key == (decided.received, decided.id)


def referral_filters() -> list[tuple[ReferralQuery, Callable[[Referral], bool]]]:
    return [
        (ReferralQuery(text="baby"), lambda r: "baby" in r.case_name.lower()),
        (
            ReferralQuery(text="a&E BY"),
            lambda r: "a&e by" in (r.reference + r.case_name + r.summary).lower(),
        ),
        # LIKE's wildcards in the search are plain characters.
        (ReferralQuery(text="50%"), lambda r: "50%" in r.case_name),
        (ReferralQuery(text="_"), lambda r: False),
        (ReferralQuery(status=ReferralStatus.CLOSED), lambda r: r.status == "closed"),
        (ReferralQuery(referring_agency="hp"), lambda r: r.referring_agency == "hp"),
        (
            ReferralQuery(reporting_year=2015),
            lambda r: date(2015, 4, 1) <= r.received <= date(2016, 3, 31),
        ),
        (
            ReferralQuery(incident_type=IncidentType.DEATH),
            lambda r: r.incident_type == IncidentType.DEATH,
        ),
        (
            ReferralQuery(decided_outcome=DecidedOutcome.SCR),
            lambda r: r.decision is not None and r.decision.decided_outcome == "scr",
        ),
        (
            ReferralQuery(pending_decision=True),
            lambda r: r.decision is None and r.status != "closed",
        ),
        (
            ReferralQuery(text="child", referring_agency="tvp", status=ReferralStatus.RECEIVED),
            lambda r: (
                "child" in r.case_name.lower()
                and r.referring_agency == "tvp"
                and r.status == "received"
            ),
        ),
    ]


@pytest.mark.parametrize(("query", "keep"), referral_filters())
def test_referral_filters_match_python(
    filled: tuple[Database, Document],
    query: ReferralQuery,
    keep: Callable[[Referral], bool],
) -> None:
    db, document = filled
    lists = ReferralList(db=db)

    rows = all_pages(lists, query, 500)

    expected = ordered([(r.received, r.id) for r in document.referrals if keep(r)], False)
    # Every filter but the literal "_" search keeps some rows, so none passes vacuously.
    assert bool(expected) == (query.text != "_")
    assert [row.id for row in rows] == expected
    assert lists.count(query) == len(expected)


def test_a_page_is_never_empty_before_the_end_and_limit_is_checked(
    filled: tuple[Database, Document],
) -> None:
    lists = ReferralList(db=filled[0])
    first = lists.page(ReferralQuery(), limit=10)

    assert len(first) == 10
    with pytest.raises(ValueError, match="at least one row"):
        lists.page(ReferralQuery(), limit=0)


# --- Reviews, recommendations, meetings --------------------------------------------------------


def test_review_filters(filled: tuple[Database, Document]) -> None:
    db, document = filled
    lists = ReviewList(db=db)
    query = ReviewQuery(
        unfinished=True, commissioned_on_or_before=date(2015, 6, 30), type=ReviewType.SCR
    )

    rows = all_pages(lists, query, 7)

    expected = {
        v.id
        for v in document.reviews
        if v.status not in ("signed_off", "published")
        and v.commissioned_on <= date(2015, 6, 30)
        and v.type == ReviewType.SCR
    }
    assert {r.id for r in rows} == expected
    assert lists.count(query) == len(expected)
    year = ReviewQuery(commissioned_year=2015, methodology=Methodology.WT2010)
    assert lists.count(year) == sum(
        1
        for v in document.reviews
        if date(2015, 4, 1) <= v.commissioned_on <= date(2016, 3, 31)
        and v.methodology == Methodology.WT2010
    )


def test_unfinished_reviews_with_a_status_chosen(filled: tuple[Database, Document]) -> None:
    # "Unfinished" is the statuses kept, not the ones left out (an index answers those):
    # with a status chosen as well, a finished one lists nothing and an unfinished one its
    # own reviews.
    db, document = filled
    lists = ReviewList(db=db)
    for status in ReviewStatus:
        query = ReviewQuery(unfinished=True, status=status)
        expected = {
            v.id
            for v in document.reviews
            if v.status == status
            and status not in (ReviewStatus.SIGNED_OFF, ReviewStatus.PUBLISHED)
        }
        assert {r.id for r in all_pages(lists, query, 7)} == expected
        assert lists.count(query) == len(expected)
    assert lists.count(ReviewQuery(unfinished=True)) == sum(
        1 for v in document.reviews if v.status not in ("signed_off", "published")
    )


def test_overdue_recommendations_and_the_derived_status(
    filled: tuple[Database, Document],
) -> None:
    db, document = filled
    lists = RecommendationList(db=db, today=lambda: AS_OF)
    query = RecommendationQuery(overdue_on=AS_OF, monitoring_group=MonitoringGroup.PAQA)

    rows = all_pages(lists, query, 50)

    expected = {
        r.id
        for r in document.recommendations
        if r.due is not None
        and r.due < AS_OF
        and not r.status.closed
        and r.monitoring_group == MonitoringGroup.PAQA
    }
    assert expected
    assert {r.id for r in rows} == expected
    assert all(r.derived_status == RecommendationStatus.OVERDUE for r in rows)
    every = all_pages(lists, RecommendationQuery(), 200)
    not_overdue = [r for r in every if r.due is None or r.due >= AS_OF]
    assert all(r.derived_status == r.status for r in not_overdue)


def test_recommendation_text_and_lead_agency_filters(filled: tuple[Database, Document]) -> None:
    db, document = filled
    lists = RecommendationList(db=db, today=lambda: AS_OF)

    count = lists.count(RecommendationQuery(text="family", lead_agency="csc"))

    assert count == sum(
        1 for r in document.recommendations if r.text == "Think FAMILY" and r.lead_agency == "csc"
    )


def test_recommendations_of_two_reviews_with_one_title_interleave_by_number(
    database: Database,
) -> None:
    """By review, the list reads reviews in title order and sorts each title's
    recommendations (migration 0007): reviews sharing a title still give one run of their
    recommendations by number, then id, as when the whole join was sorted."""

    def review(id_: str, title: str) -> Review:
        return dataclasses.replace(DOCUMENT.reviews[0], id=id_, title=title)

    def recommendation(id_: str, review_id: str, number: int) -> Recommendation:
        return dataclasses.replace(
            DOCUMENT.recommendations[0], id=id_, review=review_id, number=number
        )

    reviews = (review("V2", "Child Q"), review("V1", "Child Q"), review("V3", "Baby L"))
    recommendations = (
        recommendation("R6", "V2", 2),
        recommendation("R5", "V1", 1),
        recommendation("R4", "V2", 1),
        recommendation("R3", "V1", 2),
        recommendation("R2", "V3", 1),
        recommendation("R1", "V1", 3),
    )
    with database.unit_of_work() as session:
        repositories.add_document(
            session,
            Document(agencies=AGENCIES, reviews=reviews, recommendations=recommendations),
        )
    lists = RecommendationList(db=database, today=lambda: AS_OF)
    by_title = ["R2", "R4", "R5", "R3", "R6", "R1"]

    for limit in (1, 2, 200):
        query = RecommendationQuery(sort=RecommendationSort.REVIEW)
        assert [row.id for row in all_pages(lists, query, limit)] == by_title
        backwards = dataclasses.replace(query, descending=True)
        assert [row.id for row in all_pages(lists, backwards, limit)] == by_title[::-1]


@pytest.mark.parametrize("descending", [True, False])
def test_meeting_pages_by_date(filled: tuple[Database, Document], descending: bool) -> None:
    db, document = filled
    lists = MeetingList(db=db)
    query = MeetingQuery(descending=descending)

    rows = all_pages(lists, query, 9)

    assert [r.id for r in rows] == ordered([(m.date, m.id) for m in document.meetings], descending)
    by_id = {m.id: m for m in document.meetings}
    assert all(r.referral_count == len(by_id[r.id].referrals_considered) for r in rows)
    assert lists.count(MeetingQuery(text="absent", reporting_year=2016)) == sum(
        1
        for m in document.meetings
        if m.notes == "Chair absent" and date(2016, 4, 1) <= m.date <= date(2017, 3, 31)
    )


# --- Audit log --------------------------------------------------------------------------------


def test_audit_log_is_newest_first_and_filters(filled: tuple[Database, Document]) -> None:
    db, _ = filled
    log = AuditLog(db=db)
    query = AuditQuery(operator="Bob", record_type="referral")

    rows = all_pages(log, query, 16)

    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs, reverse=True)
    assert len(rows) == log.count(query) == sum(1 for i in range(250) if i % 2 and i % 3)
    assert all(r.operator == "Bob" and r.record_type == "referral" for r in rows)
    # 249 is a review event (i % 3 == 0), so Bob's newest referral event is 247.
    assert rows[0].changes == (("case_name", "Child Q", "Child 247"),)
    typo = log.count(AuditQuery(text="TYPO"))
    assert typo == 50
    assert log.count(AuditQuery(text="Child 24")) == 11  # 24 and 240-249
