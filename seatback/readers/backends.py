"""Sign-in backends, chosen by settings (docs/sign-in.md): the local password, LDAP or
Active Directory (ldap3), CAS (django-cas-ng) and OpenID Connect (mozilla-django-oidc).
The campus ones hand their attributes to readers.campus, which creates or refreshes the
reader. Every one of them reads the signed-in reader of each request from the cache
instead of the database (readers.models.cached_reader, docs/caching.md)."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from seatback.core.errors import Refusal
from seatback.readers.campus import reader_from_attributes
from seatback.readers.models import Reader, cached_reader

log = logging.getLogger(__name__)


class CachedReaderBackend(ModelBackend):
    """The session's reader from the cache (one query saved on every signed-in request)."""

    def get_user(self, user_id: Any) -> Reader | None:  # type: ignore[override]
        try:
            reader = cached_reader(int(user_id))
        except (TypeError, ValueError):
            return None
        return reader if reader is not None and self.user_can_authenticate(reader) else None


class LocalPasswordBackend(CachedReaderBackend):
    """The card number and Seatback's own password. SEATBACK_LOCAL_SIGN_IN=staff keeps it
    for librarians and administrators only (readers use the campus service), =off for none."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        card_number: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Reader | None:
        if settings.LOCAL_SIGN_IN == "off" or card_number is None or password is None:
            return None
        reader = super().authenticate(request, username=card_number, password=password)
        if not isinstance(reader, Reader):
            return None
        if settings.LOCAL_SIGN_IN == "staff" and not (reader.is_staff or reader.is_superuser):
            return None
        return reader


class CampusUnavailable(Refusal):
    """The identity service did not answer: said plainly, with the local fallback if on."""

    def __init__(self, service: str) -> None:
        super().__init__(
            "busy",
            _("The campus sign-in service (%(service)s) does not answer. Please try again.")
            % {"service": service},
            retry_after=30,
        )


class LdapBackend(CachedReaderBackend):
    """Bind as the service account, find the reader's entry, bind as the reader with the
    password they typed, then map the entry's attributes."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        card_number: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Reader | None:
        if not card_number or not password:
            return None  # an empty password would be an anonymous bind: never a sign-in
        # Imported here: ldap3 is ~6 MB per worker that only LDAP sign-ins need (issue 17).
        from ldap3 import ALL_ATTRIBUTES, Connection, Server
        from ldap3.core.exceptions import LDAPException
        from ldap3.utils.conv import escape_filter_chars

        server = Server(settings.LDAP_URL, connect_timeout=settings.LDAP_TIMEOUT_SECONDS)
        search = settings.LDAP_FILTER.format(card_number=escape_filter_chars(card_number))
        try:
            service = Connection(
                server,
                user=settings.LDAP_BIND_DN or None,
                password=settings.LDAP_BIND_PASSWORD or None,
                receive_timeout=settings.LDAP_TIMEOUT_SECONDS,
            )
            if settings.LDAP_START_TLS:
                service.open()
                service.start_tls()
            if not service.bind():
                log.error("LDAP: the service account cannot bind: %s", service.result)
                return None
            service.search(settings.LDAP_BASE_DN, search, attributes=ALL_ATTRIBUTES, size_limit=2)
            entries = list(service.entries)
            service.unbind()
            if len(entries) != 1:
                return None
            entry = entries[0]
            person = Connection(
                server,
                user=entry.entry_dn,
                password=password,
                receive_timeout=settings.LDAP_TIMEOUT_SECONDS,
            )
            if settings.LDAP_START_TLS:
                person.open()
                person.start_tls()
            if not person.bind():
                return None
            person.unbind()
        except LDAPException as exc:
            log.warning("LDAP %s: %s", settings.LDAP_URL, exc)
            raise CampusUnavailable("LDAP") from exc
        attributes = json.loads(entry.entry_to_json())["attributes"]
        return reader_from_attributes("ldap", attributes, settings.LDAP_ATTRIBUTES)


class CampusCASBackend(CASBackend):
    """Validates the service ticket with the CAS server (CAS 2.0 / 3.0 serviceValidate),
    then maps the user and the released attributes."""

    get_user = CachedReaderBackend.get_user  # type: ignore[assignment]

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest, ticket: str, service: str
    ) -> Reader | None:
        client = get_cas_client(service_url=service, request=request)
        try:
            user, attributes, _pgtiou = client.verify_ticket(ticket)
        except requests.RequestException as exc:
            log.warning("CAS %s: %s", settings.CAS_SERVER_URL, exc)
            return None
        if not user:
            return None
        return reader_from_attributes(
            "cas", {**(attributes or {}), "user": user}, settings.CAS_ATTRIBUTES
        )


_discovery_lock = threading.Lock()
DISCOVERY_KEY = "seatback:oidc:discovery"
DISCOVERY_SECONDS = 3600


def oidc_discovery() -> dict[str, Any]:
    """The issuer's /.well-known/openid-configuration, fetched once an hour (every process
    shares it through the cache)."""
    document = cache.get(DISCOVERY_KEY)
    if document is not None:
        return dict(document)
    with _discovery_lock:
        url = settings.OIDC_ISSUER + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("OIDC discovery %s: %s", url, exc)
            raise CampusUnavailable("OpenID Connect") from exc
        if document.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
            log.error("OIDC: the issuer's document names another issuer: %s", document)
            raise CampusUnavailable("OpenID Connect")
        cache.set(DISCOVERY_KEY, document, DISCOVERY_SECONDS)
        return dict(document)


DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, with the endpoints taken from discovery."""
    if attr in DISCOVERED:
        return oidc_discovery().get(DISCOVERED[attr], *default)
    return getattr(settings, attr, *default)


class CampusOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def get_user(self, user_id: Any) -> Reader | None:
        try:
            reader = cached_reader(int(user_id))
        except (TypeError, ValueError):
            return None
        return reader if reader is not None and reader.is_active else None

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        return reader_from_attributes("oidc", claims, settings.OIDC_ATTRIBUTES)
