"""Small reads a save runs every time, compiled once and run on the driver's own cursor.

Saving one record reads its stored self (a statement per table of its kind) and the audit
head before it writes. SQLAlchemy's execution around a statement it has cached costs about
30 µs (its context, events, result object), the driver's own about 5 µs for one of these
one-row reads, and a one-field edit's whole SQL less than a millisecond: that wrapping
was a third of a save (benchmarks: save one record).

A statement here is a Core `select` compiled once for the connection's dialect, so its SQL is
as portable as any other; bound and result values go through the same type processors
SQLAlchemy applies (dates stored as text in SQLite come back as dates), and a driver error is
raised as SQLAlchemy raises it (`DBAPIError.instance`, bound values hidden), so the unit of
work turns a busy lock, a full disk or a lost file into the same errors as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Dialect, Select
from sqlalchemy.exc import DBAPIError

from crag_desktop.storage.bulk import connection_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["fetch", "on_driver"]


def on_driver(
    connection: Connection, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
) -> list[Any]:
    """The rows of one statement run on the driver's cursor in `connection`'s transaction;
    a driver error is raised as SQLAlchemy's (IntegrityError, OperationalError...)."""
    dbapi_error: type[Exception] = connection.dialect.loaded_dbapi.Error
    if not connection.in_transaction():
        # As SQLAlchemy's own execution would (its autobegin): the engine's BEGIN, so that
        # a record read in several statements is read from one snapshot, and a read on a
        # `reading()` connection ends with its rollback like any other.
        connection.begin()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())
    except dbapi_error as error:
        raise DBAPIError.instance(
            sql,
            parameters,
            error,
            dbapi_error,
            hide_parameters=True,
            dialect=connection.dialect,
        ) from error
    finally:
        cursor.close()


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled SELECT and how to bind its values and read its rows."""

    sql: str
    #: The names of the statement's bound values, in the driver's order (positional), or
    #: None with the names the driver takes (named): (bound name, driver's name).
    positional: tuple[str, ...] | None
    named: tuple[tuple[str, str], ...]
    #: The values the statement holds itself (`table.c.id == 1`), by bound name.
    fixed: tuple[tuple[str, Any], ...]
    binders: tuple[tuple[str, Callable[[Any], Any]], ...]
    #: The result's column keys, and (index, processor) of each column that converts.
    keys: tuple[str, ...]
    readers: tuple[tuple[int, Callable[[Any], Any]], ...]


@lru_cache(maxsize=256)
def _plan(statement: Select[Any], dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("a statement made once binds plain values (no expanding IN lists)")
    binders = tuple(
        (name, process)
        for name, bind in compiled.binds.items()
        if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    columns = statement.selected_columns
    readers = tuple(
        (index, process)
        for index, column in enumerate(columns)
        if (process := column.type.dialect_impl(dialect).result_processor(dialect, None))
        is not None
    )
    escaped = compiled.escaped_bind_names
    return _Plan(
        sql=str(compiled),
        positional=tuple(compiled.positiontup or ()) if compiled.positional else None,
        named=tuple((name, escaped.get(name, name)) for name in compiled.binds),
        fixed=tuple(
            (name, bind.effective_value)
            for name, bind in compiled.binds.items()
            if not bind.required
        ),
        binders=binders,
        keys=tuple(str(column.key) for column in columns),
        readers=readers,
    )


def fetch(
    session: Session | Connection, statement: Select[Any], parameters: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The rows of `statement` (a select made once, its values bound by name) as dicts by
    column key, in the session's transaction."""
    connection = connection_of(session)
    if connection.dialect.name != "sqlite":
        # The driver path is measured and tested on SQLite; elsewhere a column's converter
        # may need the type the cursor reports (PostgreSQL's NUMERIC), which only
        # SQLAlchemy's own execution passes: run the same statement through it.
        result = connection.execute(statement, dict(parameters))
        return [dict(row) for row in result.mappings()]
    plan = _plan(statement, connection.dialect)
    values = dict(plan.fixed)
    values.update(parameters)
    for name, bind in plan.binders:
        values[name] = bind(values[name])
    bound: Sequence[Any] | Mapping[str, Any]
    if plan.positional is not None:
        bound = [values[name] for name in plan.positional]
    else:
        bound = {driver: values[name] for name, driver in plan.named}
    rows = on_driver(connection, plan.sql, bound)
    keys = plan.keys
    if not plan.readers:
        return [dict(zip(keys, row, strict=True)) for row in rows]
    found: list[Mapping[str, Any]] = []
    for row in rows:
        converted = list(row)
        for index, read in plan.readers:
            converted[index] = read(converted[index])
        found.append(dict(zip(keys, converted, strict=True)))
    return found
