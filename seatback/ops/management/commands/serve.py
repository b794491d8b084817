"""`seatback serve`: migrate, collect static files, then serve with gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import OperationalError, connection

from seatback.core.cachehealth import cache_problem
from seatback.ops.accesslog import TEXT_FORMAT, AccessLogger


def check_database() -> None:
    """Exit with one line naming DATABASE_URL when the database cannot be reached."""
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        where = "DATABASE_URL" if settings.DATABASE_URL else "SEATBACK_DATA_DIR"
        reason = " ".join(str(exc).split())
        sys.stderr.write(f"seatback: {where}: cannot connect to the database: {reason}\n")
        sys.exit(2)


def check_cache() -> None:
    """Exit with one line naming REDIS_URL when Redis is configured but does not answer."""
    problem = cache_problem()
    if problem is not None:
        sys.stderr.write(f"seatback: REDIS_URL: cannot connect to Redis: {problem}\n")
        sys.exit(2)


def run_gunicorn(host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    # settings.WSGI_APPLICATION (seatback.wsgi, with the booking front door), found the way
    # Django's runserver finds it: the top of the import tree is not imported from here.
    application = get_internal_wsgi_application()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", settings.SERVE_WORKERS)
            self.cfg.set("threads", settings.SERVE_THREADS)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            # The path without its query string (a room display polls with its key there),
            # escaped, seat codes replaced by a digest (ops/accesslog.py).
            self.cfg.set("access_log_format", TEXT_FORMAT)
            self.cfg.set("logger_class", AccessLogger)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("proc_name", "seatback")
            if "control_socket_disable" in self.cfg.settings:
                # One shared socket path in $HOME would clash between two servers.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            return application

    # Connections opened while migrating must not be shared with forked workers.
    connection.close()
    Server().run()


def start_worker() -> subprocess.Popen[bytes]:
    """The reservations scheduler as one process beside gunicorn (not one per web worker);
    it exits by itself if this server goes away."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "seatback.cli", "worker", "--parent", str(os.getpid())]
    )


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_server_arguments(parser: CommandParser) -> None:
    """--host (this computer only unless told), --port, --no-worker: serve and demo alike."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; "
        "0.0.0.0 opens it to the network)",
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-worker", action="store_true", help="do not start the reservations scheduler"
    )


def use_port_in_links(host: str, port: int) -> str:
    """The address printed links, seat labels and display codes use. SEATBACK_BASE_URL
    when set; otherwise this server's own port, so `--port 8001` prints and exports links
    that open this server (the environment passes it on to the worker too)."""
    if settings.BASE_URL_GIVEN:
        return str(settings.BASE_URL)
    name = "localhost" if host in (*LOOPBACK, "0.0.0.0", "::") else host  # noqa: S104
    url = f"http://{name}:{port}"
    os.environ["SEATBACK_BASE_URL"] = url  # for the worker process
    settings.BASE_URL = url
    settings.CSRF_TRUSTED_ORIGINS = [url]
    return url


def serve_with_worker(host: str, port: int, *, worker: bool) -> None:
    """gunicorn, with the reservations scheduler beside it unless `worker` is False."""
    process = start_worker() if worker else None
    try:
        run_gunicorn(host, port)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)


class Command(BaseCommand):
    help = "Apply pending migrations and serve Seatback with a production server (gunicorn)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)

    def handle(self, *args: Any, host: str, port: int, no_worker: bool, **options: Any) -> None:
        use_port_in_links(host, port)
        check_database()
        check_cache()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Seatback on http://{host}:{port}/ ({connection.vendor})")
        self.stdout.flush()
        serve_with_worker(host, port, worker=not no_worker)
