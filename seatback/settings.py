"""Every setting comes from the environment, through small strict helpers.

A value that does not parse is a startup error naming the variable, never a silent default.
"""

from __future__ import annotations

import codecs
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = env(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {value!r}")


def envint(name: str, default: str, minimum: int = 0) -> int:
    value = env(name, default).strip()
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("SEATBACK_DATA_DIR", "./var")).resolve()
DEBUG = envbool("SEATBACK_DEBUG", "false")


def _secret_key() -> str:
    """SECRET_KEY from the environment; in embedded mode one is made once and kept."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

BASE_URL = env("SEATBACK_BASE_URL", "http://localhost:8000").rstrip("/")
# Unset, `seatback serve/demo --port P` puts its own port into links and labels.
BASE_URL_GIVEN = bool(env("SEATBACK_BASE_URL", "").strip())
_base = urlsplit(BASE_URL)
if _base.scheme not in ("http", "https") or not _base.netloc:
    raise ImproperlyConfigured(
        f"SEATBACK_BASE_URL: expected http(s)://host[:port], got {BASE_URL!r}"
    )
# How far back `seatback demo` writes its simulated history (analytics.history.demo_history):
# three weeks; the test settings write fewer days, through the same code.
DEMO_HISTORY_DAYS = envint("SEATBACK_DEMO_HISTORY_DAYS", "21", minimum=3)
# Behind nginx or another proxy, take the client address from X-Forwarded-For.
BEHIND_PROXY = envbool("SEATBACK_BEHIND_PROXY", "false")
# The header the proxy writes the client's address into, and the proxies trusted to write
# it: the header is read only from a peer inside SEATBACK_TRUSTED_PROXIES (if set), and
# only when SEATBACK_BEHIND_PROXY is on. The presence checks rely on the address.
PROXY_HEADER = env("SEATBACK_PROXY_HEADER", "X-Forwarded-For").strip()
# Behind a proxy with no list given, only a proxy on this machine is believed: otherwise
# anyone reaching the app port directly could claim any address.
TRUSTED_PROXIES = envlist(
    "SEATBACK_TRUSTED_PROXIES", "127.0.0.1/32,::1/128" if BEHIND_PROXY else ""
)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"SEATBACK_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None
if not PROXY_HEADER:
    raise ImproperlyConfigured("SEATBACK_PROXY_HEADER: must not be empty")
ALLOWED_HOSTS = envlist("SEATBACK_ALLOWED_HOSTS", "*")
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]
if _base.scheme == "https":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Browsers that once reached us over https never try plain http again (a year).
    SECURE_HSTS_SECONDS = envint("SEATBACK_HSTS_SECONDS", "31536000")
# Scripts only from our own files (no inline script anywhere); styles may be inline
# attributes (seat positions on maps); nothing may frame the pages.
CONTENT_SECURITY_POLICY = env(
    "SEATBACK_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
).strip()

TIME_ZONE = env("SEATBACK_TIME_ZONE", "Asia/Shanghai")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"SEATBACK_TIME_ZONE: unknown time zone {TIME_ZONE!r} (e.g. Asia/Shanghai)"
    ) from None
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_cas_ng",  # CAS single sign-out's session tickets
    # core, then the base apps, the domain apps and the audience apps (docs/architecture.md)
    "seatback.core",
    "seatback.library",
    "seatback.readers",
    "seatback.audit",
    "seatback.notifications",
    "seatback.presence",
    "seatback.seats",
    "seatback.labels",
    "seatback.reservations",
    "seatback.content",
    "seatback.gates",
    "seatback.spaces",
    "seatback.plans",
    "seatback.circulation",
    "seatback.catalogue",
    "seatback.analytics",
    "seatback.officialaccount",
    "seatback.api",
    "seatback.pages",
    "seatback.backoffice",
    "seatback.screens",
    "seatback.ops",
    "seatback.wechat",
]

MIDDLEWARE = [
    # Counts and times every answer, by route and status, for /metrics.
    "seatback.ops.metrics.RequestMetricsMiddleware",
    # /healthz first: it must answer (and say what is down) even when Redis is not there.
    "seatback.ops.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "seatback.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "seatback.core.middleware.ReaderLanguageMiddleware",
    "seatback.core.middleware.CleanInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seatback.readers.middleware.AnonymousRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "seatback.urls"
WSGI_APPLICATION = "seatback.wsgi.application"
AUTH_USER_MODEL = "readers.Reader"
# The signed-in reader of a session is read from the cache (no query per request); Django's
# own backend stays listed so that sessions it started before keep working.
LOGIN_URL = "pages:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database(url: str | None) -> dict[str, Any]:
    """Embedded SQLite unless DATABASE_URL names PostgreSQL (or another SQLite file)."""
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return _sqlite(str(DATA_DIR / "seatback.sqlite3"))
    import dj_database_url

    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql", "pgsql"):
        try:
            config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL: cannot parse it ({exc})") from None
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL: names no database (postgresql://host/NAME)")
        # Django's backend, with a health check that sends nothing while the connection
        # is quiet (core/postgresql); checked before each request's first statement.
        config["ENGINE"] = "seatback.core.postgresql"
        config["CONN_HEALTH_CHECKS"] = True
        return config
    if scheme == "sqlite":
        path = url.split("sqlite:///", 1)[-1] if url.startswith("sqlite:///") else ""
        if not path:
            raise ImproperlyConfigured("DATABASE_URL: expected sqlite:///path/to/file.sqlite3")
        return _sqlite(path)
    raise ImproperlyConfigured(
        f"DATABASE_URL: unsupported scheme {scheme!r}; use postgresql://… or sqlite:///…"
    )


# How hard SQLite pushes each commit to the disk (docs/operations.md): NORMAL (default)
# keeps every commit through a crash of Seatback; FULL also through a power cut.
SQLITE_SYNCHRONOUS = env("SEATBACK_SQLITE_SYNCHRONOUS", "normal").strip().upper()
if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL", "EXTRA"):
    raise ImproperlyConfigured(
        f"SEATBACK_SQLITE_SYNCHRONOUS: expected normal, full or extra, got {SQLITE_SYNCHRONOUS!r}"
    )


def _sqlite(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "seatback.core.sqlite",  # Django's, with placeholders converted once
        "NAME": path,
        # Each server thread keeps its connection (opening one, with its PRAGMAs, cost about
        # a third of a short request); checked before reuse, like PostgreSQL's.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so a check and its write never
            # interleave with another writer; WAL lets readers go on meanwhile.
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("SEATBACK_SQLITE_BUSY_TIMEOUT", "10", minimum=1),
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
        },
    }


DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"REDIS_URL: expected redis://host:port/db, got {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "seatback.core.rediscache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("SEATBACK_CACHE_PREFIX", "seatback"),
            # A Redis that is gone or stuck is an answer within a second or two (a 503
            # with Retry-After), never a request hanging; the pool reconnects by itself.
            "OPTIONS": {
                "socket_connect_timeout": envint("SEATBACK_REDIS_TIMEOUT", "2", minimum=1),
                "socket_timeout": envint("SEATBACK_REDIS_TIMEOUT", "2", minimum=1),
            },
        }
    }
else:
    # Sessions, rate-limit counters and live seat tokens share it: room for a busy library.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": envint("SEATBACK_CACHE_ENTRIES", "100000", minimum=1000)},
        }
    }

# Readers stay signed in for 30 days on their phone.
SESSION_COOKIE_AGE = 30 * 24 * 3600
# Sessions are written to the database and read through the cache: a seat page's poll
# costs no session query once warm.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# An out-of-date form (e.g. a page left open for days) gets a "please try again" page.
CSRF_FAILURE_VIEW = "seatback.pages.views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# How many gunicorn processes serve. Without Redis the cache, rate limits and live
# updates live in-process, so the embedded default runs one process with threads.
SERVE_WORKERS = envint("SEATBACK_WORKERS", "4" if REDIS_URL else "1", minimum=1)
SERVE_THREADS = envint("SEATBACK_THREADS", "16", minimum=1)

# Requests allowed per minute per client address (sign-in) and per reader (seat intents).
# Wrong passwords per minute per card number, from addresses that already got it wrong.
RATE_LIMIT_LOGIN_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_LOGIN", "10", minimum=1)
# Wrong passwords per card number and address before each try waits (2 s, 4 s, 8 s, …)
# up to SEATBACK_LOGIN_MAX_DELAY seconds.
LOGIN_FREE_TRIES = envint("SEATBACK_LOGIN_FREE_TRIES", "5", minimum=1)
LOGIN_MAX_DELAY_SECONDS = envint("SEATBACK_LOGIN_MAX_DELAY", "900", minimum=1)
RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_LOGIN_ADDRESS", "120", minimum=1)
RATE_LIMIT_INTENTS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_INTENTS", "30", minimum=1)
RATE_LIMIT_READS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_READS", "240", minimum=1)
# Unknown seat codes one reader (or, signed out, one address) may look up per minute;
# past it every code lookup of theirs is refused until the minute is over.
RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_UNKNOWN_CODES", "20", minimum=1)
# Requests per minute per client address from anyone not signed in (pages, /healthz, …).
RATE_LIMIT_ANONYMOUS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_ANONYMOUS", "600", minimum=1)

# Entrance gates publishing to an MQTT broker (`seatback gate listen`, docs/gates.md).
MQTT_HOST = env("SEATBACK_MQTT_HOST", "127.0.0.1").strip()
MQTT_PORT = envint("SEATBACK_MQTT_PORT", "1883", minimum=1)
if MQTT_PORT > 65535:
    raise ImproperlyConfigured(f"SEATBACK_MQTT_PORT: must be at most 65535, got {MQTT_PORT}")
MQTT_USERNAME = env("SEATBACK_MQTT_USERNAME", "")
MQTT_PASSWORD = env("SEATBACK_MQTT_PASSWORD", "")
MQTT_TOPIC_PREFIX = env("SEATBACK_MQTT_TOPIC_PREFIX", "seatback/gates").strip().strip("/")
if not MQTT_TOPIC_PREFIX or any(c in MQTT_TOPIC_PREFIX for c in "+#"):
    raise ImproperlyConfigured(
        f"SEATBACK_MQTT_TOPIC_PREFIX: a topic without wildcards, got {MQTT_TOPIC_PREFIX!r}"
    )

# Seconds a seat write waits for a row lock before answering "busy, try again".
SEAT_LOCK_TIMEOUT_SECONDS = envint("SEATBACK_LOCK_TIMEOUT", "3", minimum=1)
# The reservation rush (docs/reservations.md). Booking requests inside Django at once per
# process; beyond it a booking is told "busy" before any of Django's work (api/front.py).
BOOKING_FRONT = envint("SEATBACK_BOOKING_FRONT", "12", minimum=1)
# Bookings written at once per process, and how many may wait in line (first come first
# served) for at most BOOKING_QUEUE_WAIT_SECONDS before being told "busy".
BOOKING_CONCURRENCY = envint("SEATBACK_BOOKING_CONCURRENCY", "4", minimum=1)
BOOKING_QUEUE = envint("SEATBACK_BOOKING_QUEUE", "64", minimum=1)
BOOKING_QUEUE_WAIT_SECONDS = envint("SEATBACK_BOOKING_QUEUE_WAIT_MS", "2000", minimum=1) / 1000
# How long a seat just booked is answered "taken" from memory before asking the database.
BOOKING_TAKEN_SECONDS = envint("SEATBACK_BOOKING_TAKEN_MS", "1500", minimum=0) / 1000

# Campus sign-in (docs/sign-in.md): CAS, LDAP, OpenID Connect, each on when its server is
# set; the local password stays, for everyone, for staff only, or off.
LOCAL_SIGN_IN = env("SEATBACK_LOCAL_SIGN_IN", "all").strip().lower()
if LOCAL_SIGN_IN not in ("all", "staff", "off"):
    raise ImproperlyConfigured(
        f"SEATBACK_LOCAL_SIGN_IN: expected all, staff or off, got {LOCAL_SIGN_IN!r}"
    )


def envmap(name: str, default: str) -> dict[str, str]:
    """'card_number=uid,name=cn' -> {"card_number": "uid", "name": "cn"}."""
    pairs: dict[str, str] = {}
    for item in envlist(name, default):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: expected field=attribute pairs, got {item!r}")
        if key.strip() not in ("card_number", "name", "kind", "department", "groups"):
            raise ImproperlyConfigured(
                f"{name}: {key.strip()!r} is not card_number, name, kind, department or groups"
            )
        pairs[key.strip()] = value.strip()
    if "card_number" not in pairs:
        raise ImproperlyConfigured(f"{name}: must map card_number")
    return pairs


def envurl(name: str) -> str:
    value = env(name, "").strip().rstrip("/")
    if value and urlsplit(value).scheme not in ("http", "https", "ldap", "ldaps"):
        raise ImproperlyConfigured(f"{name}: expected an http(s):// or ldap(s):// address")
    return value


# Which campus groups (the mapped `groups` attribute) make a librarian or an administrator.
SIGN_IN_LIBRARIAN_GROUPS = envlist("SEATBACK_SIGN_IN_LIBRARIAN_GROUPS", "")
SIGN_IN_ADMINISTRATOR_GROUPS = envlist("SEATBACK_SIGN_IN_ADMINISTRATOR_GROUPS", "")
# Kinds of reader by a campus value of the mapped `kind` attribute, e.g.
# "student=undergraduate,graduate=postgraduate,faculty=staff".
SIGN_IN_KINDS = {
    key.strip(): value.strip()
    for key, _sep, value in (item.partition("=") for item in envlist("SEATBACK_SIGN_IN_KINDS", ""))
}

# With a slash at the end: the client joins "p3/serviceValidate" onto it.
CAS_SERVER_URL = (envurl("SEATBACK_CAS_SERVER_URL") + "/").lstrip("/")
CAS_VERSION = env("SEATBACK_CAS_VERSION", "3")
if CAS_VERSION not in ("2", "3"):
    raise ImproperlyConfigured(f"SEATBACK_CAS_VERSION: expected 2 or 3, got {CAS_VERSION!r}")
CAS_ATTRIBUTES = envmap("SEATBACK_CAS_ATTRIBUTES", "card_number=user")
# django-cas-ng reads these.
CAS_CREATE_USER = False  # seatback.readers.campus creates readers, mapped
CAS_STORE_NEXT = True
CAS_REDIRECT_URL = "/"
CAS_LOGOUT_COMPLETELY = True
CAS_RETRY_LOGIN = False
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None

LDAP_URL = envurl("SEATBACK_LDAP_URL")
LDAP_BIND_DN = env("SEATBACK_LDAP_BIND_DN", "")
LDAP_BIND_PASSWORD = env("SEATBACK_LDAP_BIND_PASSWORD", "")
LDAP_BASE_DN = env("SEATBACK_LDAP_BASE_DN", "")
LDAP_FILTER = env("SEATBACK_LDAP_FILTER", "(uid={card_number})")
if "{card_number}" not in LDAP_FILTER:
    raise ImproperlyConfigured("SEATBACK_LDAP_FILTER: must contain {card_number}")
LDAP_ATTRIBUTES = envmap("SEATBACK_LDAP_ATTRIBUTES", "card_number=uid,name=cn")
LDAP_START_TLS = envbool("SEATBACK_LDAP_START_TLS", "false")
LDAP_TIMEOUT_SECONDS = envint("SEATBACK_LDAP_TIMEOUT", "5", minimum=1)
if LDAP_URL and not LDAP_BASE_DN:
    raise ImproperlyConfigured("SEATBACK_LDAP_BASE_DN: required with SEATBACK_LDAP_URL")

OIDC_ISSUER = envurl("SEATBACK_OIDC_ISSUER")
OIDC_RP_CLIENT_ID = env("SEATBACK_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("SEATBACK_OIDC_CLIENT_SECRET", "")
OIDC_ATTRIBUTES = envmap("SEATBACK_OIDC_CLAIMS", "card_number=preferred_username,name=name")
if OIDC_ISSUER and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("SEATBACK_OIDC_CLIENT_ID: required with SEATBACK_OIDC_ISSUER")
# mozilla-django-oidc reads these; the endpoints come from the issuer's discovery document.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env("SEATBACK_OIDC_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 5
OIDC_AUTHENTICATE_CLASS = "seatback.pages.campus_views.OIDCStart"
OIDC_CALLBACK_CLASS = "seatback.pages.campus_views.OIDCCallback"
OIDC_AUTHENTICATION_CALLBACK_URL = "pages:oidc_authentication_callback"
LOGIN_REDIRECT_URL = "/"
LOGIN_REDIRECT_URL_FAILURE = "/login?campus=failed"

# The WeChat Official Account (docs/wechat.md). Without an app id the wechat app is off.
WECHAT_APP_ID = env("SEATBACK_WECHAT_APP_ID", "").strip()
WECHAT_APP_SECRET = env("SEATBACK_WECHAT_APP_SECRET", "").strip()
WECHAT_TOKEN = env("SEATBACK_WECHAT_TOKEN", "").strip()
# The EncodingAESKey: when set, messages travel in safe (encrypted) mode.
WECHAT_AES_KEY = env("SEATBACK_WECHAT_AES_KEY", "").strip()
WECHAT_API_BASE = env("SEATBACK_WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/")
WECHAT_OAUTH_BASE = env("SEATBACK_WECHAT_OAUTH_BASE", "https://open.weixin.qq.com").rstrip("/")
# How pushes reach a reader, tried in order: a refusal (43101) or a closed window (45015)
# moves on to the next. custom = customer-service message, template = template message,
# subscribe = subscription notice (订阅通知).
WECHAT_PUSH = envlist("SEATBACK_WECHAT_PUSH", "custom,template")
WECHAT_TEMPLATE_ID = env("SEATBACK_WECHAT_TEMPLATE_ID", "").strip()
WECHAT_SUBSCRIBE_TEMPLATE_ID = env("SEATBACK_WECHAT_SUBSCRIBE_TEMPLATE_ID", "").strip()
WECHAT_ENABLED = bool(WECHAT_APP_ID)
_WECHAT_PUSH_KINDS = {"custom", "template", "subscribe"}


def _check_wechat() -> None:
    import re

    given = {
        "SEATBACK_WECHAT_APP_SECRET": WECHAT_APP_SECRET,
        "SEATBACK_WECHAT_TOKEN": WECHAT_TOKEN,
        "SEATBACK_WECHAT_AES_KEY": WECHAT_AES_KEY,
    }
    if not WECHAT_ENABLED:
        for name, value in given.items():
            if value:
                raise ImproperlyConfigured(f"{name}: set, but SEATBACK_WECHAT_APP_ID is not")
        return
    if not re.fullmatch(r"wx[0-9a-zA-Z]{16}", WECHAT_APP_ID):
        raise ImproperlyConfigured(
            f"SEATBACK_WECHAT_APP_ID: expected wx and 16 letters or digits, got {WECHAT_APP_ID!r}"
        )
    if not re.fullmatch(r"[0-9a-zA-Z]{16,64}", WECHAT_APP_SECRET):
        raise ImproperlyConfigured("SEATBACK_WECHAT_APP_SECRET: expected the AppSecret (32 chars)")
    if not re.fullmatch(r"[0-9a-zA-Z]{3,32}", WECHAT_TOKEN):
        raise ImproperlyConfigured(
            "SEATBACK_WECHAT_TOKEN: expected 3 to 32 letters or digits, as in the account's "
            "server configuration"
        )
    if WECHAT_AES_KEY and not re.fullmatch(r"[0-9a-zA-Z]{43}", WECHAT_AES_KEY):
        raise ImproperlyConfigured(
            "SEATBACK_WECHAT_AES_KEY: expected the 43-character EncodingAESKey"
        )
    for name, url in (
        ("SEATBACK_WECHAT_API_BASE", WECHAT_API_BASE),
        ("SEATBACK_WECHAT_OAUTH_BASE", WECHAT_OAUTH_BASE),
    ):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(f"{name}: expected http(s)://host[:port], got {url!r}")
    unknown = [kind for kind in WECHAT_PUSH if kind not in _WECHAT_PUSH_KINDS]
    if unknown or not WECHAT_PUSH:
        raise ImproperlyConfigured(
            f"SEATBACK_WECHAT_PUSH: expected custom, template and/or subscribe, got {unknown}"
        )
    if "template" in WECHAT_PUSH and not WECHAT_TEMPLATE_ID:
        raise ImproperlyConfigured("SEATBACK_WECHAT_TEMPLATE_ID: needed by SEATBACK_WECHAT_PUSH")
    if "subscribe" in WECHAT_PUSH and not WECHAT_SUBSCRIBE_TEMPLATE_ID:
        raise ImproperlyConfigured(
            "SEATBACK_WECHAT_SUBSCRIBE_TEMPLATE_ID: needed by SEATBACK_WECHAT_PUSH"
        )


_check_wechat()

# Only the concurrency tests' control run turns this off, to show the race is real.
SEAT_LOCKING = True
# The library's own systems (docs/library-systems.md). Circulation: "embedded" (Seatback's
# own loan table, for the demo and libraries without an ILS), "sip2" or "koha".
CIRCULATION_BACKEND = env("SEATBACK_CIRCULATION", "embedded").strip().lower()
if CIRCULATION_BACKEND not in ("embedded", "sip2", "koha"):
    raise ImproperlyConfigured(
        f"SEATBACK_CIRCULATION: expected embedded, sip2 or koha, got {CIRCULATION_BACKEND!r}"
    )
# Seconds to wait for the library's system before telling the reader it is not answering.
ILS_TIMEOUT_SECONDS = envint("SEATBACK_ILS_TIMEOUT", "8", minimum=1)
SIP2_HOST = env("SEATBACK_SIP2_HOST", "").strip()
SIP2_PORT = envint("SEATBACK_SIP2_PORT", "6001", minimum=1)
SIP2_USER = env("SEATBACK_SIP2_USER", "")
SIP2_PASSWORD = env("SEATBACK_SIP2_PASSWORD", "")
SIP2_LOCATION = env("SEATBACK_SIP2_LOCATION", "")
SIP2_INSTITUTION = env("SEATBACK_SIP2_INSTITUTION", "")
SIP2_TERMINAL_PASSWORD = env("SEATBACK_SIP2_TERMINAL_PASSWORD", "")
SIP2_CHECKSUMS = envbool("SEATBACK_SIP2_CHECKSUMS", "true")
SIP2_ENCODING = env("SEATBACK_SIP2_ENCODING", "utf-8").strip()
try:
    codecs.lookup(SIP2_ENCODING)
except LookupError:
    raise ImproperlyConfigured(
        f"SEATBACK_SIP2_ENCODING: unknown encoding {SIP2_ENCODING!r} (e.g. utf-8, gbk, cp850)"
    ) from None
if CIRCULATION_BACKEND == "sip2" and not SIP2_HOST:
    raise ImproperlyConfigured("SEATBACK_SIP2_HOST: needed when SEATBACK_CIRCULATION=sip2")
KOHA_URL = env("SEATBACK_KOHA_URL", "").strip().rstrip("/")
KOHA_USER = env("SEATBACK_KOHA_USER", "")
KOHA_PASSWORD = env("SEATBACK_KOHA_PASSWORD", "")
if CIRCULATION_BACKEND == "koha" and urlsplit(KOHA_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(
        "SEATBACK_KOHA_URL: needed when SEATBACK_CIRCULATION=koha, e.g. "
        "https://koha.example.edu/api/v1"
    )
# Readers may sign in with their library card and the ILS's password (SIP2 23/24); a
# reader is created on first sign-in. Needs SEATBACK_CIRCULATION=sip2.
ILS_SIGN_IN = envbool("SEATBACK_ILS_SIGN_IN", "false")
if ILS_SIGN_IN and CIRCULATION_BACKEND != "sip2":
    raise ImproperlyConfigured("SEATBACK_ILS_SIGN_IN: needs SEATBACK_CIRCULATION=sip2")
# Every way to sign in, in the order they are tried (docs/sign-in.md). Each reads the
# signed-in reader of later requests from the cache (docs/caching.md).
AUTHENTICATION_BACKENDS = [
    "seatback.readers.backends.LocalPasswordBackend",
    *(["seatback.readers.backends.LdapBackend"] if LDAP_URL else []),
    *(["seatback.readers.backends.CampusCASBackend"] if CAS_SERVER_URL else []),
    *(["seatback.readers.backends.CampusOIDCBackend"] if OIDC_ISSUER else []),
    *(["seatback.circulation.backends.IlsBackend"] if ILS_SIGN_IN else []),
]
# The embedded circulation's rules: days a renewal adds, renewals allowed per loan.
RENEWAL_DAYS = envint("SEATBACK_RENEWAL_DAYS", "30", minimum=1)
MAX_RENEWALS = envint("SEATBACK_MAX_RENEWALS", "2", minimum=0)
# Catalogue search: "embedded" (records loaded by `seatback import marc`) or "sru".
CATALOGUE_BACKEND = env("SEATBACK_CATALOGUE", "embedded").strip().lower()
if CATALOGUE_BACKEND not in ("embedded", "sru"):
    raise ImproperlyConfigured(
        f"SEATBACK_CATALOGUE: expected embedded or sru, got {CATALOGUE_BACKEND!r}"
    )
SRU_URL = env("SEATBACK_SRU_URL", "").strip()
SRU_VERSION = env("SEATBACK_SRU_VERSION", "1.2").strip()
if SRU_VERSION not in ("1.1", "1.2", "2.0"):
    raise ImproperlyConfigured(
        f"SEATBACK_SRU_VERSION: expected 1.1, 1.2 or 2.0, got {SRU_VERSION!r}"
    )
if CATALOGUE_BACKEND == "sru" and urlsplit(SRU_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(
        "SEATBACK_SRU_URL: needed when SEATBACK_CATALOGUE=sru, e.g. http://opac.example.edu:9999/biblios"
    )
# Catalogue searches per minute per reader (or address).
RATE_LIMIT_SEARCH_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_SEARCH", "60", minimum=1)

# Only tests may move the clock (seatback.core.clock.travel).
CLOCK_ADJUSTABLE = False

# Set by the `seatback` command for a server of several processes (seatback/cli.py): the
# folder where each process writes its Prometheus metrics, added up at /metrics.
METRICS_FOLDER = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
# GET /metrics (Prometheus): readable from these addresses, or with this bearer token.
METRICS_TOKEN = env("SEATBACK_METRICS_TOKEN", "").strip()
METRICS_ALLOW = envlist("SEATBACK_METRICS_ALLOW", "127.0.0.1/32,::1/128")
for _network in METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"SEATBACK_METRICS_ALLOW: {_network!r} is not an address or network"
        ) from None
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("SEATBACK_METRICS_TOKEN: use at least 16 characters")

# Log lines as text (default) or one JSON object per line (for a log collector).
LOG_FORMAT = env("SEATBACK_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"SEATBACK_LOG_FORMAT: expected text or json, got {LOG_FORMAT!r}")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SEATBACK_LOG_LEVEL", "INFO")},
    # A 4xx is an answer (seat taken, busy), not a problem: in a rush, a warning line for
    # each cost the server more than the answer itself. Errors (5xx) are still logged.
    "loggers": {"django.request": {"level": env("SEATBACK_REQUEST_LOG_LEVEL", "ERROR")}},
}
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "seatback.core.jsonlog.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
