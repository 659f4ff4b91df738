"""The core of every list query: keyset paging, case-insensitive text search and counts.

At 100,000 referrals a screen must never load every row: LIMIT/OFFSET stutters deep in the
list, while a keyset page (``WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT n``) costs
the same at any depth (design/performance.md). Everything in this package is SQLAlchemy Core
over the ORM tables, with no SQLite-only SQL, so the same queries run on PostgreSQL.

A sort is a tuple of `SortPart`s whose last part is the record's unique id; a row's sort key
is the tuple of those parts' values. Ascending lists put NULLs last; descending lists are the
exact reverse (NULLs first), so that flipping the direction reverses the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Alias, Join, NamedFromClause, TableClause

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session

__all__ = [
    "Condition",
    "Reader",
    "SortPart",
    "contains",
    "count_statement",
    "count_where",
    "keyset_page",
    "keyset_parameters",
    "keyset_placeholders",
    "keyset_shape",
    "read_first",
]

Condition = ColumnElement[bool]

#: What a read runs on: a unit of work's session or a `Database.reading()` connection (which
#: costs less: no identity map, no commit).
Reader: TypeAlias = "Session | Connection"


@dataclass(frozen=True, slots=True)
class SortPart:
    """One column of a sort order; `nullable` columns sort NULLs last (first when reversed)."""

    expression: ColumnElement[Any]
    nullable: bool = False


# --- Keyset paging ----------------------------------------------------------------------------


def _order_by(parts: Sequence[SortPart], descending: bool) -> list[ColumnElement[Any]]:
    order: list[ColumnElement[Any]] = []
    for part in parts:
        if descending:
            term = part.expression.desc()
            order.append(term.nulls_first() if part.nullable else term)
        else:
            term = part.expression.asc()
            order.append(term.nulls_last() if part.nullable else term)
    return order


def _after(parts: Sequence[SortPart], values: Sequence[object], descending: bool) -> Condition:
    """Rows strictly after `values` in the order of `parts`, NULLs placed as `_order_by` does."""
    if not parts:
        return false()
    part, value = parts[0], values[0]
    expr = part.expression
    rest = _after(parts[1:], values[1:], descending)
    if value is None:
        # NULLs are last ascending, so only NULLs (with a later tail) follow a NULL; reversed,
        # every non-NULL value follows the NULL block.
        tail = and_(expr.is_(None), rest)
        return or_(expr.is_not(None), tail) if descending else tail
    beyond = expr < value if descending else expr > value
    if part.nullable and not descending:
        beyond = or_(beyond, expr.is_(None))
    condition = or_(beyond, and_(expr == value, rest))
    if not part.nullable:
        # Redundant, but a plain range on the leading column lets the index seek.
        bound = expr <= value if descending else expr >= value
        condition = and_(bound, condition)
    return condition


def keyset_shape(after: Sequence[object] | None) -> tuple[bool, ...] | None:
    """Which of a sort key's values are NULL: the part of a key that changes the SQL.

    A keyset statement built for one shape (`keyset_statement`) serves every key of that
    shape, its values passed as `keyset_parameters`; None is the first page.
    """
    return None if after is None else tuple(value is None for value in after)


def keyset_parameters(after: Sequence[object] | None) -> dict[str, object]:
    """The bound values of a statement built for `keyset_shape(after)`."""
    if after is None:
        return {}
    return {f"after_{i}": value for i, value in enumerate(after) if value is not None}


def keyset_placeholders(parts: Sequence[SortPart], shape: Sequence[bool]) -> list[object]:
    if len(shape) != len(parts):
        raise ValueError(f"a sort key has {len(parts)} values, not {len(shape)}")
    return [
        None if null else bindparam(f"after_{i}", type_=part.expression.type)
        for i, (part, null) in enumerate(zip(parts, shape, strict=True))
    ]


def keyset_page(
    statement: Select[Any],
    parts: Sequence[SortPart],
    *,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Select[Any]:
    if after is not None:
        if len(after) != len(parts):
            raise ValueError(f"a sort key has {len(parts)} values, not {len(after)}")
        statement = statement.where(_after(parts, after, descending))
    return statement.order_by(*_order_by(parts, descending)).limit(limit)


class _ReadFirst(Join):
    """An inner join that SQLite reads left side first (see `read_first`)."""

    inherit_cache = True


@compiles(_ReadFirst, "sqlite")
def _cross_join(element: _ReadFirst, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite never reorders the tables of a CROSS JOIN (its documented way to choose the
    # order); otherwise it is an inner join like any other. `read_first` keeps the left side
    # a single table, so the first JOIN of the text is this one.
    text: str = compiler.visit_join(element, **kw)  # type: ignore[no-untyped-call]
    return text.replace(" JOIN ", " CROSS JOIN ", 1)


def read_first(left: NamedFromClause, right: Any, onclause: Condition) -> Join:
    """`left` inner-joined to `right` on `onclause`, the database reading `left` first.

    For an order that only `left`'s index gives: SQLite reads the rows in that order and
    sorts only what ties on it, stopping at the page's limit; left to itself, it may prefer
    to read `right` first and sort the whole join for every page. Other databases get a
    plain JOIN (PostgreSQL plans with statistics, and sorts incrementally on its own).
    """
    table = left.element if isinstance(left, Alias) else left
    if not isinstance(table, TableClause):
        raise TypeError(f"read_first reads a table (or its alias) first, not {left!r}")
    return _ReadFirst(left, right, onclause)


class _ContainsText(FunctionElement[bool]):
    """`column` contains `pattern` (a LIKE pattern), ignoring case.

    SQLAlchemy's ilike() becomes lower(x) LIKE lower(y) on SQLite, which costs six times a
    plain LIKE over 100,000 summaries (about 100 ms against 17 ms per keystroke); SQLite's
    own LIKE already ignores case (for ASCII letters, which pseudonyms and references are).
    Other databases get ILIKE.
    """

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(_ContainsText)
def _contains_ilike(element: _ContainsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} ILIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(_ContainsText, "sqlite")
def _contains_like(element: _ContainsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


def contains(column: ColumnElement[Any], text: str) -> Condition:
    """Case-insensitive "column contains text", with LIKE's wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _ContainsText(column, literal(f"%{escaped}%"))


def count_statement(table: Any, conditions: Sequence[Condition]) -> Select[Any]:
    """How many rows of `table` meet every condition, as a statement to keep and rerun."""
    return select(func.count()).select_from(table).where(*conditions)


def count_where(session: Reader, table: Any, conditions: Sequence[Condition]) -> int:
    """How many rows of `table` meet every condition."""
    return int(session.execute(count_statement(table, conditions)).scalar_one())
