"""Writing content: announcements, lectures and their registrations, the e-resource
directory, mascot rules. Every change checks the actor's role and is audited; the
scheduled pushes claim their work with a conditional UPDATE, so any number of workers run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import nh3
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seatback.audit.services import record
from seatback.content.models import (
    Announcement,
    ContentSubscription,
    EResource,
    Lecture,
    Mascot,
    MascotRule,
    Registration,
)
from seatback.core import locking
from seatback.core.errors import Refusal
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.readers.models import Reader
from seatback.readers.roles import require_librarian

# What a notice's text may contain: formatting, lists, links and images; nothing that runs.
ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
REMIND_BEFORE = timedelta(minutes=60)
# A lecture's door code counts from this long before it starts until it ends.
ATTEND_EARLY = timedelta(minutes=30)
ATTEND_SALT = "seatback.content.attend.v1"


def clean_html(html: str) -> str:
    """Strip scripts, event handlers, styles and unknown tags; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _invalid(message: str) -> Refusal:
    return Refusal("invalid_request", message)


def _text(values: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(values.get(key) or "").split())
    if required and not text:
        raise _invalid(_("Please fill in “%(field)s”.") % {"field": key})
    if len(text) > limit:
        raise _invalid(
            _("“%(field)s” is too long (at most %(count)d characters).")
            % {"field": key, "count": limit}
        )
    return text


def _audited_save(
    actor: Reader, obj: Any, fields: Iterable[str], action: str, *, now: datetime
) -> None:
    """Save `obj` and record the change (create or edit) in the same transaction."""
    names = list(fields)
    creating = obj.pk is None
    before = {}
    if not creating:
        old = type(obj).objects.get(pk=obj.pk)
        before = {name: _plain(getattr(old, name)) for name in names}
    obj.save()
    after = {name: _plain(getattr(obj, name)) for name in names}
    if creating or after != before:
        verb = "create" if creating else "edit"
        record(actor, f"{action}.{verb}", obj, now=now, before=before, after=after)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# Announcements -------------------------------------------------------------------------

ANNOUNCEMENT_FIELDS = (
    "kind", "title", "body", "publish_at", "pinned", "departments", "reader_kinds", "push",
)  # fmt: skip


def save_announcement(
    actor: Reader, announcement: Announcement | None, values: dict[str, Any], *, now: datetime
) -> Announcement:
    """Create or change an announcement; `publish_at` None keeps it a draft."""
    require_librarian(actor)
    kind = str(values.get("kind") or Announcement.Kind.NOTICE)
    if kind not in Announcement.Kind.values:
        raise _invalid(_("Unknown kind of announcement."))
    publish_at = values.get("publish_at")
    if publish_at is not None and not isinstance(publish_at, datetime):
        raise _invalid(_("Give the publishing time as a date and time."))
    kinds = [k for k in values.get("reader_kinds") or [] if k]
    if any(k not in Reader.Kind.values for k in kinds):
        raise _invalid(_("Unknown kind of reader."))
    item = announcement or Announcement(created_at=now)
    item.kind = kind
    item.title = _text(values, "title", 200)
    item.body = clean_html(str(values.get("body") or ""))
    item.publish_at = publish_at
    item.pinned = bool(values.get("pinned"))
    item.departments = [d.strip() for d in values.get("departments") or [] if d.strip()]
    item.reader_kinds = kinds
    item.push = bool(values.get("push"))
    item.updated_at = now
    with transaction.atomic():
        _audited_save(actor, item, ANNOUNCEMENT_FIELDS, "announcement", now=now)
    return item


def set_subscription(reader: Reader, *, subscribed: bool, now: datetime) -> None:
    if subscribed:
        ContentSubscription.objects.get_or_create(reader=reader, defaults={"since": now})
    else:
        ContentSubscription.objects.filter(reader=reader).delete()


def push_due_announcements(now: datetime) -> int:
    """Queue a notice for every subscribed reader in the audience of each announcement
    whose time has come. Returns how many announcements were pushed."""
    pushed = 0
    due = Announcement.objects.filter(push=True, pushed_at__isnull=True, publish_at__lte=now)
    for announcement in due.order_by("publish_at")[:50]:
        # Claim it: a second worker's UPDATE finds pushed_at already set.
        claimed = Announcement.objects.filter(pk=announcement.pk, pushed_at__isnull=True).update(
            pushed_at=now
        )
        if not claimed:
            continue
        readers = Reader.objects.filter(content_subscription__isnull=False, is_active=True)
        for reader in readers:
            if meant_for(announcement, reader):
                queue(
                    reader,
                    Notice.Kind.ANNOUNCEMENT,
                    key=f"announcement:{announcement.pk}:{reader.pk}",
                    now=now,
                    title=announcement.title,
                    announcement=announcement.pk,
                )
        pushed += 1
    return pushed


def meant_for(announcement: Announcement, reader: Reader) -> bool:
    """Whether the announcement's audience (departments, kinds of reader) includes them."""
    return (not announcement.departments or reader.department in announcement.departments) and (
        not announcement.reader_kinds or reader.kind in announcement.reader_kinds
    )


# Lectures ---------------------------------------------------------------------------------

LECTURE_FIELDS = (
    "title", "speaker", "place", "description", "starts_at", "ends_at", "capacity",
    "stream_url", "replay_url",
)  # fmt: skip


def save_lecture(
    actor: Reader, lecture: Lecture | None, values: dict[str, Any], *, now: datetime
) -> Lecture:
    require_librarian(actor)
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise _invalid(_("Give the start and the end as dates and times."))
    if ends_at <= starts_at:
        raise _invalid(_("The lecture must end after it starts."))
    try:
        capacity = int(values.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 100_000:
        raise _invalid(_("Places must be a whole number from 1."))
    item = lecture or Lecture(created_at=now)
    item.title = _text(values, "title", 200)
    item.speaker = _text(values, "speaker", 200)
    item.place = _text(values, "place", 200)
    item.description = str(values.get("description") or "")[:5000]
    item.starts_at, item.ends_at, item.capacity = starts_at, ends_at, capacity
    for key in ("stream_url", "replay_url"):
        url = str(values.get(key) or "").strip()
        if url and not url.startswith(("https://", "http://", "/")):
            raise _invalid(_("A stream or replay must be a web address."))
        setattr(item, key, url)
    with transaction.atomic():
        _audited_save(actor, item, LECTURE_FIELDS, "lecture", now=now)
    return item


def _lectures() -> QuerySet[Lecture]:
    """Lectures read with their row locked (PostgreSQL), so places are counted one writer
    at a time; the concurrency tests' control run turns locking off."""
    return Lecture.objects.select_for_update() if settings.SEAT_LOCKING else Lecture.objects.all()


def register(lecture: Lecture, reader: Reader, *, now: datetime) -> Registration:
    """A place at the lecture, or a place in its waiting line when it is full.

    The lecture's row is locked, so of two readers racing for the last place one gets it
    and the other waits; the unique constraint keeps a reader from registering twice."""
    if reader.is_banned(now):
        raise Refusal("banned")
    if now >= lecture.starts_at:
        raise _invalid(_("Registration closed when the lecture began."))
    with (
        locking.busy_when_contended(f"register for lecture {lecture.pk}"),
        locking.seat_transaction(),
    ):
        locked = _lectures().get(pk=lecture.pk)
        mine = Registration.objects.filter(lecture=locked, reader=reader).exclude(
            status=Registration.Status.CANCELLED
        )
        if mine.exists():
            raise Refusal("already_yours", _("You are already registered for it."))
        taken = Registration.objects.filter(
            lecture=locked, status=Registration.Status.REGISTERED
        ).count()
        status = (
            Registration.Status.REGISTERED
            if taken < locked.capacity
            else Registration.Status.WAITING
        )
        return Registration.objects.create(
            lecture=locked, reader=reader, status=status, created_at=now
        )


def cancel_registration(registration: Registration, reader: Reader, *, now: datetime) -> None:
    """Give up a place (or a place in line); the first in line moves up and is told."""
    if registration.reader_id != reader.pk:
        raise Refusal("not_found")
    with (
        locking.busy_when_contended(f"cancel registration {registration.pk}"),
        locking.seat_transaction(),
    ):
        lecture = _lectures().get(pk=registration.lecture_id)
        updated = (
            Registration.objects.filter(pk=registration.pk)
            .exclude(status=Registration.Status.CANCELLED)
            .update(status=Registration.Status.CANCELLED)
        )
        if not updated or registration.status != Registration.Status.REGISTERED:
            return
        if now >= lecture.starts_at:
            return
        first = (
            Registration.objects.filter(lecture=lecture, status=Registration.Status.WAITING)
            .order_by("id")  # the order places were handed out
            .select_related("reader")
            .first()
        )
        if first is None:
            return
        Registration.objects.filter(pk=first.pk).update(status=Registration.Status.REGISTERED)
        queue(
            first.reader,
            Notice.Kind.LECTURE_PLACE,
            key=f"lecture:{lecture.pk}:place:{first.pk}",
            now=now,
            title=lecture.title,
            start=lecture.starts_at.isoformat(),
        )


def remind_lectures(now: datetime) -> int:
    """Tell registered readers an hour before a lecture starts; once per lecture."""
    reminded = 0
    soon = Lecture.objects.filter(
        reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
    )
    for lecture in soon:
        if not Lecture.objects.filter(pk=lecture.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        places = lecture.registrations.filter(status=Registration.Status.REGISTERED)
        for registration in places.select_related("reader"):
            queue(
                registration.reader,
                Notice.Kind.LECTURE_REMINDER,
                key=f"lecture:{lecture.pk}:reminder:{registration.reader_id}",
                now=now,
                title=lecture.title,
                place=lecture.place,
                start=lecture.starts_at.isoformat(),
            )
        reminded += 1
    return reminded


def attendance_code(lecture: Lecture) -> str:
    """What the QR code at the lecture's door carries (signed: it cannot be made up)."""
    return signing.dumps(lecture.pk, salt=ATTEND_SALT)


def attend(lecture: Lecture, reader: Reader, code: str, *, now: datetime) -> Registration:
    """A registered reader scans the code at the door: their attendance is recorded."""
    try:
        lecture_id = signing.loads(code, salt=ATTEND_SALT)
    except signing.BadSignature:
        lecture_id = None
    if lecture_id != lecture.pk:
        raise _invalid(_("This is not this lecture's code."))
    if not lecture.starts_at - ATTEND_EARLY <= now < lecture.ends_at:
        raise _invalid(_("Attendance is taken from 30 minutes before the lecture until it ends."))
    registration = Registration.objects.filter(
        lecture=lecture, reader=reader, status=Registration.Status.REGISTERED
    ).first()
    if registration is None:
        raise Refusal("not_reserved", _("You have no place at this lecture."))
    Registration.objects.filter(pk=registration.pk, attended_at__isnull=True).update(
        attended_at=now
    )
    registration.refresh_from_db()
    return registration


# E-resources and mascots ------------------------------------------------------------------

ERESOURCE_FIELDS = ("name", "description", "url", "subjects", "off_campus", "active")


def save_eresource(
    actor: Reader, resource: EResource | None, values: dict[str, Any], *, now: datetime
) -> EResource:
    require_librarian(actor)
    item = resource or EResource()
    item.name = _text(values, "name", 200)
    item.description = str(values.get("description") or "")[:2000]
    url = str(values.get("url") or "").strip()
    if not url.startswith(("https://", "http://")):
        raise _invalid(_("The address must start with http:// or https://."))
    item.url = url[:200]
    item.subjects = _text(values, "subjects", 200, required=False)
    item.off_campus = _text(values, "off_campus", 300, required=False)
    item.active = bool(values.get("active", True))
    with transaction.atomic():
        _audited_save(actor, item, ERESOURCE_FIELDS, "eresource", now=now)
    return item


RULE_FIELDS = ("order", "keywords", "answer_zh", "answer_en", "active")


def save_mascot_rule(
    actor: Reader, rule: MascotRule | None, mascot: Mascot, values: dict[str, Any], *, now: datetime
) -> MascotRule:
    require_librarian(actor)
    item = rule or MascotRule(mascot=mascot)
    item.mascot = mascot
    item.keywords = _text(values, "keywords", 300)
    item.answer_zh = _text(values, "answer_zh", 1000)
    item.answer_en = _text(values, "answer_en", 1000, required=False)
    try:
        item.order = max(0, int(values.get("order") or 100))
    except (TypeError, ValueError):
        raise _invalid(_("The order must be a whole number.")) from None
    item.active = bool(values.get("active", True))
    with transaction.atomic():
        _audited_save(actor, item, RULE_FIELDS, "mascot_rule", now=now)
    return item


@dataclass(frozen=True)
class Reply:
    mascot: str
    avatar: str
    text: str
    matched: bool  # False: nothing matched, this is the help text


def mascot_reply(message: str, language: str | None = None) -> Reply:
    """The first active rule (by order) whose keyword is in the message answers, in the
    reader's language; with none, the help text, in the first mascot's voice."""
    language = language or get_language() or "zh-hans"
    words = message.lower()
    for rule in MascotRule.objects.filter(active=True).select_related("mascot"):
        if any(keyword in words for keyword in rule.keyword_list()):
            text = rule.answer_zh if language.startswith("zh") else rule.answer_en
            return Reply(rule.mascot.name, rule.mascot.avatar, text or rule.answer_zh, True)
    mascot = Mascot.objects.order_by("id").first()
    return Reply(
        mascot.name if mascot else "",
        mascot.avatar if mascot else "📚",
        help_text(),
        False,
    )


def help_text() -> str:
    return _(
        "I can help with seats (how the clock works, your seat), bookings, lectures, "
        "notices and e-resources. Try “how do I take a seat”, “lectures” or “database”."
    )
