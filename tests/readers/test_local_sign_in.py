"""SEATBACK_LOCAL_SIGN_IN: Seatback's own password for everyone, for staff only, or off."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from seatback.readers.models import Reader
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signs_in(reader: Reader) -> bool:
    response = Client().post("/login", {"card_number": reader.card_number, "password": PASSWORD})
    return response.status_code == 302


@pytest.mark.parametrize(
    ("mode", "reader_may", "librarian_may"),
    [("all", True, True), ("staff", False, True), ("off", False, False)],
)
def test_who_may_use_the_local_password(
    mode: str, reader_may: bool, librarian_may: bool, alice: Reader, lin: Reader
) -> None:
    with override_settings(LOCAL_SIGN_IN=mode):
        assert (signs_in(alice), signs_in(lin)) == (reader_may, librarian_may)


def test_with_local_sign_in_off_and_nothing_else_the_form_is_not_offered(db: None) -> None:
    with override_settings(LOCAL_SIGN_IN="off"):
        page = Client().get("/login").content.decode()
    assert 'name="password"' not in page
