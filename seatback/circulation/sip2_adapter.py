"""Circulation over SIP2: loans from 63/64 and 17/18, renew with 29/30, renew all with
65/66 only when the server's 98 says it supports it (BX position 15), else item by item."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from seatback.circulation.adapters import (
    Loan,
    Patron,
    RenewAllResult,
    RenewResult,
    Unavailable,
    renew_each,
)
from seatback.circulation.sip2 import Message, parse_due, sip_date
from seatback.circulation.sip2_client import Sip2Client, Sip2Config, Sip2Error, client_for

RENEW = 14
RENEW_ALL = 15
# How many charged items to ask for in one 63 (BP..BQ).
MAX_ITEMS = 200


class Sip2Circulation:
    name = "sip2"

    def __init__(self, config: Sip2Config, zone: ZoneInfo) -> None:
        self.config = config
        self.zone = zone

    @property
    def client(self) -> Sip2Client:
        return client_for(self.config)

    def _ask(self, message: Message, expect: str) -> Message:
        try:
            answer = self.client.request(message)
        except Sip2Error as exc:
            raise Unavailable(str(exc)) from exc
        if answer.code != expect:
            raise Unavailable(f"expected a {expect} answer, got {answer.code}")
        return answer

    def _patron_fields(self, card: str) -> list[tuple[str, str]]:
        # AC (terminal password) is required in 23, optional elsewhere: always sent, as
        # Evergreen's own clients do, empty when the server wants none.
        return [
            ("AO", self.config.institution),
            ("AA", card),
            ("AC", self.config.terminal_password),
        ]

    def capabilities(self) -> frozenset[str]:
        try:
            self.client.request(Message("99", "0" + "080" + "2.00"))
        except Sip2Error as exc:
            raise Unavailable(str(exc)) from exc
        found = {"loans", "patron_auth"}
        if self.client.supports(RENEW):
            found.add("renew")
        if self.client.supports(RENEW_ALL):
            found.add("renew_all")
        return frozenset(found)

    def item(self, item: str, now: datetime) -> Loan:
        answer = self._ask(
            Message(
                "17", sip_date(now, self.zone), [("AO", self.config.institution), ("AB", item)]
            ),
            "18",
        )
        due_text = answer.get("AH")
        return Loan(
            item=item,
            title=answer.get("AJ") or item,
            due=parse_due(due_text, self.zone) if due_text else None,
            due_text=due_text,
            call_number=answer.get("CS"),
        )

    def loans(self, card: str, now: datetime) -> list[Loan]:
        summary = "  Y       "  # position 2: charged items
        answer = self._ask(
            Message(
                "63",
                "000" + sip_date(now, self.zone) + summary,
                [*self._patron_fields(card), ("BP", "1"), ("BQ", str(MAX_ITEMS))],
            ),
            "64",
        )
        if answer.get("BL") == "N":
            raise Unavailable(f"the library's system does not know card {card}")
        return [self.item(item, now) for item in answer.all("AU") if item]

    def renew(self, card: str, item: str, now: datetime) -> RenewResult:
        answer = self._ask(
            Message(
                "29",
                "NN" + sip_date(now, self.zone) + sip_date(None),
                [*self._patron_fields(card), ("AB", item), ("BO", "N")],
            ),
            "30",
        )
        title = answer.get("AJ") or item
        due_text = answer.get("AH")
        # Renewed only when the server says ok=1 for this very item.
        renewed = answer.fixed[:1] == "1" and answer.get("AB", item) == item
        return RenewResult(
            item=item,
            title=title,
            renewed=renewed,
            due=parse_due(due_text, self.zone) if due_text and renewed else None,
            due_text=due_text if renewed else "",
            reason="" if renewed else answer.get("AF"),
        )

    def renew_all(self, card: str, now: datetime) -> RenewAllResult:
        if "renew_all" in self.capabilities():
            answer = self._ask(
                Message("65", sip_date(now, self.zone), [*self._patron_fields(card), ("BO", "N")]),
                "66",
            )
            if answer.fixed[:1] == "1":
                results = []
                for item in answer.all("BM"):
                    loan = self.item(item, now)
                    results.append(RenewResult(item, loan.title, True, loan.due, loan.due_text))
                for item in answer.all("BN"):
                    loan = self.item(item, now)
                    results.append(RenewResult(item, loan.title, False, reason=answer.get("AF")))
                return RenewAllResult(results, whole=True)
        return renew_each(self, card, now)

    def authenticate(self, card: str, password: str, now: datetime) -> Patron:
        answer = self._ask(
            Message(
                "23",
                "000" + sip_date(now, self.zone),
                [*self._patron_fields(card), ("AD", password)],
            ),
            "24",
        )
        return Patron(
            card=card,
            name=answer.get("AE"),
            valid=answer.get("BL") == "Y",
            password_ok=answer.get("CQ") == "Y",
        )
