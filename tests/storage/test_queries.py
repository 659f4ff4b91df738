"""SQL that must stay portable: the text search compiles for SQLite and for PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from crag_desktop.storage.models import ReferralRow
from crag_desktop.storage.queries.keyset import contains


def test_text_search_is_plain_like_on_sqlite_and_ilike_elsewhere() -> None:
    condition = contains(ReferralRow.__table__.c.case_name, "50%_off")
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
