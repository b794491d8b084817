from django.apps import AppConfig


class ScreensConfig(AppConfig):
    """Displays at entrances and in rooms (audience app)."""

    name = "seatback.screens"
    label = "screens"
