"""/wechat/callback, driven the way WeChat drives it: signed, encrypted, retried."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.officialaccount.models import InboundMessage
from seatback.readers.models import Reader
from seatback.seats import services as seat_services
from seatback.seats.models import Challenge
from seatback.wechat import protocol, routing, views
from seatback.wechat.fake import FakeWeChat
from tests.conftest import at
from tests.seats.scans import seat_held_by
from tests.wechat.conftest import WeChat, bound, message

BOB = "oBOB_openid_000000000000001"
STRANGER = "oSTRANGER_openid_0000000002"


def test_the_signature_vector_of_wechat_md() -> None:
    assert protocol.sign("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"


def test_the_safe_mode_known_answer_of_wechatpy() -> None:
    reply = (
        "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
        "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n"
        "<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
        "<CreateTime>1411525903</CreateTime>\n</xml>"
    )
    envelope = protocol.parse(
        protocol.encrypt(
            reply,
            token="123456",
            key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
            app_id="wx49f0ab532d5d035a",
            timestamp="1411525903",
            nonce="461056294",
            random16="1234567890123456",
        )
    )
    assert envelope["MsgSignature"] == "407518b7649e86ef23978113f92d27afa9296533"
    assert envelope["Encrypt"].startswith("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5h")
    assert envelope["Encrypt"].endswith(
        "vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
    )


def test_get_echoes_echostr_when_signed(wechat: WeChat) -> None:
    query = wechat.query()
    response = wechat.client.get("/wechat/callback", {**query, "echostr": "4815162342"})
    assert response.status_code == 200
    assert response.content == b"4815162342"


def test_a_bad_signature_is_refused_and_nothing_is_processed(wechat: WeChat) -> None:
    query = wechat.query()
    query["signature"] = "f" * 40
    assert wechat.client.get("/wechat/callback", {**query, "echostr": "x"}).status_code == 403
    response = wechat.post(message(BOB, "text", Content="座位", MsgId="1"), query=query)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_off_without_configuration(client: Any, db: None) -> None:
    assert client.get("/wechat/callback").status_code == 404


def test_safe_mode_is_answered_in_safe_mode(wechat: WeChat, alice: Reader, room: Room) -> None:
    response = wechat.post_safe(message(BOB, "text", Content=room.name, MsgId="101"))
    assert response.status_code == 200
    reply = wechat.open_safe(response)
    assert reply["ToUserName"] == BOB
    assert room.name in reply["Content"]


def test_a_wrong_appid_or_msg_signature_gets_403(wechat: WeChat) -> None:
    xml = message(BOB, "text", Content="座位", MsgId="102")
    assert wechat.post_safe(xml, app_id="wx0000000000000000").status_code == 403
    assert wechat.post_safe(xml, bad_signature=True).status_code == 403
    assert not InboundMessage.objects.exists()


def test_compatible_mode_plain_body_is_answered_plain(wechat: WeChat, db: None) -> None:
    response = wechat.post(message(STRANGER, "text", Content="hello", MsgId="103"))
    assert response.status_code == 200
    assert "座位" in wechat.reply_text(response)


def test_a_message_delivered_three_times_is_handled_once_with_the_same_reply(
    wechat: WeChat, room: Room, seat: Seat
) -> None:
    xml = message(BOB, "text", Content=room.name, MsgId="104")
    replies = [wechat.reply_text(wechat.post(xml)) for _ in range(3)]
    assert replies[0] == replies[1] == replies[2]
    assert "1" in replies[0]
    assert InboundMessage.objects.count() == 1


def test_events_are_deduplicated_by_sender_and_time(wechat: WeChat, db: None) -> None:
    xml = message(BOB, "event", create_time=1764547300, Event="CLICK", EventKey="HELP")
    first, second = wechat.post(xml), wechat.post(xml)
    assert wechat.reply_text(first) == wechat.reply_text(second) != ""
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize("typed", ["]]>", "a]]>b<c>&d", "<![CDATA[x]]>", "]]]]>>"])
def test_a_reply_is_well_formed_whatever_was_typed(wechat: WeChat, room: Room, typed: str) -> None:
    """A room whose name holds the characters is echoed back in the reply."""
    room.name = typed
    room.save()
    response = wechat.post(message(BOB, "text", Content=typed, MsgId=str(abs(hash(typed)))))
    assert typed in wechat.reply_text(response)


def test_my_seat_answers_seat_and_clock_in_one_message(
    wechat: WeChat, bob: Reader, alice: Reader, seat: Seat
) -> None:
    bound(bob, BOB)
    seat_held_by(seat, bob, at("08:00"))
    seat_services.perform(seat, alice, "challenge", now=at("09:00"))
    clock.travel_to(at("09:05"))
    reply = wechat.reply_text(wechat.post(message(BOB, "text", Content="我的座位", MsgId="105")))
    assert seat.label in reply and seat.room.name in reply
    assert seat.code in reply
    deadline = Challenge.objects.get().deadline
    assert seat_services.local_time(deadline) in reply


def test_voice_goes_through_recognition(wechat: WeChat, bob: Reader, db: None) -> None:
    bound(bob, BOB)
    said = wechat.reply_text(
        wechat.post(
            message(BOB, "voice", MediaId="m1", Format="amr", Recognition="我的座位。", MsgId="106")
        )
    )
    assert "no seat" in said or "没有" in said
    unheard = wechat.reply_text(
        wechat.post(message(BOB, "voice", MediaId="m2", Format="amr", Recognition="", MsgId="107"))
    )
    assert unheard and unheard != said


def test_an_unbound_reader_asking_for_their_seat_gets_the_binding_link(
    wechat: WeChat, db: None
) -> None:
    reply = wechat.reply_text(wechat.post(message(STRANGER, "text", Content="座位", MsgId="108")))
    assert "/wechat/bind" in reply


def test_subscribing_from_a_seat_qr_opens_that_seat(wechat: WeChat, seat: Seat) -> None:
    xml = message(
        BOB, "event", Event="subscribe", EventKey=f"qrscene_seat:{seat.code}", Ticket="gQ1"
    )
    reply = wechat.reply_text(wechat.post(xml))
    assert f"/s/{seat.code}" in reply


def test_scan_when_following_opens_the_seat(wechat: WeChat, seat: Seat) -> None:
    xml = message(BOB, "event", Event="SCAN", EventKey=f"seat:{seat.code}", Ticket="gQ2")
    assert f"/s/{seat.code}" in wechat.reply_text(wechat.post(xml))


def test_scancode_waitmsg_opens_a_seat_and_knows_a_book(
    wechat: WeChat, seat: Seat, settings: Any
) -> None:
    info = (
        "<ScanType><![CDATA[qrcode]]></ScanType>"
        f"<ScanResult><![CDATA[{settings.BASE_URL}/s/{seat.code}]]></ScanResult>"
    )
    xml = message(BOB, "event", Event="scancode_waitmsg", EventKey="SCAN_SEAT", ScanCodeInfo=info)
    assert f"/s/{seat.code}" in wechat.reply_text(wechat.post(xml))
    book = (
        "<ScanType><![CDATA[barcode]]></ScanType>"
        "<ScanResult><![CDATA[EAN_13,9787540438845]]></ScanResult>"
    )
    xml = message(
        BOB,
        "event",
        create_time=1764547301,
        Event="scancode_waitmsg",
        EventKey="ISBN",
        ScanCodeInfo=book,
    )
    # The library services' ISBN page, opened on the scanned book (wechat/services_menu.py).
    assert "/library/isbn?isbn=9787540438845" in wechat.reply_text(wechat.post(xml))


def test_menu_keys(wechat: WeChat, bob: Reader, room: Room, seat: Seat) -> None:
    bound(bob, BOB)
    answers = {}
    for n, key in enumerate(
        ["MY_SEAT", "FREE_SEATS", "MY_RESERVATIONS", "HELP", "RENEW", "CATALOGUE"]
    ):
        xml = message(BOB, "event", create_time=1764547400 + n, Event="CLICK", EventKey=key)
        answers[key] = wechat.reply_text(wechat.post(xml))
    assert f"{room.name}: 1" in answers["FREE_SEATS"]
    # The library services have registered their keys (wechat/services_menu.py).
    assert "/library/search" in answers["CATALOGUE"]
    assert "not switched on" not in answers["RENEW"] and "尚未开通" not in answers["RENEW"]
    assert len(set(answers.values())) == 6


def test_a_registered_service_takes_over_its_menu_key(wechat: WeChat, db: None) -> None:
    routing.register("PLUGGED", lambda asking, key: f"answered for {asking.openid}")
    try:
        xml = message(BOB, "event", Event="CLICK", EventKey="PLUGGED")
        assert wechat.reply_text(wechat.post(xml)) == f"answered for {BOB}"
    finally:
        routing._menu.pop("PLUGGED")


@pytest.mark.parametrize("items", [1, 2])
def test_subscribe_msg_popup_event_and_view_answer_success(
    wechat: WeChat, db: None, items: int
) -> None:
    one = (
        "<TemplateId><![CDATA[T1]]></TemplateId>"
        "<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene>"
    )
    popup = "".join(f"<List>{one}</List>" for _ in range(items))
    xml = message(
        BOB,
        "event",
        create_time=1764547500 + items,
        Event="subscribe_msg_popup_event",
        SubscribeMsgPopupEvent=popup,
    )
    response = wechat.post(xml)
    assert response.status_code == 200 and response.content == b"success"
    view = message(BOB, "event", Event="VIEW", EventKey="https://example.edu/me")
    assert wechat.post(view).content == b"success"


def test_a_slow_answer_says_success_then_follows_by_customer_service(
    wechat: WeChat, fake: FakeWeChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow(asking: routing.Asking, key: str) -> str:
        release.wait(10)
        return "the slow answer"

    routing.register("SLOW", slow)
    monkeypatch.setattr(views, "REPLY_WITHIN_SECONDS", 0.05)
    try:
        xml = message(BOB, "event", Event="CLICK", EventKey="SLOW")
        assert wechat.post(xml).content == b"success"
        assert wechat.post(xml).content == b"success"  # WeChat's retry: still being answered
        release.set()
        deadline = time.monotonic() + 5
        while not fake.to(BOB) and time.monotonic() < deadline:
            release.wait(0.02)
        sent = fake.to(BOB, "/cgi-bin/message/custom/send")
        assert [s.body["text"]["content"] for s in sent] == ["the slow answer"]
    finally:
        routing._menu.pop("SLOW")


def test_unsigned_knocking_is_rate_limited_per_address(
    wechat: WeChat, settings: Any, frozen_minute: None
) -> None:
    settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE = 3
    query = {**wechat.query(), "signature": "0" * 40}
    codes = [wechat.client.get("/wechat/callback", query).status_code for _ in range(4)]
    assert codes == [403, 403, 403, 429]


def test_signed_messages_are_not_limited_by_address_but_per_reader(
    wechat: WeChat, settings: Any, frozen_minute: None
) -> None:
    """WeChat's few addresses carry every reader's messages."""
    settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE = 3
    settings.RATE_LIMIT_INTENTS_PER_MINUTE = 5
    for n in range(5):
        reply = wechat.post(message(f"oREADER{n}", "text", Content="hi", MsgId=f"2{n}"))
        assert reply.status_code == 200 and reply.content != b"success"
    answers = [wechat.post(message(BOB, "text", Content="hi", MsgId=f"3{n}")) for n in range(6)]
    assert [a.content == b"success" for a in answers] == [False] * 5 + [True]


def test_a_failing_answer_is_an_apology_not_an_error(wechat: WeChat, db: None) -> None:
    def broken(asking: routing.Asking, key: str) -> str:
        raise RuntimeError("bug")

    routing.register("BROKEN", broken)
    try:
        xml = message(BOB, "event", Event="CLICK", EventKey="BROKEN")
        first, retry = wechat.post(xml), wechat.post(xml)
        assert first.status_code == retry.status_code == 200
        assert wechat.reply_text(first) == wechat.reply_text(retry) != ""
    finally:
        routing._menu.pop("BROKEN")
