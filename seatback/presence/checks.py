"""Presence checks: is the person scanning really in the reading room? (docs/presence.md)

Pure functions: each takes the room's policy values, what the phone sent and `now`, and
returns a Verdict (passed or not, a machine reason, and the evidence to keep in the scan
record). `assess` runs the checks a room's policy asks for; seats.services.perform calls
it for the intents that assert presence and refuses with `not_present` when one fails.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.library.policy import parse_checks, parse_networks
from seatback.presence import passages

if TYPE_CHECKING:
    from seatback.library.models import Room
    from seatback.readers.models import Reader

# The intents that say "I am here": starting a clock, taking a seat, coming back,
# checking in to a reservation, and stepping out (which protects the seat: from bed it
# could be repeated after each cooldown, keeping the seat 30 minutes in every 40).
# Withdrawing and releasing only give something up, so they may be done from anywhere.
PRESENCE_INTENTS = ("challenge", "claim", "return", "checkin", "step-out")

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG), good to ~0.5 % anywhere
CODE_DIGITS = 6


@dataclass(frozen=True)
class Position:
    """A phone's position (WGS-84 degrees) and its accuracy radius in metres."""

    latitude: float
    longitude: float
    accuracy: float


@dataclass(frozen=True)
class Verdict:
    check: str
    ok: bool
    reason: str  # "ok" or a machine word: outside_networks, no_position, too_far, ...
    detail: dict[str, Any] = field(default_factory=dict)


# network ------------------------------------------------------------------------------


def check_network(address: str | None, networks_text: str) -> Verdict:
    """The scan's address lies inside one of the library's networks (IPv4 or IPv6)."""
    detail: dict[str, Any] = {"address": address}
    if not address:
        return Verdict("network", False, "no_address", detail)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return Verdict("network", False, "no_address", detail)
    # An IPv4 client seen through an IPv6 socket (::ffff:10.1.2.3) is the IPv4 address.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in parse_networks("presence_networks", networks_text):
        if ip.version == network.version and ip in network:
            return Verdict("network", True, "ok", {**detail, "network": str(network)})
    return Verdict("network", False, "outside_networks", detail)


# location -----------------------------------------------------------------------------


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def check_location(
    position: Position | None,
    room_latitude: float | None,
    room_longitude: float | None,
    radius_m: int,
    accuracy_m: int,
) -> Verdict:
    """The phone is within radius_m of the room, and knows it to within accuracy_m.

    Distances are compared to the centimetre, so a position exactly at the radius passes.
    A room without coordinates cannot be checked: the check passes and says so (the
    librarian's mistake must not lock every reader out; `seatback policy show` warns).
    """
    if room_latitude is None or room_longitude is None:
        return Verdict("location", True, "room_has_no_position", {})
    if position is None:
        return Verdict("location", False, "no_position", {})
    distance = round(
        distance_m(position.latitude, position.longitude, room_latitude, room_longitude), 2
    )
    detail = {
        "latitude": position.latitude,
        "longitude": position.longitude,
        "accuracy_m": position.accuracy,
        "distance_m": distance,
    }
    if position.accuracy > accuracy_m:
        return Verdict("location", False, "too_imprecise", detail)
    if distance > radius_m:
        return Verdict("location", False, "too_far", detail)
    return Verdict("location", True, "ok", detail)


# rotating -----------------------------------------------------------------------------


def _rotating_key() -> bytes:
    # Derived from SECRET_KEY, so it needs no storage and changes when SECRET_KEY does.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"seatback.presence.rotating.v1", hashlib.sha256
    ).digest()


def window_of(now: datetime, seconds: int) -> int:
    """The number of the time window that contains `now` (windows start at the epoch)."""
    return math.floor(now.timestamp() / seconds)


def window_ends(window: int, seconds: int) -> datetime:
    return datetime.fromtimestamp((window + 1) * seconds, tz=UTC)


def rotating_code(room_id: int, window: int, seconds: int) -> str:
    """The room's code for a window: HMAC-SHA256, truncated to six digits (like TOTP)."""
    message = f"{room_id}:{seconds}:{window}".encode()
    digest = hmac.new(_rotating_key(), message, hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def normalise_code(text: str) -> str:
    """What a reader typed, without spaces; anything that is not six digits is no code."""
    code = "".join(str(text).split())
    return code if len(code) == CODE_DIGITS and code.isascii() and code.isdigit() else ""


def check_rotating(code: str, room_id: int, seconds: int, now: datetime) -> Verdict:
    """The code shown on this room's screen now, or in the window before.

    A code is shown for one window and accepted until the end of the next, so a code
    photographed and sent away works for at most two windows. Within that time anyone
    may use it: everybody in the room reads the same screen (docs/presence.md).
    """
    code = normalise_code(code)
    if not code:
        return Verdict("rotating", False, "no_code", {})
    current = window_of(now, seconds)
    matched = None
    for age in (0, 1):  # both compared, in constant time, whatever the first said
        if hmac.compare_digest(code, rotating_code(room_id, current - age, seconds)):
            matched = age if matched is None else matched
    if matched is None:
        return Verdict("rotating", False, "wrong_code", {"window": current})
    return Verdict("rotating", True, "ok", {"window": current - matched, "age": matched})


# gate ---------------------------------------------------------------------------------


def gate_entered_within(reader: Reader, hours: int, now: datetime) -> tuple[bool, str]:
    """Did the reader come in through the gate within `hours` and not go out since?

    Returns (passed, reason). The answer comes from the gate system registered in
    presence.passages (the gates app); without one nobody has entered: (False,
    "no_gate_events"), and a room asking for `gate` refuses every scan.
    """
    return passages.source().inside(reader.pk, hours, now)


def check_gate(reader: Reader, hours: int, now: datetime) -> Verdict:
    ok, reason = gate_entered_within(reader, hours, now)
    return Verdict("gate", ok, reason, {"hours": hours})


# all of them --------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The checks a room asks for and what each said; kept in ScanRecord.evidence."""

    checks: tuple[str, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def missing(self) -> list[str]:
        return [v.check for v in self.verdicts if not v.ok]

    def record(self) -> dict[str, Any]:
        if not self.checks:
            return {}
        return {
            "checks": list(self.checks),
            "passed": [v.check for v in self.verdicts if v.ok],
            "failed": self.missing,
            **{v.check: {"ok": v.ok, "reason": v.reason, **v.detail} for v in self.verdicts},
        }

    def refusal(self) -> Refusal | None:
        failed = [v for v in self.verdicts if not v.ok]
        if not failed:
            return None
        sentences = " ".join(what_to_do(v) for v in failed)
        return Refusal(
            "not_present",
            _("You do not appear to be in the room.") + " " + sentences,
            missing=[v.check for v in failed],
            reasons={v.check: v.reason for v in failed},
        )


def what_to_do(verdict: Verdict) -> str:
    """One sentence, in the reader's language, saying what would make this check pass."""
    reason = verdict.reason
    if verdict.check == "network":
        return _("Connect to the library Wi-Fi and try again.")
    if verdict.check == "location":
        if reason == "too_imprecise":
            return _(
                "Your position is only known to ±%(accuracy)d m: turn on precise location "
                "(GPS) and try again."
            ) % {"accuracy": round(verdict.detail["accuracy_m"])}
        if reason == "too_far":
            return _("Your position is %(distance)d m from the room: scan at the seat.") % {
                "distance": round(verdict.detail["distance_m"])
            }
        return _("Allow location access for this page and try again.")
    if verdict.check == "rotating":
        if reason == "wrong_code":
            return _(
                "That code is not the one on the room's screen now: scan the QR code on "
                "the room's screen or type its current code."
            )
        return _(
            "Scan the QR code on the room's screen first, or type the 6-digit code shown there."
        )
    return _("Enter through the library gate with your card first.")


def assess(
    intent: str,
    room: Room,
    reader: Reader,
    values: Mapping[str, Any],
    *,
    address: str | None,
    position: Position | None,
    code: str,
    now: datetime,
) -> Assessment:
    """Run the checks the room's effective policy `values` asks for, for this intent."""
    if intent not in PRESENCE_INTENTS:
        return Assessment((), ())
    checks = parse_checks("presence", values.get("presence", ""))
    verdicts = []
    for check in checks:
        if check == "network":
            verdicts.append(check_network(address, values.get("presence_networks", "")))
        elif check == "location":
            verdicts.append(
                check_location(
                    position,
                    room.latitude,
                    room.longitude,
                    int(values["presence_radius_m"]),
                    int(values["presence_accuracy_m"]),
                )
            )
        elif check == "rotating":
            verdicts.append(check_rotating(code, room.pk, int(values["rotating_seconds"]), now))
        else:
            verdicts.append(check_gate(reader, int(values["gate_hours"]), now))
    return Assessment(checks, tuple(verdicts))
