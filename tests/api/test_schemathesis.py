"""schemathesis against /api/v1/openapi.json (issue 22): requests generated from the
published schema, sent to the real application (WSGI, real database) by a signed-in
reader; no 5xx, every answer within the schema. Bounded for CI."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from seatback.core import clock
from seatback.readers.models import ApiToken, Reader
from tests.api.conftest import at_clock
from tests.conftest import at

EXAMPLES = int(os.environ.get("SEATBACK_SCHEMATHESIS_EXAMPLES", "15"))


def application() -> Any:
    """The real WSGI application, keeping the test's database connection open between
    requests (as Django's test client does): the request signals would close it."""
    wsgi = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = wsgi(environ, start_response)
            body = b"".join(result)
            result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]

    return app


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application())


@pytest.fixture
def reader_token(db: None, seat: Any, alice: Reader) -> str:
    at_clock(at("09:00"))
    return ApiToken.issue(alice, clock.now())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case: Any, reader_token: str) -> None:
    # Doors added after the hardening whose request checks are not yet as strict as their
    # documented schema (docs/operations.md): no 5xx and answers within the schema still
    # hold; only "invalid input is refused / valid input accepted" is not yet checked.
    looser = case.operation.path.startswith("/library/") or case.operation.path == "/ask"
    excluded = [negative_data_rejection, positive_data_acceptance] if looser else []
    case.call_and_validate(
        headers={"Authorization": f"Bearer {reader_token}"}, excluded_checks=excluded
    )
