"""SQL that must stay portable: the text search and the order of a join compile for SQLite
and for PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from crag_desktop.storage import tables
from crag_desktop.storage.queries import lists
from crag_desktop.storage.queries.keyset import contains


def test_text_search_is_plain_like_on_sqlite_and_ilike_elsewhere() -> None:
    condition = contains(tables.referral.c.case_name, "50%_off")
    on_sqlite = str(condition.compile(dialect=sqlite.dialect()))
    on_postgres = str(condition.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
    # SQLite's LIKE ignores case already; lower() on both sides made it six times slower.
    assert " LIKE " in on_sqlite
    assert "lower(" not in on_sqlite
    assert " ILIKE " in on_postgres
    assert "ESCAPE '\\'" in on_sqlite
    params = condition.compile(dialect=sqlite.dialect()).params
    # The user's % and _ are searched for literally.
    assert list(params.values()) == ["%50\\%\\_off%"]


def test_recommendations_by_review_read_reviews_first_on_sqlite_only() -> None:
    by_review = lists._recommendation_join("review")
    by_due = lists._recommendation_join("due")
    on_sqlite = str(by_review.compile(dialect=sqlite.dialect()))
    on_postgres = str(by_review.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
    # SQLite's only way to choose the order of a join: reviews come in title order from
    # their index, and only a title's recommendations are sorted.
    assert on_sqlite.startswith("review AS rec_review CROSS JOIN recommendation ON ")
    assert " CROSS JOIN " not in on_postgres
    assert on_postgres.startswith("review AS rec_review JOIN recommendation ON ")
    # Other orders have indexes of their own on the recommendation table: SQLite chooses.
    assert " CROSS " not in str(by_due.compile(dialect=sqlite.dialect()))
    assert any(index.name == "ix_review_title_id" for index in tables.review.indexes)
