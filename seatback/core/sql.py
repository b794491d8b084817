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
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.signals import post_save, pre_save

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
) -> tuple[tuple[str, ...], tuple[tuple[Any, tuple[Converter, ...]], ...]]:
    """The concrete fields' attribute names, and per field the column expression and the
    converters the ORM's compiler would run on its value (backend first, then the
    field's own), for this database."""
    out = []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        out.append((col, tuple(found)))
    return tuple(f.attname for f in model._meta.concrete_fields), tuple(out)


def instance(model: type[M], row: Sequence[Any], offset: int = 0) -> M:
    """The model instance whose columns start at `offset` in `row` (as `columns` selected
    them), loaded as the ORM loads one (`from_db`: no signals, _state.adding False)."""
    names, fields = _converters(model, connection.vendor)
    values = []
    for i, (col, converters) in enumerate(fields):
        value = row[offset + i]
        for convert in converters:
            value = convert(value, col, connection)
        values.append(value)
    return model.from_db(connection.alias, names, values)


def when(moment: datetime) -> Any:
    """A datetime as a statement parameter, stored as the ORM stores it (SQLite: naive UTC
    text; PostgreSQL: as it is)."""
    return connection.ops.adapt_datetimefield_value(moment)


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Statement:
    """A statement and its parameters, to be sent together with others (batch)."""

    text: str
    params: Sequence[Any] = ()


def batch(statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """Each statement's rows, in order (a statement that returns none: []).

    PostgreSQL: in one round trip. Django's psycopg cursor binds parameters on the client
    and sends the statements as one simple query; in READ COMMITTED each statement still
    reads its own snapshot, taken when it starts, so a read placed after a row lock sees
    what the lock waited for. A failing statement aborts the rest and, as the callers are
    inside a transaction, the transaction (outside one, PostgreSQL would roll back the
    batch's earlier statements too). It needs Django's default client-side binding.
    SQLite runs in-process, with no round trip to save: one by one.

    Each statement must take exactly its own parameters (checked: joined, a statement's
    extra parameter would silently go to the next)."""
    for statement in statements:
        if _placeholders(statement.text) != len(statement.params):
            raise ValueError(f"batch: {len(statement.params)} parameters for {statement.text!r}")
    found: list[list[tuple[Any, ...]]] = []
    if not statements:
        return found
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for statement in statements:
                cursor.execute(statement.text, statement.params)
                found.append(cursor.fetchall() if cursor.description is not None else [])
            return found
        cursor.execute(
            "; ".join(s.text for s in statements), [p for s in statements for p in s.params]
        )
        while True:
            found.append(cursor.fetchall() if cursor.description is not None else [])
            if not cursor.nextset():
                break
    if len(found) != len(statements):  # never: one result per statement
        raise RuntimeError(f"batch: {len(statements)} statements, {len(found)} results")
    return found


@lru_cache(maxsize=256)  # the hot paths' few statements, however many others pass by
def _placeholders(text: str) -> int:
    return text.replace("%%", "").count("%s")


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


@cache
def _insert_sql(model: type[models.Model], vendor: str) -> tuple[str, tuple[models.Field, ...]]:
    quote = connection.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608
    return statement, fields


def insert(obj: M) -> M:
    """Insert a new instance as `Model.objects.create` would (its fields' defaults and
    pre_save, the database's own value adaptation, pre_save and post_save signals), in one
    statement built once per model; the instance gets its primary key."""
    model = type(obj)
    using = connection.alias
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    statement, fields = _insert_sql(model, connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, using
    post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
    return obj


def insert_many(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model in one statement, as `bulk_create` would (their
    fields' defaults and pre_save, no signals); the instances do not get their keys."""
    if not objs:
        return
    model = type(objs[0])
    statement, fields = _insert_sql(model, connection.vendor)
    head = statement.partition(" VALUES ")[0]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    execute(f"{head} VALUES {', '.join([row] * len(objs))}", params)


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name  # a column, not a reverse relation
    return field


@cache
def _update_sql(
    model: type[models.Model], names: tuple[str, ...], unless: str | None, vendor: str
) -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    sets = ", ".join(f"{quote(_field(model, n).column)} = %s" for n in names)
    guard = f" AND {quote(_field(model, unless).column)} IS NULL" if unless else ""
    where = f"WHERE {quote(meta.pk.column)} = %s{guard}"
    return f"UPDATE {quote(meta.db_table)} SET {sets} {where}"  # noqa: S608


def update(obj: models.Model, *names: str, unless_set: str | None = None) -> int:
    """Write these fields of the instance, as they are now, to its row (as
    `filter(pk=...).update(...)` would, without signals); with `unless_set`, only while that
    column is still NULL. The number of rows changed (0 or 1)."""
    fields = [_field(type(obj), n) for n in names]
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    statement = _update_sql(type(obj), names, unless_set, connection.vendor)
    return execute(statement, [*params, obj.pk])
