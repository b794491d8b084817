"""The `seatback` command: Django's management runner with one-line configuration errors.

Commands that read or write the database (`import`, `policy`, `qr`, `display`, `worker`)
first make sure it is ready: a brand-new database (a fresh data folder) gets its tables
created, as `seatback serve` would; one with tables but pending migrations (an upgrade)
is left alone and the command stops with one line saying to run `seatback migrate`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

from django.core.exceptions import ImproperlyConfigured

# The commands that need the database's tables (serve and demo migrate by themselves).
NEEDS_DATABASE = {"import", "policy", "qr", "display", "worker"}


def prepare_database() -> None:
    """Create the tables of a brand-new database; refuse, in one line, an outdated one."""
    import django
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        tables = connection.introspection.table_names()
    except DatabaseError:
        return  # cannot connect: the command itself says so, naming the setting
    if not pending:
        return
    if not tables:
        print("seatback: a new database: creating its tables first", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
        return
    print(
        f"seatback: the database is not up to date ({len(pending)} migrations pending): "
        "run `seatback migrate` first",
        file=sys.stderr,
    )
    sys.exit(2)


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

        command = sys.argv[1] if len(sys.argv) > 1 else ""
        wants_help = any(arg in ("-h", "--help") for arg in sys.argv[2:])
        if command in NEEDS_DATABASE and not wants_help:
            prepare_database()
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        print(f"seatback: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
