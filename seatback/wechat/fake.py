"""A faithful fake of WeChat's API, for tests and the demo: a real HTTP server on loopback.

It answers the endpoints Seatback uses with WeChat's shapes and error codes (from
WECHAT.md): stable_token (same token while valid), token (replaces the previous one),
getticket, sns/oauth2/access_token (codes it issued, each once), message/custom/send
(45015 outside the window), message/template/send (client_msg_id de-duplicated per
reader), message/subscribe/bizsend (43101 when refused, `thing` ≤ 20 characters),
menu/create and qrcode/create. A bad or expired access token gets 40001.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Sent:
    path: str
    body: dict[str, Any]
    at: float  # time.monotonic() when it arrived


@dataclass
class FakeWeChat:
    app_id: str
    secret: str
    token_fetches: int = 0
    tokens: set[str] = field(default_factory=set)
    stable: str | None = None
    codes: dict[str, str] = field(default_factory=dict)  # code -> openid
    outside_window: set[str] = field(default_factory=set)  # openids: custom send → 45015
    refused: set[str] = field(default_factory=set)  # openids: subscribe/template → 43101
    sent: list[Sent] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    template_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    always_40001: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    on_sent: Any = None  # called with each Sent (the demo prints them)

    # Driving it from a test ----------------------------------------------------------

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def authorize(self, openid: str) -> str:
        """What WeChat's OAuth page does when the reader agrees: a code for the openid."""
        code = secrets.token_hex(16)
        self.codes[code] = openid
        return code

    def expire_tokens(self) -> None:
        """The access tokens run out (WeChat answers 40001/42001 until a new one is made)."""
        with self.lock:
            self.tokens.clear()
            self.stable = None

    def to(self, openid: str, path: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.body.get("touser") == openid and (path is None or s.path == path)
        ]

    # The endpoints -------------------------------------------------------------------

    def _new_token(self) -> str:
        self.token_fetches += 1
        token = "TOKEN-" + secrets.token_hex(12)
        self.tokens.add(token)
        return token

    def answer(
        self, method: str, path: str, query: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.lock:
            if path == "/cgi-bin/stable_token" and method == "POST":
                if body.get("appid") != self.app_id or body.get("secret") != self.secret:
                    return {"errcode": 40013, "errmsg": "invalid appid"}
                if self.stable is None or body.get("force_refresh"):
                    self.stable = self._new_token()
                return {"access_token": self.stable, "expires_in": 7200}
            if path == "/cgi-bin/token" and method == "GET":
                if query.get("appid") != self.app_id or query.get("secret") != self.secret:
                    return {"errcode": 40013, "errmsg": "invalid appid"}
                self.tokens.clear()  # the older endpoint replaces the previous token
                self.stable = self._new_token()
                return {"access_token": self.stable, "expires_in": 7200}
            if path == "/sns/oauth2/access_token":
                if query.get("appid") != self.app_id or query.get("secret") != self.secret:
                    return {"errcode": 40013, "errmsg": "invalid appid"}
                openid = self.codes.pop(query.get("code", ""), None)
                if openid is None:
                    return {"errcode": 40029, "errmsg": "invalid code"}
                return {
                    "access_token": "WEB-" + secrets.token_hex(8),
                    "expires_in": 7200,
                    "refresh_token": "R-" + secrets.token_hex(8),
                    "openid": openid,
                    "scope": "snsapi_base",
                }
            if self.always_40001 or query.get("access_token") not in self.tokens:
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            return self._with_token(path, query, body)

    def _with_token(self, path: str, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        ok = {"errcode": 0, "errmsg": "ok"}
        touser = str(body.get("touser", ""))
        if path == "/cgi-bin/ticket/getticket":
            return {**ok, "ticket": "TICKET-" + secrets.token_hex(8), "expires_in": 7200}
        if path == "/cgi-bin/message/custom/send":
            if touser in self.outside_window:
                return {
                    "errcode": 45015,
                    "errmsg": "response out of time limit or subscription is canceled",
                }
            self._record(path, body)
            return ok
        if path == "/cgi-bin/message/template/send":
            if touser in self.refused:
                return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            key = (touser, str(body.get("client_msg_id", "")))
            if key[1] and key in self.template_ids:  # sent once per client_msg_id
                return {**ok, "msgid": self.template_ids[key]}
            msgid = str(len(self.sent) + 1000)
            if key[1]:
                self.template_ids[key] = msgid
            self._record(path, body)
            return {**ok, "msgid": msgid}
        if path == "/cgi-bin/message/subscribe/bizsend":
            if touser in self.refused:
                return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            for name, item in (body.get("data") or {}).items():
                if name.startswith("thing") and len(str(item.get("value", ""))) > 20:
                    return {"errcode": 47003, "errmsg": f"argument invalid! data.{name}.value"}
            self._record(path, body)
            return ok
        if path == "/cgi-bin/menu/create":
            if not isinstance(body.get("button"), list) or not body["button"]:
                return {"errcode": 40016, "errmsg": "invalid button size"}
            self.menus.append(body)
            return ok
        if path == "/cgi-bin/qrcode/create":
            scene = (body.get("action_info") or {}).get("scene") or {}
            if (
                body.get("action_name")
                not in ("QR_SCENE", "QR_STR_SCENE", "QR_LIMIT_SCENE", "QR_LIMIT_STR_SCENE")
                or not scene
            ):
                return {"errcode": 40053, "errmsg": "invalid action info"}
            ticket = "gQ" + secrets.token_urlsafe(24)
            self._record(path, body)
            return {
                "ticket": ticket,
                "expire_seconds": body.get("expire_seconds", 0),
                "url": f"http://weixin.qq.com/q/{ticket[:20]}",
            }
        return {"errcode": 40066, "errmsg": "invalid url"}

    def _record(self, path: str, body: dict[str, Any]) -> None:
        sent = Sent(path, body, time.monotonic())
        self.sent.append(sent)
        if self.on_sent is not None:
            self.on_sent(sent)

    # The server ----------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeWeChat:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else {}
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    answer: dict[str, Any] = {"errcode": 47001, "errmsg": "data format error"}
                else:
                    answer = fake.answer(method, parts.path, query, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        # Polls for shutdown every 50 ms (the default, 0.5 s, made every stop() wait ~0.5 s).
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
