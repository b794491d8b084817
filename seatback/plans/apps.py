from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "seatback.plans"
    label = "plans"

    def ready(self) -> None:
        # `seatback import plan ROOM FILE` joins the import command of the library below.
        from seatback.library import imports
        from seatback.plans import importer

        imports.register_subject("plan", importer.HELP, importer.add_arguments, importer.run)
