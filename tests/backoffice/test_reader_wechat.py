"""The reader's page in the back office: their WeChat binding, what was pushed, unbinding."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.core import clock
from seatback.notifications.models import Delivery, Notice
from seatback.officialaccount.models import Binding
from seatback.readers.models import Reader

OPENID = "oBOB_openid_000000000000001"


def test_a_librarian_sees_what_was_sent_and_what_failed(
    client_for: Callable[..., Client], lin: Reader, bob: Reader
) -> None:
    now = clock.now()
    Binding.objects.create(reader=bob, openid=OPENID, bound_at=now)
    notice = Notice.objects.create(
        reader=bob, kind="seat_challenged", key="challenge:1:seat_challenged", created_at=now
    )
    Delivery.objects.create(
        notice=notice,
        channel="wechat",
        status="refused",
        attempts=1,
        next_try_at=now,
        detail="custom 45015; template 43101",
    )
    page = client_for(lin, "en").get(f"/backoffice/readers/{bob.pk}/").content.decode()
    assert OPENID in page
    assert "custom 45015; template 43101" in page
    assert "not accepted" in page


def test_a_librarian_unbinds_a_reader(
    client_for: Callable[..., Client], lin: Reader, bob: Reader
) -> None:
    Binding.objects.create(reader=bob, openid=OPENID, bound_at=clock.now())
    response = client_for(lin).post(f"/backoffice/readers/{bob.pk}/wechat/unbind")
    assert response.status_code == 302
    assert not Binding.objects.exists()
    assert AuditEntry.objects.get(action="wechat.unbind").actor == lin


def test_a_reader_cannot_unbind_someone_else(
    client_for: Callable[..., Client], alice: Reader, bob: Reader
) -> None:
    Binding.objects.create(reader=bob, openid=OPENID, bound_at=clock.now())
    response = client_for(alice).post(f"/backoffice/readers/{bob.pk}/wechat/unbind")
    assert response.status_code in (302, 403)
    assert Binding.objects.exists()
