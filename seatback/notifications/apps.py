from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "seatback.notifications"
    label = "notifications"
