"""Binding readers to their openid, OAuth, and answering each WeChat message once."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from seatback.audit.services import record
from seatback.core.errors import Refusal
from seatback.officialaccount import tokens
from seatback.officialaccount.client import Unreachable, WeChatError, request_json
from seatback.officialaccount.models import Binding, InboundMessage
from seatback.readers.models import Reader
from seatback.readers.roles import is_librarian

# A code lives 5 minutes at WeChat; remember the used ones a little longer.
CODE_MEMORY_SECONDS = 600
KEEP_MESSAGES = timedelta(days=1)


# Bindings ---------------------------------------------------------------------------


def reader_for(openid: str) -> Reader | None:
    binding = Binding.objects.filter(openid=openid).select_related("reader").first()
    return binding.reader if binding is not None else None


def binding_of(reader: Reader) -> Binding | None:
    return Binding.objects.filter(reader=reader).first()


def bind(reader: Reader, openid: str, *, now: datetime, unionid: str = "") -> Binding:
    """Bind the openid to the reader (who has just proved their card and password). A
    reader moving to another WeChat account is re-bound; an openid bound to someone else
    must be unbound first."""
    with transaction.atomic():
        other = Binding.objects.select_for_update().filter(openid=openid).first()
        if other is not None and other.reader_id != reader.pk:
            raise Refusal(
                "forbidden",
                _("This WeChat account is already bound to another card. Unbind it first."),
            )
        if other is not None:
            return other
        Binding.objects.filter(reader=reader).delete()
        binding = Binding.objects.create(
            reader=reader, openid=openid, unionid=unionid, bound_at=now
        )
        record(reader, "wechat.bind", reader, now=now, after={"openid": openid})
    return binding


def unbind(actor: Reader, reader: Reader, *, now: datetime) -> None:
    """The reader themselves or a librarian ends the binding."""
    if actor.pk != reader.pk and not is_librarian(actor):
        raise Refusal("forbidden")
    with transaction.atomic():
        binding = Binding.objects.select_for_update().filter(reader=reader).first()
        if binding is None:
            raise Refusal("invalid_request", _("This card is not bound to a WeChat account."))
        binding.delete()
        record(actor, "wechat.unbind", reader, now=now, before={"openid": binding.openid})


# OAuth (snsapi_base) ------------------------------------------------------------------


def authorize_url(redirect_uri: str, state: str) -> str:
    return (
        f"{settings.WECHAT_OAUTH_BASE}/connect/oauth2/authorize?appid={settings.WECHAT_APP_ID}"
        f"&redirect_uri={quote(redirect_uri, safe='')}&response_type=code&scope=snsapi_base"
        f"&state={state}#wechat_redirect"
    )


def openid_from_code(code: str) -> tuple[str, str]:
    """(openid, unionid) for an OAuth code; each code is used once."""
    if not code or len(code) > 128:
        raise Refusal("invalid_request")
    digest = hashlib.sha256(code.encode()).hexdigest()
    if not cache.add(f"wechat:code:{digest}", 1, timeout=CODE_MEMORY_SECONDS):
        raise Refusal("invalid_request", _("This sign-in link was already used. Please try again."))
    try:
        answer = request_json(
            "GET",
            "/sns/oauth2/access_token",
            params={
                "appid": settings.WECHAT_APP_ID,
                "secret": settings.WECHAT_APP_SECRET,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
    except WeChatError:
        raise Refusal(
            "invalid_request", _("WeChat did not confirm who you are. Please try again.")
        ) from None
    except Unreachable:
        raise Refusal("busy", retry_after=5) from None
    return str(answer["openid"]), str(answer.get("unionid", ""))


# Messages ----------------------------------------------------------------------------


def claim_message(key: str, openid: str, kind: str, now: datetime) -> tuple[bool, str | None]:
    """(True, None) for the first delivery of a message: the caller answers it. For a
    repeat (WeChat retries after 5 s, three tries in all): (False, the stored reply), the
    reply being None while the first delivery is still being answered."""
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                key=key[:160], openid=openid, kind=kind[:40], received_at=now
            )
        if message.pk % 100 == 0:  # WeChat retries within a minute: a day is plenty to keep
            InboundMessage.objects.filter(received_at__lt=now - KEEP_MESSAGES).delete()
    except IntegrityError:
        reply = InboundMessage.objects.filter(key=key[:160]).values_list("reply", flat=True)
        return False, reply[0]
    return True, None


def store_reply(key: str, reply: str, replied_by: str) -> None:
    InboundMessage.objects.filter(key=key[:160]).update(reply=reply, replied_by=replied_by)


def send_text(openid: str, text: str) -> None:
    """A customer-service text message (within 48 h of the reader's last message)."""
    tokens.call(
        "POST",
        "/cgi-bin/message/custom/send",
        body={"touser": openid, "msgtype": "text", "text": {"content": text}},
    )


def isbn_from_scan(result: str) -> str | None:
    """The ISBN-13 in a `scancode_waitmsg` result like "EAN_13,9787540438845", or None if
    it is not a book's EAN (978/979 prefix) with a right check digit."""
    kind, _sep, digits = result.partition(",")
    if kind != "EAN_13" or len(digits) != 13 or not digits.isdigit():
        return None
    if not digits.startswith(("978", "979")):
        return None
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return digits if (10 - total % 10) % 10 == int(digits[12]) else None
