"""Redis going away while Seatback runs (issue 22): a JSON 503 with Retry-After under
/api/, a sentence on pages, /healthz naming the cache, nothing half done, and everything
back by itself when Redis returns. A real redis-server on a free port, stopped and started."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Hold, ScanRecord
from tests.api.conftest import at_clock, bearer, error_of
from tests.conftest import at
from tests.core.test_serve import free_port


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)  # waiting for a real server to listen, not for the clock
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path, settings: object) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url  # type: ignore[attr-defined]
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    if server.process is not None and server.process.poll() is None:
        server.stop()


@pytest.mark.django_db
def test_without_redis_answers_are_503s_to_retry_and_it_recovers_by_itself(
    redis_server: RedisServer, alice: Reader, seat: Seat
) -> None:
    at_clock(at("09:00"))
    api = bearer(alice)
    api.raise_request_exception = False
    page = Client(raise_request_exception=False)
    page.force_login(alice)
    anonymous = Client(raise_request_exception=False)
    assert api.get(f"/api/v1/seats/{seat.code}").status_code == 200
    assert page.get(f"/s/{seat.code}").status_code == 200
    assert anonymous.get("/healthz").json()["cache"] == "redis"

    redis_server.stop()

    claim = api.post(f"/api/v1/seats/{seat.code}/challenge", "{}", content_type="application/json")
    assert claim.status_code == 503
    assert error_of(claim)["code"] == "unavailable"
    assert int(claim["Retry-After"]) > 0
    assert not Hold.objects.exists() and not ScanRecord.objects.exists()  # nothing half done
    shown = page.get(f"/s/{seat.code}")
    assert shown.status_code == 503 and int(shown["Retry-After"]) > 0
    assert "try again" in shown.content.decode() or "稍后再试" in shown.content.decode()
    assert anonymous.get("/login").status_code == 503
    health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "error", "database": health.json()["database"],
                             "cache": "down"}  # fmt: skip
    assert health.json()["database"] in ("sqlite", "postgresql")

    redis_server.start()  # the same port: the connection pool finds it again

    assert anonymous.get("/healthz").status_code == 200
    again = api.post(f"/api/v1/seats/{seat.code}/challenge", "{}", content_type="application/json")
    assert again.status_code == 200, again.content
    assert ScanRecord.objects.get().reader == alice
