"""POST /api/v1/gate/events: entrance gates deliver their events, signed (docs/gates.md).

No reader signs in here: the gate's HMAC signature is the credential. The anonymous
per-address rate limit applies (readers.middleware), so a controller batches its events.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response
from seatback.gates import services
from seatback.gates.models import GateEvent

HEADERS = ("X-Seatback-Gate", "X-Seatback-Timestamp", "X-Seatback-Nonce", "X-Seatback-Signature")


@csrf_exempt
def gate_events(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = refusal_response(
            request, Refusal("invalid_request", _("Method not allowed.")), as_json=True
        )
        response.status_code = 405
        response["Allow"] = "POST"
        return response
    now = clock.now()
    try:
        gate, timestamp, nonce, signature = (request.headers.get(h, "") for h in HEADERS)
        if not (gate and timestamp and nonce and signature):
            raise Refusal(
                "not_authenticated",
                _("Sign the delivery: send the headers %(headers)s.")
                % {"headers": ", ".join(HEADERS)},
                reason="unsigned",
            )
        results = services.receive(
            gate,
            timestamp,
            nonce,
            signature,
            request.body,
            now=now,
            via=GateEvent.Via.HTTP,
            address=client_address(request),
        )
    except Refusal as refusal:
        return refusal_response(request, refusal, as_json=True)
    return JsonResponse(
        {
            "accepted": sum(result.accepted for result in results),
            "duplicates": sum(not result.accepted for result in results),
            "results": [{"id": r.event_id, "outcome": r.outcome} for r in results],
        }
    )
