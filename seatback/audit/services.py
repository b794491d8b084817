"""Recording back-office changes. Call `record` inside the transaction that makes the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from seatback.audit.models import AuditEntry
from seatback.core.errors import Refusal

NOTE_LENGTH = 200


def clean_note(text: str, required: bool = True) -> str:
    """A reason or note given with a change, on one line; too long or (if required) missing
    is refused."""
    note = " ".join(text.split())
    if required and not note:
        raise Refusal("invalid_request", _("Please give a reason."))
    if len(note) > NOTE_LENGTH:
        raise Refusal(
            "invalid_request",
            _("The reason is too long (at most %(count)d characters).") % {"count": NOTE_LENGTH},
        )
    return note


def iso_or_none(moment: datetime | None) -> str | None:
    """A time as the audit trail keeps it in before/after."""
    return moment.isoformat() if moment else None


def record(
    actor: Any,  # a Reader or None (audit sits below readers, so it cannot name the type)
    action: str,
    target: models.Model,
    *,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        at=now,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk or ""),
        target_repr=str(target)[:200],
        before=before or {},
        after=after or {},
        note=note[:300],
    )
