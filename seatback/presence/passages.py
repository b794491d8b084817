"""Where an entrance-gate system plugs into presence (the `gate` check).

Presence sits below the gates app: it cannot import it. The gates app registers itself
here when it starts (gates/apps.py). Without gates nobody has come in through one, and a
room asking for the `gate` check refuses every scan ("no_gate_events").
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class PassageSource(Protocol):
    def inside(self, reader_id: int, hours: int, now: datetime) -> tuple[bool, str]:
        """Is the reader inside at `now`, having come in within `hours`? Returns
        (passed, reason): reason is "ok" or a machine word such as "left"."""
        ...


class NoGates:
    def inside(self, reader_id: int, hours: int, now: datetime) -> tuple[bool, str]:
        return False, "no_gate_events"


_source: PassageSource = NoGates()


def register(source: PassageSource) -> None:
    global _source
    _source = source


def source() -> PassageSource:
    return _source
