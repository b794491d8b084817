from django.apps import AppConfig


class SpacesConfig(AppConfig):
    """Group study rooms, discussion rooms and carrels booked by groups (domain app)."""

    name = "seatback.spaces"
    label = "spaces"

    def ready(self) -> None:
        # Unconfirmed groups released, no-shows recorded: scheduled work (core.rounds).
        from seatback.core import rounds
        from seatback.library import imports
        from seatback.spaces import importer, services

        rounds.register("space_groups_released", services.release_unconfirmed)
        rounds.register("space_no_shows", services.record_no_shows)
        # `seatback import spaces FILE.csv` joins the import command of the library app.
        imports.register_subject("spaces", importer.HELP, importer.add_arguments, importer.run)
