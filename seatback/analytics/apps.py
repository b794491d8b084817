from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "seatback.analytics"
    label = "analytics"

    def ready(self) -> None:
        # The nightly roll-up runs in `seatback worker` (core.rounds); `seatback rollup`
        # does any range by hand.
        from seatback.analytics import rollup
        from seatback.core import rounds

        rounds.register("analytics_rollup", rollup.nightly)
