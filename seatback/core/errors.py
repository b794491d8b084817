"""Refusals: a machine code from the spec, an HTTP status and a translated sentence."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# code -> (HTTP status, the sentence a reader sees when nothing more specific is said)
REFUSALS: dict[str, tuple[int, Promise]] = {
    "not_authenticated": (401, _("Please sign in first.")),
    "bad_credentials": (401, _("Card number or password is wrong.")),
    "banned": (403, _("Your account is suspended, so you cannot use seats right now.")),
    "unknown_seat": (404, _("This seat code is not known. It may have been replaced.")),
    "invalid_intent": (400, _("That is not something you can do with a seat.")),
    "room_closed": (409, _("The reading room is closed now.")),
    "protected_window": (
        409,
        _("This is a meal break (a protected time): the clock cannot be started now."),
    ),
    "seat_challenged": (409, _("Someone else has already started the clock on this seat.")),
    "holder_away": (409, _("The person sitting here has stepped out and is protected.")),
    "has_active_challenge": (409, _("You already have a clock running on another seat.")),
    "cooldown": (409, _("The person sitting here just came back; the seat is protected.")),
    "too_early": (409, _("The allowance has not run out yet.")),
    "challenge_expired": (409, _("The claim window has passed; the clock has lapsed.")),
    "not_challenger": (403, _("You did not start the clock on this seat.")),
    "nothing_to_return": (409, _("There is nothing to return to: no clock is running here.")),
    "not_holder": (403, _("This seat is held by someone else.")),
    "already_yours": (409, _("This seat is already yours.")),
    "reserved": (409, _("This seat is reserved by someone else.")),
    "not_reserved": (409, _("You have no reservation for this seat now.")),
    "not_present": (403, _("You do not appear to be in the room.")),
    "seat_unavailable": (409, _("This seat is not available then.")),
    "not_reservable": (409, _("This seat cannot be reserved.")),
    "outside_booking_window": (409, _("That time is outside the booking window.")),
    "limit_reached": (409, _("You have reached your reservation limit.")),
    "not_found": (404, _("Not found.")),
    "invalid_request": (400, _("The request is not valid.")),
    "rate_limited": (429, _("Too many requests. Please wait a moment.")),
    "busy": (503, _("The system is busy. Please try again.")),
    "forbidden": (403, _("You are not allowed to do that.")),
    "library_unavailable": (
        503,
        _("The library's system is not answering right now; nothing was changed."),
    ),
    "invalid_isbn": (400, _("That is not a valid ISBN: please check the number.")),
    "invalid_transition": (409, _("That request cannot be moved to that state.")),
    "too_large": (413, _("The request is too large.")),
    "server_error": (500, _("Something went wrong on our side. It has been logged.")),
    "unavailable": (
        503,
        _("Seatback cannot reach a service it needs just now. Please try again shortly."),
    ),
}


class Refusal(Exception):
    """Raised by services; rendered by the API as {"error": {...}} and by pages as a sentence."""

    def __init__(
        self,
        code: str,
        message: str | Promise | None = None,
        *,
        retry_after: int | None = None,
        **extra: Any,
    ) -> None:
        if code not in REFUSALS:
            raise ValueError(f"unknown refusal code {code!r}")
        self.code = code
        self.status = REFUSALS[code][0]
        self._message = message
        self.retry_after = retry_after
        self.extra = extra
        super().__init__(code)

    @property
    def message(self) -> str:
        """The sentence, translated into the language active when it is read."""
        return str(self._message if self._message is not None else REFUSALS[self.code][1])

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body
