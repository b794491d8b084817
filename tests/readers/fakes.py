"""Protocol-faithful identity services on loopback, for the sign-in tests.

- CAS 3.0 (apereo.github.io/cas/…/CAS-Protocol-Specification): /login issues a service
  ticket for the configured person and redirects to the service; /p3/serviceValidate
  (and 2.0's /serviceValidate) validates it once, for that service, with attributes;
  /logout. A ticket is single-use and bound to its service.
- OpenID Connect: discovery, an authorization endpoint that signs the configured person
  in at once, a token endpoint checking the client secret and PKCE (S256), RS256 ID tokens
  with a JWKS, and userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass
class Person:
    user: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), handler)
    # Polls for shutdown every 50 ms (the default, 0.5 s, made every fake's exit wait ~0.5 s).
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class FakeCAS:
    def __init__(self) -> None:
        self.person = Person("20230001")
        self.tickets: dict[str, tuple[str, Person]] = {}  # ticket -> (service, person)
        self.validations: list[str] = []
        self.url = ""

    def issue(self, service: str) -> str:
        ticket = "ST-" + secrets.token_urlsafe(16)
        self.tickets[ticket] = (service, self.person)
        return ticket

    def validate(self, ticket: str, service: str, version: int) -> str:
        self.validations.append(ticket)
        issued = self.tickets.pop(ticket, None)  # single use
        if issued is None or issued[0] != service:
            code = "INVALID_TICKET" if issued is None else "INVALID_SERVICE"
            return (
                "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>"
                f"<cas:authenticationFailure code='{code}'>ticket {escape(ticket)} not "
                "recognized</cas:authenticationFailure></cas:serviceResponse>"
            )
        person = issued[1]
        attributes = ""
        if version == 3:
            attributes = (
                "<cas:attributes>"
                + "".join(
                    f"<cas:{name}>{escape(value)}</cas:{name}>"
                    for name, values in person.attributes.items()
                    for value in values
                )
                + "</cas:attributes>"
            )
        return (
            "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>"
            f"<cas:authenticationSuccess><cas:user>{escape(person.user)}</cas:user>"
            f"{attributes}</cas:authenticationSuccess></cas:serviceResponse>"
        )

    @contextmanager
    def running(self) -> Iterator[FakeCAS]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cas/login":
                    service = query["service"]
                    ticket = fake.issue(service)
                    separator = "&" if "?" in service else "?"
                    self._redirect(f"{service}{separator}ticket={ticket}")
                elif url.path in ("/cas/p3/serviceValidate", "/cas/serviceValidate"):
                    version = 3 if url.path.startswith("/cas/p3") else 2
                    body = fake.validate(query.get("ticket", ""), query.get("service", ""), version)
                    self._send(200, body.encode(), "application/xml; charset=utf-8")
                elif url.path == "/cas/logout":
                    self._send(200, b"logged out", "text/plain")
                else:
                    self._send(404, b"", "text/plain")

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        with serve(Handler) as server:
            self.url = f"http://127.0.0.1:{server.server_address[1]}/cas"
            yield self


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeOIDC:
    client_id = "seatback"
    client_secret = "s3cret"

    def __init__(self) -> None:
        self.claims: dict[str, Any] = {"sub": "u-1", "preferred_username": "20230001"}
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.issuer = ""
        self.token_requests: list[dict[str, str]] = []

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": "k1",
                    "use": "sig",
                    "alg": "RS256",
                    "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": _b64(numbers.e.to_bytes(3, "big")),
                }
            ]
        }

    def authorize(self, query: dict[str, str]) -> str:
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        asked = self.codes.pop(form.get("code", ""), None)  # single use
        if asked is None or form.get("client_secret") != self.client_secret:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        if asked.get("code_challenge") != challenge or asked.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.issuer,
                "sub": self.claims["sub"],
                "aud": self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": asked.get("nonce"),
            },
            self.key,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        access = secrets.token_urlsafe(16)
        self.tokens[access] = dict(self.claims)
        return 200, {"access_token": access, "token_type": "Bearer", "id_token": id_token}

    @contextmanager
    def running(self) -> Iterator[FakeOIDC]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/realms/campus/.well-known/openid-configuration":
                    self._json(200, fake.discovery())
                elif url.path == "/realms/campus/jwks":
                    self._json(200, fake.jwks())
                elif url.path == "/realms/campus/authorize":
                    self.send_response(302)
                    self.send_header("Location", fake.authorize(query))
                    self.end_headers()
                elif url.path == "/realms/campus/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = fake.tokens.get(token)
                    self._json(200 if claims else 401, claims or {"error": "invalid_token"})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/realms/campus/token":
                    self._json(*fake.token(form))
                else:
                    self._json(404, {})

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        with serve(Handler) as server:
            self.issuer = f"http://127.0.0.1:{server.server_address[1]}/realms/campus"
            yield self
