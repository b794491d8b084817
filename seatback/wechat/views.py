"""The Official Account's doors: the server callback, OAuth binding and unbinding."""

from __future__ import annotations

import logging
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response
from seatback.officialaccount import services
from seatback.officialaccount.client import Unreachable, WeChatError
from seatback.officialaccount.jssdk import config_for as jssdk_config
from seatback.readers.models import Reader
from seatback.readers.services import sign_in
from seatback.wechat import protocol, routing

log = logging.getLogger(__name__)

# WeChat gives up after 5 s and retries; an answer not ready by then goes out later
# through the customer-service API, and WeChat is told `success` at once.
REPLY_WITHIN_SECONDS = 4.0
MAX_BODY = 64 * 1024
_answering = ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat-answer")


def _enabled() -> None:
    if not settings.WECHAT_ENABLED:
        raise Http404


# The server callback ----------------------------------------------------------------


def _compute(message: dict[str, Any], now: datetime, language: str) -> str:
    try:
        with translation.override(language):
            return routing.answer(message, now)
    finally:
        connection.close()  # this pool thread's own connection


def _send_late(key: str, openid: str, future: Future[str]) -> None:
    try:
        reply = future.result()
        if reply:
            services.send_text(openid, reply)
        services.store_reply(key, reply, "custom")
    except (WeChatError, Unreachable) as exc:
        log.warning("a late WeChat answer to %s was not delivered: %s", openid, exc)
    except Exception:
        log.exception("answering WeChat message %s failed", key)
    finally:
        connection.close()


def _answer_in_time(message: dict[str, Any], now: datetime, key: str) -> str | None:
    """The reply if it is ready within REPLY_WITHIN_SECONDS; else None, and the reply
    follows through the customer-service API when it is ready."""
    future = _answering.submit(_compute, message, now, translation.get_language())
    try:
        reply = future.result(timeout=REPLY_WITHIN_SECONDS)
    except FutureTimeout:
        openid = str(message.get("FromUserName") or "")
        future.add_done_callback(lambda done: _send_late(key, openid, done))
        return None
    except Exception:  # a bug must not make WeChat say the account is out of service
        log.exception("answering WeChat message %s failed", key)
        reply = _("Sorry, something went wrong. Please try again later.")
    services.store_reply(key, reply, "passive")
    return reply


def message_key(message: dict[str, Any]) -> str:
    """MsgId for messages; sender, time and event for events (which carry no MsgId)."""
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    return ":".join(
        str(message.get(field) or "")
        for field in ("FromUserName", "CreateTime", "Event", "EventKey")
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    try:
        protocol.check((settings.WECHAT_TOKEN, timestamp, nonce), query.get("signature", ""))
    except protocol.Rejected:
        # Anyone may knock; only WeChat can sign. Unsigned knocking is limited per address.
        try:
            ratelimit.hit(
                "wechat-unsigned",
                str(client_address(request)),
                settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
            )
        except Refusal as refusal:
            return refusal_response(request, refusal)
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    if request.method == "GET":
        return HttpResponse(query.get("echostr", ""), content_type="text/plain")
    if len(request.body) > MAX_BODY:
        return HttpResponse("too large", status=413, content_type="text/plain")
    safe = query.get("encrypt_type") == "aes"
    try:
        if safe:
            if not settings.WECHAT_AES_KEY:
                raise protocol.Rejected("no key")
            message = protocol.parse(
                protocol.decrypt(
                    request.body,
                    token=settings.WECHAT_TOKEN,
                    key=settings.WECHAT_AES_KEY,
                    app_id=settings.WECHAT_APP_ID,
                    timestamp=timestamp,
                    nonce=nonce,
                    msg_signature=query.get("msg_signature", ""),
                )
            )
        else:
            message = protocol.parse(request.body)
    except protocol.Rejected:
        return HttpResponse("rejected", status=403, content_type="text/plain")
    openid = str(message.get("FromUserName") or "")
    try:  # signed by WeChat: limited per reader instead
        ratelimit.hit("wechat-openid", openid, settings.RATE_LIMIT_INTENTS_PER_MINUTE)
    except Refusal:
        return HttpResponse("success", content_type="text/plain")
    now = clock.now()
    key = message_key(message)
    first, reply = services.claim_message(key, openid, str(message.get("MsgType") or ""), now)
    if first:
        reply = _answer_in_time(message, now, key)
    if not reply:
        return HttpResponse("success", content_type="text/plain")
    xml = protocol.text_reply(openid, str(message.get("ToUserName") or ""), reply, int(time.time()))
    if safe:
        xml = protocol.encrypt(
            xml,
            token=settings.WECHAT_TOKEN,
            key=settings.WECHAT_AES_KEY,
            app_id=settings.WECHAT_APP_ID,
            timestamp=str(int(time.time())),
            nonce=nonce,
        )
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


# JS-SDK ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def jssdk(request: HttpRequest) -> JsonResponse:
    """wx.config for a page of this site, signed for its URL (the fragment stripped)."""
    _enabled()
    url = request.GET.get("url", "").split("#", 1)[0]
    page, base = urlsplit(url), urlsplit(settings.BASE_URL)
    if (page.scheme, page.netloc) != (base.scheme, base.netloc):
        return JsonResponse({"error": {"code": "invalid_request"}}, status=400)
    try:
        config = jssdk_config(url, int(time.time()))
    except (WeChatError, Unreachable):
        return JsonResponse({"error": {"code": "busy"}}, status=503)
    return JsonResponse(
        {
            "appId": config.app_id,
            "timestamp": config.timestamp,
            "nonceStr": config.nonce,
            "signature": config.signature,
            "jsApiList": ["scanQRCode", "getLocation"],
        }
    )


# Binding ------------------------------------------------------------------------------


def _next(request: HttpRequest) -> str:
    wanted = (
        request.GET.get("next")
        or request.POST.get("next")
        or request.session.get("wechat_next", "")
    )
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return str(wanted)
    return reverse("pages:me")


def _page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    reader = request.user if isinstance(request.user, Reader) else None
    binding = services.binding_of(reader) if reader is not None else None
    return render(
        request,
        "wechat/bind.html",
        {
            "binding": binding,
            "openid_known": bool(request.session.get("wechat_openid")),
            "error": error,
            "next": _next(request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def bind(request: HttpRequest) -> HttpResponse:
    """Menu entry and link: WeChat OAuth (snsapi_base) brings back the openid; a bound
    reader is signed in silently, anyone else signs in once with card and password."""
    _enabled()
    now = clock.now()
    if request.method == "POST":
        openid = request.session.get("wechat_openid")
        if not openid:
            return _page(request, _("Open this page from the library's WeChat account."), 400)
        try:
            reader = sign_in(
                request,
                request.POST.get("card_number", "").strip(),
                request.POST.get("password", ""),
            )
            services.bind(
                reader, str(openid), now=now, unionid=request.session.get("wechat_unionid", "")
            )
        except Refusal as refusal:
            return _page(request, refusal.message, refusal.status)
        request.session["wechat_openid"] = openid
        return HttpResponseRedirect(_next(request))
    if "code" in request.GET:
        expected = request.session.pop("wechat_state", None)
        if not expected or not secrets.compare_digest(str(expected), request.GET.get("state", "")):
            return _page(request, _("This sign-in link is not valid. Please try again."), 400)
        try:
            openid, unionid = services.openid_from_code(request.GET.get("code", ""))
        except Refusal as refusal:
            return _page(request, refusal.message, refusal.status)
        known = services.reader_for(openid)
        if known is not None and known.is_active:
            # The session is kept by the backend that is always listed (its get_user reads
            # the cache); WeChat's OAuth, not a password, proved who this is.
            login(request, known, backend="seatback.readers.backends.LocalPasswordBackend")
            request.session["wechat_openid"] = openid
            return HttpResponseRedirect(_next(request))
        request.session["wechat_openid"] = openid
        request.session["wechat_unionid"] = unionid
        return _page(request)
    if request.GET.get("next"):
        request.session["wechat_next"] = _next(request)
    if request.user.is_authenticated and services.binding_of(request.user):  # type: ignore[arg-type]
        return _page(request)
    if request.session.get("wechat_openid"):
        return _page(request)
    state = secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")
    request.session["wechat_state"] = state
    redirect_uri = settings.BASE_URL + reverse("wechat:bind")
    return HttpResponseRedirect(services.authorize_url(redirect_uri, state))


@login_required
@require_POST
def unbind(request: HttpRequest) -> HttpResponse:
    _enabled()
    assert isinstance(request.user, Reader)
    try:
        services.unbind(request.user, request.user, now=clock.now())
    except Refusal as refusal:
        return _page(request, refusal.message, refusal.status)
    request.session.pop("wechat_openid", None)
    return render(request, "wechat/bind.html", {"binding": None, "unbound": True, "next": ""})
