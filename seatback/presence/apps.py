from django.apps import AppConfig


class PresenceConfig(AppConfig):
    name = "seatback.presence"
    label = "presence"
