"""The annual report to the Board: its figures, its view-model, and writing it.

Service API (the Reports screen and the command line call these, nothing else):

- `annual_statistics_for(db, year, as_of=None)` - the typed figures (`AnnualStatistics`).
- `annual_report_view(db, year, as_of=None)` - everything the PDF prints (built in
  `annual_report_contents`).
- `annual_report_pdf(db, year, as_of=None)` - the PDF rendered in memory (unprotected) and
  its figures: what the Reports screen previews, prints and saves.
- `write_annual_report(db, year, out, as_of=None, stats_json=None, passphrase=None)` -
  audits, then writes the PDF (and the stats JSON when asked); returns what was written.

Every figure in the PDF is the length of a list of records in `AnnualStatistics.sources`,
and so is every number in the stats JSON: the two cannot disagree, and Appendix C prints
the lists themselves.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.records import Document
from crag_desktop.domain.report_texts import period_label
from crag_desktop.domain.statistics import (
    AnnualStatistics,
    compute_annual_statistics,
    reporting_period,
)
from crag_desktop.domain.validation import FIRST_REPORT_YEAR, LAST_REPORT_YEAR
from crag_desktop.domain.wording import pdf_name, short_date
from crag_desktop.reports.annual_report_view import AnnualReportView
from crag_desktop.reports.protection import normalise_pdf_passphrase
from crag_desktop.services.annual_report_contents import (
    YEARS_COMPARED,
    build_annual_report_view,
)
from crag_desktop.services.collector import collector_paused
from crag_desktop.services.database import Database
from crag_desktop.services.file_output import write_recorded_file
from crag_desktop.services.report_files import (
    REPORT_RECORD,
    ReportPdf,
    Stage,
    no_stage,
    render_pdf,
    write_report_pdf,
)
from crag_desktop.storage import repositories
from crag_desktop.storage.queries.annual_report import annual_report_records


@dataclass(frozen=True, slots=True)
class AnnualReportWritten:
    """What `write_annual_report` wrote."""

    path: Path
    pages: int
    stats_json: Path | None
    statistics: AnnualStatistics


def check_year(year: int) -> None:
    """Refuse a reporting year outside the range the records can hold, with a sentence."""
    if not FIRST_REPORT_YEAR <= year <= LAST_REPORT_YEAR:
        raise CragError(
            f"{year} is not a reporting year CRAG Desktop can report on; give a year from "
            f"{FIRST_REPORT_YEAR} to {LAST_REPORT_YEAR} (2016 means April 2016 to March 2017)."
        )


def check_as_of(year: int, as_of: dt.date | None) -> None:
    """Refuse an as-of date before the year began: nothing in the year had happened yet."""
    start, _end = reporting_period(year)
    if as_of is not None and as_of < start:
        raise CragError(
            f"The report for {period_label(year)} cannot be as of {short_date(as_of)}, before "
            f"the year began on {short_date(start)}; give a later date."
        )


def _load(db: Database, year: int, *, years_compared: int = YEARS_COMPARED) -> Document:
    """The records the report for `year` and the `years_compared` before it can count (the
    rest of the database is never read)."""
    first = max(FIRST_REPORT_YEAR, year - years_compared)
    start, end = reporting_period(first)[0], reporting_period(year)[1]
    # A read alone, on a Core connection: the report imports no ORM.
    with collector_paused(), db.reading() as connection:
        return repositories.load_chosen(
            connection, **annual_report_records(start, end).selects(), report_texts_year=year
        )


def annual_statistics_for(
    db: Database, year: int, *, as_of: dt.date | None = None
) -> AnnualStatistics:
    """The annual figures for reporting year `year` as of `as_of` (default 1 April after)."""
    check_year(year)
    check_as_of(year, as_of)
    return compute_annual_statistics(_load(db, year, years_compared=0), year, as_of=as_of)


def annual_report_view(
    db: Database, year: int, *, as_of: dt.date | None = None, now: dt.datetime | None = None
) -> AnnualReportView:
    """Everything the annual report for `year` prints, as of `as_of`."""
    check_year(year)
    check_as_of(year, as_of)
    document = _load(db, year)
    return build_annual_report_view(
        document,
        year,
        as_of=as_of,
        now=now or dt.datetime.now().astimezone(),
        operator=db.operator,
    )


def statistics_json_text(statistics: AnnualStatistics) -> str:
    """The stats JSON of design/annual-report.md as written to a file."""
    return json.dumps(statistics.to_json(), indent=2, ensure_ascii=False) + "\n"


class NothingToReport(CragError):
    """A reporting year with no record in it: the report would be empty."""


@dataclass(frozen=True, slots=True)
class AnnualReportPdf:
    """The annual report rendered in memory (unprotected) and the figures it states."""

    report: ReportPdf
    statistics: AnnualStatistics


def annual_report_pdf(
    db: Database,
    year: int,
    *,
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
    stage: Stage = no_stage,
    refuse_empty: bool = False,
) -> AnnualReportPdf:
    """The annual report for `year` as of `as_of`, rendered in memory (NOT protected: keep
    it in memory; `write_annual_report` writes it). `stage` hears of each stage and may
    stop the work between them; `refuse_empty` raises NothingToReport for a year that has
    not begun, or with no referral received and no review worked on."""
    check_year(year)
    check_as_of(year, as_of)
    now = now or dt.datetime.now().astimezone()
    start, _end = reporting_period(year)
    if refuse_empty and start > now.date():
        raise NothingToReport(
            f"{period_label(year)} has not begun yet (it starts on {short_date(start)}), so there "
            "is nothing to report; choose an earlier year."
        )
    stage(0, 3, "Reading the records…")
    document = _load(db, year)
    stage(1, 3, "Counting the figures…")
    statistics = compute_annual_statistics(document, year, as_of=as_of)
    if refuse_empty and not statistics.referrals_received and not statistics.worked_on:
        raise NothingToReport(
            f"Nothing was recorded for {period_label(year)}: no referral received and no "
            "review worked on, so its annual report would be empty; choose another year."
        )
    view = build_annual_report_view(
        document, year, as_of=as_of, now=now, operator=db.operator, this_year=statistics
    )
    stage(2, 3, "Laying out the pages…")
    # Imported here, not with the figures: ReportLab and the layout load only to lay out
    # (the command line loads them while the database's key is derived).
    from crag_desktop.reports.annual_report import render_annual_report

    data, pages = render_pdf(lambda stream: render_annual_report(view, stream))
    report = ReportPdf(
        title=f"the annual report {view.period}",
        suggested_name=pdf_name(f"Annual report {view.period}"),
        data=data,
        pages=pages,
        record_type=REPORT_RECORD,
        record_id=f"annual/{year}",
        what="annual_report",
        details=(("as_of", view.as_of.isoformat()),),
    )
    return AnnualReportPdf(report, statistics)


def write_annual_statistics(
    db: Database, year: int, statistics: AnnualStatistics, out: Path
) -> None:
    """Write the figures of the annual report for `year` as JSON (audited as it lands)."""
    data = statistics_json_text(statistics).encode("utf-8")

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_recorded_file(
        db,
        out,
        write,
        action="export",
        record_type=REPORT_RECORD,
        record_id=f"annual/{year}",
        changes=[("annual_statistics", None, out.name)],
    )


def write_annual_report(
    db: Database,
    year: int,
    out: Path,
    *,
    as_of: dt.date | None = None,
    stats_json: Path | None = None,
    passphrase: str | None = None,
    now: dt.datetime | None = None,
) -> AnnualReportWritten:
    """Write the annual report for `year` as of `as_of` to `out` (PDF, atomically, 0600,
    AES-256 protected when `passphrase` is given), and its figures to `stats_json` when
    asked. Each file is audited before it is written."""
    check_year(year)
    check_as_of(year, as_of)
    if stats_json is not None and stats_json.resolve() == out.resolve():
        raise CragError("The report and its figures need two different files; name another.")
    if passphrase is not None:
        # A passphrase too short fails before anything is rendered or audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    rendered = annual_report_pdf(db, year, as_of=as_of, now=now)
    write_report_pdf(db, rendered.report, out, passphrase=passphrase)
    if stats_json is not None:
        write_annual_statistics(db, year, rendered.statistics, stats_json)
    return AnnualReportWritten(out, rendered.report.pages, stats_json, rendered.statistics)
