"""What answers before Django: the front door for bookings, and shared reads.

The front door for bookings: a booking for a seat known to be taken is refused here,
before Django, exactly as Django refuses it (the same checks of the reader, the rate limit
and the request, the same answer with other seats offered); and a per-process cap on the
booking requests inside Django, answered with an immediate 503 `busy` (Retry-After) beyond
it, before any of Django's work.

In a rush, requests otherwise wait in the server's thread pool, unseen by the admission
line (reservations/admission.py), until each reader has waited seconds. Run the server with more
threads than this cap (SEATBACK_THREADS), so that excess requests reach this check at once
and cost well under a millisecond each. Most of a rush asks for seats already taken: they
never count against the cap, and once the seats are gone every reader hears "nothing left"
(`free: 0`) from here within a round trip to the cache.

Every answer given here, by either front, is counted in /metrics (count_answer) under
Django's route and the status, as ops.metrics counts Django's: in a rush most answers are
these, and an operator must see them.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.db import transaction
from django.http import JsonResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.urls import resolve
from django.utils import translation
from django.utils.http import parse_header_parameters

from seatback.api.decorators import parse_json
from seatback.api.reservation_views import booking_request, offering_others
from seatback.api.serialize import iso, seat_json
from seatback.core import clock, live, metrics, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import refusal_parts
from seatback.core.inputs import has_bad_text
from seatback.core.middleware import language_from
from seatback.readers.models import ApiToken, reader_cache_key
from seatback.readers.services import (
    bearer_token,
    signed_in_key,
    signed_in_reader,
    signed_in_reader_id,
)
from seatback.reservations import taken
from seatback.seats.services import Situation

log = logging.getLogger(__name__)

BOOKING_PATH = "/api/v1/reservations"
BODY_LIMIT = 4096  # a booking's body is under 200 bytes; anything longer goes to Django
# The headers of a refusal that are its own (core.http.refusal_parts), and its length.
OWN_HEADERS = {"content-type", "content-language", "retry-after", "content-length"}

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BookingFront:
    def __init__(self, app: App) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._inside = 0
        # Django's headers on its last refusal of a booking, by language: the refusals
        # answered here carry the same.
        self._refusal_headers: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != BOOKING_PATH:
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = self._taken(environ)
        except Exception:  # a cache outage: Django's full path still answers
            log.warning("booking refusal from the cache failed", exc_info=True)
            answer = None
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers)
            count_answer("booking", BOOKING_PATH, status, started)
            return [body]
        with self._lock:
            full = self._inside >= settings.BOOKING_FRONT
            if not full:
                self._inside += 1
        if full:
            busy = self._busy(start_response)
            count_answer("booking", BOOKING_PATH, "503", started)
            return busy
        try:
            # Django builds the whole JSON body before returning: the request is done here.
            return self._through(environ, start_response)
        finally:
            with self._lock:
                self._inside -= 1

    def _taken(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """Django's answer to a booking for a seat known to be taken, without Django: only
        when everything Django checks first passes (a bearer token that names a reader,
        the reader's rate limit, a clean request) and the seat is taken by what the cache
        remembers (reservations.taken.from_memory). Anything else goes to Django."""
        if environ.get("QUERY_STRING"):
            return None
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit() or not 0 < int(length) <= BODY_LIMIT:
            return None
        # Read here, then handed on to Django as if unread.
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        cookies = clean_cookies(environ)
        if cookies is None:
            return None  # Django refuses the request itself (CleanInputMiddleware)
        language = _answer_language(environ, cookies)
        headers = self._refusal_headers.get((language, _secure(environ)))
        # A bearer token only (a session's booking needs Django's CSRF check).
        key = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        if headers is None or not key:
            return None
        if not host_allowed(environ):
            return None  # Django answers 400
        now = clock.now()
        try:
            content_type = parse_header_parameters(environ.get("CONTENT_TYPE", ""))[0]
            seat_id, start, end = booking_request(parse_json(body, content_type))
        except Refusal:
            return None  # Django says what is wrong
        known = taken.from_memory(seat_id, start, end, now)
        if known is None or known[1] is None:
            return None  # not known to be taken, or no list to offer from: Django decides
        room_id, free_seats = known
        # The reader: from the cache, or one query that fills it, as Django's authentication
        # would find it. Counted here only when answered here (Django counts its own).
        reader = ApiToken.reader_for(key, now)
        if reader is None:
            return None
        try:
            ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        except Refusal:
            return None  # Django counts it again and answers the refusal
        with translation.override(language):
            refusal = offering_others(
                Refusal("seat_unavailable"), room_id, seat_id, start, end, now, free_seats
            )
            code, own, answer = refusal_parts(refusal, as_json=True)
        return f"{code} Conflict", [*headers, *own, ("Content-Length", str(len(answer)))], answer

    def _through(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Django's answer; the headers of a refusal are kept for the refusals made here."""

        def remember(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            if status.startswith("409 ") and not any(
                name.lower() == "set-cookie" for name, _value in headers
            ):
                language = next((v for n, v in headers if n.lower() == "content-language"), "")
                # What every answer carries (security headers, Vary; HSTS over https only),
                # without what belongs to this refusal (refusal_parts makes those here).
                self._refusal_headers[(language, _secure(environ))] = [
                    (n, v) for n, v in headers if n.lower() not in OWN_HEADERS
                ]
            return start_response(status, headers, *rest)

        return self.app(environ, remember)

    @staticmethod
    def _busy(start_response: Callable[..., Any]) -> list[bytes]:
        with translation.override(settings.LANGUAGE_CODE):
            status, headers, body = refusal_parts(Refusal("busy", retry_after=1), as_json=True)
        start_response(
            f"{status} Service Unavailable", [*headers, ("Content-Length", str(len(body)))]
        )
        return [body]


# Django's route (the URL pattern, as ops.metrics labels it) of each kind of front answer.
_routes: dict[str, str] = {}


def count_answer(kind: str, path: str, status: str, started: float) -> None:
    """Count an answer given before Django as ops.metrics counts Django's: under its route
    (Django's URL pattern for `path`, found once per kind) and status, with its time."""
    try:
        route = _routes.get(kind)
        if route is None:
            route = _routes[kind] = "/" + str(resolve(path).route)
        metrics.REQUESTS.labels(route, status.split(" ", 1)[0]).inc()
        metrics.LATENCY.labels(route).observe(time.perf_counter() - started)
    except Exception:  # counting must never cost the reader the answer
        log.warning("front answer to %s: not counted", path, exc_info=True)


def _answer_language(environ: dict[str, Any], cookies: dict[str, str]) -> str:
    """The language Django answers in (core.middleware.language_for)."""
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language_from(chosen, environ.get("HTTP_ACCEPT_LANGUAGE", ""))


def _variant(language: str, environ: dict[str, Any]) -> str:
    """All that Django's answer to a shared read or a seat read varies by, for a given
    path and reader: its language (Content-Language, the text) and https (HSTS)."""
    return f"{language}:{_secure(environ)}"


def _secure(environ: dict[str, Any]) -> bool:
    """Whether Django takes the request for https (HttpRequest.is_secure)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        if header in environ:
            return bool(environ[header].split(",")[0].strip() == secure_value)
    return bool(environ.get("wsgi.url_scheme") == "https")


def clean_cookies(environ: dict[str, Any]) -> dict[str, str] | None:
    """The request's cookies; None when one carries what Django refuses with 400
    (CleanInputMiddleware), so that a front answers nothing Django would refuse."""
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    if any(has_bad_text(k, multiline=False) or has_bad_text(v) for k, v in cookies.items()):
        return None
    return cookies


def host_allowed(environ: dict[str, Any]) -> bool:
    """Whether Django would accept the request's host (HttpRequest.get_host against
    ALLOWED_HOSTS); a front answers nothing Django would refuse with 400."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        host = environ.get("SERVER_NAME", "")
        port = str(environ.get("SERVER_PORT", ""))
        if port != ("443" if _secure(environ) else "80"):
            host = f"{host}:{port}"
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


# Shared reads, answered before Django -------------------------------------------------------

ROOMS = re.compile(r"/api/v1/rooms(?:/[0-9]+/seats)?")
# A seat's change token (watch) and a reader's seat page (page): (kind, code).
SEAT_READS = (
    ("watch", re.compile(r"/api/v1/seats/([^/]+)/watch")),
    ("page", re.compile(r"/api/v1/seats/([^/]+)")),
)
SHARED_SECONDS = 5  # a shared answer is keyed by the second; this only clears it out
SHARED_WAIT_SECONDS = 1.0  # how long a room read waits for the same answer asked of Django

# Seats by code (the seat with its room and library for the API's views; the seat id for
# the watch front), cached under the places' version: any seat, room, library or retired
# code saved or deleted changes the version (api/apps.py), so every cached seat is
# forgotten at once. The timeout bounds what a write behind Django's back (an UPDATE
# without save()) leaves visible.
PLACES_KEY = "places-v"
PLACE_SECONDS = 60


def _place_key(kind: str, code: str) -> str:
    return f"place:{kind}:{hashlib.sha256(code.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def places_version() -> str:
    """The places' version now: read it before reading the database, remember with it."""
    return live.cached_token(PLACES_KEY)


def places_changed() -> None:
    """A seat, room, library or seat code changed: forget every cached place, now and
    again when the transaction commits (a read racing the write cannot keep the old)."""
    live.new_token(PLACES_KEY)
    transaction.on_commit(lambda: live.new_token(PLACES_KEY))


def place_keys(kind: str, code: str) -> list[str]:
    """The cache keys where remember_place keeps a place, to read with others (place_in)."""
    return [_place_key(kind, code), PLACES_KEY]


def place_in(found: dict[str, Any], kind: str, code: str) -> Any:
    """The place remembered for this code, from what the cache held under place_keys, if
    the places have not changed since (else None)."""
    key = _place_key(kind, code)
    stored = found.get(key)
    if stored is None or stored[1] != found.get(PLACES_KEY):
        return None
    return stored[0]


def remember_place(kind: str, code: str, value: Any, version: str) -> None:
    cache.set(_place_key(kind, code), (value, version), timeout=PLACE_SECONDS)


# A seat read the front may answer: its kind ("watch": the change token; "page": the
# reader's seat page) and the seat code in the path.
SeatRead = tuple[str, str]


# Readers' (and seats') ids a front keeps: 50,000 cost about 10 MB (measured with
# tracemalloc). Past that the memo starts again: it only saves a round trip.
MEMO_ENTRIES = 50_000


def _remember(memo: dict[str, int], key: str, value: int) -> None:
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = value


def seat_read(path: str) -> SeatRead | None:
    for kind, pattern in SEAT_READS:
        match = pattern.fullmatch(path)
        if match is not None:
            return kind, match.group(1)
    return None


class SharedReadFront:
    """The reads every screen and watching page repeats, answered from the cache without
    Django's request path: the room list and a room's seat map (`GET /api/v1/rooms`,
    `GET /api/v1/rooms/{id}/seats`), a seat's change token (`GET .../seats/{code}/watch`),
    and a reader's seat page (`GET /api/v1/seats/{code}`, with a bearer token).

    Only when everything is known: the reader, from the cache alone (a bearer token or a
    session, checked as Django would: readers.services.signed_in_key and its steps), within
    the per-reader read limit, and the answer itself: all in one round trip to the cache
    once this process has met the token or session (its reader's id is kept here), two
    the first time. The room reads are Django's own earlier answer (status, headers and
    body) for the same path and language, stored under the library's change token and
    the second of seatback's clock, exactly as seats.selectors.shared_read keys the
    counts: a committed scan shows at the next read, anything else within a second. The
    watch answer is built here (the seat's change token and the server time), and so is
    the seat page, from the seat the cache keeps by its code and one read of the database
    (the view's own: Situation.read and seat_json, in the request's language), both with
    the headers Django gave the last one. Anything else, or anything unknown, goes to
    Django, whose answer fills the cache. Answers given here are counted in /metrics
    under Django's route, as Django counts its.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        # Django's headers on its last 200 for a seat read, by kind, language and https
        # (all they depend on: a handful of entries, whatever clients send).
        self._seat_headers: dict[str, list[tuple[str, str]]] = {}
        # The room reads this process is asking Django for now, by answer (_shared_key).
        self._asking: dict[str, threading.Event] = {}
        self._asking_lock = threading.Lock()
        # Readers' ids by the cache key of their token's or session's entry, and seats'
        # ids by code, as met in this process: neither ever changes for its key (a code
        # retired or moved is caught by the place read beside it).
        self._readers: dict[str, int] = {}
        self._seat_ids: dict[str, int] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or not path.startswith("/api/v1/")
            or environ.get("QUERY_STRING")
        ):
            return self.app(environ, start_response)
        rooms = ROOMS.fullmatch(path)
        seat = None if rooms else seat_read(path)
        if rooms is None and seat is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = self._answer(environ, path, seat)
        except Exception:  # a cache or database outage: Django's full path still answers
            log.warning("shared read %s before Django failed", path, exc_info=True)
            answer = None
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers)
            self._count(path, seat, status, started)
            return [body]
        if rooms is not None:
            return self._one_at_a_time(environ, start_response, path, started)
        return self._through(environ, start_response, path, seat)

    @staticmethod
    def _count(path: str, seat: SeatRead | None, status: str, started: float) -> None:
        kind = seat[0] if seat else ("rooms" if path == "/api/v1/rooms" else "room-seats")
        count_answer(kind, path, status, started)

    def _one_at_a_time(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        path: str,
        started: float,
    ) -> Any:
        """A room read the cache cannot answer yet: one request per answer (path, language,
        second) goes to Django at a time in this process, and the signed-in others wait
        for it, then take its answer from the cache. At each second's turn every screen
        misses at once; without this each made Django build the same answer, which made
        each slower, so more missed."""
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        try:
            session = cookies.get(settings.SESSION_COOKIE_NAME)
            signed_in = signed_in_key(environ.get("HTTP_AUTHORIZATION", ""), session)
            variant = _variant(_answer_language(environ, cookies), environ)
            key = self._shared_key(path, variant, clock.now())
        except Exception:  # a cache outage: Django's full path still answers
            signed_in = key = None
        if signed_in is None or key is None:
            return self._through(environ, start_response, path, None)
        with self._asking_lock:
            other = self._asking.get(key)
            if other is None:
                mine = self._asking[key] = threading.Event()
        if other is not None:
            other.wait(SHARED_WAIT_SECONDS)
            try:
                answer = self._answer(environ, path, None)
            except Exception:
                answer = None
            if answer is None:  # Django refused the first, or it was slow: ask Django
                return self._through(environ, start_response, path, None)
            status, headers, body = answer
            start_response(status, headers)
            self._count(path, None, status, started)
            return [body]
        try:
            return self._through(environ, start_response, path, None)
        finally:
            with self._asking_lock:
                del self._asking[key]
            mine.set()

    def _answer(
        self, environ: dict[str, Any], path: str, seat: SeatRead | None
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """One round trip to the cache when this process has met the token (or session)
        before: the token's entry, the reader, the rate limit and what the answer needs,
        all at once, the entry then checked to name that reader still. Otherwise two: who
        the reader is with the answer (or the seat), then the rest. A seat page then
        reads the database once."""
        if not host_allowed(environ):
            return None  # Django answers 400
        if environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return None  # a GET with a body: Django (413 past its upload limit)
        cookies = clean_cookies(environ)
        if cookies is None:
            return None  # Django answers 400
        now = clock.now()
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        bearer = authorization.startswith("Bearer ")
        if bearer and set(cookies) - {settings.LANGUAGE_COOKIE_NAME}:
            # A token with cookies besides the language: Django may answer with Set-Cookie
            # (a stale session deleted, a malformed CSRF cookie replaced).
            return None
        if seat is not None and seat[0] == "page" and not bearer:
            return None  # a session's seat page: Django (its pages use their own views)
        signed_in = signed_in_key(authorization, cookies.get(settings.SESSION_COOKIE_NAME))
        if signed_in is None:
            return None
        language = _answer_language(environ, cookies)
        variant = _variant(language, environ)
        headers: list[tuple[str, str]] = []
        kind, code = seat or ("rooms", "")
        watch = kind == "watch"
        if seat is None:
            # The library's change token and the answer stored with it.
            wanted = [live.LIBRARY_KEY, self._shared_key(path, variant, now)]
        else:
            headers = self._seat_headers.get(f"{kind}:{variant}", [])
            if not headers:
                return None
            # The watch needs the seat's id; the page, the seat with its room and library.
            wanted = place_keys("id" if watch else "seat", code)
        # A token's (or session's) entry names one reader for its life, so the reader's
        # id met here before saves the round trip that would read it first. The entry is
        # still read, in the same round trip, and must name that reader now.
        known = self._readers.get(signed_in)
        watched = self._seat_ids.get(code) if watch else None
        if watch and watched is None:
            known = None  # the seat's change token is read by its id: the id first
        wanted_value: Any = None
        if known is None:
            found = cache.get_many([signed_in, *wanted])
            reader_id = signed_in_reader_id(found.get(signed_in), now)
            wanted_value = self._wanted_in(found, path, variant, seat, now)
            if reader_id is None or wanted_value is None:
                return None
            if watch:
                watched = wanted_value
                _remember(self._seat_ids, code, watched)
        else:
            reader_id = known
        who = f"r{reader_id}"
        fetch = [reader_cache_key(reader_id)]
        if watched is not None:  # the watch: the seat's change token
            fetch.append(live.seat_key(watched))
        elif seat is not None:  # the page: the reader's count of unknown codes
            fetch.append(ratelimit.code_guesses_key(who))
        if known is not None:
            fetch += [signed_in, *wanted]
        try:
            more = ratelimit.hit_fetching("reads", who, settings.RATE_LIMIT_READS_PER_MINUTE, fetch)
        except Refusal:
            # Django counts it again and answers the refusal. A remembered id was counted
            # before its entry was read: next time the entry is read first.
            self._readers.pop(signed_in, None)
            return None
        if known is not None:
            found = more
            wanted_value = self._wanted_in(found, path, variant, seat, now)
        reader = signed_in_reader(found.get(signed_in), more.get(fetch[0]))
        if reader is None or signed_in_reader_id(found.get(signed_in), now) != reader_id:
            self._readers.pop(signed_in, None)  # revoked, expired, gone or deactivated
            reader = None
        if watch and wanted_value != watched:
            self._seat_ids.pop(code, None)  # a code retired or moved to another seat
            wanted_value = None
        if reader is None or wanted_value is None:
            # Counted before all was known (one round trip for both): Django counts it.
            ratelimit.take_back("reads", who)
            return None
        if known is None:
            _remember(self._readers, signed_in, reader_id)
        if seat is None:
            return tuple(wanted_value[1])  # type: ignore[return-value]
        if watch:
            token = more.get(fetch[1]) or live.token(wanted_value)  # an expired token is made anew
            body = json.dumps({"v": token, "server_time": iso(now)}).encode()
        else:
            try:
                page = self._seat_page(
                    environ, language, wanted_value, reader, who, more.get(fetch[1]), now
                )
            except Exception:
                ratelimit.take_back("reads", who)  # Django counts it again, and answers
                raise
            if page is None:
                ratelimit.take_back("reads", who)  # Django counts it and answers
                return None
            body = page
        return "200 OK", [*headers, ("Content-Length", str(len(body)))], body

    def _wanted_in(
        self,
        found: dict[str, Any],
        path: str,
        variant: str,
        seat: SeatRead | None,
        now: datetime,
    ) -> Any:
        """What the answer needs, in what the cache held under `wanted`: a room read's
        stored answer, if stored under the library's change token now; a seat's id (the
        watch) or the seat with its room and library (the page). None: not known."""
        if seat is None:
            stored = found.get(self._shared_key(path, variant, now))
            if not stored or stored[0] != found.get(live.LIBRARY_KEY):
                return None
            return stored
        return place_in(found, "id" if seat[0] == "watch" else "seat", seat[1])

    @staticmethod
    def _seat_page(
        environ: dict[str, Any],
        language: str,
        seat: Any,
        reader: Any,
        who: str,
        guesses: int | None,
        now: datetime,
    ) -> bytes | None:
        """The body of Django's seat page (api.views.seat_detail) for a seat the cache knows,
        or None where Django's answer is not a 200 (the reader's unknown codes are past
        the limit: Django refuses any lookup)."""
        try:
            ratelimit.seat_code_looked_up(who, found=True, guesses=guesses or 0)
        except Refusal:
            return None
        # As Django's handler around each request: a connection too old or broken is
        # closed first, and a reused one is checked before the read (CONN_HEALTH_CHECKS).
        signals.request_started.send(sender=SharedReadFront, environ=environ)
        try:
            with translation.override(language):
                situation = Situation.read(seat, reader, now)
                return bytes(JsonResponse(seat_json(situation)).content)
        finally:
            signals.request_finished.send(sender=SharedReadFront)

    @staticmethod
    def _shared_key(path: str, variant: str, now: datetime) -> str:
        """Where the answer of this second is kept (per _variant), with the library's
        change token it was read under (a scan since makes it out of date)."""
        return f"front:{path}:{variant}:{int(now.timestamp())}"

    def _through(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        path: str,
        seat: SeatRead | None,
    ) -> Any:
        """Django's answer, kept for the next request when it is a 200 for everyone (a room
        read), or its headers for the next seat read of its kind."""
        key = token = None
        if seat is None:
            try:
                now = clock.now()
                token = live.library_token()  # before Django reads: a scan meanwhile shows
                cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
                variant = _variant(_answer_language(environ, cookies), environ)
                key = self._shared_key(path, variant, now)
            except Exception:
                log.warning("shared read %s: no cache key", path, exc_info=True)
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *rest)

        chunks = self.app(environ, remember)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        headers = seen.get("headers", [])
        if seen.get("status", "").startswith("200 ") and not any(
            name.lower() == "set-cookie" for name, _value in headers
        ):
            if seat is not None:
                # The page is answered here for bearer tokens only: learnt from those.
                bearer = environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
                clean = clean_cookies(environ)
                if clean is not None and (seat[0] == "watch" or bearer):
                    variant = _variant(_answer_language(environ, clean), environ)
                    self._seat_headers[f"{seat[0]}:{variant}"] = [
                        (n, v) for n, v in headers if n.lower() != "content-length"
                    ]
            elif key is not None:
                try:
                    answer = (seen["status"], headers, body)
                    cache.set(key, (token, answer), timeout=SHARED_SECONDS)
                except Exception:
                    log.warning("shared read %s: not stored", path, exc_info=True)
        return [body]
