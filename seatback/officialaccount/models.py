"""What Seatback keeps about the Official Account: who is bound, and the messages answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Binding(models.Model):
    """A reader's openid under this Official Account: from binding on, the openid is their
    key (messages, menus, silent sign-in inside WeChat, pushes)."""

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_binding"
    )
    openid = models.CharField(_("openid"), max_length=64, unique=True)
    unionid = models.CharField(max_length=64, blank=True)
    bound_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.openid} → reader {self.reader_id}"


class InboundMessage(models.Model):
    """A message or event from WeChat, kept so a retried delivery gets the same answer.

    The key is the MsgId, or for events (which carry none) FromUserName + CreateTime +
    Event. `reply` is empty until the answer is ready; `replied_by` says how it went out.
    """

    key = models.CharField(max_length=160, unique=True)
    openid = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    reply = models.TextField(null=True, blank=True)  # noqa: DJ001 (None: not answered yet)
    # "passive" (in the HTTP answer) or "custom" (sent later through the customer-service API)
    replied_by = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return self.key
