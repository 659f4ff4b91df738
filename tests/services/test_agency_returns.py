"""Agency returns on the demo data: export an agency's open actions, fill two rows in, import
them back as exactly two dated updates; and every refusal, with nothing appended."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.reports.agency_return import NotAReturn, write_return
from crag_desktop.services.agency_returns import (
    RETURN_RECORD,
    AgencyReturns,
    ReturnRefused,
    action_is_open,
)
from crag_desktop.services.database import Database
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit
from tests.helpers.agency_returns import CODE, KEY, RECOMMENDATION, codes, fill

TODAY = date(2017, 5, 1)
#: Children's Social Care's open actions in the demo (its completed ones are not listed).
CSC_CODES = [
    "Child A and Child B R3 A2",
    "Child A and Child B R4 A1",
    "Child A and Child B R5 A1",
    "Child Q R3 A1",
]


@pytest.fixture
def returns(demo_db: Database) -> AgencyReturns:
    return AgencyReturns(db=demo_db, today=lambda: TODAY)


def _updates(db: Database) -> dict[tuple[str, str], list[ActionUpdate]]:
    records = RecordService(db=db)
    with db.unit_of_work() as session:
        from crag_desktop.storage import repositories

        ids = [r.id for r in repositories.list_recommendations(session)]
    found: dict[tuple[str, str], list[ActionUpdate]] = {}
    for key in ids:
        for action in records.get(Recommendation, key).actions:
            found[(key, action.id)] = list(action.updates)
    return found


def _export(returns: AgencyReturns, tmp_path: Path, agency: str = "csc") -> Path:
    out = tmp_path / f"{agency}.xlsx"
    returns.export(agency, out)
    return out


def _refusal(returns: AgencyReturns, path: Path) -> list[str]:
    workbook = returns.read(path)
    plan = returns.plan(workbook, name=path.name)
    with pytest.raises(ReturnRefused) as refused:
        returns.append(workbook, name=path.name)
    assert list(plan.problems) == refused.value.problems
    return refused.value.problems


def test_the_return_lists_the_agencys_open_actions_only(
    returns: AgencyReturns, tmp_path: Path
) -> None:
    out = _export(returns, tmp_path)
    data = out.read_bytes()
    assert codes(data) == CSC_CODES
    book = load_workbook(io.BytesIO(data))
    assert book.security is not None
    assert book.security.lockStructure
    assert book["CRAG Desktop"].sheet_state == "veryHidden"
    sheet: Any = book["Agency return"]
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"
    assert "OFFICIAL-SENSITIVE" in sheet.oddHeader.center.text
    assert "Children's Social Care" in str(sheet["A2"].value)
    assert sheet.protection.sheet
    assert sheet.cell(row=4, column=9).protection.locked is False
    assert sheet.cell(row=4, column=3).protection.locked is True
    assert sheet.column_dimensions["K"].hidden
    (validation,) = sheet.data_validations.dataValidation
    assert "On track" in str(validation.formula1)
    assert str(validation.sqref) == "J4:J7"
    assert (out.stat().st_mode & 0o777) == 0o600


def test_round_trip_appends_exactly_the_two_filled_rows(
    returns: AgencyReturns, demo_db: Database, tmp_path: Path
) -> None:
    out = _export(returns, tmp_path)
    before = _updates(demo_db)
    out.write_bytes(
        fill(
            out.read_bytes(),
            {
                "Child Q R3 A1": ("First audit report sent to PAQA.", "At risk"),
                "Child A and Child B R4 A1": ("Working group met twice.", None),
            },
        )
    )
    workbook = returns.read(out)
    plan = returns.plan(workbook, name=out.name)
    assert plan.problems == ()
    assert plan.skipped == 2
    assert [(u.code, u.status, u.status_kept) for u in plan.updates] == [
        ("Child A and Child B R4 A1", RecommendationStatus.ON_TRACK, True),
        ("Child Q R3 A1", RecommendationStatus.AT_RISK, False),
    ]
    assert plan.updates[1].line() == (
        "Row 7: Child Q R3 A1 — At risk — First audit report sent to PAQA."
    )

    _plan, changes = returns.append(workbook, name=out.name)

    after = _updates(demo_db)
    added = {
        key: updates[len(before[key]) :] for key, updates in after.items() if updates != before[key]
    }
    assert added == {
        ("REC17", "A20"): [
            ActionUpdate(
                on=TODAY, status=RecommendationStatus.ON_TRACK, note="Working group met twice.",
                by=None,
            )
        ],
        ("REC10", "A12"): [
            ActionUpdate(
                on=TODAY, status=RecommendationStatus.AT_RISK,
                note="First audit report sent to PAQA.", by=None,
            )
        ],
    }  # fmt: skip
    assert changes.ids("recommendation") == {"REC10", "REC17"}
    with demo_db.unit_of_work() as session:
        (event,) = audit.list_events(session, record_type=RETURN_RECORD, action="import")
        updated = audit.list_events(session, record_type="recommendation", record_id="REC10")
    assert ("file", None, "csc.xlsx") in event.changes
    assert ("agency", None, "Children's Social Care") in event.changes
    assert ("updates", None, "2") in event.changes
    assert updated[-1].reason == "Agency return of Children's Social Care (csc.xlsx)"


def test_rows_left_empty_are_skipped(returns: AgencyReturns, tmp_path: Path) -> None:
    out = _export(returns, tmp_path)
    out.write_bytes(fill(out.read_bytes(), {"Child Q R3 A1": ("Done the audit.", None)}))
    plan = returns.plan(returns.read(out), name=out.name)
    assert [u.code for u in plan.updates] == ["Child Q R3 A1"]
    assert plan.skipped == 3


def test_a_return_imported_twice_is_refused(returns: AgencyReturns, tmp_path: Path) -> None:
    out = _export(returns, tmp_path)
    out.write_bytes(fill(out.read_bytes(), {"Child Q R3 A1": ("Done the audit.", None)}))
    returns.append(returns.read(out), name=out.name)
    (problem,) = _refusal(returns, out)
    assert problem.startswith("csc.xlsx was already imported on ")
    assert "by Test Officer (1 updates)" in problem
    assert "export a new return" in problem


def _one_bad_row(
    returns: AgencyReturns,
    demo_db: Database,
    tmp_path: Path,
    answers: dict[str, tuple[str | None, str | None]],
    edit: dict[tuple[str, int], object],
) -> list[str]:
    """Import a return with one good row besides `answers` and `edit` (see `fill`): refused,
    nothing appended."""
    out = _export(returns, tmp_path)
    good = {"Child A and Child B R3 A2": ("Template in use.", "On track")}
    out.write_bytes(fill(out.read_bytes(), good | answers, edit=edit))
    before = _updates(demo_db)
    problems = _refusal(returns, out)
    assert _updates(demo_db) == before
    return problems


CHANGED_ROW = (
    "its code or text was changed after export, so the update cannot be matched to its action "
    "for certain: put the row back as exported and fill in only the update and the status."
)


@pytest.mark.parametrize(
    ("answer", "edit", "problem"),
    [
        pytest.param(
            ("Audited.", "Done"),
            {},
            "Row 7 (Child Q R3 A1): “Done” is not a status: choose one of Not started, On track, "
            "At risk, Overdue, Completed, Verified, Impact evidenced, Not implemented.",
            id="an invalid status",
        ),
        pytest.param(
            (None, "Completed"),
            {},
            "Row 7 (Child Q R3 A1) proposes a status but gives no update: write the progress the "
            "status rests on, or clear the status.",
            id="a status without an update",
        ),
        pytest.param(
            ("Audited.", None),
            {("Child Q R3 A1", RECOMMENDATION): "A different recommendation."},
            f"Row 7 (Child Q R3 A1): {CHANGED_ROW}",
            id="a changed text",
        ),
        pytest.param(
            ("Audited.", None),
            {("Child Q R3 A1", CODE): "Child Q R2 A1"},
            f"Row 7 (Child Q R2 A1): {CHANGED_ROW}",
            id="a changed code",
        ),
        pytest.param(
            ("Audited.", None),
            {("Child Q R3 A1", KEY): None},
            "Row 7 (Child Q R3 A1) is not an item of the return as exported (unknown code): rows "
            "cannot be added to a return; record that update on the recommendation's form.",
            id="a row typed in: an unknown code",
        ),
        pytest.param(
            ("=B7&C7", None),
            {},
            "Row 7 (Child Q R3 A1): the update or the status is a formula, not text: type the "
            "words themselves.",
            id="a formula",
        ),
    ],
)
def test_a_bad_row_is_refused_with_its_own_sentence_and_nothing_appended(
    *,
    returns: AgencyReturns,
    demo_db: Database,
    tmp_path: Path,
    answer: tuple[str | None, str | None],
    edit: dict[tuple[str, int], object],
    problem: str,
) -> None:
    assert _one_bad_row(returns, demo_db, tmp_path, {"Child Q R3 A1": answer}, edit=edit) == [
        problem
    ]


def test_a_row_of_another_agencys_return_is_refused(
    returns: AgencyReturns, demo_db: Database, tmp_path: Path
) -> None:
    police = _export(returns, tmp_path, "police")
    police_sheet = load_workbook(police)["Agency return"]
    copied = [cell.value for cell in police_sheet[4]]
    out = _export(returns, tmp_path)
    book = load_workbook(out)
    sheet = book["Agency return"]
    for column, value in enumerate(copied, start=1):
        sheet.cell(row=8, column=column, value=value)
    sheet.cell(row=8, column=9, value="Officers trained.")
    book.save(out)
    before = _updates(demo_db)
    problems = _refusal(returns, out)
    assert problems == [
        f"Row 8 ({copied[0]}) is an action of Police, not of Children's Social Care: only "
        "the agency that owns an action returns on it."
    ]
    assert _updates(demo_db) == before


def test_an_item_closed_since_export_is_refused(
    returns: AgencyReturns, demo_db: Database, tmp_path: Path
) -> None:
    out = _export(returns, tmp_path)
    out.write_bytes(fill(out.read_bytes(), {"Child Q R3 A1": ("Audited.", None)}))
    RecordService(db=demo_db, today=lambda: TODAY).add_action_update(
        "REC10",
        "A12",
        ActionUpdate(on=TODAY, status=RecommendationStatus.COMPLETED, note="Done.", by=None),
    )
    problems = _refusal(returns, out)
    assert problems == [
        "Row 7 (Child Q R3 A1) was closed since the return was exported (“Completed”): "
        "nothing more is appended to it; record the update on the recommendation's form if "
        "it still matters."
    ]


def test_a_deleted_action_is_an_unknown_code(
    returns: AgencyReturns, demo_db: Database, tmp_path: Path
) -> None:
    out = _export(returns, tmp_path)
    out.write_bytes(fill(out.read_bytes(), {"Child Q R3 A1": ("Audited.", None)}))
    records = RecordService(db=demo_db, today=lambda: TODAY)
    records.delete(Recommendation, "REC10")
    problems = _refusal(returns, out)
    assert problems[0].startswith("Row 7 (Child Q R3 A1): there is no such action")


def test_a_return_not_exported_from_this_database_is_refused(
    returns: AgencyReturns, tmp_path: Path
) -> None:
    out = tmp_path / "elsewhere.xlsx"
    out.write_bytes(write_return(returns.sheet("csc")))
    (problem,) = _refusal(returns, out)
    assert problem.startswith("elsewhere.xlsx was not exported from this database")


def test_files_that_are_not_returns_get_one_sentence(
    returns: AgencyReturns, tmp_path: Path
) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("hello")
    with pytest.raises(NotAReturn, match=r"^notes.xlsx is not an Excel workbook \(.xlsx\)"):
        returns.read(text)

    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    with pytest.raises(NotAReturn, match=r"^plain\.xlsx is not an agency return exported by"):
        returns.read(plain)

    tracker = tmp_path / "tracker.xlsx"
    book = Workbook()
    book.active.title = "Recommendations"  # type: ignore[union-attr]
    book.save(tracker)
    with pytest.raises(NotAReturn, match=r"^tracker\.xlsx is a tracker export, not an agency"):
        returns.read(tracker)


def test_a_return_with_its_columns_moved_is_refused(returns: AgencyReturns, tmp_path: Path) -> None:
    out = _export(returns, tmp_path)
    book = load_workbook(out)
    book["Agency return"].insert_cols(2)
    book.save(out)
    with pytest.raises(NotAReturn, match="the columns of the return were changed"):
        returns.read(out)


def test_the_agency_is_found_by_name_or_id(returns: AgencyReturns) -> None:
    assert returns.find_agency("police").id == "police"
    assert returns.find_agency("children's  SOCIAL care").id == "csc"
    with pytest.raises(Exception, match=r"There is no agency “Fire”\. The agencies are: "):
        returns.find_agency("Fire")
    with pytest.raises(Exception, match="names more than one agency"):
        returns.find_agency("C")


def test_an_action_with_a_closed_latest_update_is_not_in_the_return(
    returns: AgencyReturns, demo_db: Database, tmp_path: Path
) -> None:
    records = RecordService(db=demo_db, today=lambda: TODAY)
    stored = records.get(Recommendation, "REC10")
    action = stored.actions[0]
    closed = dataclasses.replace(
        action,
        updates=(
            *action.updates,
            ActionUpdate(on=TODAY, status=RecommendationStatus.COMPLETED, note="Done.", by=None),
        ),
    )
    records.save(dataclasses.replace(stored, actions=(closed,)))
    out = _export(returns, tmp_path)
    assert "Child Q R3 A1" not in codes(out.read_bytes())


def test_the_counts_worked_out_in_sql_follow_the_domain_rule(
    returns: AgencyReturns, demo_db: Database
) -> None:
    records = RecordService(db=demo_db, today=lambda: TODAY)
    # An action closed by its own latest update, on a recommendation still open.
    records.add_action_update(
        "REC10",
        "A12",
        ActionUpdate(on=TODAY, status=RecommendationStatus.COMPLETED, note="Done.", by=None),
    )
    with demo_db.unit_of_work() as session:
        from crag_desktop.storage import repositories

        everything = repositories.list_recommendations(session)
    expected: dict[str, int] = {}
    for record in everything:
        for action in record.actions:
            if action_is_open(record, action):
                expected[action.owner_agency] = expected.get(action.owner_agency, 0) + 1
    assert returns.open_action_counts() == expected
    assert expected["csc"] == 3
    assert len(returns.sheet("csc").items) == 3


def test_a_return_imported_on_an_earlier_working_day_is_judged_against_the_real_day(
    demo_db: Database, tmp_path: Path
) -> None:
    # The window can work as of an earlier day (the demo opens on 1 April 2017): the updates
    # are dated that day, but whether a date lies in the future is the real day's question,
    # as on the forms. Judged against the working day, a later update already recorded on
    # another action of the same recommendation was "in the future", and the return refused.
    RecordService(db=demo_db).add_action_update(
        "REC16",
        "A18",
        ActionUpdate(
            on=date(2017, 5, 2), status=RecommendationStatus.ON_TRACK, note="Met.", by=None
        ),
    )
    working_day = date(2017, 4, 3)
    returns = AgencyReturns(db=demo_db, today=lambda: working_day)
    out = _export(returns, tmp_path)
    out.write_bytes(
        fill(out.read_bytes(), {"Child A and Child B R3 A2": ("Template in use.", None)})
    )
    workbook = returns.read(out)
    returns.append(workbook, name=out.name)
    assert _updates(demo_db)[("REC16", "A19")][-1] == ActionUpdate(
        on=working_day, status=RecommendationStatus.ON_TRACK, note="Template in use.", by=None
    )
