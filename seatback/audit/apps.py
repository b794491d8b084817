from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "seatback.audit"
    label = "audit"
