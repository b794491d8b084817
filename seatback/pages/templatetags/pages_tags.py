from __future__ import annotations

import math
from datetime import datetime

from django import template

from seatback.library.policy import Policy

register = template.Library()


@register.filter
def iso(moment: datetime | None) -> str:
    """ISO 8601 with the library's offset and milliseconds, which every phone browser parses."""
    if moment is None:
        return ""
    return moment.astimezone(Policy.zone()).isoformat(timespec="milliseconds")


@register.filter
def mmss(seconds: float) -> str:
    """A countdown's digits: 19:59, or 1:05:00 past an hour."""
    total = max(0, math.ceil(seconds))  # as the page's script counts: 19:59.5 shows 20:00
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


TABS = {
    "pages:home": "home",
    "pages:find": "find",
    "reservations:book": "book",
    "reservations:mine": "book",
    "reservations:history": "book",
    "pages:me": "me",
}


@register.simple_tag(takes_context=True)
def current_tab(context: template.Context) -> str:
    """Which tab of the bottom bar the page belongs to ("" for none)."""
    match = getattr(context.get("request"), "resolver_match", None)
    return TABS.get(getattr(match, "view_name", ""), "")
