"""What a seat card needs for the presence checks: which ones its room asks for."""

from __future__ import annotations

from typing import Any

from django import template

from seatback.library.models import Seat
from seatback.library.policy import parse_checks
from seatback.presence.checks import PRESENCE_INTENTS

register = template.Library()


@register.inclusion_tag("presence/_seat_presence.html", takes_context=True)
def seat_presence(context: template.Context, seat: Seat, view: Any) -> dict[str, Any]:
    """The room code field and the page's presence needs, for a card that offers an
    intent asserting presence (the page script then sends the position and the code)."""
    checks = parse_checks("presence", seat.room.effective_policy().values["presence"])
    offered = [view.primary, *view.secondary] if view.primary else list(view.secondary)
    asserts = any(getattr(a, "intent", None) in PRESENCE_INTENTS for a in offered if a)
    return {
        "needs": " ".join(checks) if asserts else "",
        "rotating": asserts and "rotating" in checks,
        "seat": seat,
    }
