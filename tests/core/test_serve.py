"""`seatback serve` is the real server: migrates a fresh data dir, serves pages and static."""

from __future__ import annotations

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


def start(args: list[str], data_dir: Path) -> subprocess.Popen[str]:
    """Start `seatback ...` and return once gunicorn has booted a worker (read from its log)."""
    process = subprocess.Popen(
        [*SEATBACK, *args],
        env=clean_env({"SEATBACK_DATA_DIR": str(data_dir)}),
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
    process = start(["demo", "--host", "127.0.0.1", "--port", str(port)], tmp_path)
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
