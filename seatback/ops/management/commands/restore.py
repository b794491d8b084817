"""`seatback restore FILE`: replace the whole database with a backup (ops/backups.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seatback.ops import backups


class Command(BaseCommand):
    help = "Replace everything in the database with the backup FILE (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, file: str, yes: bool, **options: Any) -> None:
        path = Path(file)
        try:
            fmt = backups.detect(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        if not yes:
            answer = input(f"Replace everything in the database with {path} ({fmt})? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("nothing was changed")

        def progress(line: str) -> None:
            self.stderr.write(f"restore: {line}")

        try:
            backups.restore(path, progress)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restore: the database is now {path} ({fmt})")
