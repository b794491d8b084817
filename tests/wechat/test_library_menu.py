"""The library services on the Official Account's menu, and the mascots for other text."""

from __future__ import annotations

from django.utils import translation

from seatback.circulation.models import Loan
from seatback.content.models import Mascot, MascotRule
from seatback.readers.models import Reader
from seatback.wechat import routing
from tests.conftest import at


def asking(reader: Reader | None) -> routing.Asking:
    return routing.Asking("o-test", reader, at("09:00"))


def test_renew_all_from_the_menu_says_each_items_outcome(alice: Reader) -> None:
    Loan.objects.create(
        reader=alice, item="B100", title="三体", due_at=at("12:00"), loaned_at=at("08:00")
    )
    with translation.override("en"):
        reply = routing.click(asking(alice), "RENEW")
    assert "三体" in reply or "B100" in reply
    assert "not switched on" not in reply


def test_an_unbound_reader_is_asked_to_bind(db: None) -> None:
    with translation.override("en"):
        assert "Bind your library card" in routing.click(asking(None), "RENEW")


def test_catalogue_isbn_and_notices_answer(db: None) -> None:
    with translation.override("en"):
        assert "/library/search" in routing.click(asking(None), "CATALOGUE")
        assert "/library/isbn" in routing.click(asking(None), "ISBN")
        assert "No notices yet." in routing.click(asking(None), "CONTENT")


def test_other_text_is_answered_by_the_mascots(db: None) -> None:
    # Made here: this folder's transactional tests empty the tables a migration filled.
    mascot, _made = Mascot.objects.get_or_create(name="图小妹", defaults={"avatar": "👧"})
    MascotRule.objects.create(mascot=mascot, order=1, keywords="反占座", answer_zh="扫码开始计时")
    with translation.override("zh-hans"):
        reply = routing.text(asking(None), "怎么反占座")
    assert reply == f"{mascot.avatar} 图小妹：扫码开始计时"
