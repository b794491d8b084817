"""/wechat/jssdk: wx.config signed per page URL, the fragment stripped."""

from __future__ import annotations

from typing import Any

from django.test import Client

from seatback.officialaccount import jssdk, tokens
from seatback.wechat.fake import FakeWeChat
from tests.wechat.conftest import APP_ID

VECTOR = dict(
    ticket="sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
    noncestr="Wm3WZYTPz0wzccnW",
    timestamp=1414587457,
)


def test_the_signature_vector_of_the_docs() -> None:
    url = "http://mp.weixin.qq.com?params=value"
    assert jssdk.signature(url=url, **VECTOR) == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"  # type: ignore[arg-type]
    assert jssdk.signature(url=url + "#/seat", **VECTOR) == jssdk.signature(url=url, **VECTOR)  # type: ignore[arg-type]


def test_a_page_gets_its_config(client: Client, fake: FakeWeChat, settings: Any) -> None:
    url = f"{settings.BASE_URL}/s/abc?x=1"
    response = client.get("/wechat/jssdk", {"url": url + "#top"})
    assert response.status_code == 200
    config = response.json()
    assert config["appId"] == APP_ID
    assert config["jsApiList"] == ["scanQRCode", "getLocation"]
    expected = jssdk.signature(tokens.jsapi_ticket(), config["nonceStr"], config["timestamp"], url)
    assert config["signature"] == expected
    assert fake.token_fetches == 1


def test_another_site_is_not_signed(client: Client, fake: FakeWeChat) -> None:
    response = client.get("/wechat/jssdk", {"url": "https://evil.example.com/"})
    assert response.status_code == 400


def test_pages_load_the_sdk_only_through_our_script(client: Client, db: None) -> None:
    page = client.get("/login").content.decode()
    assert "wechat/inside.js" in page and "res.wx.qq.com" not in page
    assert "data-wechat-scan hidden" in page
