"""`seatback simulate --room ROOM [KEY=VALUE ...]`: what a policy change would do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seatback.analytics.management.commands.rollup import parse_day
from seatback.analytics.whatif import SIMULATED_KEYS, UnsimulatedKey, WhatIf, what_if
from seatback.analytics.words import FIGURE_NAMES
from seatback.core import clock
from seatback.library.management.commands.policy import find_room, parse_assignments
from seatback.library.policy import Policy, PolicyError

DEFAULT_DAYS = 28


def percent(error: float | None) -> str:
    return "-" if error is None else f"{error * 100:+.1f}%"


def report_lines(result: WhatIf) -> list[str]:
    b, rec = result.behaviour, result.recorded
    peak = max(range(24), key=lambda h: b.arrivals_per_hour[h])
    weekend = (
        _(" (%.0f on a weekend day)") % sum(b.weekend_arrivals_per_hour)
        if b.weekend_arrivals_per_hour
        else ""
    )
    lines = [
        _(
            "%(room)s: %(seats)d seats; records of %(first)s to %(last)s (%(days)d days); "
            "seed %(seed)d, %(runs)d simulated days per policy"
        )
        % {
            "room": result.room.name,
            "seats": rec.seats,
            "first": result.first,
            "last": result.last,
            "days": rec.days,
            "seed": result.seed,
            "runs": result.runs,
        },
        _(
            "Calibrated: %(arrivals).0f arrivals a day%(weekend)s (most at %(peak)02d:00, "
            "%(peak_rate).1f an hour); stays of %(stay).0f min; a break every %(gap).0f "
            "min, %(brk).0f min long (%(declared).0f%% declared); %(behind).0f%% leave "
            "things behind; claims %(delay).1f min after the deadline"
        )
        % {
            "arrivals": sum(b.arrivals_per_hour),
            "weekend": weekend,
            "peak": peak,
            "peak_rate": b.arrivals_per_hour[peak],
            "stay": b.stay_minutes,
            "gap": b.break_every_minutes,
            "brk": b.break_minutes,
            "declared": b.declared_share * 100,
            "behind": b.leave_behind_share * 100,
            "delay": b.claim_delay_minutes,
        },
        _("Validation, current policy, per day (recorded → simulated):"),
    ]
    for name, recorded, simulated, error in result.validation.rows:
        lines.append(f"  {FIGURE_NAMES[name]}: {recorded:g} → {simulated:g} ({percent(error)})")
    lines.append(_("  mean error: %s") % percent(result.validation.error))
    if result.changes:
        changed = ", ".join(f"{key}={value}" for key, value in result.changes.items())
        lines.append(_("Predicted per day, current policy → %s:") % changed)
    else:
        lines.append(_("Predicted per day, current policy:"))
    for name, now, then, change, spread in result.rows():
        if then is None:
            lines.append(f"  {FIGURE_NAMES[name]}: {now:g}")
        else:
            noise = f" ± {spread:g}" if spread is not None else ""
            lines.append(f"  {FIGURE_NAMES[name]}: {now:g} → {then:g} ({change:+g}{noise})")
    if result.changes:
        lines.append(_("(± the standard error of the change: the same seeds under both policies)"))
    return lines


class Command(BaseCommand):
    help = (
        "Calibrate a simulation of a day in a room from its records, check it against them, "
        "and predict what other policy values would do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--room", required=True)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of records")
        parser.add_argument("--since", help="first day of records (instead of --days)")
        parser.add_argument("--until", help="last day of records (default: yesterday)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--runs",
            type=int,
            help="simulated days per policy (default: as many as recorded, at least 60)",
        )
        parser.add_argument(
            "--declared-share",
            type=float,
            default=0.4,
            help="share of breaks readers declare as step-outs (not in the records)",
        )
        parser.add_argument(
            "assignments",
            nargs="*",
            metavar="KEY=VALUE",
            help="policy values to try: " + ", ".join(SIMULATED_KEYS),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        room = find_room(options["room"])
        now = clock.now()
        yesterday = now.astimezone(Policy.zone()).date() - timedelta(days=1)
        last = parse_day(options["until"]) if options["until"] else yesterday
        if not 1 <= options["days"] <= 366:
            raise CommandError(_("--days must be from 1 to 366"))
        first = (
            parse_day(options["since"])
            if options["since"]
            else last - timedelta(days=options["days"] - 1)
        )
        if first > last:
            raise CommandError(_("the first day is after the last"))
        if not 0 < options["declared_share"] <= 1:
            raise CommandError(_("--declared-share must be above 0 and at most 1"))
        if options["runs"] is not None and not 1 <= options["runs"] <= 1000:
            raise CommandError(_("--runs must be from 1 to 1000"))
        changes = parse_assignments(options["assignments"])
        try:
            result = what_if(
                room,
                first,
                last,
                now,
                changes,
                seed=options["seed"],
                runs=options["runs"],
                declared_share=options["declared_share"],
            )
        except PolicyError as error:
            raise CommandError(str(error)) from None
        except UnsimulatedKey as error:
            raise CommandError(
                _("%(key)s is not simulated; try: %(keys)s")
                % {"key": error.key, "keys": ", ".join(SIMULATED_KEYS)}
            ) from None
        self.stdout.write("\n".join(report_lines(result)))
