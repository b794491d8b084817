"""/library/loans: my loans, overdue first; renew one and renew all, in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client

from seatback.circulation.models import Loan
from seatback.circulation.sip2_client import forget_clients
from seatback.core import clock
from seatback.readers.models import Reader
from tests.pages.conftest import page_text


def lend(reader: Reader, item: str, title: str, days: int, **fields: object) -> Loan:
    now = clock.now()
    return Loan.objects.create(
        reader=reader,
        item=item,
        title=title,
        loaned_at=now - timedelta(days=20),
        due_at=now + timedelta(days=days),
        **fields,
    )


def test_loans_overdue_first_with_due_dates(
    client_for: Callable[..., Client], alice: Reader
) -> None:
    lend(alice, "B1", "黑暗森林", 9)
    lend(alice, "B2", "死神永生", -3)
    text = page_text(client_for(alice, "en").get("/library/loans"))
    assert text.index("死神永生") < text.index("黑暗森林")
    assert "Overdue Due 2026-11-28" in text
    assert "Due 2026-12-10" in text


def test_renew_one_says_until_when(client_for: Callable[..., Client], alice: Reader) -> None:
    lend(alice, "B1", "黑暗森林", 9)
    client = client_for(alice, "en")
    response = client.post("/library/loans/renew", {"item": "B1"}, follow=True)
    assert "《黑暗森林》 renewed until 2026-12-31." in page_text(response)
    assert Loan.objects.get(item="B1").renewals == 1


def test_renew_all_says_each_items_outcome(
    client_for: Callable[..., Client], alice: Reader
) -> None:
    lend(alice, "B1", "黑暗森林", 9)
    lend(alice, "B2", "死神永生", 9, on_hold=True)
    response = client_for(alice, "en").post("/library/loans/renew-all", follow=True)
    text = page_text(response)
    assert "《黑暗森林》 renewed until 2026-12-31." in text
    assert "《死神永生》 was not renewed: another reader is waiting for it." in text


def test_chinese_by_default(client_for: Callable[..., Client], alice: Reader) -> None:
    lend(alice, "B1", "黑暗森林", 9)
    response = client_for(alice).post("/library/loans/renew-all", follow=True)
    text = page_text(response)
    assert "《黑暗森林》 已续借至 2026-12-31。" in text
    assert "全部续借" in text


def test_a_library_system_that_is_down_is_a_sentence_not_an_error(
    client_for: Callable[..., Client], alice: Reader, settings: Any
) -> None:
    forget_clients()
    settings.CIRCULATION_BACKEND = "sip2"
    settings.SIP2_HOST, settings.SIP2_PORT = "127.0.0.1", 9  # nothing listens there
    client = client_for(alice, "en")
    page = client.get("/library/loans")
    assert page.status_code == 200
    assert "The library's system is not answering right now" in page_text(page)
    renewed = client.post("/library/loans/renew", {"item": "B1"}, follow=True)
    assert renewed.status_code == 200
    assert "nothing was changed" in page_text(renewed)
    assert "renewed until" not in page_text(renewed)
    forget_clients()


def test_signed_out_readers_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/library/loans")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Client().post("/library/loans/renew-all").status_code == 302
