"""GET /metrics (issue 22): Prometheus text for this machine or a token holder, a plain
404 for anyone else; requests by route and status, latency, scans by intent and outcome,
refusals by code, outbox depth; under `seatback serve`, every process added up."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from django.test import Client, override_settings

from seatback.library.models import Seat
from seatback.notifications.models import Notice
from seatback.readers.models import Reader
from tests.api.conftest import at_clock, bearer
from tests.conftest import at
from tests.core.test_serve import free_port, start, stop

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-0123456789"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        series, _space, value = line.rpartition(" ")
        if series.split("{")[0] != name:
            continue
        found = ",".join(sorted(re.findall(r'\w+="[^"]*"', series)))
        if found == wanted:
            return float(value)
    return 0.0


def scrape(client: Client | None = None) -> str:
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


@override_settings(METRICS_TOKEN=TOKEN)
def test_only_this_machine_or_the_token_may_read_metrics() -> None:
    scrape()  # the test client comes from 127.0.0.1
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404
    wrong = Client(REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer guess"})
    assert wrong.get("/metrics").status_code == 404
    scrape(Client(REMOTE_ADDR="10.1.2.3", headers={"Authorization": f"Bearer {TOKEN}"}))


def test_requests_scans_refusals_and_the_outbox_are_counted(
    alice: Reader, bob: Reader, seat: Seat
) -> None:
    at_clock(at("09:00"))
    before = scrape()
    route = "/api/v1/seats/<str:code>/<str:intent>"
    as_alice, as_bob = bearer(alice), bearer(bob)
    as_alice.post(f"/api/v1/seats/{seat.code}/challenge", content_type="application/json")
    as_bob.post(f"/api/v1/seats/{seat.code}/challenge", content_type="application/json")
    Notice.objects.create(reader=alice, kind="violation", created_at=at("09:00"), key="k1")

    after = scrape()

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("seatback_requests_total", route=route, status="200") == 1
    assert grew("seatback_requests_total", route=route, status="409") == 1
    assert grew("seatback_request_seconds_count", route=route) == 2
    assert grew("seatback_scans_total", intent="challenge", outcome="challenge_started") == 1
    assert grew("seatback_scans_total", intent="challenge", outcome="seat_challenged") == 1
    assert grew("seatback_refusals_total", code="seat_challenged") == 1
    assert sample(after, "seatback_outbox_depth") == 1
    assert seat.code not in after  # routes, never codes


def test_a_real_server_adds_up_its_processes_and_counts_worker_rounds(tmp_path: Path) -> None:
    port = free_port()
    process = start(
        ["serve", "--host", "127.0.0.1", "--port", str(port)], tmp_path, {"SEATBACK_WORKERS": "2"}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(10):
            requests.get(f"{base}/api/v1/rooms", timeout=10)  # 401s, spread over workers
        text = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the scheduler's first round, as it starts
            text = requests.get(f"{base}/metrics", timeout=10).text
            if sample(text, "seatback_worker_rounds_total") >= 1:
                break
            time.sleep(0.2)  # a real process booting, not the clock
    finally:
        stop(process)
    assert sample(text, "seatback_requests_total", route="/api/v1/rooms", status="401") == 10
    assert sample(text, "seatback_worker_rounds_total") >= 1
    assert sample(text, "seatback_refusals_total", code="not_authenticated") == 10
