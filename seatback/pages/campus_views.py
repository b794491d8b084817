"""The doors of campus sign-in: CAS (django-cas-ng's views) and OpenID Connect
(mozilla-django-oidc's views, with the endpoints from the issuer's discovery document).
The backends are in readers.backends; docs/sign-in.md says how to configure them."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django_cas_ng import views as cas
from mozilla_django_oidc import views as oidc

from seatback.core.errors import Refusal
from seatback.readers.backends import oidc_setting


def _configured(setting: str) -> None:
    if not getattr(settings, setting):
        raise Http404


class CASLogin(cas.LoginView):
    """Sends the phone to the CAS server, and back here with a ticket; also receives the
    server's single sign-out POST (logoutRequest), which ends the Seatback session too."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _configured("CAS_SERVER_URL")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except PermissionDenied:
            # A ticket the server did not confirm (used, expired, or the server is down).
            messages.error(request, _("The campus sign-in did not go through. Please try again."))
            return HttpResponseRedirect(reverse("pages:login"))


class CASLogout(cas.LogoutView):
    """Ends the Seatback session and the campus one (CAS /logout)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _configured("CAS_SERVER_URL")
        return super().dispatch(request, *args, **kwargs)


class OIDCStart(oidc.OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the authorization endpoint when the view is made (per request);
        # discovery answers from the cache.
        self.OIDC_OP_AUTH_ENDPOINT = ""
        if settings.OIDC_ISSUER:
            try:
                super().__init__(*args, **kwargs)
            except Refusal:
                self.OIDC_OP_AUTH_ENDPOINT = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        _configured("OIDC_ISSUER")
        if not self.OIDC_OP_AUTH_ENDPOINT:
            return _unavailable(request)
        return super().get(request)  # type: ignore[no-any-return]


class OIDCCallback(oidc.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        _configured("OIDC_ISSUER")
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except Refusal:
            return _unavailable(request)
        except requests.RequestException:
            # The provider refused the code (used, expired) or did not answer: the library
            # does not show a 500 for that.
            messages.error(request, _("The campus sign-in did not go through. Please try again."))
            return HttpResponseRedirect(reverse("pages:login"))


def _unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("The campus sign-in service does not answer. Please try again."))
    return HttpResponseRedirect(reverse("pages:login"))
