from typing import Any

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What a system administrator runs: `seatback serve`, `seatback demo`, `/healthz`,
    `/metrics`, `seatback backup` and `seatback restore` (audience app)."""

    name = "seatback.ops"
    label = "ops"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from seatback.seats.models import ScanRecord

        post_save.connect(count_scan, sender=ScanRecord, dispatch_uid="ops.count_scan")


def count_scan(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Scans by intent and outcome (the refusal code when refused), for /metrics."""
    if created:
        from seatback.core.metrics import SCANS

        SCANS.labels(instance.intent, instance.outcome).inc()
