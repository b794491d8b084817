"""`seatback backup FILE` and `seatback restore FILE` (issue 22), online, both databases.

- SQLite: SQLite's online backup API copies the live database page by page into FILE (a
  SQLite file) while the server keeps serving; a restore copies FILE back the same way.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, the server keeps serving)
  and `pg_restore --clean --if-exists` when they are on the PATH.
- Either, or with `--format json`: Django's dumpdata / loaddata, which any database can
  read back (e.g. moving from SQLite to PostgreSQL).

Progress goes to standard error; `restore` replaces everything in the database.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

Progress = Callable[[str], None]
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Pages copied per step of SQLite's backup: small steps let writers in between.
SQLITE_STEP_PAGES = 256
# Not data: made again by `migrate`, and contenttypes ids differ between databases.
JSON_BATCH = 2000
JSON_EXCLUDE = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


class BackupError(Exception):
    pass


def detect(path: Path) -> str:
    """sqlite, pgdump or json, from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    if head.lstrip()[:1] == b"[":
        return "json"
    raise BackupError(f"{path}: not a Seatback backup (SQLite, pg_dump or JSON)")


def native_format() -> str:
    if connection.vendor == "sqlite":
        return "sqlite"
    if connection.vendor == "postgresql" and shutil.which("pg_dump") and shutil.which("pg_restore"):
        return "pgdump"
    return "json"


def backup(path: Path, progress: Progress, fmt: str | None = None) -> str:
    fmt = fmt or native_format()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # never a half-written FILE
    {"sqlite": _sqlite_backup, "pgdump": _pg_dump, "json": _json_dump}[fmt](partial, progress)
    partial.replace(path)
    return fmt


def restore(path: Path, progress: Progress) -> str:
    fmt = detect(path)
    if fmt == "sqlite" and connection.vendor != "sqlite":
        raise BackupError(f"{path}: a SQLite backup; this database is {connection.vendor}")
    if fmt == "pgdump" and connection.vendor != "postgresql":
        raise BackupError(f"{path}: a pg_dump backup; this database is {connection.vendor}")
    {"sqlite": _sqlite_restore, "pgdump": _pg_restore, "json": _json_load}[fmt](path, progress)
    return fmt


# -- SQLite ------------------------------------------------------------------------------


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress) -> None:
    shown = -1

    def report(_status: int, remaining: int, total: int) -> None:
        nonlocal shown
        percent = 100 * (total - remaining) // max(total, 1)
        if percent // 10 != shown // 10 or remaining == 0:
            shown = percent
            progress(f"copied {total - remaining:,}/{total:,} pages ({percent}%)")

    source.backup(target, pages=SQLITE_STEP_PAGES, progress=report)


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(path: Path, progress: Progress) -> None:
    target = sqlite3.connect(path)
    try:
        _copy(_raw_sqlite(), target, progress)
    finally:
        target.close()


def _sqlite_restore(path: Path, progress: Progress) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _copy(source, _raw_sqlite(), progress)
    finally:
        source.close()


# -- PostgreSQL --------------------------------------------------------------------------


def _pg_env() -> tuple[list[str], dict[str, str]]:
    import os

    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    args += ["--username", str(db.get("USER") or "postgres"), "--no-password"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run_verbose(command: list[str], env: dict[str, str], progress: Progress) -> None:
    """Run pg_dump / pg_restore with --verbose, passing its progress lines on."""
    process = subprocess.Popen(  # noqa: S603 - PostgreSQL's own tools, no shell
        command, env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    errors = []
    for line in process.stderr:
        line = line.rstrip()
        if ": error:" in line or "FATAL" in line:
            errors.append(line)
        elif "dumping contents of table" in line or "processing data for table" in line:
            progress(line.split(": ", 1)[-1])
    if process.wait() != 0:
        raise BackupError("; ".join(errors) or f"{command[0]} failed ({process.returncode})")


def _pg_dump(path: Path, progress: Progress) -> None:
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    command = ["pg_dump", *args, "--format=custom", "--verbose", "--file", str(path), name]
    _run_verbose(command, env, progress)


def _pg_restore(path: Path, progress: Progress) -> None:
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    connection.close()  # our own idle connection must not hold the tables being replaced
    command = [
        "pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--verbose", "--dbname", name, str(path),
    ]  # fmt: skip
    _run_verbose(command, env, progress)


# -- JSON (any database) -----------------------------------------------------------------


def _json_dump(path: Path, progress: Progress) -> None:
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in JSON_EXCLUDE
        and model._meta.label_lower not in JSON_EXCLUDE
        and model._meta.managed
        and not model._meta.proxy
    ]
    with transaction.atomic(), path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        first = True
        for number, model in enumerate(models, 1):
            count = 0
            batch: list[Any] = []
            rows = model._default_manager.order_by("pk").iterator(chunk_size=JSON_BATCH)
            for row in [*rows, None]:
                if row is not None:
                    batch.append(row)
                if len(batch) < JSON_BATCH and row is not None:
                    continue
                for item in json.loads(serializers.serialize("json", batch)):
                    out.write(("" if first else ",\n") + json.dumps(item, ensure_ascii=False))
                    first = False
                count += len(batch)
                batch = []
            progress(f"{model._meta.label}: {count:,} rows ({number}/{len(models)})")
        out.write("\n]\n")


def _json_load(path: Path, progress: Progress) -> None:
    with transaction.atomic():
        progress("emptying the database")
        call_command("flush", interactive=False, verbosity=0)
        progress("loading the backup")
        # loaddata knows a fixture's format by its name: show it the file as backup.json.
        with tempfile.TemporaryDirectory(prefix="seatback-restore-") as folder:
            named = Path(folder) / "backup.json"
            named.symlink_to(path.resolve())
            call_command("loaddata", str(named), verbosity=0)
    progress("loaded")
