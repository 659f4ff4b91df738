"""The annual report's narrative texts, one per section of each year's report."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, delete, select, update

from crag_desktop.domain.errors import RecordNotFound
from crag_desktop.domain.records import (
    ReportText,
)
from crag_desktop.domain.vocabulary import (
    REPORT_SECTION_BY_CODE,
)
from crag_desktop.storage.repositories.rows import (
    REPORT_TEXT,
    Rows,
    Work,
    insert_all,
    next_position,
)


def report_text_rows(rows: Rows, report_text: ReportText, position: int) -> None:
    rows[REPORT_TEXT].append(
        (report_text.year, report_text.section.value, position, report_text.text)
    )


def load_report_texts(
    session: Work, *, year: int | None = None, section: str | None = None
) -> list[ReportText]:
    statement = select(REPORT_TEXT).order_by(REPORT_TEXT.c.position)
    if year is not None:
        statement = statement.where(REPORT_TEXT.c.year == year)
    if section is not None:
        statement = statement.where(REPORT_TEXT.c.section == section)
    return [
        ReportText(
            year=row["year"], section=REPORT_SECTION_BY_CODE[row["section"]], text=row["text"]
        )
        for row in session.execute(statement).mappings()
    ]


def report_text_key(year: int, section: str) -> str:
    """The id of a report text in `existing_ids` and in audit events."""
    return f"{year}/{section}"


def _report_text_where(year: int, section: str) -> ColumnElement[bool]:
    return (REPORT_TEXT.c.year == year) & (REPORT_TEXT.c.section == section)


def save_report_text(session: Work, report_text: ReportText) -> bool:
    """Insert or replace the text of one section of one year; True if it was new."""
    where = _report_text_where(report_text.year, report_text.section.value)
    position = session.execute(select(REPORT_TEXT.c.position).where(where)).scalar()
    if position is None:
        rows: Rows = defaultdict(list)
        report_text_rows(rows, report_text, next_position(session, REPORT_TEXT))
        insert_all(session, rows)
        return True
    session.execute(update(REPORT_TEXT).where(where).values(text=report_text.text))
    return False


def get_report_text(session: Work, year: int, section: str) -> ReportText:
    """The narrative for one section of one year's report; RecordNotFound if none."""
    found = load_report_texts(session, year=year, section=section)
    if not found:
        raise RecordNotFound("report text", report_text_key(year, section))
    return found[0]


def delete_report_text(session: Work, year: int, section: str) -> None:
    """Delete the text of one section of one year."""
    where = _report_text_where(year, section)
    if session.execute(select(REPORT_TEXT.c.year).where(where)).first() is None:
        raise RecordNotFound("report text", report_text_key(year, section))
    session.execute(delete(REPORT_TEXT).where(where))


def list_report_texts(session: Work, *, year: int | None = None) -> list[ReportText]:
    """Every report text (or one year's), in the order added."""
    return load_report_texts(session, year=year)
