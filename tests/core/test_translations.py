"""Every user-facing string has its Chinese, and the compiled catalogue that ships is current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import seatback

PACKAGE = Path(seatback.__file__).parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _need_gettext() -> None:
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        if os.environ.get("SEATBACK_REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext, msgfmt) is required but missing")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")


def test_every_string_in_the_source_has_a_chinese_translation(tmp_path: Path) -> None:
    _need_gettext()
    copy = tmp_path / "seatback"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in fresh if not entry.translated() and not entry.obsolete]
    assert missing == [], f"{len(missing)} strings lack Chinese: {missing[:20]}"


def test_the_shipped_catalogue_is_compiled_from_the_po_file(tmp_path: Path) -> None:
    compiled = polib.mofile(str(MO))
    source = polib.pofile(str(PO))
    expected = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in source.translated_entries()
    }
    shipped = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in compiled}
    assert {k: v for k, v in shipped.items() if k[1]} == expected
