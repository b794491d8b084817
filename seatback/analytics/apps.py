from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "seatback.analytics"
    label = "analytics"
