"""`seatback rollup [--since DAY] [--until DAY] [--redo]`: store past days' figures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seatback.analytics.rollup import first_record_day, roll_up
from seatback.core import clock
from seatback.library.policy import Policy


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("%(value)r is not a date like 2026-12-01") % {"value": text}) from None


class Command(BaseCommand):
    help = (
        "Store the figures of every day that is over and not rolled up yet (run it nightly; "
        "any number may run at once: each day is claimed by one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="first day (default: the oldest record's day)")
        parser.add_argument("--until", help="last day (default: yesterday)")
        parser.add_argument("--redo", action="store_true", help="compute those days again")

    def handle(
        self, *args: Any, since: str | None, until: str | None, redo: bool, **options: Any
    ) -> None:
        now = clock.now()
        yesterday = now.astimezone(Policy.zone()).date() - timedelta(days=1)
        first = parse_day(since) if since else first_record_day()
        last = parse_day(until) if until else yesterday
        if first is None:
            self.stdout.write(_("nothing recorded yet"))
            return
        done = roll_up(first, last, now, redo=redo)
        self.stdout.write(
            _("rolled up %(count)d day(s): %(days)s")
            % {"count": len(done), "days": ", ".join(str(day) for day in done) or "-"}
        )
