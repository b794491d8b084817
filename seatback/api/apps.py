from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "seatback.api"
    label = "api"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from seatback.labels.models import RetiredCode
        from seatback.library.models import Library, Room, Seat

        # Seats are cached by code (api/front.py: the API's views and the watch front): a
        # seat, room, library or retired code saved or deleted forgets them all at once.
        for model in (Seat, Room, Library, RetiredCode):
            post_save.connect(_places_changed, sender=model, dispatch_uid=f"places-{model}")
            post_delete.connect(_places_changed, sender=model, dispatch_uid=f"places-d-{model}")


def _places_changed(sender: Any, **kwargs: Any) -> None:
    from seatback.api.front import places_changed

    places_changed()
