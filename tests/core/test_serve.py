"""`seatback serve` is the real server: migrates a fresh data dir, serves pages and static."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import requests

from tests.core.test_settings import SEATBACK, clean_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command_lines() -> list[str]:
    """Every running process's command line (Linux /proc)."""
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
    return lines


def start(
    args: list[str], data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start `seatback ...` and return once gunicorn has booted a worker (read from its log)."""
    process = subprocess.Popen(
        [*SEATBACK, *args],
        env=clean_env({"SEATBACK_DATA_DIR": str(data_dir), **(env or {})}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "Booting worker" in line:
            return process
    raise AssertionError("server exited before serving:\n" + "".join(seen))


def test_serve_migrates_an_empty_data_dir_and_answers(tmp_path: Path) -> None:
    port = free_port()
    process = start(["serve", "--host", "127.0.0.1", "--port", str(port)], tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        home = requests.get(f"{base}/", timeout=10)
        assert home.status_code == 200
        assert '<html lang="zh-CN">' in home.text
        css = next(line for line in home.text.splitlines() if "pages/reader." in line)
        href = css.split('href="')[1].split('"')[0]
        assert href.startswith("/static/pages/reader.") and href != "/static/pages/reader.css"
        static = requests.get(f"{base}{href}", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert static.status_code == 200
        assert "immutable" in static.headers["Cache-Control"]  # hashed name, cached for good
        assert static.headers.get("Content-Encoding") == "gzip"
        assert (tmp_path / "seatback.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
        assert process.stdout is not None
        process.stdout.close()


def test_demo_builds_once_and_serves(tmp_path: Path) -> None:
    port = free_port()
    # Three days of history rather than twenty: the same build, a fraction of the rows.
    process = start(
        ["demo", "--host", "127.0.0.1", "--port", str(port)],
        tmp_path,
        {"SEATBACK_DEMO_HISTORY_DAYS": "4"},
    )
    try:
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        signin = requests.post(
            f"http://127.0.0.1:{port}/api/v1/session",
            json={"card_number": "20260001", "password": "reader123"},
            timeout=10,
        )
        assert signin.status_code == 200
        rooms = requests.get(
            f"http://127.0.0.1:{port}/api/v1/rooms",
            headers={"Authorization": f"Bearer {signin.json()['token']}"},
            timeout=10,
        ).json()
        assert len(rooms) >= 3
        assert {room["floor"] for room in rooms} == {"1", "2", "3"}
        assert sum(sum(room["counts"].values()) for room in rooms) >= 200
        # The demo runs the reservations worker beside the server, as serve does.
        assert any(f"worker --parent {process.pid}" in command for command in command_lines())
    finally:
        process.terminate()
        process.wait(timeout=20)
        assert process.stdout is not None
        process.stdout.close()


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server; everything it wrote after booting."""
    process.terminate()
    out, _err = process.communicate(timeout=20)
    return out


def test_the_access_log_escapes_what_the_client_sent_and_hides_seat_codes(
    tmp_path: Path,
) -> None:
    """Issue 22: an encoded newline wrote a forged line, and full seat codes were logged."""
    port = free_port()
    process = start(["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"], tmp_path)
    base = f"http://127.0.0.1:{port}"
    code = "SecretSeatCode123456"
    try:
        requests.get(f'{base}/x%0A127.0.0.1 - [forged] "GET /admin" 200', timeout=10)
        requests.get(f"{base}/s/{code}", timeout=10)
        requests.get(f"{base}/api/v1/seats/{code}/watch", timeout=10)
        requests.get(f"{base}/display/rooms/1?key=RoomKey987", timeout=10)
    finally:
        log = stop(process)
    lines = [line for line in log.splitlines() if '"GET ' in line]
    assert len(lines) == 4, log
    assert not any(line.startswith("127.0.0.1 - [forged]") for line in log.splitlines())
    assert "/x\\n127.0.0.1" in lines[0]
    assert code not in log and "RoomKey987" not in log
    assert '"GET /s/~' in lines[1] and '"GET /api/v1/seats/~' in lines[2]
    digest = lines[1].split("/s/~")[1][:6]
    assert f"/api/v1/seats/~{digest}/watch" in lines[2]  # the same seat, the same digest


def test_json_logs_are_one_object_a_line(tmp_path: Path) -> None:
    port = free_port()
    process = start(
        ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
        tmp_path,
        {"SEATBACK_LOG_FORMAT": "json"},
    )
    try:
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    finally:
        log = stop(process)
    access = [json.loads(line) for line in log.splitlines() if '"path": "/healthz"' in line]
    assert len(access) == 1, log
    assert access[0]["status"] == 200 and access[0]["method"] == "GET"
