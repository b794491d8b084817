"""The embedded catalogue (records loaded from MARC files) and purchase requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bib(models.Model):
    """One bibliographic record with its holdings, as `seatback import marc` read it."""

    record_id = models.CharField(max_length=64, unique=True)  # 001, or a digest of the record
    title = models.CharField(_("title"), max_length=500)
    author = models.CharField(_("author"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    year = models.CharField(_("year"), max_length=12, blank=True)
    isbn = models.CharField(max_length=13, blank=True, db_index=True)  # ISBN-13, digits
    other_isbns = models.CharField(max_length=300, blank=True)  # more ISBN-13s, spaces
    classification = models.CharField(_("classification"), max_length=60, blank=True)
    call_number = models.CharField(_("call number"), max_length=80, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    copies = models.PositiveIntegerField(default=1)
    available = models.PositiveIntegerField(default=1)
    format = models.CharField(max_length=10)  # marc21 or cnmarc
    # Title, author, publisher, ISBN and call number, NFKC-normalised and case-folded:
    # what search matches (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class PurchaseRequest(models.Model):
    """A reader asks the library to buy a book; the same book asked again joins it."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted")
        ORDERED = "ordered", _("ordered")
        ARRIVED = "arrived", _("arrived")
        DECLINED = "declined", _("declined")

    isbn = models.CharField("ISBN", max_length=13, db_index=True)  # ISBN-13 digits
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchase_requests"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["isbn"],
                condition=~models.Q(status="declined"),
                name="one_open_purchase_request_per_isbn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.isbn} {self.title}".strip()


class PurchaseSupport(models.Model):
    """A reader behind a request: the first asker, and everyone who asked again."""

    request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="supports")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchase_supports"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "reader"], name="one_support_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} behind {self.request_id}"
