"""The embedded circulation: Seatback's own loan table (demo, libraries without an ILS).

Rules: a renewal extends the loan by SEATBACK_RENEWAL_DAYS from today, at most
SEATBACK_MAX_RENEWALS times; an overdue item, or one another reader is waiting for, is not
renewed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from seatback.circulation.adapters import (
    NOT_YOURS,
    Loan,
    Patron,
    RenewAllResult,
    RenewResult,
    renew_each,
)
from seatback.circulation.models import Loan as LoanRow


def _loan(row: LoanRow) -> Loan:
    return Loan(item=row.item, title=row.title, due=row.due_at, call_number=row.call_number)


class EmbeddedCirculation:
    name = "embedded"

    def capabilities(self) -> frozenset[str]:
        return frozenset({"loans", "renew"})

    def _open(self, card: str) -> list[LoanRow]:
        return list(
            LoanRow.objects.filter(reader__card_number=card, returned_at__isnull=True).order_by(
                "due_at", "id"
            )
        )

    def loans(self, card: str, now: datetime) -> list[Loan]:
        return [_loan(row) for row in self._open(card)]

    def renew(self, card: str, item: str, now: datetime) -> RenewResult:
        with transaction.atomic():
            row = (
                LoanRow.objects.select_for_update()
                .filter(reader__card_number=card, item=item, returned_at__isnull=True)
                .first()
            )
            if row is None:
                return RenewResult(item, item, False, reason=str(NOT_YOURS))
            if row.due_at < now:
                reason = _("it is overdue: please bring it to the desk")
            elif row.on_hold:
                reason = _("another reader is waiting for it")
            elif row.renewals >= settings.MAX_RENEWALS:
                reason = _("it has been renewed %(count)d times already, the most allowed") % {
                    "count": row.renewals
                }
            else:
                due = max(row.due_at, now + timedelta(days=settings.RENEWAL_DAYS))
                row.due_at = due
                row.renewals += 1
                row.save(update_fields=["due_at", "renewals"])
                return RenewResult(item, row.title, True, due=due)
            return RenewResult(item, row.title, False, reason=reason)

    def renew_all(self, card: str, now: datetime) -> RenewAllResult:
        return renew_each(self, card, now)

    def authenticate(self, card: str, password: str, now: datetime) -> Patron:
        return Patron(card, "", valid=False, password_ok=False)
