"""Purchase requests: a reader scans or types an ISBN and asks the library to buy it.

The ISBN's checksum is checked (python-stdnum, ISBN-10 or -13). The same book asked for
again (any request for it that was not declined) joins the first request: the reader is
added behind it, once. A librarian moves a request new → accepted → ordered → arrived, or
declines it (with a reason) at any step before it arrives; every reader behind it is told
at each step (a notice in the outbox: their page, and WeChat when bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum import isbn as stdisbn

from seatback.audit.services import clean_note, record
from seatback.catalogue.models import PurchaseRequest, PurchaseSupport
from seatback.core.errors import Refusal
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.readers.models import Reader
from seatback.readers.roles import require_librarian

Status = PurchaseRequest.Status
NOTICE_KIND = "purchase"
NEXT: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ACCEPTED, Status.DECLINED),
    Status.ACCEPTED: (Status.ORDERED, Status.DECLINED),
    Status.ORDERED: (Status.ARRIVED, Status.DECLINED),
    Status.ARRIVED: (),
    Status.DECLINED: (),
}


def parse_isbn(text: str) -> str:
    """The ISBN-13 digits of what the reader typed or scanned; Refusal("invalid_isbn")."""
    value = re.sub(r"^\s*isbn[:\s-]*", "", text or "", flags=re.I).strip()
    try:
        return str(stdisbn.to_isbn13(stdisbn.validate(value))).replace("-", "")
    except Exception:  # stdnum's InvalidChecksum, InvalidLength, InvalidFormat, …
        raise Refusal("invalid_isbn") from None


def pretty(isbn13: str) -> str:
    try:
        return str(stdisbn.format(isbn13))
    except Exception:
        return isbn13


@dataclass(frozen=True)
class Submitted:
    request: PurchaseRequest
    joined: bool  # True: someone had asked for it first


def _tell(reader: Reader, request: PurchaseRequest, step: str, now: datetime) -> None:
    queue(
        reader,
        NOTICE_KIND,
        key=f"purchase:{request.pk}:{step}:{reader.pk}",
        now=now,
        isbn=request.isbn,
        title=request.title,
        status=step,
        reason=request.reason,
    )


def request_purchase(
    reader: Reader, isbn_text: str, *, note: str = "", title: str = "", now: datetime
) -> Submitted:
    isbn = parse_isbn(isbn_text)
    note, title = clean_note(note, required=False), clean_note(title, required=False)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                request = (
                    PurchaseRequest.objects.select_for_update()
                    .filter(isbn=isbn)
                    .exclude(status=Status.DECLINED)
                    .first()
                )
                joined = request is not None
                if request is None:
                    request = PurchaseRequest.objects.create(
                        isbn=isbn, title=title, requested_by=reader, created_at=now, updated_at=now
                    )
                elif title and not request.title:
                    request.title = title
                    request.save(update_fields=["title"])
                PurchaseSupport.objects.get_or_create(
                    request=request, reader=reader, defaults={"note": note, "created_at": now}
                )
            break
        except IntegrityError:  # two readers asked for a new book at the same moment
            continue
    else:
        raise Refusal("busy")
    _tell(reader, request, "received", now)
    return Submitted(request, joined)


def advance(
    request: PurchaseRequest, status: str, *, by: Reader, reason: str = "", now: datetime
) -> PurchaseRequest:
    """A librarian moves the request on; everyone behind it is told."""
    require_librarian(by)
    reason = clean_note(reason, required=status == Status.DECLINED)
    with transaction.atomic():
        request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        if status not in NEXT.get(request.status, ()):
            raise Refusal("invalid_transition")
        before = {"status": request.status}
        request.status = status
        request.reason = reason if status == Status.DECLINED else request.reason
        request.updated_at = now
        request.save(update_fields=["status", "reason", "updated_at"])
        record(
            by,
            f"purchase.{status}",
            request,
            now=now,
            before=before,
            after={"status": status},
            note=reason,
        )
        readers = [s.reader for s in request.supports.select_related("reader")]
    for reader in readers:
        _tell(reader, request, status, now)
    return request


def notice_sentence(notice: Notice) -> str:
    p: dict[str, Any] = notice.params
    book = p.get("title") or pretty(str(p.get("isbn", "")))
    words = {
        "received": _("Your purchase request for %(book)s was received."),
        Status.ACCEPTED: _("The library accepted your purchase request for %(book)s."),
        Status.ORDERED: _("The library has ordered %(book)s."),
        Status.ARRIVED: _("%(book)s has arrived at the library."),
        Status.DECLINED: _("Your purchase request for %(book)s was declined: %(reason)s"),
    }
    sentence = words.get(str(p.get("status")), _("Your purchase request for %(book)s changed."))
    return sentence % {"book": book, "reason": p.get("reason", "")}
