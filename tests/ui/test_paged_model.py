"""The keyset-paged table models: Qt's model rules, paging on demand, SQL sorting."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Referral
from crag_desktop.domain.synthetic import synthetic_document
from crag_desktop.services.database import Database
from crag_desktop.services.interchange import add_document
from crag_desktop.services.lists import (
    DEFAULT_PAGE,
    ReferralList,
    ReferralQuery,
    ReferralRow,
    ReferralSort,
    ReviewList,
    SortKey,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.qt_models.paged import RowIdRole
from crag_desktop.ui.qt_models.referrals import ReferralTableModel
from crag_desktop.ui.qt_models.reviews import ReviewTableModel

SYNTHETIC = 5_000


@dataclass
class CountingReferrals:
    """A ReferralList that records what the model asked of it."""

    inner: ReferralList
    counts: int = 0
    pages: list[tuple[SortKey | None, int, int]] = field(default_factory=list)

    def count(self, query: ReferralQuery) -> int:
        self.counts += 1
        return self.inner.count(query)

    def page(
        self, query: ReferralQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> Sequence[ReferralRow]:
        rows = self.inner.page(query, after=after, limit=limit)
        self.pages.append((after, limit, len(rows)))
        return rows


@pytest.fixture
def large_db(database: Database) -> Database:
    """5,000 synthetic referrals (the synthetic document alone: it brings its own agencies)."""
    add_document(database, synthetic_document(size=SYNTHETIC, seed=7), reason="test data")
    return database


def test_referral_model_passes_qt_model_rules(
    demo_db: Database, qtmodeltester: ModelTester
) -> None:
    model = ReferralTableModel(service=ReferralList(db=demo_db))
    model.reload()
    assert model.rowCount() == model.total > 0
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_review_model_passes_qt_model_rules(demo_db: Database, qtmodeltester: ModelTester) -> None:
    model = ReviewTableModel(service=ReviewList(db=demo_db))
    model.reload()
    assert model.rowCount() == model.total > 0
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_model_shows_labels_and_ids(demo_db: Database) -> None:
    model = ReferralTableModel(service=ReferralList(db=demo_db))
    model.reload()
    row = model.row_of("R1")
    assert row is not None
    column = ReferralTableModel.Column
    assert model.index(row, column.CASE_NAME).data() == "Baby L"
    assert model.index(row, column.RECEIVED).data() == "10/06/2014"
    assert model.index(row, column.STATUS).data() == "Closed"
    assert model.index(row, 0).data(RowIdRole) == "R1"
    assert model.headerData(column.AGENCY, Qt.Orientation.Horizontal) == "Referred by"


def test_a_cleared_model_holds_nothing_until_reloaded(demo_db: Database) -> None:
    model = ReferralTableModel(service=ReferralList(db=demo_db))
    assert model.rowCount() == 0
    model.reload()
    assert model.rowCount() > 0
    model.clear()
    assert model.rowCount() == 0
    assert model.total == 0
    assert not model.canFetchMore(QModelIndex())


def test_view_fetches_only_the_first_page_then_pages_in_as_it_scrolls(
    large_db: Database, qtbot: QtBot, qapp: QApplication
) -> None:
    service = CountingReferrals(ReferralList(db=large_db))
    model = ReferralTableModel(service=service)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 500)
    model.reload()
    view.show()
    qtbot.waitExposed(view)

    # Showing the list costs one count and one page, however many referrals there are.
    assert model.total == SYNTHETIC
    assert service.counts == 1
    assert service.pages == [(None, DEFAULT_PAGE, DEFAULT_PAGE)]
    assert model.rowCount() == DEFAULT_PAGE

    for _ in range(SYNTHETIC // DEFAULT_PAGE + 5):
        if not model.canFetchMore(QModelIndex()):
            break
        view.scrollToBottom()
        qapp.processEvents()
    assert not model.canFetchMore(QModelIndex())

    ids = [model.row_id(row) for row in range(model.rowCount())]
    assert len(ids) == SYNTHETIC
    assert len(set(ids)) == SYNTHETIC, "a row appeared twice"
    # Every page after the first started after the previous page's last row.
    assert all(after is not None for after, _, _ in service.pages[1:])
    assert sum(got for _, _, got in service.pages) == SYNTHETIC
    assert len(service.pages) <= SYNTHETIC // DEFAULT_PAGE + 1
    assert service.counts == 1


def test_sort_is_a_new_sql_query_from_the_top(large_db: Database) -> None:
    service = CountingReferrals(ReferralList(db=large_db))
    model = ReferralTableModel(service=service)
    model.reload()
    column = ReferralTableModel.Column
    model.sort(column.CASE_NAME, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == ReferralSort.CASE_NAME
    assert model.query.descending
    expected = service.inner.page(model.query, limit=5)
    assert [model.row_id(r) for r in range(5)] == [row.id for row in expected]
    assert model.rowCount() == DEFAULT_PAGE
    before = len(service.pages)
    # The decision column has no SQL order: clicking it changes nothing.
    model.sort(column.OUTCOME, Qt.SortOrder.AscendingOrder)
    assert model.query.sort == ReferralSort.CASE_NAME
    assert len(service.pages) == before


def test_a_new_query_resets_the_rows(large_db: Database, qtbot: QtBot) -> None:
    model = ReferralTableModel(service=ReferralList(db=large_db))
    model.reload()
    first = model.row_at(0)
    with qtbot.waitSignal(model.modelReset):
        model.set_query(ReferralQuery(text=first.reference))
    assert model.total == 1
    assert model.rowCount() == 1
    assert model.row_id(0) == first.id


# --- Refreshing from a save's Changes -------------------------------------------------------


@pytest.fixture
def listed_db(database: Database) -> Database:
    """600 synthetic referrals: enough for several 50-row pages."""
    add_document(database, synthetic_document(size=600, seed=11), reason="test data")
    return database


def _scrolled(db: Database, query: ReferralQuery, rows: int) -> tuple[ReferralTableModel, Any]:
    service = CountingReferrals(ReferralList(db=db))
    model = ReferralTableModel(service=service, query=query, page_size=50)
    model.reload()
    while model.loaded < rows and model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return model, service


def _ids(model: ReferralTableModel) -> list[str]:
    return [model.row_id(r) for r in range(model.rowCount())]


def _texts(model: ReferralTableModel) -> list[list[str]]:
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_saved_row_is_fetched_alone_deep_in_the_list(
    listed_db: Database, qtmodeltester: ModelTester
) -> None:
    records = RecordService(db=listed_db)
    model, service = _scrolled(listed_db, ReferralQuery(), 300)
    target = model.row_id(250)
    record = records.get(Referral, target)
    records.save(dataclasses.replace(record, case_name="Child Renamed"))
    service.pages.clear()
    model.apply_changes(updated=[target])
    # One row asked for, not the 300 shown; the row shows what was saved.
    assert [limit for _after, limit, _n in service.pages] == [1]
    assert model.data(model.index(250, 2)) == "Child Renamed"
    fresh, _ = _scrolled(listed_db, ReferralQuery(), 300)
    assert _texts(model) == _texts(fresh)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


@dataclass
class Resets:
    """Counts the model's resets (a reset reloads every row shown)."""

    count: int = 0

    def __call__(self) -> None:
        self.count += 1


def test_a_saved_row_that_moves_takes_its_new_place_without_reloading_the_others(
    listed_db: Database, qtmodeltester: ModelTester
) -> None:
    records = RecordService(db=listed_db)
    query = ReferralQuery(sort=ReferralSort.CASE_NAME)
    model, service = _scrolled(listed_db, query, 200)
    resets = Resets()
    model.modelReset.connect(resets)
    target = model.row_id(120)
    before = _ids(model)
    record = records.get(Referral, target)
    records.save(dataclasses.replace(record, case_name="Aaron First"))
    service.pages.clear()
    model.apply_changes(updated=[target])
    # The row shows its new name in its new place; the other rows stay as they were and
    # were not asked for again (single-row questions only, no reset).
    assert model.row_id(0) == target
    assert model.data(model.index(0, 2)) == "Aaron First"
    assert _ids(model) == [target, *(i for i in before if i != target)]
    assert {limit for _after, limit, _n in service.pages} == {1}
    assert resets.count == 0
    fresh, _ = _scrolled(listed_db, query, model.loaded)
    assert _texts(model) == _texts(fresh)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_a_saved_row_that_moves_past_the_loaded_rows_comes_with_a_later_page(
    listed_db: Database,
) -> None:
    records = RecordService(db=listed_db)
    query = ReferralQuery(sort=ReferralSort.CASE_NAME)
    model, _ = _scrolled(listed_db, query, 100)
    loaded, total = model.loaded, model.total
    target = model.row_id(30)
    record = records.get(Referral, target)
    records.save(dataclasses.replace(record, case_name="Zachary Last"))
    model.apply_changes(updated=[target])
    assert target not in _ids(model)
    assert (model.loaded, model.total) == (loaded - 1, total)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert _ids(model)[-1] == target
    fresh, _ = _scrolled(listed_db, query, total)
    assert _texts(model) == _texts(fresh)


def test_a_row_leaving_the_filter_or_deleted_goes_without_reloading_the_others(
    listed_db: Database,
) -> None:
    records = RecordService(db=listed_db)
    query = ReferralQuery(text="Child")
    model, _ = _scrolled(listed_db, query, 100)
    resets = Resets()
    model.modelReset.connect(resets)
    before = model.total
    target = model.row_id(10)
    record = records.get(Referral, target)
    records.save(dataclasses.replace(record, case_name="Somebody", reference="X-1", summary="none"))
    model.apply_changes(updated=[target])
    assert target not in _ids(model)
    assert model.total == before - 1
    deleted = model.row_id(20)
    records.delete(Referral, deleted)
    model.apply_changes(deleted=[deleted])
    assert deleted not in _ids(model)
    assert model.total == before - 2
    assert resets.count == 0
    fresh, _ = _scrolled(listed_db, query, model.loaded)
    assert _texts(model) == _texts(fresh)[: model.loaded]
