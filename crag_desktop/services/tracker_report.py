"""The recommendations tracker: its view-model, and writing it as PDF, XLSX or CSV.

Service API (the Reports screen, the Recommendations screen and the command line call
these):

- `tracker_view(db, as_of=None, selection=None)` - every recommendation (or those the
  Recommendations screen's filters select), with the status set and the derived one, the
  latest update and the open actions; the overdue ones; status counts; every action.
- `tracker_pdf_bytes(db, as_of=None, selection=None)` - the PDF, unprotected, for a preview.
- `write_tracker(db, out, as_of=None, passphrase=None, selection=None)` - the format by
  `out`'s extension (.pdf, .xlsx, .csv), audited as an export as it is written, atomically,
  user-only; AES-256 protected when a passphrase is given (a CSV file cannot be).
- `tracker_selection(db, monitoring_group=None, lead_agency=None)` - a selection from the
  names a person types (the command line), with a sentence for a name that is unknown.

The selection is the Recommendations screen's own `RecommendationQuery`, filtered by the
same SQL conditions as its list, so an export of the screen lists exactly its rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.records import ActionUpdate, Agency, Recommendation, Review
from crag_desktop.domain.tracker import derived_status, latest_update, recommendation_code
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.domain.wording import PDF_SUFFIX, file_date, pdf_name, short_date
from crag_desktop.fileio import check_target
from crag_desktop.reports.protection import encrypt_pdf, normalise_pdf_passphrase
from crag_desktop.reports.tracker import (
    StatusCount,
    TrackerAction,
    TrackerRecommendation,
    TrackerView,
    render_tracker,
)
from crag_desktop.reports.tracker_sheets import render_tracker_csv, render_tracker_xlsx
from crag_desktop.services.database import Database
from crag_desktop.services.recommendation_list import (
    RecommendationQuery,
    RecommendationSort,
    recommendation_conditions,
)
from crag_desktop.services.report_files import (
    REPORT_RECORD,
    ReportPdf,
    Stage,
    no_stage,
    write_audited_file,
)
from crag_desktop.storage import repositories
from crag_desktop.storage.queries import lists as list_queries

__all__ = [
    "CSV_CANNOT_BE_PROTECTED",
    "TrackerFormat",
    "TrackerWritten",
    "monitoring_group_named",
    "tracker_format",
    "tracker_pdf_bytes",
    "tracker_selection",
    "tracker_view",
    "write_tracker",
]

#: Recommendations loaded with their actions per query: SQL's limit on bound values is
#: 999 in older SQLite builds.
_LOAD_CHUNK = 900

CSV_CANNOT_BE_PROTECTED = (
    "A CSV file cannot be protected with a passphrase: choose .xlsx or .pdf for a protected "
    "tracker, or save the CSV file without one."
)


class TrackerFormat(enum.Enum):
    """The formats the tracker is written in, by file extension."""

    PDF = PDF_SUFFIX
    XLSX = ".xlsx"
    CSV = ".csv"

    @property
    def noun(self) -> str:
        """What a file of this format is called in sentences."""
        return {PDF_SUFFIX: "PDF", ".xlsx": "workbook", ".csv": "CSV file"}[self.value]

    @property
    def protectable(self) -> bool:
        """Whether a file of this format can be protected with a passphrase."""
        return self is not TrackerFormat.CSV


def tracker_format(out: Path) -> TrackerFormat:
    """The format `out`'s extension names; a sentence when it names none of them."""
    suffix = out.suffix.lower()
    for kind in TrackerFormat:
        if kind.value == suffix:
            return kind
    given = f'"{out.suffix}"' if out.suffix else "no extension"
    raise CragError(
        f"{out.name} has {given}: the tracker is written as a PDF, a workbook or a CSV "
        "file, so end the name with .pdf, .xlsx or .csv."
    )


@dataclass(frozen=True, slots=True)
class TrackerWritten:
    """What `write_tracker` wrote."""

    path: Path
    format: TrackerFormat
    recommendations: int
    overdue: int
    actions: int
    #: The PDF's page count (None for a workbook or CSV file).
    pages: int | None
    protected: bool


# --- the view-model ---------------------------------------------------------------------------


def _as_of(as_of: dt.date | None) -> dt.date:
    return as_of if as_of is not None else dt.date.today()


def _known_by(updates: Sequence[ActionUpdate], as_of: dt.date) -> ActionUpdate | None:
    """The latest update dated on or before `as_of` (a later one had not been given yet)."""
    return latest_update(u for u in updates if u.on <= as_of)


def _describe(query: RecommendationQuery, agencies: dict[str, str], reviews: dict[str, str]) -> str:
    """The selection in words, to follow "Only the recommendations ..." ("" for none)."""
    parts: list[str] = []
    if query.review is not None:
        parts.append(f"of {reviews.get(query.review, query.review)}")
    if query.monitoring_group is not None:
        parts.append(f"monitored by the {query.monitoring_group.label}")
    if query.lead_agency is not None:
        parts.append(f"led by {agencies.get(query.lead_agency, query.lead_agency)}")
    if query.status is not None:
        parts.append(f"set as “{query.status.label}”")
    if query.overdue_on is not None:
        parts.append(f"due before {short_date(query.overdue_on)} and not closed")
    if query.text.strip():
        parts.append(f"whose text contains “{query.text.strip()}”")
    if query.ids is not None:
        parts.append(f"among the {len(query.ids):,} chosen")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)


def _load(
    db: Database, selection: RecommendationQuery | None
) -> tuple[list[tuple[str, Recommendation]], dict[str, str], dict[str, str]]:
    """(review title, record) in the tracker's order; agency names; review titles."""
    query = dataclasses.replace(
        selection or RecommendationQuery(), sort=RecommendationSort.REVIEW, descending=False
    )
    conditions = recommendation_conditions(query)
    # One unit of work: the count, the rows and their actions come from one snapshot.
    with db.unit_of_work() as session:
        total = list_queries.recommendation_count(session, conditions)
        rows = list_queries.recommendation_page(
            session,
            conditions,
            sort=query.sort.value,
            descending=False,
            after=None,
            limit=max(total, 1),
        )
        ids = [row.id for row in rows]
        records: dict[str, Recommendation] = {}
        if selection is None:
            records = {r.id: r for r in repositories.list_recommendations(session)}
        else:
            for start in range(0, len(ids), _LOAD_CHUNK):
                chunk = ids[start : start + _LOAD_CHUNK]
                records.update(
                    (r.id, r) for r in repositories.recommendations_with_ids(session, chunk)
                )
        agencies = {a.id: a.name for a in repositories.list_all(session, Agency)}
        reviews = {v.id: v.title for v in repositories.list_all(session, Review)}
    ordered = [(row.review_title, records[row.id]) for row in rows if row.id in records]
    return ordered, agencies, reviews


def tracker_view(
    db: Database,
    *,
    as_of: dt.date | None = None,
    selection: RecommendationQuery | None = None,
    now: dt.datetime | None = None,
) -> TrackerView:
    """The tracker as of `as_of` (default today) of every recommendation, or of those
    `selection` (the Recommendations screen's filters) lists."""
    day = _as_of(as_of)
    ordered, agencies, reviews = _load(db, selection)
    recommendations: list[TrackerRecommendation] = []
    every_action: list[TrackerAction] = []
    for review_title, record in ordered:
        code = recommendation_code(review_title, record.number)
        actions = []
        for number, action in enumerate(record.actions, start=1):
            latest = _known_by(action.updates, day)
            actions.append(
                TrackerAction(
                    recommendation_id=record.id,
                    code=code,
                    number=number,
                    description=action.description,
                    owner_agency=agencies.get(action.owner_agency, action.owner_agency),
                    monitoring_group=action.monitoring_group,
                    due=action.due,
                    latest=latest,
                    open=not record.status.closed and (latest is None or not latest.status.closed),
                )
            )
        latests = [a.latest for a in actions if a.latest is not None]
        recommendations.append(
            TrackerRecommendation(
                id=record.id,
                code=code,
                review=review_title,
                number=record.number,
                text=record.text,
                scope=record.scope,
                lead_agency=agencies.get(record.lead_agency, record.lead_agency),
                monitoring_group=record.monitoring_group,
                due=record.due,
                status=record.status,
                derived=derived_status(record.status, record.due, day, (u.status for u in latests)),
                latest=latest_update(latests),
                actions=tuple(actions),
            )
        )
        every_action += actions
    position = {rec.id: index for index, rec in enumerate(recommendations)}
    overdue = sorted(
        (rec for rec in recommendations if rec.overdue),
        # The longest overdue first; one overdue by its updates alone may have no due date.
        key=lambda rec: (rec.due or dt.date.max, position[rec.id]),
    )
    set_counts = Counter(rec.status for rec in recommendations)
    derived_counts = Counter(rec.derived for rec in recommendations)
    return TrackerView(
        as_of=day,
        generated_at=now or dt.datetime.now().astimezone(),
        operator=db.operator,
        selection=_describe(selection, agencies, reviews) if selection is not None else "",
        recommendations=tuple(recommendations),
        overdue=tuple(overdue),
        status_counts=tuple(
            StatusCount(status, set_counts[status], derived_counts[status])
            for status in RecommendationStatus
        ),
        actions=tuple(every_action),
    )


def tracker_pdf(
    db: Database,
    *,
    as_of: dt.date | None = None,
    selection: RecommendationQuery | None = None,
    stage: Stage = no_stage,
) -> ReportPdf:
    """The tracker PDF rendered in memory (NOT protected: keep it in memory; `write_tracker`
    writes it), with what the audit trail says of it when it is printed. `stage` hears of
    each stage and may stop the work between them (the Reports screen's Cancel)."""
    stage(0, 2, "Reading the recommendations…")
    view = tracker_view(db, as_of=as_of, selection=selection)
    stage(1, 2, "Laying out the pages…")
    data, pages = _rendered(TrackerFormat.PDF, view)
    details = [
        ("as_of", view.as_of.isoformat()),
        ("recommendations", str(len(view.recommendations))),
    ]
    if view.selection:
        details.append(("selection", view.selection))
    return ReportPdf(
        title="the recommendations tracker",
        suggested_name=pdf_name(f"Recommendations tracker {file_date(view.as_of)}"),
        data=data,
        pages=pages or 0,
        record_type=REPORT_RECORD,
        record_id="tracker",
        what="tracker",
        details=tuple(details),
    )


def tracker_pdf_bytes(
    db: Database,
    *,
    as_of: dt.date | None = None,
    selection: RecommendationQuery | None = None,
) -> bytes:
    """The tracker PDF, unprotected and unaudited, for a preview that stays in memory."""
    return tracker_pdf(db, as_of=as_of, selection=selection).data


def _rendered(kind: TrackerFormat, view: TrackerView) -> tuple[bytes, int | None]:
    """The tracker in `kind`'s format, in memory, and its page count (a PDF's only)."""
    buffer = io.BytesIO()
    pages: int | None = None
    if kind is TrackerFormat.PDF:
        pages = render_tracker(view, buffer)
    elif kind is TrackerFormat.XLSX:
        render_tracker_xlsx(view, buffer)
    else:
        render_tracker_csv(view, buffer)
    return buffer.getvalue(), pages


# --- writing ----------------------------------------------------------------------------------


def _protector(kind: TrackerFormat) -> Callable[[bytes, str], bytes] | None:
    if kind is TrackerFormat.PDF:
        return encrypt_pdf
    if kind is TrackerFormat.XLSX:
        from crag_desktop.reports.protection import encrypt_xlsx

        return encrypt_xlsx
    return None


def write_tracker(
    db: Database,
    out: Path,
    *,
    as_of: dt.date | None = None,
    passphrase: str | None = None,
    selection: RecommendationQuery | None = None,
    now: dt.datetime | None = None,
) -> TrackerWritten:
    """Write the tracker to `out` in the format its extension names (.pdf, .xlsx, .csv),
    audited as an export as it is written, atomically, user-only, and AES-256 protected
    when `passphrase` is given (a CSV file cannot be: it is refused)."""
    kind = tracker_format(out)
    if passphrase is not None and not kind.protectable:
        raise CragError(CSV_CANNOT_BE_PROTECTED)
    # Before the work: a tracker of thousands of pages takes a while to lay out.
    check_target(out, protected=(db.path,))
    if passphrase is not None:
        # Checked before the work, as the target is.
        normalise_pdf_passphrase(passphrase)
    view = tracker_view(db, as_of=as_of, selection=selection, now=now)
    data, pages = _rendered(kind, view)
    details = [
        ("format", kind.value.lstrip(".")),
        ("as_of", view.as_of.isoformat()),
        ("recommendations", str(len(view.recommendations))),
    ]
    if view.selection:
        details.append(("selection", view.selection))
    write_audited_file(
        db,
        out,
        data,
        protect=_protector(kind),
        action="export",
        record_type=REPORT_RECORD,
        record_id="tracker",
        what="tracker",
        details=details,
        passphrase=passphrase,
    )
    return TrackerWritten(
        path=out,
        format=kind,
        recommendations=len(view.recommendations),
        overdue=len(view.overdue),
        actions=len(view.actions),
        pages=pages,
        protected=passphrase is not None,
    )


# --- a selection from names -------------------------------------------------------------------


def monitoring_group_named(name: str) -> MonitoringGroup:
    """The monitoring group `name` names (its code, its label or the label's first word,
    case ignored); a sentence listing the groups when it names none."""
    wanted = name.strip().casefold()
    for group in MonitoringGroup:
        if wanted in (group.value, group.label.casefold(), group.label.split()[0].casefold()):
            return group
    known = ", ".join(group.label for group in MonitoringGroup)
    raise CragError(f"There is no monitoring group called “{name}”; the groups are: {known}.")


def tracker_selection(
    db: Database, *, monitoring_group: str | None = None, lead_agency: str | None = None
) -> RecommendationQuery | None:
    """The selection a person named (a monitoring group, a lead agency: case ignored), or
    None for every recommendation; a sentence listing the known names for an unknown one."""
    if monitoring_group is None and lead_agency is None:
        return None
    group = monitoring_group_named(monitoring_group) if monitoring_group is not None else None
    agency_id: str | None = None
    if lead_agency is not None:
        with db.unit_of_work() as session:
            agencies = repositories.list_all(session, Agency)
        wanted = lead_agency.strip().casefold()
        found = [a for a in agencies if wanted in (a.name.casefold(), a.id.casefold())]
        if not found:
            known = ", ".join(sorted((a.name for a in agencies), key=str.casefold))
            raise CragError(
                f"There is no agency called “{lead_agency}”; the agencies are: "
                f"{known or 'none yet'}."
            )
        agency_id = found[0].id
    return RecommendationQuery(monitoring_group=group, lead_agency=agency_id)
