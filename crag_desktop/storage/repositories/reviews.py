"""Reviews with their children, themes, parallel processes, family contributions, learning
and clock pauses."""

from __future__ import annotations

from crag_desktop.domain.records import (
    FamilyContribution,
    LearningSummary,
    ParallelProcess,
    Review,
)
from crag_desktop.domain.vocabulary import (
    METHODOLOGY_BY_CODE,
    PARALLEL_PROCESS_STATUS_BY_CODE,
    PARALLEL_PROCESS_TYPE_BY_CODE,
    REVIEW_STATUS_BY_CODE,
    REVIEW_TYPE_BY_CODE,
    THEME_BY_CODE,
)
from crag_desktop.storage.repositories.rows import (
    FAMILY,
    NO_PARTS,
    PARALLEL,
    REVIEW,
    REVIEW_CHILD,
    REVIEW_LP,
    REVIEW_PAUSE,
    REVIEW_THEME,
    Ids,
    Rows,
    Work,
    child,
    child_row,
    grouped,
    links,
    main_rows,
    pause,
    pause_row,
)


def review_rows(rows: Rows, review: Review, position: int) -> None:
    owner = review.id
    summary = review.learning_summary
    rows[REVIEW].append(
        (
            owner,
            position,
            review.referral,
            review.title,
            review.type.value,
            review.methodology.value,
            review.status.value,
            review.lead_reviewer,
            review.commissioned_on,
            review.tor_agreed_on,
            review.draft_on,
            review.signed_off_on,
            review.published_on,
            review.cost_gbp,
            None if summary is None else summary.link,
            None if summary is None else summary.published_on,
        )
    )
    rows[REVIEW_CHILD].extend(child_row(owner, i, child) for i, child in enumerate(review.children))
    links(rows, REVIEW_THEME, owner, (theme.value for theme in review.themes))
    rows[PARALLEL].extend(
        (
            owner,
            i,
            process.type.value,
            process.status.value,
            process.started_on,
            process.concluded_on,
            process.notes,
        )
        for i, process in enumerate(review.parallel_processes)
    )
    rows[FAMILY].extend(
        (
            owner,
            i,
            contribution.who,
            contribution.facilitated_by,
            contribution.on,
            contribution.saw_report_before_publication,
        )
        for i, contribution in enumerate(review.family_contributions)
    )
    links(rows, REVIEW_LP, owner, review.learning_points)
    rows[REVIEW_PAUSE].extend(
        pause_row(owner, i, pause) for i, pause in enumerate(review.clock_pauses)
    )


def load_reviews(session: Work, ids: Ids | None = None, *, every_part: bool = True) -> list[Review]:
    """The reviews (all, or those `ids` names), in the order added. `every_part=False`
    leaves out their clock pauses, which no report figure counts."""
    main = main_rows(session, REVIEW, ids)
    if not main:
        return []
    children = grouped(session, REVIEW_CHILD, "review_id", ids)
    themes = grouped(session, REVIEW_THEME, "review_id", ids)
    processes = grouped(session, PARALLEL, "review_id", ids)
    family = grouped(session, FAMILY, "review_id", ids)
    points = grouped(session, REVIEW_LP, "review_id", ids)
    pauses = grouped(session, REVIEW_PAUSE, "review_id", ids) if every_part else NO_PARTS
    reviews = []
    for row in main:
        key = row["id"]
        link = row["learning_summary_link"]
        reviews.append(
            Review(
                id=key,
                referral=row["referral_id"],
                title=row["title"],
                type=REVIEW_TYPE_BY_CODE[row["type"]],
                methodology=METHODOLOGY_BY_CODE[row["methodology"]],
                status=REVIEW_STATUS_BY_CODE[row["status"]],
                lead_reviewer=row["lead_reviewer"],
                commissioned_on=row["commissioned_on"],
                tor_agreed_on=row["tor_agreed_on"],
                signed_off_on=row["signed_off_on"],
                published_on=row["published_on"],
                cost_gbp=row["cost_gbp"],
                children=tuple(child(c) for c in children.get(key, [])),
                themes=tuple(THEME_BY_CODE[t["theme"]] for t in themes.get(key, [])),
                parallel_processes=tuple(
                    ParallelProcess(
                        type=PARALLEL_PROCESS_TYPE_BY_CODE[p["type"]],
                        status=PARALLEL_PROCESS_STATUS_BY_CODE[p["status"]],
                        started_on=p["started_on"],
                        concluded_on=p["concluded_on"],
                        notes=p["notes"],
                    )
                    for p in processes.get(key, [])
                ),
                family_contributions=tuple(
                    FamilyContribution(
                        who=f["who"],
                        facilitated_by=f["facilitated_by"],
                        on=f["on"],
                        saw_report_before_publication=bool(f["saw_report_before_publication"]),
                    )
                    for f in family.get(key, [])
                ),
                learning_points=tuple(p["learning_point_id"] for p in points.get(key, [])),
                learning_summary=(
                    None
                    if link is None
                    else LearningSummary(
                        published_on=row["learning_summary_published_on"], link=link
                    )
                ),
                draft_on=row["draft_on"],
                clock_pauses=tuple(pause(p) for p in pauses.get(key, [])),
            )
        )
    return reviews
