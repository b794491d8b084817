"""Administrators' changes to buildings and gates (the back office calls these). Each checks
who may make it, validates first, and records an audit entry in the same transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from seatback.audit.services import record
from seatback.core.errors import Refusal
from seatback.gates.models import Building, Gate, new_gate_key
from seatback.readers.models import Reader
from seatback.readers.roles import require_administrator


def _invalid(message: str) -> Refusal:
    return Refusal("invalid_request", message)


def _number(text: str, what: str, most: int) -> int:
    text = str(text).strip() or "0"
    if not text.isdigit() or int(text) > most:
        raise _invalid(
            _("%(what)s must be a whole number from 0 to %(most)d.") % {"what": what, "most": most}
        )
    return int(text)


def save_building(
    actor: Reader, name: str, capacity: str, warn_percent: str, *, now: datetime
) -> Building:
    """Create a building, or change its capacity and warning level (by name)."""
    require_administrator(actor)
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise _invalid(_("Give the building a name (at most 100 characters)."))
    values = {
        "capacity": _number(capacity, _("The capacity"), 1_000_000),
        "warn_percent": _number(warn_percent or "90", _("The warning level"), 100),
    }
    with transaction.atomic():
        building, created = Building.objects.select_for_update().get_or_create(
            name=name, defaults=values
        )
        before = {} if created else {"capacity": building.capacity, "warn": building.warn_percent}
        for field, value in values.items():
            setattr(building, field, value)
        building.save()
        after = {"capacity": building.capacity, "warn": building.warn_percent}
        record(actor, "building.save", building, now=now, before=before, after=after)
    return building


def add_gate(
    actor: Reader, building: Building, code: str, name: str, floor: str, *, now: datetime
) -> Gate:
    """A new gate with a fresh key (shown to the administrator to configure the controller)."""
    require_administrator(actor)
    code = slugify(code.strip())
    name = " ".join(name.split()) or code
    floor = floor.strip()
    if not code or len(code) > 40:
        raise _invalid(_("The gate id is letters, digits and dashes (at most 40)."))
    if len(name) > 100 or len(floor) > 20:
        raise _invalid(_("The name or the floor is too long."))
    if Gate.objects.filter(code=code).exists():
        raise _invalid(_("A gate with the id %(code)s exists already.") % {"code": code})
    with transaction.atomic():
        gate = Gate.objects.create(code=code, name=name, building=building, floor=floor)
        after = {"code": code, "building": building.name, "floor": floor}
        record(actor, "gate.add", gate, now=now, after=after)
    return gate


def replace_key(actor: Reader, gate: Gate, *, now: datetime) -> str:
    """A new key for the gate: deliveries signed with the old one are refused from now on."""
    require_administrator(actor)
    with transaction.atomic():
        gate.key = new_gate_key()
        gate.save(update_fields=["key"])
        record(actor, "gate.key", gate, now=now)
    return gate.key


def set_gate_active(actor: Reader, gate: Gate, *, active: bool, now: datetime) -> None:
    require_administrator(actor)
    with transaction.atomic():
        before = {"active": gate.active}
        gate.active = active
        gate.save(update_fields=["active"])
        record(actor, "gate.active", gate, now=now, before=before, after={"active": active})
