"""Many rows into one table in one `executemany`, without per-row parameter processing.

`session.execute(insert(table), rows)` builds, for every row, a parameter set through the
compiled statement (`construct_params`) and runs each value through its type's bind
processor one row at a time: measured, that costs more than the database's own work when a
whole document is imported (250,000 rows for 20,000 referrals). Here the statement is
compiled once by the session's dialect, each column's bind processor (dates, timestamps,
money; the same functions SQLAlchemy would call) runs over the column's values at once, and
the driver gets the values in the compiled statement's own parameter order or names. The
SQL is SQLAlchemy's `insert(table)` for that dialect, so it is as portable as the ORM's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Dialect, Table, insert
from sqlalchemy.orm import Session

__all__ = ["insert_rows"]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (dicts keyed by column, each with the same keys) into `table`, in the
    session's transaction; raises what `session.execute(insert(table), rows)` would."""
    if not rows:
        return
    keys = tuple(rows[0])
    if len(set(map(len, rows))) > 1 or any(
        column.default is not None and column.key not in keys for column in table.columns
    ):
        # Rows of different shapes, or a column left to its Python default: let SQLAlchemy
        # fill in each row (it handles both; nothing stored in bulk needs it).
        session.execute(insert(table), list(rows))
        return
    connection = session.connection()
    plan = _plan(table, keys, connection.dialect)
    columns = [
        map(itemgetter(key), rows) if process is None else _processed(rows, key, process)
        for key, process in zip(plan.keys, plan.processors, strict=True)
    ]
    if plan.names is None:
        connection.exec_driver_sql(plan.statement, list(zip(*columns, strict=True)))
    else:
        names = plan.names
        rows_by_name = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        connection.exec_driver_sql(plan.statement, rows_by_name)


def _processed(
    rows: Sequence[Mapping[str, Any]], key: str, process: Callable[[Any], Any]
) -> Iterator[Any]:
    """The column's values through its bind processor, each distinct value once.

    Dates repeat (20,000 referrals fall on a few thousand days; an import's audit events
    share one time), and a processor is a pure function of its value. Values are told apart
    by type as well, so that equal values of different types (1 and True) are converted
    each on its own. Everything but the processor itself loops in C.
    """
    values = list(map(itemgetter(key), rows))
    keyed = list(zip(map(type, values), values, strict=True))
    try:
        distinct = set(keyed)
    except TypeError:  # a value that cannot be hashed: convert each
        return map(process, values)
    converted = {typed: process(typed[1]) for typed in distinct}
    return map(converted.__getitem__, keyed)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled INSERT and how to hand it each row's values."""

    statement: str
    #: The columns in the order the driver takes them (positional parameters) ...
    keys: tuple[str, ...]
    #: ... or the parameter name of each (named parameters; None when positional).
    names: tuple[str, ...] | None
    processors: tuple[Callable[[Any], Any] | None, ...]


@lru_cache(maxsize=256)
def _plan(table: Table, keys: tuple[str, ...], dialect: Dialect) -> _Plan:
    # Cached: a single record's save inserts into a few tables, and compiling costs more
    # than its rows.
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    column_of = {name: bind.key for name, bind in compiled.binds.items()}
    if compiled.positional:
        ordered = tuple(column_of[name] for name in compiled.positiontup or ())
        names = None
    else:
        ordered = tuple(column_of.values())
        escaped = compiled.escaped_bind_names
        names = tuple(escaped.get(name, name) for name in column_of)
    processors = tuple(
        table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in ordered
    )
    return _Plan(str(compiled), ordered, names, processors)
