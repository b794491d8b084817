"""The embedded circulation's rules (Seatback's own loan table)."""

from __future__ import annotations

from datetime import timedelta

from seatback.circulation import services
from seatback.circulation.models import Loan
from seatback.readers.models import Reader
from tests.conftest import at

NOW = at("09:30")


def lend(reader: Reader, item: str, title: str, days: int, **fields: object) -> Loan:
    return Loan.objects.create(
        reader=reader,
        item=item,
        title=title,
        loaned_at=NOW - timedelta(days=30),
        due_at=NOW + timedelta(days=days),
        **fields,
    )


def test_loans_are_listed_overdue_first(alice: Reader, bob: Reader) -> None:
    lend(alice, "B2", "later", 10)
    lend(alice, "B1", "overdue", -2)
    lend(bob, "B3", "bob's", 1)
    assert [loan.title for loan in services.loans(alice, now=NOW)] == ["overdue", "later"]


def test_renew_all_renews_what_it_may_and_says_why_not_for_the_rest(
    alice: Reader, bob: Reader, settings: object
) -> None:
    lend(alice, "B1", "overdue", -2)
    lend(alice, "B2", "wanted", 5, on_hold=True)
    lend(alice, "B3", "worn", 5, renewals=2)
    lend(alice, "B4", "fine", 5)
    result = services.renew_all(alice, now=NOW)
    words = {r.item: services.outcome(r) for r in result.results}
    assert words == {
        "B1": "《overdue》 was not renewed: it is overdue: please bring it to the desk.",
        "B2": "《wanted》 was not renewed: another reader is waiting for it.",
        "B3": "《worn》 was not renewed: it has been renewed 2 times already, the most allowed.",
        "B4": "《fine》 renewed until 2026-12-31.",
    }
    assert result.renewed == 1
    assert Loan.objects.get(item="B4").renewals == 1
    assert Loan.objects.get(item="B1").due_at == NOW - timedelta(days=2)


def test_someone_elses_loan_is_not_renewed(alice: Reader, bob: Reader) -> None:
    lend(bob, "B9", "bob's", 5)
    result = services.renew(alice, "B9", now=NOW)
    assert not result.renewed
    assert Loan.objects.get(item="B9").renewals == 0
