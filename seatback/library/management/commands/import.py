"""`seatback import readers FILE.csv` and `seatback import seats FILE.csv` (spec §4)."""

from __future__ import annotations

import codecs
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seatback.library import imports


class Command(BaseCommand):
    help = (
        "Import readers or seats from a CSV file. Every row is checked first; any bad row "
        "stops the import with nothing written. Running the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        metavar = "|".join(["readers", "seats", *imports.SUBJECTS])
        subjects = parser.add_subparsers(dest="subject", required=True, metavar=metavar)
        readers = subjects.add_parser(
            "readers",
            help="columns card_number,name,password,kind,department",
            description=(
                "Create and update readers from a CSV file with the columns "
                "card_number,name,password,kind,department. The password sets the password "
                "of new readers and of readers who have none; an empty password leaves "
                "new readers without one (they cannot sign in) and existing ones unchanged."
            ),
        )
        readers.add_argument("file", help="the CSV file (UTF-8, with or without BOM)")
        readers.add_argument(
            "--reset-passwords",
            action="store_true",
            help="also replace the password of existing readers with the file's (slow: "
            "every such password is hashed again)",
        )
        readers.add_argument(
            "--fast-hash",
            action="store_true",
            help=f"hash passwords with {imports.FAST_HASH_ITERATIONS:,} PBKDF2 rounds instead "
            "of the full cost; each is re-hashed at full cost when its reader first signs in",
        )
        seats = subjects.add_parser(
            "seats",
            help="columns room,label,floor,x,y,features,reservable",
            description=(
                "Create and update rooms and seats from a CSV file with the columns "
                "room,label,floor,x,y,features,reservable. Missing rooms are created; an "
                "existing seat (same room and label) is updated and keeps its QR code. "
                "Separate features with ';' (or '|')."
            ),
        )
        seats.add_argument("file", help="the CSV file (UTF-8, with or without BOM)")
        for sub in (readers, seats):
            sub.add_argument(
                "--encoding",
                default="utf-8",
                help="the file's text encoding (default utf-8; e.g. gb18030 for a file "
                "saved by Excel as plain 'CSV' on a Chinese Windows)",
            )
            sub.add_argument(
                "--dry-run",
                action="store_true",
                help="check every row and say what would change, without changing anything",
            )
        for name, (help_text, add_arguments, _run) in imports.SUBJECTS.items():
            add_arguments(subjects.add_parser(name, help=help_text, description=help_text))

    def progress(self, line: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(line)
            self.stderr.flush()

    def handle(self, *args: Any, subject: str, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if subject in imports.SUBJECTS:
            try:
                line = imports.SUBJECTS[subject][2](progress=self.progress, **options)
            except imports.BadFile as exc:
                raise CommandError(exc.message()) from None
            if self.verbosity >= 1:
                self.stdout.write(line)
            return
        file, encoding = options["file"], options["encoding"]
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CommandError(_("unknown encoding %r") % encoding) from None
        started = time.perf_counter()
        try:
            if subject == "readers":
                summary = imports.import_readers(
                    file,
                    reset_passwords=bool(options.get("reset_passwords")),
                    fast_hash=bool(options.get("fast_hash")),
                    encoding=encoding,
                    progress=self.progress,
                    dry_run=bool(options.get("dry_run")),
                )
            else:
                summary = imports.import_seats(
                    file,
                    encoding=encoding,
                    progress=self.progress,
                    dry_run=bool(options.get("dry_run")),
                )
        except imports.BadFile as exc:
            raise CommandError(exc.message()) from None
        seconds = time.perf_counter() - started
        if subject == "readers":
            line = _(
                "readers: %(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
                "passwords set: %(passwords)d (%(seconds).1f s)"
            ) % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "passwords": summary.passwords_set,
                "seconds": seconds,
            }
        else:
            line = _(
                "seats: %(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
                "rooms: %(rooms_created)d created, %(rooms_updated)d updated (%(seconds).1f s)"
            ) % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rooms_created": summary.rooms_created,
                "rooms_updated": summary.rooms_updated,
                "seconds": seconds,
            }
        if summary.dry_run:
            line += " " + _("(dry run: nothing was changed)")
        if self.verbosity >= 1:
            self.stdout.write(line)
