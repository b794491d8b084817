"""Settings come from the environment; a bad value is a one-line startup error naming it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SEATBACK = [sys.executable, "-m", "seatback.cli"]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without Seatback's variables, plus `extra`."""
    ours = ("DJANGO_", "SEATBACK_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**env, **extra}


def run_seatback(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SEATBACK, *args],
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/seatback"),
        ("DATABASE_URL", "sqlite://"),
        ("SEATBACK_TIME_ZONE", "Mars/Olympus_Mons"),
        ("SEATBACK_DEBUG", "maybe"),
        ("SEATBACK_WORKERS", "two"),
        ("SEATBACK_BASE_URL", "library.example.edu"),
        ("REDIS_URL", "memcached://localhost"),
        ("SEATBACK_LOCAL_SIGN_IN", "maybe"),
        ("SEATBACK_CAS_SERVER_URL", "cas.example.edu"),
        ("SEATBACK_CAS_ATTRIBUTES", "name=cn"),
        ("SEATBACK_LDAP_ATTRIBUTES", "card_number=uid,shoe_size=x"),
        ("SEATBACK_LDAP_FILTER", "(uid=*)"),
        ("SEATBACK_OIDC_CLAIMS", "card_number"),
    ],
)
def test_a_bad_value_stops_startup_with_one_line_naming_the_variable(
    tmp_path: object, variable: str, value: str
) -> None:
    result = run_seatback("check", env={"SEATBACK_DATA_DIR": str(tmp_path), variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_an_unreachable_database_url_makes_serve_exit_with_one_line(tmp_path: object) -> None:
    result = run_seatback(
        "serve",
        "--port",
        "1",
        env={
            "SEATBACK_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
        },
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("seatback: DATABASE_URL: cannot connect")


def test_embedded_default_is_sqlite_in_the_data_dir_with_wal_and_immediate(
    tmp_path: object,
) -> None:
    code = (
        "from django.conf import settings; from django.db import connection; "
        "db = settings.DATABASES['default']; connection.ensure_connection(); "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(db['NAME']); print(c.fetchone()[0]); "
        "print(db['OPTIONS']['transaction_mode']); print(settings.TIME_ZONE)"
    )
    result = run_seatback("shell", "-c", code, env={"SEATBACK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    name, journal, mode, zone = result.stdout.split()[-4:]
    assert name == f"{tmp_path}/seatback.sqlite3"
    assert (journal, mode, zone) == ("wal", "IMMEDIATE", "Asia/Shanghai")


@pytest.mark.parametrize(
    ("extra", "trusted"),
    [
        ({}, "[]"),  # no proxy: the peer's own address, no header read at all
        ({"SEATBACK_BEHIND_PROXY": "true"}, "['127.0.0.1/32', '::1/128']"),
        (
            {"SEATBACK_BEHIND_PROXY": "true", "SEATBACK_TRUSTED_PROXIES": "10.0.0.5"},
            "['10.0.0.5']",
        ),
    ],
)
def test_behind_a_proxy_only_a_proxy_on_this_machine_is_believed_unless_told(
    tmp_path: object, extra: dict[str, str], trusted: str
) -> None:
    """Otherwise anyone reaching the app port directly could claim any address."""
    result = run_seatback(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXIES)",
        env={"SEATBACK_DATA_DIR": str(tmp_path), **extra},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == trusted


def test_an_unreachable_redis_url_makes_serve_exit_with_one_line(tmp_path: object) -> None:
    """Issue 22: it started silently, then every request, /healthz included, was a 500."""
    result = run_seatback(
        "serve",
        "--port",
        "1",
        env={"SEATBACK_DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:9/0"},
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("seatback: REDIS_URL: cannot connect to Redis")


@pytest.mark.parametrize(("value", "pragma"), [("", "1"), ("full", "2")])
def test_sqlite_durability_can_be_made_stricter(tmp_path: object, value: str, pragma: str) -> None:
    """NORMAL (1) survives a crash of Seatback; FULL (2) a power cut too (operations.md)."""
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA synchronous'); print(c.fetchone()[0])"
    )
    env = {"SEATBACK_DATA_DIR": str(tmp_path)}
    if value:
        env["SEATBACK_SQLITE_SYNCHRONOUS"] = value
    result = run_seatback("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == pragma
