"""What Seatback needs of a circulation system, whichever it is (SIP2, Koha, embedded).

Adapters raise `Unavailable` when the other side is down or answers nonsense; the
services turn that into a Refusal with a sentence. An item counts as renewed only when
the other side said so in as many words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.utils.translation import gettext_lazy as _

# Why an item someone else holds (or a mistyped id) is not renewed.
NOT_YOURS = _("you do not have this item")


class Unavailable(Exception):
    """The circulation system cannot be reached or did not answer usefully."""


@dataclass(frozen=True)
class Loan:
    item: str  # the item's barcode or id, as the circulation system names it
    title: str
    due: datetime | None  # None when the system's due date could not be read
    due_text: str = ""  # the system's own words for the due date
    call_number: str = ""

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due < now


@dataclass(frozen=True)
class RenewResult:
    item: str
    title: str
    renewed: bool
    due: datetime | None = None
    due_text: str = ""
    reason: str = ""  # why not, in the system's words (may be empty)


@dataclass
class RenewAllResult:
    results: list[RenewResult] = field(default_factory=list)
    # True when the server's own renew-all was used, False when renewed item by item.
    whole: bool = False

    @property
    def renewed(self) -> int:
        return sum(1 for r in self.results if r.renewed)


@dataclass(frozen=True)
class Patron:
    card: str
    name: str
    valid: bool
    password_ok: bool


class Circulation(Protocol):
    name: str

    def capabilities(self) -> frozenset[str]: ...

    def loans(self, card: str, now: datetime) -> list[Loan]: ...

    def renew(self, card: str, item: str, now: datetime) -> RenewResult: ...

    def renew_all(self, card: str, now: datetime) -> RenewAllResult: ...

    def authenticate(self, card: str, password: str, now: datetime) -> Patron: ...


def renew_each(circulation: Circulation, card: str, now: datetime) -> RenewAllResult:
    """Renew all, item by item (for systems without a renew-all of their own)."""
    return RenewAllResult(
        [circulation.renew(card, loan.item, now) for loan in circulation.loans(card, now)],
        whole=False,
    )
