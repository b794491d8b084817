"""Content through the API: announcements, lectures and registration, e-resources, the
mascots (for apps and for the WeChat channel)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from seatback.api.decorators import api, json_body
from seatback.api.serialize import iso
from seatback.content import selectors, services
from seatback.content.models import Announcement, Lecture, Registration
from seatback.core.errors import Refusal
from seatback.readers.models import Reader


def announcement_json(item: Announcement) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "html": item.body,
        "published_at": iso(item.publish_at),
        "pinned": item.pinned,
    }


def lecture_json(lecture: Lecture, reader: Reader | None, now: datetime) -> dict[str, Any]:
    mine = selectors.registration_of(lecture, reader)
    return {
        "id": lecture.pk,
        "title": lecture.title,
        "speaker": lecture.speaker,
        "place": lecture.place,
        "starts_at": iso(lecture.starts_at),
        "ends_at": iso(lecture.ends_at),
        "capacity": lecture.capacity,
        "taken": getattr(lecture, "taken", None),
        "phase": lecture.phase(now),
        "stream_url": lecture.stream_url or None,
        "replay_url": lecture.replay_url or None,
        "registration": mine.status if mine else None,
    }


@api("GET")
def announcements(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    items = selectors.announcements_for(reader, now)
    return JsonResponse([announcement_json(a) for a in items], safe=False)


@api("GET")
def lectures(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    items = selectors.lectures_ahead(now)
    return JsonResponse([lecture_json(lecture, reader, now) for lecture in items], safe=False)


@api("POST", "DELETE", limit="intents")
def registration(
    request: HttpRequest, lecture_id: int, *, reader: Reader, now: datetime
) -> HttpResponse:
    lecture = Lecture.objects.filter(pk=lecture_id).first()
    if lecture is None:
        raise Refusal("not_found")
    if request.method == "DELETE":
        mine = selectors.registration_of(lecture, reader)
        if mine is None:
            raise Refusal("not_found", _("You are not registered for this lecture."))
        services.cancel_registration(mine, reader, now=now)
        return HttpResponse(status=204)
    made = services.register(lecture, reader, now=now)
    body = {"status": made.status, "lecture": lecture.pk}
    if made.status == Registration.Status.WAITING:
        body["place_in_line"] = selectors.place_in_line(made)
    return JsonResponse(body, status=201)


@api("GET")
def eresources(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    query = request.GET.get("q", "")[:100]
    return JsonResponse(
        [
            {"name": r.name, "url": r.url, "subjects": r.subjects, "off_campus": r.off_campus}
            for r in selectors.eresources(query)
        ],
        safe=False,
    )


@api("POST", limit="intents")
@json_body
def ask(
    request: HttpRequest, *, reader: Reader, now: datetime, body: dict[str, Any]
) -> JsonResponse:
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise Refusal("invalid_request", _("Send the message as a string."))
    reply = services.mascot_reply(message[:500])
    return JsonResponse(
        {
            "mascot": reply.mascot,
            "avatar": reply.avatar,
            "text": reply.text,
            "matched": reply.matched,
        }
    )
