"""Every setting read from the environment is listed in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

import seatback.settings

ROOT = Path(seatback.settings.__file__).parent.parent


def test_every_environment_variable_is_in_the_readme() -> None:
    source = Path(seatback.settings.__file__).read_text()
    read = set(re.findall(r'"((?:SEATBACK_[A-Z_]+)|DATABASE_URL|REDIS_URL|SECRET_KEY)"', source))
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert read and read - listed == set()


def test_no_module_reads_the_environment_but_settings() -> None:
    package = ROOT / "seatback"
    readers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "os.environ.get" in path.read_text() or "os.getenv" in path.read_text()
    )
    assert readers == ["settings.py", "test_settings.py"]
