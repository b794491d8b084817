"""Parsing the back office's small forms: local dates and times in the library's zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from seatback.core.inputs import EARLIEST_YEAR, LATEST_YEAR
from seatback.library.policy import Policy

TIME = re.compile(r"^\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?\s*$")


def parse_local_time(text: str) -> time | None:
    """'15:20' or '15:20:05' (a full-width colon is fine) -> time; None if it is not one."""
    match = TIME.match(text or "")
    if not match:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def parse_local_date(text: str) -> date | None:
    """A date in the years every database holds (year 1 or 9999 would overflow: None)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year < LATEST_YEAR else None


def local_instant(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=Policy.zone())


def parse_local_datetime(text: str) -> datetime | None:
    """'2026-12-01T18:00' (what <input type=datetime-local> sends) in the library's zone."""
    day_text, _sep, time_text = (text or "").strip().replace(" ", "T").partition("T")
    day, moment = parse_local_date(day_text), parse_local_time(time_text or "23:59")
    if day is None or moment is None:
        return None
    return local_instant(day, moment)


def local_today(now: datetime) -> date:
    return now.astimezone(Policy.zone()).date()
