"""/wechat/bind and /wechat/unbind: OAuth (snsapi_base) against the fake, card sign-in once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.officialaccount.models import Binding
from seatback.readers.models import Reader
from seatback.wechat.fake import FakeWeChat
from tests.conftest import PASSWORD

ALICE = "oALICE_openid_0000000000001"


def start(client: Client, next_url: str = "/me") -> str:
    """Open the bind page as WeChat's browser does: it sends us to WeChat's OAuth page."""
    response = client.get("/wechat/bind", {"next": next_url})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "open.weixin.qq.com"
    assert location.fragment == "wechat_redirect"
    query = parse_qs(location.query)
    assert query["scope"] == ["snsapi_base"] and query["response_type"] == ["code"]
    assert query["redirect_uri"][0].endswith("/wechat/bind")
    state = query["state"][0]
    assert state.isalnum() and len(state) <= 128
    return state


def test_a_reader_binds_once_then_wechat_signs_them_in(
    client: Client, fake: FakeWeChat, alice: Reader
) -> None:
    state = start(client)
    form = client.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": state})
    assert form.status_code == 200 and 'name="card_number"' in form.content.decode()
    done = client.post("/wechat/bind", {"card_number": alice.card_number, "password": PASSWORD})
    assert (done.status_code, done["Location"]) == (302, "/me")
    assert Binding.objects.get().openid == ALICE
    assert Binding.objects.get().reader == alice
    assert AuditEntry.objects.filter(action="wechat.bind").count() == 1

    inside_wechat = Client()
    state = start(inside_wechat, "/reserve/")
    silent = inside_wechat.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": state})
    assert (silent.status_code, silent["Location"]) == (302, "/reserve/")
    assert inside_wechat.get("/me").status_code == 200
    assert int(inside_wechat.session["_auth_user_id"]) == alice.pk


def test_a_wrong_password_binds_nothing(client: Client, fake: FakeWeChat, alice: Reader) -> None:
    state = start(client)
    client.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": state})
    refused = client.post("/wechat/bind", {"card_number": alice.card_number, "password": "nope"})
    assert refused.status_code == 401
    assert not Binding.objects.exists()


def test_a_state_mismatch_is_refused(client: Client, fake: FakeWeChat, alice: Reader) -> None:
    start(client)
    forged = client.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": "forged"})
    assert forged.status_code == 400
    assert 'name="card_number"' not in forged.content.decode()


def test_a_code_is_used_once(client: Client, fake: FakeWeChat, alice: Reader) -> None:
    code = fake.authorize(ALICE)
    assert client.get("/wechat/bind", {"code": code, "state": start(client)}).status_code == 200
    again = Client()
    assert again.get("/wechat/bind", {"code": code, "state": start(again)}).status_code == 400


def test_an_openid_bound_to_someone_else_is_not_taken_over(
    client: Client, fake: FakeWeChat, alice: Reader, bob: Reader
) -> None:
    Binding.objects.create(reader=bob, openid=ALICE, bound_at=bob.date_joined)
    bob.is_active = False  # so WeChat does not sign bob in silently
    bob.save()
    client.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": start(client)})
    taken = client.post("/wechat/bind", {"card_number": alice.card_number, "password": PASSWORD})
    assert taken.status_code == 403
    assert Binding.objects.get().reader == bob


def test_the_reader_unbinds_from_the_page(client: Client, fake: FakeWeChat, alice: Reader) -> None:
    client.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": start(client)})
    client.post("/wechat/bind", {"card_number": alice.card_number, "password": PASSWORD})
    page = client.get("/wechat/bind")
    assert page.status_code == 200 and "/wechat/unbind" in page.content.decode()
    assert client.post("/wechat/unbind").status_code == 200
    assert not Binding.objects.exists()
    assert AuditEntry.objects.filter(action="wechat.unbind", actor=alice).count() == 1


def test_unbinding_needs_a_signed_in_reader(client: Client, fake: FakeWeChat, db: None) -> None:
    response = client.post("/wechat/unbind")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_inside_wechat_the_sign_in_page_goes_through_oauth(
    client: Client, fake: FakeWeChat, alice: Reader
) -> None:
    Binding.objects.create(reader=alice, openid=ALICE, bound_at=alice.date_joined)
    wechat = Client(headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0.48"})
    to_bind = wechat.get("/login", {"next": "/reserve/"})
    assert (to_bind.status_code, to_bind["Location"]) == (302, "/wechat/bind?next=%2Freserve%2F")
    state = start(wechat, "/reserve/")
    silent = wechat.get("/wechat/bind", {"code": fake.authorize(ALICE), "state": state})
    assert silent["Location"] == "/reserve/"
    assert client.get("/login").status_code == 200  # elsewhere: the plain sign-in page
