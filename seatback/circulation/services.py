"""What the doors call: a reader's loans, renew one, renew all.

The adapter is chosen by SEATBACK_CIRCULATION (embedded, sip2, koha). Whatever goes wrong
on the other side becomes `Refusal("library_unavailable")` with a sentence that says
nothing was renewed; an item is reported renewed only when the other side said so.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from seatback.circulation.adapters import (
    Circulation,
    Loan,
    RenewAllResult,
    RenewResult,
    Unavailable,
)
from seatback.core.errors import Refusal
from seatback.readers.models import Reader

log = logging.getLogger(__name__)


def circulation() -> Circulation:
    """The configured adapter."""
    backend = settings.CIRCULATION_BACKEND
    if backend == "sip2":
        from seatback.circulation.sip2_adapter import Sip2Circulation
        from seatback.circulation.sip2_client import Sip2Config

        config = Sip2Config(
            host=settings.SIP2_HOST,
            port=settings.SIP2_PORT,
            user=settings.SIP2_USER,
            password=settings.SIP2_PASSWORD,
            location=settings.SIP2_LOCATION,
            institution=settings.SIP2_INSTITUTION,
            encoding=settings.SIP2_ENCODING,
            timeout=settings.ILS_TIMEOUT_SECONDS,
            checksums=settings.SIP2_CHECKSUMS,
            terminal_password=settings.SIP2_TERMINAL_PASSWORD,
        )
        return Sip2Circulation(config, ZoneInfo(settings.TIME_ZONE))
    if backend == "koha":
        from seatback.circulation.koha import KohaCirculation

        return KohaCirculation(
            settings.KOHA_URL,
            settings.KOHA_USER,
            settings.KOHA_PASSWORD,
            timeout=settings.ILS_TIMEOUT_SECONDS,
        )
    from seatback.circulation.embedded import EmbeddedCirculation

    return EmbeddedCirculation()


def _down(exc: Exception, doing: str) -> Refusal:
    log.warning("circulation (%s) failed while %s: %s", settings.CIRCULATION_BACKEND, doing, exc)
    return Refusal(
        "library_unavailable",
        _(
            "The library's system is not answering right now; nothing was changed. "
            "Please try again later."
        ),
    )


def loans(reader: Reader, *, now: datetime) -> list[Loan]:
    """The reader's loans, overdue first, then by due date."""
    try:
        found = circulation().loans(reader.card_number, now)
    except (Unavailable, OSError) as exc:
        raise _down(exc, "listing loans") from exc
    return sorted(found, key=lambda loan: (loan.due is None, loan.due or now, loan.item))


def renew(reader: Reader, item: str, *, now: datetime) -> RenewResult:
    if not item or len(item) > 40:
        raise Refusal("invalid_request")
    try:
        return circulation().renew(reader.card_number, item, now)
    except (Unavailable, OSError) as exc:
        raise _down(exc, "renewing") from exc


def renew_all(reader: Reader, *, now: datetime) -> RenewAllResult:
    try:
        return circulation().renew_all(reader.card_number, now)
    except (Unavailable, OSError) as exc:
        raise _down(exc, "renewing all") from exc


def outcome(result: RenewResult) -> str:
    """One item's outcome in words: renewed until …, or not renewed because …."""
    if result.renewed:
        if result.due is not None:
            until = result.due.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d")
        else:
            until = result.due_text or _("the date the library set")
        return _("《%(title)s》 renewed until %(due)s.") % {"title": result.title, "due": until}
    reason = result.reason or _("the library's system refused it without saying why")
    return _("《%(title)s》 was not renewed: %(reason)s.") % {
        "title": result.title,
        "reason": reason.rstrip("。."),
    }
