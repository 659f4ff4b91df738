"""The recommendations tracker (issue 7 item 2): its view-model on a generated dataset, and
the PDF, workbook and CSV file it is written as, protected or not, always audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pikepdf
import pytest

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.records import Document
from crag_desktop.domain.statistics import recommendation_label
from crag_desktop.domain.tracker import latest_update, recommendation_derived
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.reports.protection import (
    WrongWorkbookPassphrase,
    decrypt_xlsx,
    is_encrypted_xlsx,
)
from crag_desktop.reports.tracker import TrackerRecommendation
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.services.interchange import export_document
from crag_desktop.services.recommendation_list import RecommendationList, RecommendationQuery
from crag_desktop.services.tracker_report import (
    TrackerFormat,
    tracker_pdf_bytes,
    tracker_selection,
    tracker_view,
    write_tracker,
)
from crag_desktop.storage import audit
from tests.helpers.pdf import check_pdf, pdf_text

PASSPHRASE = "generated tracker passphrase"
FILE_PASSPHRASE = "a long file passphrase"
#: After every generated update, so every update is known on the day.
AS_OF = dt.date(2031, 1, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Document]]:
    path = tmp_path_factory.mktemp("tracker") / "generated.crag"
    with Database.create(path, PASSPHRASE, operator="Tracker Officer") as db:
        build_demo(db, synthetic_referrals=300, seed=7)
        document, _payload = export_document(db)
        yield db, document


def _overdue_ids(document: Document, as_of: dt.date) -> set[str]:
    return {
        r.id
        for r in document.recommendations
        if recommendation_derived(r, as_of) == RecommendationStatus.OVERDUE
    }


def test_the_view_lists_every_recommendation_once_with_its_code_and_statuses(
    generated: tuple[Database, Document],
) -> None:
    db, document = generated
    view = tracker_view(db, as_of=AS_OF)
    reviews = {v.id: v for v in document.reviews}
    by_id = {r.id: r for r in document.recommendations}
    assert len(by_id) > 100
    assert Counter(r.id for r in view.recommendations) == Counter(by_id.keys())
    for row in view.recommendations:
        record = by_id[row.id]
        assert row.code == recommendation_label(record, reviews)
        assert row.text == record.text
        assert row.status == record.status
        assert row.derived == recommendation_derived(record, AS_OF)
        updates = [u for a in record.actions for u in a.updates]
        if updates:
            assert row.latest is not None
            assert row.latest.on == max(u.on for u in updates)
        else:
            assert row.latest is None
    assert {r.id for r in view.overdue} == _overdue_ids(document, AS_OF)
    assert view.overdue, "the generated data has overdue recommendations"
    dues = [r.due or dt.date.max for r in view.overdue]
    assert dues == sorted(dues), "the longest overdue first"
    assert len(view.actions) == sum(len(r.actions) for r in document.recommendations)
    counts = {c.status: c for c in view.status_counts}
    assert list(counts) == list(RecommendationStatus)
    assert sum(c.set for c in view.status_counts) == len(by_id)
    assert counts[RecommendationStatus.OVERDUE].derived == len(view.overdue)
    for status in RecommendationStatus:
        assert counts[status].set == sum(r.status == status for r in document.recommendations)
    assert view.selection == ""


def test_open_actions_are_those_not_yet_done(generated: tuple[Database, Document]) -> None:
    db, document = generated
    view = tracker_view(db, as_of=AS_OF)
    by_id = {r.id: r for r in document.recommendations}
    for row in view.recommendations:
        record = by_id[row.id]
        expected = [
            number
            for number, action in enumerate(record.actions, start=1)
            if not record.status.closed
            and ((latest := latest_update(action.updates)) is None or not latest.status.closed)
        ]
        assert [a.number for a in row.open_actions] == expected
    assert any(row.open_actions for row in view.recommendations)


def test_a_selection_lists_exactly_the_screens_rows(generated: tuple[Database, Document]) -> None:
    db, document = generated
    police = next(a for a in document.agencies if a.name == "Police")
    lists = RecommendationList(db=db, today=lambda: AS_OF)
    for query in (
        RecommendationQuery(monitoring_group=MonitoringGroup.PAQA),
        RecommendationQuery(lead_agency=police.id),
        RecommendationQuery(overdue_on=AS_OF, text="Synthetic"),
        RecommendationQuery(status=RecommendationStatus.ON_TRACK, descending=True),
    ):
        screen = {row.id for row in lists.page(query, limit=5000)}
        view = tracker_view(db, as_of=AS_OF, selection=query)
        assert [r.id for r in view.recommendations] == [
            r.id for r in tracker_view(db, as_of=AS_OF).recommendations if r.id in screen
        ]
        assert len(view.recommendations) == lists.count(query) > 0
        assert view.selection
    selected = tracker_view(db, as_of=AS_OF, selection=RecommendationQuery(lead_agency=police.id))
    assert selected.selection == "led by Police"
    assert {a.recommendation_id for a in selected.actions} == {
        r.id for r in selected.recommendations
    }


def test_names_choose_a_selection_and_unknown_ones_list_the_known(
    generated: tuple[Database, Document],
) -> None:
    db, _document = generated
    assert tracker_selection(db) is None
    chosen = tracker_selection(db, monitoring_group="paqa", lead_agency="police")
    assert chosen is not None
    assert chosen.monitoring_group == MonitoringGroup.PAQA
    assert tracker_selection(db, monitoring_group="Executive group") == RecommendationQuery(
        monitoring_group=MonitoringGroup.EXECUTIVE
    )
    with pytest.raises(CragError, match="Executive group, PAQA subgroup"):
        tracker_selection(db, monitoring_group="Board")
    with pytest.raises(CragError, match=r"no agency called “Fire”.*Police"):
        tracker_selection(db, lead_agency="Fire")


def test_updates_after_the_date_are_not_yet_known(generated: tuple[Database, Document]) -> None:
    db, document = generated
    record = next(
        r
        for r in document.recommendations
        if len({u.on for a in r.actions for u in a.updates}) >= 2
    )
    dates = sorted({u.on for a in record.actions for u in a.updates})

    def row_on(day: dt.date) -> TrackerRecommendation:
        return next(r for r in tracker_view(db, as_of=day).recommendations if r.id == record.id)

    before_last = row_on(dates[-1] - dt.timedelta(days=1))
    assert before_last.latest is not None
    assert before_last.latest.on == dates[-2]
    assert row_on(dates[-1]).latest is not None
    assert row_on(dates[0] - dt.timedelta(days=1)).latest is None


# --- the files ------------------------------------------------------------------------------


def _sheet_rows(path: Path, sheet: str, password: str | None = None) -> list[list[object]]:
    data = path.read_bytes()
    if password is not None:
        data = decrypt_xlsx(data, password)
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_the_workbook_lists_every_recommendation_exactly_once(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, document = generated
    out = tmp_path / "tracker.xlsx"
    written = write_tracker(db, out, as_of=AS_OF)
    assert written.format is TrackerFormat.XLSX
    assert out.stat().st_mode & 0o777 == 0o600
    reviews = {v.id: v for v in document.reviews}
    rows = _sheet_rows(out, "Recommendations")
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert rows[1][:3] == ["Code", "Review", "Recommendation"]
    codes = Counter(row[0] for row in rows[2:])
    assert codes == Counter(recommendation_label(r, reviews) for r in document.recommendations)
    assert max(codes.values()) == 1
    assert written.recommendations == len(rows) - 2 == len(document.recommendations)
    by_code = {recommendation_label(r, reviews): r for r in document.recommendations}
    for row in rows[2:]:
        record = by_code[str(row[0])]
        due = row[6]
        assert (due.date() if isinstance(due, dt.datetime) else due) == record.due
        assert row[7] == record.status.label
        assert row[8] == recommendation_derived(record, AS_OF).label
    actions = _sheet_rows(out, "Actions")
    assert actions[0][0] == "OFFICIAL-SENSITIVE"
    assert len(actions) - 2 == sum(len(r.actions) for r in document.recommendations)

    book = openpyxl.load_workbook(out)
    sheet = book["Recommendations"]
    assert book.sheetnames == ["Recommendations", "Actions"]
    assert sheet.freeze_panes == "B3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.oddHeader is not None
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert sheet["G3"].is_date
    assert sheet["C3"].alignment.wrap_text
    assert (sheet.column_dimensions["C"].width or 0) > 40


def test_the_csv_file_holds_the_first_sheets_rows(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, _document = generated
    selection = RecommendationQuery(monitoring_group=MonitoringGroup.EXECUTIVE)
    write_tracker(db, tmp_path / "t.xlsx", as_of=AS_OF, selection=selection)
    write_tracker(db, tmp_path / "t.csv", as_of=AS_OF, selection=selection)
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfOFFICIAL-SENSITIVE,")
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as handle:
        from_csv = list(csv.reader(handle))

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        return str(value)

    from_xlsx = [
        [text(value) for value in row]
        for row in _sheet_rows(tmp_path / "t.xlsx", "Recommendations")
    ]
    # openpyxl reads the marking row's empty cells as trailing Nones.
    assert list(from_csv) == [row[: len(from_csv[i])] for i, row in enumerate(from_xlsx)]
    assert len(from_csv) == len(from_xlsx) > 3
    assert "monitored by the Executive group" in from_csv[0][1]


def test_the_pdf_lists_every_overdue_recommendation_first(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, document = generated
    out = tmp_path / "tracker.pdf"
    written = write_tracker(db, out, as_of=AS_OF)
    check_pdf(out)
    assert written.pages is not None
    text = pdf_text(out, layout=False)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == written.pages
    for number, page in enumerate(pages[: written.pages], start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2
        assert f"Page {number} of {written.pages}" in page
    plain = " ".join(text.split())
    overdue = plain[plain.index("1. Overdue recommendations") : plain.index("2. Monitored by")]
    reviews = {v.id: v for v in document.reviews}
    codes = [
        recommendation_label(r, reviews)
        for r in document.recommendations
        if r.id in _overdue_ids(document, AS_OF)
    ]
    missing = [code for code in codes if not re.search(rf"{re.escape(code)}(?!\d)", overdue)]
    assert not missing
    assert "Monitored by the Executive group" in plain
    assert "Monitored by the PAQA subgroup" in plain


def test_the_preview_is_the_unprotected_pdf(generated: tuple[Database, Document]) -> None:
    db, _document = generated
    data = tracker_pdf_bytes(db, selection=RecommendationQuery(overdue_on=AS_OF))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert not pdf.is_encrypted
        assert len(pdf.pages) >= 2


def test_protected_files_open_only_with_their_passphrase(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, _document = generated
    pdf, book = tmp_path / "t.pdf", tmp_path / "t.xlsx"
    assert write_tracker(db, pdf, passphrase=FILE_PASSPHRASE).protected
    write_tracker(db, book, passphrase=FILE_PASSPHRASE)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(pdf)
    with pikepdf.open(pdf, password=FILE_PASSPHRASE) as opened:
        assert opened.encryption.R == 6
    check_pdf(pdf, FILE_PASSPHRASE)
    raw = book.read_bytes()
    assert not raw.startswith(b"PK"), "an encrypted workbook is an OLE container, not a zip"
    assert is_encrypted_xlsx(book)
    with pytest.raises(WrongWorkbookPassphrase):
        decrypt_xlsx(raw, "not the passphrase")
    rows = _sheet_rows(book, "Recommendations", FILE_PASSPHRASE)
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.pdf", "t.xlsx"]


def test_a_csv_file_cannot_be_protected_and_nothing_is_written(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, _document = generated
    with pytest.raises(CragError, match=r"choose \.xlsx or \.pdf"):
        write_tracker(db, tmp_path / "t.csv", passphrase=FILE_PASSPHRASE)
    with pytest.raises(CragError, match=r"end the name with \.pdf, \.xlsx or \.csv"):
        write_tracker(db, tmp_path / "t.docx")
    with pytest.raises(CragError, match="does not exist"):
        write_tracker(db, tmp_path / "no folder" / "t.pdf")
    assert list(tmp_path.iterdir()) == []


def test_every_export_is_audited_with_its_format_and_selection(
    generated: tuple[Database, Document], tmp_path: Path
) -> None:
    db, _document = generated
    selection = RecommendationQuery(monitoring_group=MonitoringGroup.PAQA)
    for name in ("a.pdf", "a.xlsx", "a.csv"):
        write_tracker(db, tmp_path / name, selection=selection)
    with db.unit_of_work() as session:
        events = audit.list_events(session, record_type="report", record_id="tracker")
    last = events[-3:]
    assert [e.action for e in last] == ["export"] * 3
    assert [{k: v for k, _old, v in e.changes}["tracker"] for e in last] == [
        "a.pdf",
        "a.xlsx",
        "a.csv",
    ]
    changes = {k: v for k, _old, v in last[1].changes}
    assert changes["format"] == "xlsx"
    assert changes["protection"] == "not encrypted"
    assert changes["selection"] == "monitored by the PAQA subgroup"
    assert last[0].operator == "Tracker Officer"
