from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The reader's phone pages (audience app)."""

    name = "seatback.pages"
    label = "pages"

    def ready(self) -> None:
        from seatback.core.http import render_refusals_with
        from seatback.pages.error_views import refusal_page

        render_refusals_with(refusal_page)
