"""Settings for the test suite: SQLite in a file by default, or SEATBACK_TEST_DATABASE_URL."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
if os.environ.get("SEATBACK_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["SEATBACK_TEST_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

from seatback.settings import *  # noqa: E402,F403
from seatback.settings import DATABASES  # noqa: E402

if "sqlite" in DATABASES["default"]["ENGINE"]:
    # A file, not :memory:, so the live server's threads each get their own connection
    # and concurrency tests race real connections.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"seatback-test-{os.getpid()}.sqlite3")
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# `seatback demo` in tests writes 3 days of history, not 20 (which took 90 % of each demo
# build): the same simulation, writing and roll-up, on less data. No test reads the
# history's length; tests/analytics checks the simulation and the roll-up themselves.
DEMO_HISTORY_DAYS = 4
CLOCK_ADJUSTABLE = True
# Generous limits so the suite's own traffic is not throttled; rate-limit tests lower them.
RATE_LIMIT_INTENTS_PER_MINUTE = 10_000
RATE_LIMIT_LOGIN_PER_MINUTE = 10_000
RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE = 10_000
LOGIN_FREE_TRIES = 10_000
RATE_LIMIT_READS_PER_MINUTE = 100_000
RATE_LIMIT_ANONYMOUS_PER_MINUTE = 100_000
RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE = 100_000
STATIC_ROOT = Path(tempfile.gettempdir()) / "seatback-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
RATE_LIMIT_SEARCH_PER_MINUTE = 100_000
