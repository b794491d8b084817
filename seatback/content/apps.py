from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Notices and news, lectures, the e-resource directory, the mascots (domain app)."""

    name = "seatback.content"
    label = "content"

    def ready(self) -> None:
        # Pushing notices at their time and reminding of lectures is scheduled work: it
        # runs in `seatback worker` with the rest (docs/content.md).
        from seatback.content import services
        from seatback.core import rounds

        rounds.register("announcements_pushed", services.push_due_announcements)
        rounds.register("lecture_reminders", services.remind_lectures)
