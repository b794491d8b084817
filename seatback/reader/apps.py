from django.apps import AppConfig


class ReaderPagesConfig(AppConfig):
    name = "seatback.reader"
    label = "reader"
