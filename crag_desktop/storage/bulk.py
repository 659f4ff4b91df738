"""Many rows into one table in one `executemany`, without per-row parameter processing.

`session.execute(insert(table), rows)` builds, for every row, a parameter set through the
compiled statement (`construct_params`) and runs each value through its type's bind
processor one row at a time: measured, that costs more than the database's own work when a
whole document is imported (250,000 rows for 20,000 referrals). Here a row is a plain tuple
of the table's columns in their declared order (no dict per row to build and take apart
again), the statement is compiled once by the session's dialect, each column's bind
processor (dates, timestamps, money; the same functions SQLAlchemy would call) runs over the
column's values at once, and the driver gets the values in the compiled statement's own
parameter order or names. The SQL is SQLAlchemy's `insert(table)` for that dialect, so it is
as portable as the ORM's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Dialect, Table, insert

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session

__all__ = ["connection_of", "insert_rows", "row_dict"]


def connection_of(session: Session | Connection) -> Connection:
    """The Core connection a unit of work's session runs on (the connection itself when
    given one)."""
    return session if isinstance(session, Connection) else session.connection()


def insert_rows(session: Session | Connection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` into `table` in the session's transaction; each row holds a value for
    every column of the table, in the table's column order (`table.c`). Raises what
    `session.execute(insert(table), rows)` raises for the same rows as dicts when the
    database refuses them, and ValueError for a row that is not one value per column."""
    if not rows:
        return
    connection = connection_of(session)
    plan = _plan(table, connection.dialect)
    parameters: Sequence[Sequence[Any]] = rows
    if plan.processors or plan.order is not None:
        # Column by column: the transposition and the gathering loop in C.
        values: list[tuple[Any, ...]] = list(zip(*rows, strict=True))
        if len(values) != len(plan.keys):
            raise ValueError(
                f"a row of {table.name} has {len(values)} values, not {len(plan.keys)}"
            )
        columns: list[Iterable[Any]] = list(values)
        for index, process in plan.processors:
            columns[index] = _processed(values[index], process)
        if plan.order is not None:
            columns = [columns[i] for i in plan.order]
        parameters = list(zip(*columns, strict=True))
    if plan.names is None:
        connection.exec_driver_sql(plan.statement, parameters)
    else:
        names = plan.names
        by_name = [dict(zip(names, row, strict=True)) for row in parameters]
        connection.exec_driver_sql(plan.statement, by_name)


def row_dict(table: Table, row: Sequence[Any]) -> dict[str, Any]:
    """A row as `insert_rows` takes it, keyed by column (for an UPDATE's values)."""
    return dict(zip(table.c.keys(), row, strict=True))


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> Iterator[Any]:
    """The column's values through its bind processor, each distinct value once.

    Dates repeat (20,000 referrals fall on a few thousand days; an import's audit events
    share one time), and a processor is a pure function of its value. Values are told apart
    by type as well, so that equal values of different types (1 and True) are converted
    each on its own. Everything but the processor itself loops in C.
    """
    keyed = list(zip(map(type, values), values, strict=True))
    try:
        distinct = set(keyed)
    except TypeError:  # a value that cannot be hashed: convert each
        return map(process, values)
    converted = {typed: process(typed[1]) for typed in distinct}
    return map(converted.__getitem__, keyed)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled INSERT of every column and how to hand it each row's values."""

    statement: str
    #: The table's columns, in the order rows give them.
    keys: tuple[str, ...]
    #: Where each parameter of the statement is in a row, when that is not the rows' order.
    order: tuple[int, ...] | None
    #: The parameter name of each (named parameters; None when positional).
    names: tuple[str, ...] | None
    #: (index in a row, bind processor) of each column whose type converts its values.
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]


@lru_cache(maxsize=256)
def _plan(table: Table, dialect: Dialect) -> _Plan:
    # Cached: a single record's save inserts into a few tables, and compiling costs more
    # than its rows.
    keys = tuple(table.c.keys())
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    column_of = {name: bind.key for name, bind in compiled.binds.items()}
    if compiled.positional:
        ordered = tuple(column_of[name] for name in compiled.positiontup or ())
        names = None
    else:
        ordered = tuple(column_of.values())
        escaped = compiled.escaped_bind_names
        names = tuple(escaped.get(name, name) for name in column_of)
    if sorted(ordered) != sorted(keys):
        raise ValueError(f"the INSERT into {table.name} does not take every column once")
    order = tuple(keys.index(key) for key in ordered)
    processors = tuple(
        (index, process)
        for index, key in enumerate(keys)
        if (process := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return _Plan(
        str(compiled),
        keys,
        None if order == tuple(range(len(keys))) else order,
        names,
        processors,
    )
