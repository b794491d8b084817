from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_save


class LabelsConfig(AppConfig):
    name = "seatback.labels"
    label = "labels"

    def ready(self) -> None:
        from seatback.library.models import Seat

        pre_save.connect(_no_retired_code, sender=Seat, dispatch_uid="labels_no_retired_code")


def _no_retired_code(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A seat never gets a code that an old label may still carry: a new seat with such a
    (random) code draws another; changing a seat's code to a replaced one is refused."""
    from seatback.labels.models import RetiredCode
    from seatback.labels.services import unused_code

    if update_fields is not None and "code" not in update_fields:
        return
    if not RetiredCode.objects.filter(code=instance.code).exists():
        return
    if instance._state.adding:
        instance.code = unused_code()
    else:
        raise ValueError("this code was replaced; a seat cannot have it again")
