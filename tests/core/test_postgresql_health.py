"""The PostgreSQL backend's health check (core/postgresql): a quiet connection is taken
as it is, with nothing sent; one the server has closed is found out before a request
uses it, and replaced."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")


def _other() -> psycopg.Connection:
    params = connection.get_connection_params()
    keys = ("host", "port", "user", "password", "dbname")
    return psycopg.connect(**{k: v for k, v in params.items() if k in keys}, autocommit=True)


def _last_statement(pid: int) -> str:
    with _other() as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def _terminated(pid: int) -> None:
    """Until the server has ended backend `pid` (no sleep: each look is a query)."""
    with _other() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100_000):
            if (
                other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
                is None
            ):
                return
    raise AssertionError("the backend did not end")


def test_a_quiet_connection_is_usable_without_a_statement() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    assert _last_statement(pid) == "SELECT 'the last statement'"


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it() -> None:
    connection.ensure_connection()
    _terminated(connection.connection.info.backend_pid)
    assert not connection.is_usable()
    # What Django does before a request's first statement (CONN_HEALTH_CHECKS).
    connection.health_check_done = False  # type: ignore[attr-defined]
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_control_without_the_check_the_first_statement_fails() -> None:
    connection.ensure_connection()
    _terminated(connection.connection.info.backend_pid)
    try:
        with pytest.raises(OperationalError), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()
