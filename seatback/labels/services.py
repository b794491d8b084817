"""Giving seats new codes, and what an old (replaced) code still does."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F

from seatback.audit.services import record
from seatback.labels.models import RetiredCode
from seatback.library.models import Seat, new_seat_code
from seatback.readers.models import Reader


def fingerprint(code: str) -> str:
    """A short, one-way mark of a code for the audit trail: tells two codes apart without
    putting a working code into a record that many people can read."""
    return hashlib.sha256(code.encode()).hexdigest()[:10]


def is_taken(code: str) -> bool:
    """Whether a seat has this code now, or had it before (an old label may still carry it)."""
    return Seat.objects.filter(code=code).exists() or RetiredCode.objects.filter(code=code).exists()


def unused_code() -> str:
    """A fresh code that no seat has and no seat ever had."""
    while True:
        code = new_seat_code()
        if not is_taken(code):  # ~120 random bits: the loop runs once
            return code


def reissue(
    seats: Iterable[Seat], *, now: datetime, actor: Reader | None, note: str = ""
) -> list[tuple[Seat, str]]:
    """Give each seat a new code, in one transaction; returns (seat, old code) pairs.

    The old code is kept as a RetiredCode: it then opens the "label out of date" page, never
    a seat. Each change is an audit entry naming code fingerprints, not the codes.
    """
    changed: list[tuple[Seat, str]] = []
    with transaction.atomic():
        for seat in seats:
            old = seat.code
            seat.code = unused_code()
            seat.save(update_fields=["code"])
            RetiredCode.objects.create(code=old, seat=seat, retired_at=now, retired_by=actor)
            record(
                actor,
                "seat.reissue_code",
                seat,
                now=now,
                before={"code_fingerprint": fingerprint(old)},
                after={"code_fingerprint": fingerprint(seat.code)},
                note=note,
            )
            changed.append((seat, old))
    return changed


def retired(code: str) -> RetiredCode | None:
    """The replaced code `code`, if it is one (with its seat and room)."""
    return RetiredCode.objects.select_related("seat__room").filter(code=code).first()


def old_label_scanned(code: str, *, now: datetime) -> RetiredCode | None:
    """Count a scan of a replaced code; None if `code` was never a seat's code."""
    found = retired(code)
    if found is not None:
        RetiredCode.objects.filter(pk=found.pk).update(scans=F("scans") + 1, last_scanned_at=now)
        found.refresh_from_db(fields=["scans", "last_scanned_at"])
    return found


def replaced(code: str) -> dict[str, Any]:
    """Extra fields for an unknown_seat refusal: {"retired": true} for a replaced code."""
    return {"retired": True} if RetiredCode.objects.filter(code=code).exists() else {}
