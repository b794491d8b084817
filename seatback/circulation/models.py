"""The embedded circulation's own tables: loans for the demo and for libraries without an
ILS. With SIP2 or Koha configured these stay empty; loans live in the library's system."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Loan(models.Model):
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loans"
    )
    item = models.CharField(_("item barcode"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    call_number = models.CharField(_("call number"), max_length=60, blank=True)
    loaned_at = models.DateTimeField()
    due_at = models.DateTimeField()
    renewals = models.PositiveSmallIntegerField(default=0)
    # Another reader is waiting for this item: it cannot be renewed.
    on_hold = models.BooleanField(default=False)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(returned_at__isnull=True),
                name="one_open_loan_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.title}"
