"""Hand-written SQL for the few paths a rush runs thousands of times a second (a scan, a seat
read), where Django building each statement costs far more than the database running it.

A profile of one scan (docs/benchmarks.md, issue 17) spent most of its time in the ORM
compiling its SELECTs, not in SQLite or PostgreSQL. Here a statement is written once, its
column list taken from the model, and its rows turned into model instances with the very
converters Django's compiler would apply, so what comes back is what the ORM would give.
Everything else keeps using the ORM; the database constraints stay the guard either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]


def columns(model: type[models.Model], alias: str | None = None) -> str:
    """The model's concrete columns, in field order, as a select list ("alias"."col", ...)."""
    quote = connection.ops.quote_name
    table = quote(alias or model._meta.db_table)
    return ", ".join(f"{table}.{quote(f.column)}" for f in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    """How many columns `columns(model)` selects."""
    return len(model._meta.concrete_fields)


@cache
def _converters(
    model: type[models.Model], vendor: str
) -> tuple[tuple[Any, tuple[Converter, ...]], ...]:
    """Per concrete field: the column expression and the converters the ORM's compiler
    would run on its value (backend first, then the field's own), for this database."""
    out = []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        out.append((col, tuple(found)))
    return tuple(out)


def instance(model: type[M], row: Sequence[Any], offset: int = 0) -> M:
    """The model instance whose columns start at `offset` in `row` (as `columns` selected
    them), loaded as the ORM loads one (`from_db`: no signals, _state.adding False)."""
    fields = _converters(model, connection.vendor)
    values = []
    for i, (col, converters) in enumerate(fields):
        value = row[offset + i]
        for convert in converters:
            value = convert(value, col, connection)
        values.append(value)
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, values)


def when(moment: datetime) -> Any:
    """A datetime as a statement parameter, stored as the ORM stores it (SQLite: naive UTC
    text; PostgreSQL: as it is)."""
    return connection.ops.adapt_datetimefield_value(moment)


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a write; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def for_update(of: str) -> str:
    """The row-lock clause for PostgreSQL (FOR NO KEY UPDATE OF one table); SQLite locks
    the whole database at BEGIN IMMEDIATE and has no such clause."""
    if connection.vendor == "postgresql":
        return f" FOR NO KEY UPDATE OF {connection.ops.quote_name(of)}"
    return ""
