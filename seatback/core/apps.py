from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "seatback.core"
    label = "core"
