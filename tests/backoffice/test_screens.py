"""/backoffice/screens/: an administrator creates an entrance screen with its key, replaces
the key (the old address stops working) and removes it; each change is audited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.plans.models import Screen

pytestmark = pytest.mark.django_db


def test_create_show_replace_key_and_remove(as_admin, seat):
    response = as_admin.post("/backoffice/screens/", {"name": "一楼大厅", "floor": "2"})
    assert response.status_code == 302
    screen = Screen.objects.get()
    page = as_admin.get("/backoffice/screens/").content.decode()
    address = re.search(r'<a href="([^"]+)" data-screen-url>', page).group(1)
    assert address.endswith(f"/display/screens/{screen.pk}?key={screen.key}")
    assert Client().get(address.replace("http://testserver", "")).status_code == 200

    as_admin.post(f"/backoffice/screens/{screen.pk}/key")
    assert Client().get(address.replace("http://testserver", "")).status_code == 404
    as_admin.post(f"/backoffice/screens/{screen.pk}/delete")
    assert not Screen.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["screen.create", "screen.new_key", "screen.delete"]


def test_a_screen_needs_a_name(as_admin):
    response = as_admin.post("/backoffice/screens/", {"name": "  ", "floor": ""})
    assert response.status_code == 400
    assert "Give the screen a name" in response.content.decode()


def test_a_librarian_cannot_make_screens(as_lin):
    assert as_lin.post("/backoffice/screens/", {"name": "x"}).status_code == 403
    assert not Screen.objects.exists()
