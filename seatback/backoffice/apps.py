from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "seatback.backoffice"
    label = "backoffice"
