"""What a seat card needs for the presence checks: which ones its room asks for."""

from __future__ import annotations

from typing import Any

from django import template

from seatback.core import clock
from seatback.library.models import Seat
from seatback.library.policy import parse_checks
from seatback.presence.checks import PRESENCE_INTENTS, check_rotating, window_ends
from seatback.presence.evidence import SESSION_KEY

register = template.Library()


@register.inclusion_tag("pages/_seat_presence.html", takes_context=True)
def seat_presence(context: template.Context, seat: Seat, view: Any) -> dict[str, Any]:
    """The room code field and the page's presence needs, for a card that offers an
    intent asserting presence (the page script then sends the position and the code)."""
    values = seat.room.effective_policy().values
    checks = parse_checks("presence", values["presence"])
    offered = [view.primary, *view.secondary] if view.primary else list(view.secondary)
    asserts = any(getattr(a, "intent", None) in PRESENCE_INTENTS for a in offered if a)
    rotating = asserts and "rotating" in checks
    return {
        "needs": " ".join(checks) if asserts else "",
        "rotating": rotating,
        "scanned_until": _scanned_until(context, seat, int(values["rotating_seconds"]))
        if rotating
        else None,
        "seat": seat,
    }


def _scanned_until(context: template.Context, seat: Seat, seconds: int) -> Any:
    """Until when the code this phone brought from the room's screen (/here) counts."""
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None:
        return None
    code = str(session.get(SESSION_KEY, {}).get(str(seat.room_id), ""))
    verdict = check_rotating(code, seat.room_id, seconds, clock.now())
    return window_ends(verdict.detail["window"] + 1, seconds) if verdict.ok else None
