"""Security headers (issue 22): a Content-Security-Policy without inline script on every
answer, and HSTS when the base URL is https (the pages passing the policy in a real
browser is tests/browser/test_content_security_policy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from seatback.library.models import Seat
from tests.core.test_settings import run_seatback


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/rooms", "/s/{code}"])
def test_every_answer_carries_a_policy_without_inline_script(seat: Seat, path: str) -> None:
    response = Client().get(path.format(code=seat.code))

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [("https://seats.example.edu", "max-age=31536000"), ("http://localhost:8000", "None")],
)
def test_hsts_only_when_the_base_url_is_https(tmp_path: Path, base_url: str, expected: str) -> None:
    code = (
        "from django.test import Client; "
        "r = Client().get('/api/v1/openapi.json', secure=True); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    result = run_seatback(
        "shell", "-c", code, env={"SEATBACK_DATA_DIR": str(tmp_path), "SEATBACK_BASE_URL": base_url}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["200", expected]
