"""`seatback backup FILE`: an online copy of the whole database (seatback/ops/backups.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seatback.ops import backups


class Command(BaseCommand):
    help = "Copy the whole database into FILE while Seatback keeps serving."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--format",
            choices=["sqlite", "pgdump", "json"],
            help="default: sqlite on SQLite, pgdump on PostgreSQL (json if pg_dump is missing)",
        )

    def handle(self, *args: Any, file: str, format: str | None, **options: Any) -> None:
        path = Path(file)

        def progress(line: str) -> None:
            self.stderr.write(f"backup: {line}")
            sys.stderr.flush()

        try:
            done = backups.backup(path, progress, format)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup: {path} ({done}, {path.stat().st_size:,} bytes)")
