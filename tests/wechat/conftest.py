"""WeChat's side of the conversation: the fake API server, and messages sent the way
WeChat sends them (signed, encrypted in safe mode with WeChat's algorithm, retried)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from wechatpy.crypto import WeChatCrypto

from seatback.officialaccount.models import Binding
from seatback.readers.models import Reader
from seatback.wechat import protocol
from seatback.wechat.fake import FakeWeChat

APP_ID = "wx49f0ab532d5d035a"
SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "seatbacktoken"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
GH_ID = "gh_3f2a1b0c9d8e"


@pytest.fixture(autouse=True)
def _committed(transactional_db: None) -> None:
    """Answers and pushes run on their own threads: they see only committed rows."""


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeWeChat]:
    server = FakeWeChat(APP_ID, SECRET).start()
    settings.WECHAT_ENABLED = True
    settings.WECHAT_APP_ID = APP_ID
    settings.WECHAT_APP_SECRET = SECRET
    settings.WECHAT_TOKEN = TOKEN
    settings.WECHAT_AES_KEY = AES_KEY
    settings.WECHAT_API_BASE = server.base
    settings.WECHAT_OAUTH_BASE = "https://open.weixin.qq.com"
    settings.WECHAT_PUSH = ["custom", "template"]
    settings.WECHAT_TEMPLATE_ID = "TEMPLATE-seat"
    settings.WECHAT_SUBSCRIBE_TEMPLATE_ID = "SUBSCRIBE-seat"
    yield server
    server.stop()


def bound(reader: Reader, openid: str) -> Reader:
    from seatback.core import clock

    Binding.objects.create(reader=reader, openid=openid, bound_at=clock.now())
    return reader


def message(openid: str, msg_type: str, create_time: int = 1764547200, **fields: str) -> str:
    """A message as WeChat writes it (fields in CDATA, nested ones given as raw XML)."""
    parts = [
        f"<ToUserName><![CDATA[{GH_ID}]]></ToUserName>",
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
        f"<CreateTime>{create_time}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    for name, value in fields.items():
        if name in ("ScanCodeInfo", "SubscribeMsgPopupEvent"):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}>{protocol.cdata(value)}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


class WeChat:
    """Delivers messages to /wechat/callback as WeChat's servers do."""

    def __init__(self, client: Client, token: str = TOKEN) -> None:
        self.client = client
        self.token = token

    def query(self, nonce: str | None = None, timestamp: str = "1764547200") -> dict[str, str]:
        nonce = nonce or secrets.token_hex(5)
        return {
            "timestamp": timestamp,
            "nonce": nonce,
            "signature": protocol.sign(self.token, timestamp, nonce),
        }

    def post(self, xml: str, *, query: dict[str, str] | None = None) -> Any:
        query = query or self.query()
        return self.client.post(
            "/wechat/callback?" + "&".join(f"{k}={v}" for k, v in query.items()),
            data=xml.encode(),
            content_type="text/xml",
        )

    def post_safe(self, xml: str, *, app_id: str = APP_ID, bad_signature: bool = False) -> Any:
        """Encrypted with WeChat's algorithm (wechatpy's crypto plays WeChat's side)."""
        query = self.query()
        crypto = WeChatCrypto(self.token, AES_KEY, app_id)
        envelope = protocol.parse(crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))
        body = (
            f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        )
        signature = envelope["MsgSignature"] if not bad_signature else "0" * 40
        query.update(encrypt_type="aes", msg_signature=signature)
        self.last_query = query
        return self.post(body, query=query)

    def reply_text(self, response: Any) -> str:
        """The Content of a plain reply ("" for `success`)."""
        body = response.content.decode()
        if body == "success":
            return ""
        return str(protocol.parse(body)["Content"])

    def open_safe(self, response: Any) -> dict[str, Any]:
        crypto = WeChatCrypto(self.token, AES_KEY, APP_ID)
        envelope = protocol.parse(response.content)
        plain = crypto.decrypt_message(
            response.content, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
        )
        return protocol.parse(plain)


@pytest.fixture
def wechat(client: Client, fake: FakeWeChat) -> WeChat:
    return WeChat(client)


__all__ = ["message", "bound", "WeChat"]
