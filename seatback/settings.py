"""Every setting comes from the environment, through small strict helpers.

A value that does not parse is a startup error naming the variable, never a silent default.
"""

from __future__ import annotations

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
_base = urlsplit(BASE_URL)
if _base.scheme not in ("http", "https") or not _base.netloc:
    raise ImproperlyConfigured(
        f"SEATBACK_BASE_URL: expected http(s)://host[:port], got {BASE_URL!r}"
    )
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
    "seatback.officialaccount",
    "seatback.api",
    "seatback.pages",
    "seatback.backoffice",
    "seatback.screens",
    "seatback.ops",
    "seatback.wechat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "seatback.core.middleware.ReaderLanguageMiddleware",
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


def _sqlite(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so a check and its write never
            # interleave with another writer; WAL lets readers go on meanwhile.
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("SEATBACK_SQLITE_BUSY_TIMEOUT", "10", minimum=1),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("SEATBACK_CACHE_PREFIX", "seatback"),
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
RATE_LIMIT_LOGIN_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_LOGIN", "10", minimum=1)
RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_LOGIN_ADDRESS", "120", minimum=1)
RATE_LIMIT_INTENTS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_INTENTS", "30", minimum=1)
RATE_LIMIT_READS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_READS", "240", minimum=1)
# Requests per minute per client address from anyone not signed in (pages, /healthz, …).
RATE_LIMIT_ANONYMOUS_PER_MINUTE = envint("SEATBACK_RATE_LIMIT_ANONYMOUS", "600", minimum=1)

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
# Only tests may move the clock (seatback.core.clock.travel).
CLOCK_ADJUSTABLE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SEATBACK_LOG_LEVEL", "INFO")},
    # A 4xx is an answer (seat taken, busy), not a problem: in a rush, a warning line for
    # each cost the server more than the answer itself. Errors (5xx) are still logged.
    "loggers": {"django.request": {"level": env("SEATBACK_REQUEST_LOG_LEVEL", "ERROR")}},
}
