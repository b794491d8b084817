from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What a system administrator runs: `seatback serve`, `seatback demo` (audience app)."""

    name = "seatback.ops"
    label = "ops"
