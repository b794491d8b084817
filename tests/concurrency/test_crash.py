"""Crash test (issue 22): a real `seatback serve` under a burst of scans, every one of its
processes killed with SIGKILL mid-burst, then started again on the same database: every
action it acknowledged (HTTP 200) is there, and no seat or reader holds two of anything.

SQLite by default (WAL, synchronous=NORMAL: a committed scan survives the process; see
docs/operations.md for a power cut), PostgreSQL with SEATBACK_TEST_DATABASE_URL (and
Redis, with two web processes, when REDIS_URL is set)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db.models import Count

from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.library.policy_changes import change_policy
from seatback.readers.models import ApiToken, Reader
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.commands.conftest import database_url
from tests.core.test_serve import free_port
from tests.core.test_settings import SEATBACK, clean_env

INTENTS = ("challenge", "withdraw", "return", "release", "challenge")
BURST_SECONDS = 3


class Server:
    """`seatback serve` in its own process group, its output in a file (never a full pipe)."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.log = data_dir / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            "SEATBACK_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": database_url(),
            "SEATBACK_RATE_LIMIT_INTENTS": "100000",
        }
        if os.environ.get("REDIS_URL"):
            env |= {"REDIS_URL": os.environ["REDIS_URL"], "SEATBACK_WORKERS": "2"}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*SEATBACK, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=clean_env(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed all at once below
            )
        for _ in range(600):  # a real server booting, at most a minute
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("server did not start:\n" + self.log.read_text())

    def kill(self) -> None:
        """SIGKILL to every process of the server: gunicorn, its workers, the scheduler."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_no_acknowledged_scan_is_lost_when_every_server_process_is_killed(
    tmp_path: Path,
) -> None:
    room = Room.objects.create(library=Library.get(), name="通宵自习室", floor="1")
    change_policy(room, {"opening_hours": "00:00-24:00", "protected_windows": ""})
    seats = [Seat.objects.create(room=room, label=f"N-{n:02d}").code for n in range(12)]
    readers = [Reader.objects.create_user(f"2099{n:04d}", "x", name=f"night {n}") for n in range(8)]
    tokens = {reader.pk: ApiToken.issue(reader, clock.now()) for reader in readers}
    server = Server(tmp_path)
    server.start()
    for token in tokens.values():  # warm the server up: the burst then measures scans
        requests.get(
            f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )

    acknowledged: Counter[tuple[int, str, str]] = Counter()
    answered: Counter[int | str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def phone(reader_id: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[reader_id]}"
        chooser = random.Random(reader_id)
        while not stop.is_set():
            code, intent = chooser.choice(seats), chooser.choice(INTENTS)
            try:
                response = session.post(
                    f"{server.url}/api/v1/seats/{code}/{intent}", json={}, timeout=5
                )
            except requests.RequestException as exc:
                with lock:
                    answered[type(exc).__name__] += 1
                stop.wait(0.05)  # the server is gone: do not spin
                continue  # the server died under this request: not acknowledged
            with lock:
                answered[response.status_code] += 1
                if response.status_code == 200:
                    acknowledged[(reader_id, code, intent)] += 1

    threads = [threading.Thread(target=phone, args=(reader.pk,)) for reader in readers]
    try:
        for thread in threads:
            thread.start()
        time.sleep(BURST_SECONDS)  # a real burst against a real server
        server.kill()
        time.sleep(0.3)  # requests keep failing against the dead server
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        server.start()
        assert requests.get(f"{server.url}/healthz", timeout=5).json()["status"] == "ok"
    finally:
        stop.set()
        server.stop()

    assert sum(acknowledged.values()) >= 5, answered  # the burst really happened
    assert answered["ConnectionError"] > 0, answered  # and was cut short by the kill
    assert not [s for s in answered if isinstance(s, int) and s >= 500 and s != 503], answered
    recorded = Counter(
        (reader_id, code, intent)
        for reader_id, code, intent in ScanRecord.objects.filter(accepted=True).values_list(
            "reader_id", "seat__code", "intent"
        )
    )
    lost = {key: count for key, count in acknowledged.items() if recorded[key] < count}
    assert lost == {}, f"acknowledged but missing after the crash: {lost}"
    for model, open_rows, fields in [
        (Challenge, {"status": "pending"}, ("seat", "challenger")),
        (Hold, {"ended_at__isnull": True}, ("seat", "reader")),
    ]:
        for field in fields:
            doubled = (
                model.objects.filter(**open_rows)  # type: ignore[attr-defined]
                .values(field)
                .annotate(n=Count("id"))
                .filter(n__gt=1)
            )
            assert list(doubled) == [], f"{model.__name__}: two at once for one {field}"
