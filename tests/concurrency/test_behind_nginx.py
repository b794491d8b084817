"""Two `seatback serve` instances behind nginx (the site in deploy/, TLS included) on
loopback (issue 22): one is killed with SIGKILL mid-burst and the scans keep being
answered by the other, with nothing acknowledged lost."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import urllib3

from tests.concurrency.servers import Burst, Server, assert_nothing_lost, night_room
from tests.core.test_serve import free_port

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-seatback.conf"


class Nginx:
    """nginx with deploy/nginx-seatback.conf, its ports, certificate and folders moved to
    this test's; everything else in the site is as shipped."""

    def __init__(self, folder: Path, upstreams: list[int], static: Path) -> None:
        self.folder, self.https = folder, free_port()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=seats.library.example.edu", "-keyout", str(folder / "key.pem"),
             "-out", str(folder / "cert.pem")],
            check=True, capture_output=True,
        )  # fmt: skip
        site = SITE.read_text()
        for old, new in [
            ("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}"),
            ("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}"),
            ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https} ssl http2;"),
            ("/etc/ssl/seatback/fullchain.pem", str(folder / "cert.pem")),
            ("/etc/ssl/seatback/privkey.pem", str(folder / "key.pem")),
            ("/var/lib/seatback/static/", f"{static}/"),
        ]:
            assert old in site, old
            site = site.replace(old, new)
        (folder / "site.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
        )
        self.process = subprocess.Popen(
            ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def wait(self) -> None:
        for _ in range(100):
            try:
                requests.get(f"{self.url}/healthz", verify=False, timeout=2)  # noqa: S501 - ours
                return
            except requests.ConnectionError:
                time.sleep(0.1)  # nginx binding its port
        raise AssertionError((self.folder / "error.log").read_text())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_scans_go_on_through_nginx_when_one_instance_dies(tmp_path: Path) -> None:
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    codes, tokens = night_room(seats=12, readers=6)
    behind = {"SEATBACK_BEHIND_PROXY": "true", "SEATBACK_BASE_URL": "https://seats.example.edu"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = Server(tmp_path / "a", behind), Server(tmp_path / "b", behind)
    first.start()
    second.start()
    (tmp_path / "nginx").mkdir()
    nginx = Nginx(tmp_path / "nginx", [first.port, second.port], tmp_path / "a" / "static")
    burst = Burst(nginx.url, codes, tokens, verify=False)
    try:
        nginx.wait()
        # nginx serves the static files itself, with the long cache
        home = requests.get(f"{nginx.url}/", verify=False)  # noqa: S501 - our own test certificate
        css = home.text.split('href="/static/')[1].split('"')[0]
        static = requests.get(f"{nginx.url}/static/{css}", verify=False)  # noqa: S501
        assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]
        huge = requests.post(
            f"{nginx.url}/api/v1/session",
            data=b"x" * 21_000_000,
            verify=False,  # noqa: S501
        )
        assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
        burst.warm_up()
        burst.start()
        time.sleep(1.5)  # both instances answer
        first.kill()
        killed = time.monotonic()
        time.sleep(2.5)  # only the second answers now
        burst.stop()
        second.kill()
        both_gone = requests.get(f"{nginx.url}/api/v1/me", verify=False)  # noqa: S501
    finally:
        burst.stop()
        nginx.stop()
        first.stop()
        second.stop()

    after = burst.statuses(since=killed + 0.5)
    assert after[200] + after[409] + after[403] >= 5, after  # scans still answered
    assert not [status for status in after if status in (502, 504) or isinstance(status, str)]
    assert_nothing_lost(burst.acknowledged)
    # with no instance left, nginx answers in Seatback's error shape
    assert both_gone.status_code == 503 and both_gone.headers["Retry-After"] == "5"
    assert both_gone.json()["error"]["code"] == "unavailable"
