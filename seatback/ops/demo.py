"""A staged seat dispute for the demo library, for a librarian to settle from the timeline.

The story (docs/backoffice.md): at 14:00 reader A finds things and nobody on the seat and
starts the clock; at 14:04 reader B comes back ("I'm back") and holds the seat. At 15:10 A
starts the clock again while B is away; A tries to take the seat too early at 15:20, takes
it at 15:32 after the allowance ran out; B comes back at 15:38, too late. Both now stand at
the seat. The timeline shows who held it when: B until 15:32, then A.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from seatback.core.errors import Refusal
from seatback.library.models import Seat
from seatback.library.policy import Policy
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import ScanRecord

ROOM, LABEL = "二楼东自习室", "C-05"
CHALLENGER, OCCUPANT = "20260001", "20260002"
PHONE_A = Evidence(
    address="10.12.3.45",
    client="Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0.49 WeChat/arm64",
)
PHONE_B = Evidence(
    address="10.12.7.8",
    client="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.48",
)
# (who, intent, local time) — the scans of the story, in order.
SCRIPT = (
    (CHALLENGER, "challenge", "14:00"),
    (OCCUPANT, "return", "14:04"),
    (CHALLENGER, "challenge", "15:10"),
    (CHALLENGER, "claim", "15:20"),  # refused: too early
    (CHALLENGER, "claim", "15:32"),
    (OCCUPANT, "return", "15:38"),  # refused: nothing to return to
)
ASK_AT = "15:20"


@dataclass
class StagedDispute:
    seat: Seat
    day: date


def _day(now: datetime) -> date:
    """Today if the story is over by now (local 15:45), else yesterday."""
    local = now.astimezone(Policy.zone())
    if local.time() >= time(15, 45):
        return local.date()
    return local.date() - timedelta(days=1)


def stage_dispute(now: datetime) -> StagedDispute | None:
    """Play the story on seat C-05 of 二楼东自习室, once: a seat with scans is left alone."""
    seat = Seat.objects.select_related("room__library").filter(room__name=ROOM, label=LABEL).first()
    readers = {
        reader.card_number: reader
        for reader in Reader.objects.filter(card_number__in=[CHALLENGER, OCCUPANT])
    }
    if seat is None or len(readers) < 2:
        return None
    day = _day(now)
    if ScanRecord.objects.filter(seat=seat).exists():
        return StagedDispute(seat, day)
    for card, intent, hhmm in SCRIPT:
        hours, minutes = (int(part) for part in hhmm.split(":"))
        moment = datetime.combine(day, time(hours, minutes), tzinfo=Policy.zone())
        evidence = PHONE_A if card == CHALLENGER else PHONE_B
        with contextlib.suppress(Refusal):  # two of the scans are meant to be refused
            services.perform(seat, readers[card], intent, now=moment, evidence=evidence)
    return StagedDispute(seat, day)


def room_drawing(columns: int, rows: int) -> dict[str, Any]:
    """A demo room's floor plan for seats laid out as `build_demo` places them: rows 1.5
    apart, an aisle after the middle column; a desk in front of each half-row, windows on
    the left wall and a door in the bottom wall."""
    half = columns // 2
    right = columns + 1.5
    bottom = (rows - 1) * 1.5 + 2.0
    door = [[right / 2 - 1.0, bottom], [right / 2 + 1.0, bottom]]
    shapes: list[dict[str, Any]] = [
        {
            "kind": "wall",
            "points": [
                door[0],
                [-1.5, bottom],
                [-1.5, -1.5],
                [right, -1.5],
                [right, bottom],
                door[1],
            ],
        },
        {"kind": "door", "points": door, "name": "正门"},
        {"kind": "window", "points": [[-1.5, 0], [-1.5, bottom - 1.5]]},
    ]
    for row in range(rows):
        y = row * 1.5 + 0.45
        shapes.append({"kind": "desk", "x": -0.45, "y": y, "w": half - 0.1, "h": 0.5})
        shapes.append(
            {"kind": "desk", "x": half + 0.55, "y": y, "w": columns - half - 0.1, "h": 0.5}
        )
    return {"shapes": shapes}
