from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "seatback.gates"
    label = "gates"

    def ready(self) -> None:
        # Gates plug into what sits below them (docs/architecture.md): the `gate` presence
        # check asks them who is inside, and the seat rule's `return` refuses a holder who
        # left the building while a clock was running on their seat.
        from seatback.gates import rules, selectors
        from seatback.presence import passages

        passages.register(selectors)
        rules.plug_in()
