"""The `seatback` command: Django's management runner with one-line configuration errors."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

from django.core.exceptions import ImproperlyConfigured

# Commands that start a server of several processes (gunicorn workers, the scheduler).
SERVERS = ("serve", "demo")


def share_metrics() -> None:
    """Every process of one server writes its Prometheus metrics into one fresh folder, and
    /metrics adds them up (seatback/core/metrics.py). prometheus_client reads the variable
    when first imported, so it is set here, before anything else."""
    serving = len(sys.argv) > 1 and sys.argv[1] in SERVERS
    if serving and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="seatback-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        atexit.register(_remove, folder, os.getpid())


def _remove(folder: str, creator: int) -> None:
    # Forked gunicorn workers inherit this exit hook: only the server itself cleans up.
    if os.getpid() == creator:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.settings")
    share_metrics()
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        print(f"seatback: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
