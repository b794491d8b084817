"""Recording back-office changes. Call `record` inside the transaction that makes the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from seatback.audit.models import AuditEntry
from seatback.readers.models import Reader


def record(
    actor: Reader | None,
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
