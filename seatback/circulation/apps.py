from django.apps import AppConfig


class CirculationConfig(AppConfig):
    name = "seatback.circulation"
    label = "circulation"
