"""WeChat's callback protocol: signatures, safe-mode encryption, messages in and out.

wechatpy is used where WECHAT.md says (its AES cipher); the rest is ours: signatures are
compared in constant time, the 16 random bytes come from `secrets`, and a reply escapes
`]]>` inside CDATA (wechatpy's StringField does not, so echoing a reader's text could
break the XML and WeChat would show "该公众号暂时无法提供服务").
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from typing import Any

import xmltodict


class Rejected(Exception):
    """Not a genuine message from WeChat (bad signature, bad msg_signature, wrong appid)."""


def sign(*parts: str) -> str:
    """sha1 of the parts sorted and joined (the callback's signature and msg_signature)."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324


def check(expected_parts: tuple[str, ...], given: str) -> None:
    if not hmac.compare_digest(sign(*expected_parts), given or ""):
        raise Rejected("signature")


@functools.cache
def _prp() -> Any:
    """wechatpy's message cipher, with a settable random prefix (for the protocol's test
    vectors). Made on first use: wechatpy is ~9 MB per worker that only a library with
    WeChat in safe mode needs (issue 17)."""
    from wechatpy.crypto import PrpCrypto

    class Prp(PrpCrypto):  # type: ignore[misc]
        def __init__(self, key: bytes, random16: str | None = None) -> None:
            super().__init__(key)
            self._random16 = random16

        def get_random_string(self) -> str:
            return self._random16 or secrets.token_hex(8)

    return Prp


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


def decrypt(
    body: bytes,
    *,
    token: str,
    key: str,
    app_id: str,
    timestamp: str,
    nonce: str,
    msg_signature: str,
) -> str:
    """The plain XML inside a safe-mode body, or Rejected."""
    envelope = parse(body)
    encrypted = str(envelope.get("Encrypt") or "")
    check((token, timestamp, nonce, encrypted), msg_signature)
    from wechatpy.exceptions import InvalidAppIdException

    try:
        return str(_prp()(aes_key(key)).decrypt(encrypted, app_id))
    except InvalidAppIdException:
        raise Rejected("appid") from None
    except Exception:  # not our key, bad padding, not base64
        raise Rejected("decrypt") from None


def encrypt(
    xml: str,
    *,
    token: str,
    key: str,
    app_id: str,
    timestamp: str,
    nonce: str,
    random16: str | None = None,
) -> str:
    """The safe-mode envelope of a reply (Encrypt, MsgSignature, TimeStamp, Nonce)."""
    encrypted = _prp()(aes_key(key), random16).encrypt(xml, app_id).decode("ascii")
    signature = sign(token, timestamp, nonce, encrypted)
    return (
        f"<xml>\n<Encrypt>{cdata(encrypted)}</Encrypt>\n"
        f"<MsgSignature>{cdata(signature)}</MsgSignature>\n"
        f"<TimeStamp>{timestamp}</TimeStamp>\n<Nonce>{cdata(nonce)}</Nonce>\n</xml>"
    )


def parse(body: bytes | str) -> dict[str, Any]:
    """The <xml> element as a dict (entities are not expanded); Rejected if malformed."""
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except Exception:
        raise Rejected("xml") from None
    xml = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(xml, dict):
        raise Rejected("xml")
    return xml


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text: str) -> str:
    """Text in CDATA that stays well-formed whatever it holds, `]]>` included."""
    text = _NOT_XML.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, content: str, create_time: int) -> str:
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )
