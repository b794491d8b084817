from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "seatback.api"
    label = "api"
