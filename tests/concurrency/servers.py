"""Real `seatback serve` processes for the crash and failover tests: each in its own
process group (so SIGKILL reaches gunicorn, its workers and the scheduler at once), its
output in a file, on this test's database (and Redis, when REDIS_URL is set)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import requests

from seatback.core import clock
from tests.commands.conftest import database_url
from tests.core.test_serve import free_port
from tests.core.test_settings import SEATBACK, clean_env


class Server:
    """`seatback serve` in its own process group, its output in a file (never a full pipe)."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        # The library's day at noon (a room open 00:00-24:00 still closes at midnight, and
        # a burst in the twenty minutes before it would see only refusals); one zone for
        # this server's life, so a restart keeps the same local day.
        self.extra = {"SEATBACK_TIME_ZONE": clock.midday_zone(datetime.now(UTC))} | (env or {})
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
        env |= self.extra
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


INTENTS = ("challenge", "withdraw", "return", "release", "challenge")


def night_room(seats: int, readers: int) -> tuple[list[str], dict[int, str]]:
    """A room open day and night with `seats` seats, and `readers` readers' bearer tokens."""
    from seatback.core import clock
    from seatback.library.models import Library, Room, Seat
    from seatback.library.policy_changes import change_policy
    from seatback.readers.models import ApiToken, Reader

    room = Room.objects.create(library=Library.get(), name="通宵自习室", floor="1")
    change_policy(room, {"opening_hours": "00:00-24:00", "protected_windows": ""})
    codes = [Seat.objects.create(room=room, label=f"N-{n:02d}").code for n in range(seats)]
    people = [Reader.objects.create_user(f"2099{n:04d}", "x", name=f"n{n}") for n in range(readers)]
    return codes, {person.pk: ApiToken.issue(person, clock.now()) for person in people}


class Burst:
    """Phones scanning random seats as fast as answers come, one thread per reader; every
    answer is kept as (when, status), every 200 as an acknowledged (reader, code, intent)."""

    def __init__(self, base_url: str, codes: list[str], tokens: dict[int, str], **kw: object):
        self.base_url, self.codes, self.tokens, self.options = base_url, codes, tokens, kw
        self.acknowledged: Counter[tuple[int, str, str]] = Counter()
        self.answers: list[tuple[float, int | str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._phone, args=(pk,)) for pk in tokens]

    def warm_up(self) -> None:
        for token in self.tokens.values():
            headers = {"Authorization": f"Bearer {token}"}
            requests.get(f"{self.base_url}/api/v1/me", headers=headers, **self.options)  # type: ignore[arg-type]

    def _phone(self, reader_id: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.tokens[reader_id]}"
        chooser = random.Random(reader_id)
        while not self._stop.is_set():
            code, intent = chooser.choice(self.codes), chooser.choice(INTENTS)
            sent = time.monotonic()
            try:
                response = session.post(
                    f"{self.base_url}/api/v1/seats/{code}/{intent}",
                    json={},
                    timeout=10,
                    **self.options,  # type: ignore[arg-type]
                )
            except requests.RequestException as exc:
                with self._lock:
                    self.answers.append((sent, type(exc).__name__))
                self._stop.wait(0.05)  # the server is gone: do not spin
                continue  # not acknowledged
            with self._lock:
                self.answers.append((sent, response.status_code))
                if response.status_code == 200:
                    self.acknowledged[(reader_id, code, intent)] += 1

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def statuses(self, since: float = 0) -> Counter[int | str]:
        with self._lock:
            return Counter(status for sent, status in self.answers if sent >= since)


def assert_nothing_lost(acknowledged: Counter[tuple[int, str, str]]) -> None:
    """Every acknowledged scan is in the database; no seat or reader holds two."""
    from django.db.models import Count

    from seatback.seats.models import Challenge, Hold, ScanRecord

    recorded = Counter(
        ScanRecord.objects.filter(accepted=True).values_list("reader_id", "seat__code", "intent")
    )
    lost = {key: count for key, count in acknowledged.items() if recorded[key] < count}
    assert lost == {}, f"acknowledged but missing: {lost}"
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
