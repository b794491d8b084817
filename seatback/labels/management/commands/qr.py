"""`seatback qr export [--room ROOM] --format pdf|svg|csv -o OUT` and `seatback qr revoke`."""

from __future__ import annotations

import shlex
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seatback.core import clock
from seatback.labels import codes, services, sheets
from seatback.library.management.commands.policy import find_room
from seatback.library.models import Room, Seat


class Command(BaseCommand):
    help = "Print seat QR labels (pdf, svg, csv) and give seats new codes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="export|revoke")
        export = actions.add_parser(
            "export",
            help="write printable seat labels",
            description="Write the labels of the active seats: pdf = A4 sheets of 3 x 8 "
            "labels (70 x 37 mm); svg = one SVG per seat in a folder per room, into the "
            "folder OUT or the zip file OUT.zip; csv = room,label,code,url ('-o -' for "
            "standard output). Without --room: every active room.",
        )
        export.add_argument("--room", action="append", default=[], help="a room (repeatable)")
        export.add_argument(
            "--label",
            action="append",
            default=[],
            help="only this seat label, e.g. to reprint one label (repeatable)",
        )
        export.add_argument("--format", required=True, choices=["pdf", "svg", "csv"])
        export.add_argument("-o", "--output", required=True, metavar="OUT")
        export.add_argument(
            "--font",
            help="a TrueType font (.ttf or .ttc) with Chinese glyphs to embed in the PDF "
            "(default: WenQuanYi Micro Hei from the paperang-p2-fonts-cjk package, "
            "else a Debian WenQuanYi font)",
        )
        revoke = actions.add_parser(
            "revoke",
            help="give seats new codes",
            description="Give seats new QR codes. The old codes stop working at once and "
            "open a page saying the label is out of date; print new labels with qr export.",
        )
        revoke.add_argument("--room", required=True)
        revoke.add_argument("--label", action="append", default=[], help="repeatable")
        revoke.add_argument(
            "--all", action="store_true", help="every seat of the room (instead of --label)"
        )

    def progress(self, line: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(line)
            self.stderr.flush()

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        if action == "export":
            self.export(**options)
        else:
            self.revoke(**options)

    def select(self, rooms: list[Room], labels: list[str]) -> list[Seat]:
        seats: QuerySet[Seat] = Seat.objects.select_related("room__library")
        seats = seats.filter(room__in=rooms) if rooms else seats.filter(room__active=True)
        if labels:
            seats = seats.filter(label__in=labels)
            missing = sorted(set(labels) - set(seats.values_list("label", flat=True)))
            if missing:
                raise CommandError(_("no seat with the label %s") % ", ".join(missing))
        else:
            seats = seats.filter(active=True)
        return codes.in_print_order(seats)

    def export(
        self, *, room: list[str], label: list[str], format: str, output: str, **options: Any
    ) -> None:
        seats = self.select([find_room(name) for name in room], label)
        if not seats:
            raise CommandError(_("no seats to export"))
        try:
            if format == "pdf":
                pages = sheets.write_pdf(
                    seats, output, font=options.get("font"), progress=self.progress
                )
                line = ngettext(
                    "%(count)d label on %(pages)d A4 pages: %(out)s",
                    "%(count)d labels on %(pages)d A4 pages: %(out)s",
                    len(seats),
                )
                values = {"count": len(seats), "pages": pages, "out": output}
            elif format == "svg":
                sheets.write_svg(seats, output, progress=self.progress)
                line = ngettext(
                    "%(count)d SVG label: %(out)s", "%(count)d SVG labels: %(out)s", len(seats)
                )
                values = {"count": len(seats), "out": output}
            else:
                sheets.write_csv(seats, output)
                line = ngettext("%(count)d seat: %(out)s", "%(count)d seats: %(out)s", len(seats))
                values = {"count": len(seats), "out": output}
        except sheets.LabelError as exc:
            raise CommandError(str(exc)) from None
        if output != "-" and self.verbosity >= 1:
            self.stdout.write(line % values)

    def revoke(self, *, room: str, label: list[str], all: bool, **options: Any) -> None:
        target = find_room(room)
        if bool(label) == bool(all):
            raise CommandError(_("name the seats with --label LABEL, or give --all"))
        every = target.seats.select_related("room__library")
        seats = self.select([target], label) if label else list(every)
        changed = services.reissue(seats, now=clock.now(), actor=None, note="seatback qr revoke")
        for seat, _old in changed:
            self.stdout.write(f"{seat.room.name} {seat.label}: {codes.seat_url(seat.code)}")
        self.stdout.write(
            ngettext(
                "%(count)d seat has a new code; its old label no longer works. Print a new one:",
                "%(count)d seats have new codes; the old labels no longer work. Print new ones:",
                len(seats),
            )
            % {"count": len(seats)}
        )
        command = ["seatback", "qr", "export", "--room", target.name]
        for seat in seats if label else []:
            command += ["--label", seat.label]
        self.stdout.write("  " + shlex.join([*command, "--format", "pdf", "-o", "labels.pdf"]))
