from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "seatback.api"
    label = "api"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from seatback.labels.models import RetiredCode
        from seatback.library.models import Seat

        # The shared-read front (api/front.py) knows a seat code's id from the cache: a
        # seat saved (deactivated, moved) or a code retired is forgotten there at once.
        for model in (Seat, RetiredCode):
            post_save.connect(_forget_seat_code, sender=model, dispatch_uid=f"front-{model}")
            post_delete.connect(_forget_seat_code, sender=model, dispatch_uid=f"front-d-{model}")


def _forget_seat_code(sender: Any, instance: Any, **kwargs: Any) -> None:
    from django.core.cache import cache
    from django.db import transaction

    from seatback.api.front import watch_seat_key

    key = watch_seat_key(instance.code)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
