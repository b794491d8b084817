"""The mascots answer by their rules, in order, in the reader's language; else help."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.utils import translation

from seatback.content import services
from seatback.content.models import Mascot, MascotRule
from seatback.readers.models import Reader
from tests.conftest import at
from tests.pages.conftest import page_text


def test_the_seat_rule_in_the_mascots_words_in_both_languages(db: None) -> None:
    chinese = services.mascot_reply("怎么反占座？", "zh-hans")
    assert (chinese.mascot, chinese.matched) == ("图小妹", True)
    assert "开始计时" in chinese.text and "20 分钟" in chinese.text
    english = services.mascot_reply("how does the clock work", "en")
    assert "Start the clock" in english.text


def test_rules_answer_in_order(lin: Reader) -> None:
    first = Mascot.objects.get(name="图大叔")
    services.save_mascot_rule(
        lin, None, first, {"order": 1, "keywords": "计时", "answer_zh": "先问我"}, now=at("09:00")
    )
    assert services.mascot_reply("计时怎么算", "zh-hans").text == "先问我"
    MascotRule.objects.filter(answer_zh="先问我").update(active=False)
    assert services.mascot_reply("计时怎么算", "zh-hans").text != "先问我"


def test_nothing_matches_gives_the_help(db: None) -> None:
    with translation.override("en"):
        reply = services.mascot_reply("weather tomorrow?")
    assert not reply.matched and "I can help with seats" in reply.text


def test_the_ask_page_answers_anyone(client_for: Callable[..., Client]) -> None:
    page = page_text(client_for().post("/ask", {"message": "我想吃午饭"}))
    assert "暂离" in page and "图小妹" in page
