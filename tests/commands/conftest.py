"""Helpers for the command tests: CSV files on disk, the real `seatback` script, row counts."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from tests.core.test_settings import clean_env

SEATBACK_SCRIPT = Path(sys.executable).parent / "seatback"


def write_csv(
    directory: Path, name: str, text: str, *, bom: bool = False, crlf: bool = False
) -> Path:
    """A CSV file as Excel or a text editor would save it."""
    body = text.lstrip("\n")
    if crlf:
        body = body.replace("\n", "\r\n")
    path = directory / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    return path


def run(*args: Any, language: str | None = "en") -> tuple[str, str]:
    """call_command, in English unless told otherwise; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    if language is None:
        call_command(*args, stdout=out, stderr=err)
    else:
        with translation.override(language):
            call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    return {
        "readers": Reader.objects.count(),
        "rooms": Room.objects.count(),
        "seats": Seat.objects.count(),
    }


def database_url() -> str:
    """A DATABASE_URL naming the test database this process uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgresql://{user}{password}@{host}/{db['NAME']}"


def run_script(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The installed `seatback` console script, on this test database."""
    if not SEATBACK_SCRIPT.exists():
        pytest.fail(f"the seatback console script is not installed at {SEATBACK_SCRIPT}")
    return subprocess.run(
        [str(SEATBACK_SCRIPT), *args],
        env=clean_env(
            {
                "DATABASE_URL": database_url(),
                "SEATBACK_DATA_DIR": str(data_dir),
                "SECRET_KEY": "x" * 50,
            }
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
