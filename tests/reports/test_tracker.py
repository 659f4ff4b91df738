"""The tracker's renderers as pure functions of a view-model: text a person typed never runs
as a spreadsheet formula; a very long recommendation continues overleaf, every word kept; an
empty tracker says so."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

from crag_desktop.domain.records import ActionUpdate
from crag_desktop.domain.vocabulary import (
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
)
from crag_desktop.reports.tracker import (
    StatusCount,
    TrackerAction,
    TrackerRecommendation,
    TrackerView,
    render_tracker,
)
from crag_desktop.reports.tracker_sheets import (
    render_tracker_csv,
    render_tracker_xlsx,
    safe_text,
)
from tests.helpers.pdf import check_pdf, pdf_text

AS_OF = dt.date(2017, 4, 1)
HOSTILE = '=HYPERLINK("http://example.invalid","click")'


def _view(*recommendations: TrackerRecommendation) -> TrackerView:
    return TrackerView(
        as_of=AS_OF,
        generated_at=dt.datetime(2017, 4, 1, 9, 0),
        operator="Officer",
        selection="",
        recommendations=recommendations,
        overdue=tuple(r for r in recommendations if r.overdue),
        status_counts=tuple(
            StatusCount(
                s,
                sum(r.status == s for r in recommendations),
                sum(r.derived == s for r in recommendations),
            )
            for s in RecommendationStatus
        ),
        actions=tuple(a for r in recommendations for a in r.actions),
    )


def _recommendation(
    *, code: str = "Baby L R1", text: str = "Fathers are named.", agency: str = "Police"
) -> TrackerRecommendation:
    update = ActionUpdate(
        on=dt.date(2017, 3, 1), status=RecommendationStatus.AT_RISK, note="-1 staff", by=None
    )
    action = TrackerAction(
        recommendation_id="r1",
        code=code,
        number=1,
        description="+ train everyone",
        owner_agency=agency,
        monitoring_group=MonitoringGroup.PAQA,
        due=dt.date(2017, 2, 1),
        latest=update,
        open=True,
    )
    return TrackerRecommendation(
        id="r1",
        code=code,
        review=code.rsplit(" ", 1)[0],
        number=1,
        text=text,
        scope=RecommendationScope.MULTI_AGENCY,
        lead_agency=agency,
        monitoring_group=MonitoringGroup.EXECUTIVE,
        due=dt.date(2017, 2, 1),
        status=RecommendationStatus.ON_TRACK,
        derived=RecommendationStatus.OVERDUE,
        latest=update,
        actions=(action,),
    )


def test_safe_text_neutralises_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_text(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert safe_text("Sum of A1") == "Sum of A1"
    assert safe_text("") == ""


def test_typed_text_never_becomes_a_formula(tmp_path: Path) -> None:
    view = _view(_recommendation(code="@Baby R1", text=HOSTILE, agency="+Police"))
    book_bytes, csv_bytes = io.BytesIO(), io.BytesIO()
    render_tracker_xlsx(view, book_bytes)
    render_tracker_csv(view, csv_bytes)
    book = openpyxl.load_workbook(io.BytesIO(book_bytes.getvalue()))
    row = list(book["Recommendations"][3])
    assert [c.value for c in row[:3]] == ["'@Baby R1", "'@Baby", f"'{HOSTILE}"]
    assert row[4].value == "'+Police"
    assert all(c.data_type != "f" for c in row)
    assert row[9].value == "At risk: -1 staff"
    action = [cell.value for cell in book["Actions"][3]]
    assert action[2] == "'+ train everyone"
    rows = list(csv.reader(io.StringIO(csv_bytes.getvalue().decode("utf-8-sig"))))
    assert rows[2][:3] == ["'@Baby R1", "'@Baby", f"'{HOSTILE}"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_very_long_recommendation_continues_overleaf(tmp_path: Path) -> None:
    words = [f"word{n}" for n in range(1800)]
    view = _view(_recommendation(text=" ".join(words)))
    out = tmp_path / "long.pdf"
    with out.open("wb") as handle:
        pages = render_tracker(view, handle)
    check_pdf(out)
    # Listed twice (overdue, and under its group), each copy longer than a page.
    assert pages >= 5
    text = pdf_text(out, layout=False).split()
    assert all(text.count(word) == 2 for word in words[::97] + words[-1:])


def test_an_empty_tracker_says_so(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    with out.open("wb") as handle:
        assert render_tracker(_view(), handle) == 1
    text = " ".join(pdf_text(out, layout=False).split())
    assert "No recommendation was overdue on 1 April 2017." in text
    assert "No recommendation is listed." in text
    assert "Page 1 of 1" in text
