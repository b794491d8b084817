from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "seatback.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        # `seatback import marc FILE` joins the import command of the library app below,
        # and the purchase-request notices are worded here (docs/architecture.md).
        from seatback.catalogue import marc, purchases
        from seatback.library import imports
        from seatback.notifications import services

        imports.register_subject("marc", marc.HELP, marc.add_arguments, marc.run_import)
        services.register_wording(purchases.NOTICE_KIND, purchases.notice_sentence)
