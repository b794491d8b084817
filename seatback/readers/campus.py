"""Readers from the campus identity service: created or matched by card number on their
first sign-in, their name, kind, department and roles refreshed at each sign-in.

Every campus backend (CAS, LDAP, OpenID Connect) ends here, with the attributes it got and
the map from Seatback's fields to the service's attribute names (settings).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from seatback.readers.models import Reader

log = logging.getLogger(__name__)


def _first(value: Any) -> str:
    """CAS and LDAP give lists where OIDC gives strings; the first value counts."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()


def _all(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str | bytes):
        value = [value]
    return {_first(item) for item in value if _first(item)}


def mapped(attributes: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """Seatback's fields from the service's attributes, by the configured map."""
    values: dict[str, Any] = {}
    for field, attribute in fields.items():
        raw = attributes.get(attribute)
        values[field] = _all(raw) if field == "groups" else _first(raw)
    return values


def reader_from_attributes(
    source: str, attributes: Mapping[str, Any], fields: Mapping[str, str]
) -> Reader | None:
    """The reader these campus attributes describe, created or refreshed; None if they name
    no card number or the reader is deactivated."""
    values = mapped(attributes, fields)
    card_number = values.get("card_number", "")[:40]
    if not card_number or "\x00" in card_number:
        log.warning("%s sign-in without a card number (attributes: %s)", source, sorted(attributes))
        return None
    changes: dict[str, Any] = {}
    if values.get("name"):
        changes["name"] = values["name"][:100]
    if values.get("department"):
        changes["department"] = values["department"][:100]
    kind = settings.SIGN_IN_KINDS.get(values.get("kind", ""), values.get("kind", ""))
    if kind in Reader.Kind.values:
        changes["kind"] = kind
    if "groups" in values:
        groups = values["groups"]
        if settings.SIGN_IN_ADMINISTRATOR_GROUPS:
            changes["is_superuser"] = bool(groups & set(settings.SIGN_IN_ADMINISTRATOR_GROUPS))
        if settings.SIGN_IN_LIBRARIAN_GROUPS or settings.SIGN_IN_ADMINISTRATOR_GROUPS:
            librarian = bool(groups & set(settings.SIGN_IN_LIBRARIAN_GROUPS))
            changes["is_staff"] = librarian or bool(changes.get("is_superuser"))
    try:
        with transaction.atomic():
            reader, created = Reader.objects.get_or_create(
                card_number=card_number, defaults={**changes, "password": "!"}
            )
    except IntegrityError:  # two first sign-ins at once: the other one created it
        reader, created = Reader.objects.get(card_number=card_number), False
    if created:
        reader.set_unusable_password()
        reader.save(update_fields=["password"])
        log.info("%s sign-in created reader %s", source, card_number)
    else:
        stale = {k: v for k, v in changes.items() if getattr(reader, k) != v}
        if stale:
            Reader.objects.filter(pk=reader.pk).update(**stale)
            for key, value in stale.items():
                setattr(reader, key, value)
    return reader if reader.is_active else None
