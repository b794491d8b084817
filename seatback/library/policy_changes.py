"""Changing the stored policy: library defaults or one room's overrides, validated first."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seatback.library.models import Library, Room
from seatback.library.policy import DEFAULTS, KEYS, PolicyError, clean


def change_policy(
    room: Room | None, values: dict[str, Any], unset: list[str] | tuple[str, ...] = ()
) -> dict[str, Any]:
    """Set `values` and remove the keys in `unset`, on the library (room None) or a room.

    Everything is validated before anything is saved (PolicyError names the key); on the
    library, every room's overrides are checked against the new defaults too. Returns the
    stored values after the change.
    """
    for key in unset:
        if key not in DEFAULTS:
            clean({key: ""})  # raises PolicyError naming the unknown key
    with transaction.atomic():
        library = Library.objects.select_for_update().get(pk=Library.get().pk)
        if room is None:
            stored = {k: v for k, v in library.policy.items() if k not in unset}
            stored.update(clean({**stored, **values}))
            for other in Room.objects.exclude(policy={}).order_by("name"):
                try:
                    clean(other.policy, base=stored)
                except PolicyError as exc:
                    raise PolicyError(
                        exc.key,
                        _("would not fit room %(room)s, which sets %(values)s: %(problem)s")
                        % {
                            "room": other.name,
                            "values": ", ".join(
                                f"{k}={other.policy[k]}" for k in KEYS if k in other.policy
                            ),
                            "problem": exc.args[0].partition(": ")[2] or exc.args[0],
                        },
                    ) from None
            library.policy = stored
            library.save(update_fields=["policy"])
            return stored
        room = Room.objects.select_for_update().get(pk=room.pk)
        stored = {k: v for k, v in room.policy.items() if k not in unset}
        stored.update(clean({**stored, **values}, base=library.policy))
        room.policy = stored
        room.save(update_fields=["policy"])
        return stored
