"""Sign-in fixtures: the fake identity services running on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from ldap3 import Connection, Server

from tests.readers.fakes import FakeCAS, FakeOIDC

LOCAL = "seatback.readers.backends.LocalPasswordBackend"
BASE = "dc=example,dc=edu"
ADMIN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "admin-secret"


@pytest.fixture
def cas_server() -> Iterator[FakeCAS]:
    with FakeCAS().running() as fake:
        yield fake


@pytest.fixture
def oidc_server() -> Iterator[FakeOIDC]:
    cache.clear()  # the discovery document of an earlier provider
    with FakeOIDC().running() as fake:
        yield fake


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[str]:
    """A real OpenLDAP server (Debian's slapd) on a free loopback port, with one person."""
    binary = shutil.which("slapd") or "/usr/sbin/slapd"
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail("slapd is required in CI (apt-get install slapd)")
        pytest.skip("slapd is not installed (apt-get install slapd)")
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "slapd.conf"
    schema = "/etc/ldap/schema"
    config.write_text(
        f"include {schema}/core.schema\n"
        f"include {schema}/cosine.schema\n"
        f"include {schema}/inetorgperson.schema\n"
        "modulepath /usr/lib/ldap\n"
        "moduleload back_mdb\n"
        f"pidfile {tmp_path}/slapd.pid\n"
        "database mdb\n"
        "maxsize 10485760\n"
        f'suffix "{BASE}"\n'
        f'rootdn "{ADMIN}"\n'
        f"rootpw {ADMIN_PASSWORD}\n"
        f"directory {data}\n"
        "access to attrs=userPassword by self read by anonymous auth by * none\n"
        "access to * by * read\n"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary, "-f", str(config), "-h", url + "/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    reason = process.stderr.read() if process.stderr else b""
                    raise RuntimeError(f"slapd did not start: {reason!r}") from exc
                time.sleep(0.05)  # waiting for a real server to listen, not for the clock
        admin = Connection(Server(url), user=ADMIN, password=ADMIN_PASSWORD, auto_bind=True)
        admin.add(BASE, ["dcObject", "organization"], {"o": "Example University", "dc": "example"})
        admin.add(f"ou=people,{BASE}", ["organizationalUnit"], {"ou": "people"})
        admin.add(
            f"uid=20239201,ou=people,{BASE}",
            ["inetOrgPerson"],
            {
                "uid": "20239201",
                "cn": "吴同学",
                "sn": "吴",
                "departmentNumber": "历史学院",
                "employeeType": "graduate",
                "businessCategory": ["students", "library-staff"],
                "userPassword": "campus-pass",
            },
        )
        assert admin.result["description"] == "success", admin.result
        admin.unbind()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
