"""Back-office pages for content: notices and news, lectures (with their registrations and
the door's attendance code), the e-resource directory and the mascots' rules. Librarians
only; every change goes through content.services, which checks the role and audits it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from seatback.backoffice.access import librarian_required, staff
from seatback.backoffice.forms import parse_local_datetime
from seatback.content import services
from seatback.content.models import Announcement, EResource, Lecture, Mascot, MascotRule
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.policy import Policy
from seatback.readers.models import Reader


def _when(text: str) -> Any:
    """A datetime-local field: empty is None, anything unreadable is refused."""
    if not text.strip():
        return None
    moment = parse_local_datetime(text)
    if moment is None:
        raise Refusal("invalid_request", _("Give the time as a date and time."))
    return moment


def _local(moment: Any) -> str:
    return moment.astimezone(Policy.zone()).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _announcement_values(post: Any) -> dict[str, Any]:
    return {
        "kind": post.get("kind", ""),
        "title": post.get("title", ""),
        "body": post.get("body", ""),
        "publish_at": _when(post.get("publish_at", "")),
        "pinned": post.get("pinned") == "on",
        "departments": post.get("departments", "").replace("，", ",").split(","),
        "reader_kinds": post.getlist("reader_kinds"),
        "push": post.get("push") == "on",
    }


def _lecture_values(post: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: post.get(k, "") for k in services.LECTURE_FIELDS}
    values["starts_at"], values["ends_at"] = _when(values["starts_at"]), _when(values["ends_at"])
    return values


def _plain_values(post: Any) -> dict[str, Any]:
    return {**post.dict(), "active": post.get("active") == "on"}


# kind -> (model, template, save(actor, item, values, now), read the form, list's order)
KINDS: dict[str, tuple[type[Model], Callable[..., Any], Callable[[Any], dict[str, Any]]]] = {
    "announcements": (Announcement, services.save_announcement, _announcement_values),
    "lectures": (Lecture, services.save_lecture, _lecture_values),
    "eresources": (EResource, services.save_eresource, _plain_values),
}


@librarian_required
def content_index(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    return render(
        request,
        "backoffice/content_index.html",
        {
            "announcements": Announcement.objects.all()[:50],
            "lectures": Lecture.objects.order_by("-starts_at")[:50],
            "eresources": EResource.objects.all(),
            "rules": MascotRule.objects.select_related("mascot"),
            "now": now,
        },
    )


@librarian_required
def content_edit(request: HttpRequest, kind: str, item_id: int | None = None) -> HttpResponse:
    """Create (no id) or change one announcement, lecture or e-resource."""
    if kind not in KINDS:
        return redirect("backoffice:content")
    model, save, read = KINDS[kind]
    item = get_object_or_404(model, pk=item_id) if item_id else None
    error = ""
    if request.method == "POST":
        try:
            saved = save(staff(request), item, read(request.POST), now=clock.now())
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Saved."))
            return redirect("backoffice:content-edit", kind=kind, item_id=saved.pk)
    context: dict[str, Any] = {
        "kind": kind,
        "item": item,
        "error": error,
        "post": request.POST if request.method == "POST" else None,
        "reader_kinds": Reader.Kind.choices,
        "announcement_kinds": Announcement.Kind.choices,
    }
    if isinstance(item, Announcement):
        context["publish_at"] = _local(item.publish_at)
    if isinstance(item, Lecture):
        context["starts_at"], context["ends_at"] = _local(item.starts_at), _local(item.ends_at)
        context["registrations"] = item.registrations.select_related("reader").order_by(
            "status", "created_at"
        )
        door = request.build_absolute_uri(
            reverse("pages:lecture-attend", args=[item.pk]) + "?c=" + services.attendance_code(item)
        )
        context["door_url"] = door
        import qrcode.image.svg  # here: only these pages draw QR codes

        image = qrcode.make(door, image_factory=qrcode.image.svg.SvgPathImage, border=2)
        context["door_qr"] = image.to_string(encoding="unicode")
    return render(request, "backoffice/content_edit.html", context, status=400 if error else 200)


@librarian_required
def mascot_rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    rule = get_object_or_404(MascotRule, pk=rule_id) if rule_id else None
    error = ""
    if request.method == "POST":
        mascot = Mascot.objects.filter(pk=request.POST.get("mascot") or 0).first()
        try:
            if mascot is None:
                raise Refusal("invalid_request", _("Choose a mascot."))
            saved = services.save_mascot_rule(
                staff(request), rule, mascot, _plain_values(request.POST), now=clock.now()
            )
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Saved."))
            return redirect("backoffice:mascot-rule-edit", rule_id=saved.pk)
    return render(
        request,
        "backoffice/mascot_rule.html",
        {
            "rule": rule,
            "mascots": Mascot.objects.all(),
            "error": error,
            "post": request.POST if request.method == "POST" else None,
        },
        status=400 if error else 200,
    )
