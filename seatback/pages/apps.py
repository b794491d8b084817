from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The reader's phone pages (audience app)."""

    name = "seatback.pages"
    label = "pages"
