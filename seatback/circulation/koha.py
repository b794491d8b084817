"""Circulation through Koha's REST API (basic authentication, RESTBasicAuth on).

- GET  /api/v1/patrons?cardnumber=CARD              → the patron_id
- GET  /api/v1/checkouts?patron_id=ID (x-koha-embed: item.biblio)
- POST /api/v1/checkouts/{checkout_id}/renewal      → 201 renewed, 403 refused ({"error"})

Koha has no renew-all call: renew all goes item by item. The item Seatback names is the
checkout id.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from seatback.circulation.adapters import (
    NOT_YOURS,
    Loan,
    Patron,
    RenewAllResult,
    RenewResult,
    Unavailable,
    renew_each,
)


class KohaCirculation:
    name = "koha"

    def __init__(self, base: str, user: str, password: str, *, timeout: float) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def _call(self, method: str, path: str, **headers: str) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 (the configured Koha URL, http or https)
            self.base + path, method=method, headers={**self.headers, **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 403, 404, 409):
                try:
                    return exc.code, json.loads(exc.read() or b"null")
                except ValueError:
                    return exc.code, None
            raise Unavailable(f"Koha answered {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise Unavailable(f"Koha: {exc}") from exc

    def _patron_id(self, card: str) -> int:
        status, body = self._call("GET", "/patrons?" + urllib.parse.urlencode({"cardnumber": card}))
        if status != 200 or not body:
            raise Unavailable(f"Koha does not know card {card}")
        return int(body[0]["patron_id"])

    def capabilities(self) -> frozenset[str]:
        return frozenset({"loans", "renew"})

    def _checkouts(self, card: str) -> list[dict[str, Any]]:
        patron = self._patron_id(card)
        status, body = self._call(
            "GET", f"/checkouts?patron_id={patron}&_per_page=200", **{"x-koha-embed": "item.biblio"}
        )
        if status != 200 or not isinstance(body, list):
            raise Unavailable(f"Koha answered {status} for the checkouts")
        return body

    @staticmethod
    def _title(checkout: dict[str, Any]) -> str:
        item = checkout.get("item") or {}
        biblio = item.get("biblio") or {}
        return str(biblio.get("title") or item.get("external_id") or checkout["checkout_id"])

    def loans(self, card: str, now: datetime) -> list[Loan]:
        return [
            Loan(
                item=str(c["checkout_id"]),
                title=self._title(c),
                due=parse_datetime(str(c.get("due_date") or "")),
                due_text=str(c.get("due_date") or ""),
                call_number=str((c.get("item") or {}).get("callnumber") or ""),
            )
            for c in self._checkouts(card)
        ]

    def renew(self, card: str, item: str, now: datetime) -> RenewResult:
        mine = {str(c["checkout_id"]): c for c in self._checkouts(card)}
        if item not in mine:
            return RenewResult(item, item, False, reason=str(NOT_YOURS))
        title = self._title(mine[item])
        status, body = self._call("POST", f"/checkouts/{int(item)}/renewal")
        if status == 201 and isinstance(body, dict):
            due_text = str(body.get("due_date") or "")
            return RenewResult(item, title, True, parse_datetime(due_text), due_text)
        reason = str(body.get("error", "")) if isinstance(body, dict) else ""
        return RenewResult(item, title, False, reason=reason)

    def renew_all(self, card: str, now: datetime) -> RenewAllResult:
        return renew_each(self, card, now)

    def authenticate(self, card: str, password: str, now: datetime) -> Patron:
        return Patron(card, "", valid=False, password_ok=False)
