from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "seatback.plans"
    label = "plans"

    def ready(self) -> None:
        # `seatback import plan ROOM FILE` joins the import command of the library below.
        from seatback.core import rounds
        from seatback.library import imports
        from seatback.plans import importer, services

        # The occupancy history: one row per room and 15-minute step, kept a year.
        rounds.register("occupancy_steps", services.occupancy_round)
        imports.register_subject("plan", importer.HELP, importer.add_arguments, importer.run)
