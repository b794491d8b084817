"""The WeChat channel of the notification outbox (registered in apps.py).

A notice goes to a bound reader through the APIs named in SEATBACK_WECHAT_PUSH, in
order: `custom` (customer-service message; WeChat allows it for 48 h after the reader's
last message, 45015 outside that window), `template` (template message, de-duplicated by
WeChat on `client_msg_id`) and `subscribe` (subscription notice; 43101 when the reader
has not accepted it). A refusal moves on to the next; what each answered is recorded.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.notifications.outbox import Result
from seatback.notifications.services import sentence
from seatback.officialaccount import tokens
from seatback.officialaccount.client import Unreachable, WeChatError
from seatback.officialaccount.models import Binding

# Answers that say "not this way, try the next": the reader refused (43101), outside the
# 48-hour window (45015), or the reader no longer follows the account (43004).
REFUSED = {43101, 45015, 43004, 45047}


def wants(notice: Notice) -> bool:
    return (
        bool(settings.WECHAT_ENABLED) and Binding.objects.filter(reader=notice.reader_id).exists()
    )


def _when(notice: Notice) -> str:
    p = notice.params
    moment = parse_datetime(str(p.get("deadline") or p.get("checkin_from") or p.get("until") or ""))
    moment = moment or notice.created_at
    return moment.astimezone(Policy.zone()).strftime("%Y-%m-%d %H:%M")


def _fields(notice: Notice) -> dict[str, dict[str, str]]:
    """The template's fields: thing1 what happened, thing2 where, time3 by when
    (a `thing` value holds at most 20 characters)."""
    p = notice.params
    place = f"{p.get('room', '')} {p.get('seat', '')}".strip() or "-"
    return {
        "thing1": {"value": str(notice.get_kind_display())[:20]},  # type: ignore[attr-defined]
        "thing2": {"value": place[:20]},
        "time3": {"value": _when(notice)},
    }


def _link(notice: Notice) -> str:
    code = notice.params.get("code")
    return f"{settings.BASE_URL}/s/{code}" if code else f"{settings.BASE_URL}/me"


def _send(way: str, openid: str, notice: Notice) -> None:
    if way == "custom":
        text = f"{sentence(notice)}\n{_link(notice)}"
        tokens.call(
            "POST",
            "/cgi-bin/message/custom/send",
            body={"touser": openid, "msgtype": "text", "text": {"content": text}},
        )
    elif way == "template":
        tokens.call(
            "POST",
            "/cgi-bin/message/template/send",
            body={
                "touser": openid,
                "template_id": settings.WECHAT_TEMPLATE_ID,
                "url": _link(notice),
                "client_msg_id": f"notice-{notice.pk}",
                "data": _fields(notice),
            },
        )
    else:
        tokens.call(
            "POST",
            "/cgi-bin/message/subscribe/bizsend",
            body={
                "touser": openid,
                "template_id": settings.WECHAT_SUBSCRIBE_TEMPLATE_ID,
                "page": _link(notice),
                "data": _fields(notice),
            },
        )


def send(notice: Notice, now: datetime) -> Result:
    binding = Binding.objects.filter(reader=notice.reader_id).first()
    if binding is None:
        return Result("refused", _("not bound"))
    answers = []
    with translation.override(settings.LANGUAGE_CODE):
        for way in settings.WECHAT_PUSH:
            try:
                _send(way, binding.openid, notice)
            except WeChatError as exc:
                answers.append(f"{way} {exc.errcode}")
                if exc.errcode in REFUSED:
                    continue
                return Result("failed", "; ".join(answers))
            except Unreachable:
                answers.append(f"{way} unreachable")
                return Result("failed", "; ".join(answers))
            answers.append(f"{way} ok")
            return Result("sent", "; ".join(answers))
    return Result("refused", "; ".join(answers))
