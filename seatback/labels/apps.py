from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "seatback.labels"
    label = "labels"
