"""`seatback demo`: a demo library (two floors, reading rooms, seats, readers), then serve."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from seatback.analytics.history import demo_history
from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.ops.demo import ASK_AT as DISPUTE_ASK_AT
from seatback.ops.demo import stage_dispute
from seatback.ops.management.commands.serve import check_database, run_gunicorn
from seatback.presence.services import display_of
from seatback.readers.models import Reader

# (name, floor, rows, seats per row, reservable, override of the library policy)
ROOMS: list[tuple[str, str, int, int, bool, dict[str, Any]]] = [
    ("二楼东自习室", "2", 6, 12, False, {}),
    ("二楼西阅览室", "2", 5, 10, True, {"presence": "network", "presence_networks": ""}),
    (
        "三楼社科阅览室",
        "3",
        6,
        10,
        False,
        {"leave_allowance_minutes": 30, "presence": "rotating", "rotating_seconds": 60},
    ),
    ("三楼考研自习室", "3", 7, 12, True, {"opening_hours": "06:30-23:00"}),
]
# The `network` room counts scans from this machine and from private networks (a phone on
# the same Wi-Fi as the demo); docs/presence.md says how to see its refusal.
DEMO_NETWORKS = "127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1/128,fc00::/7"
NETWORK_ROOM, ROTATING_ROOM = "二楼西阅览室", "三楼社科阅览室"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "诗涵", "俊杰", "雨桐", "博文", "佳怡"]
DEPARTMENTS = ["文学院", "数学与统计学院", "物理与电子科学学院", "法学院", "外国语学院", "商学院"]
READER_COUNT = 40
READER_PASSWORD = "reader123"
LIBRARIAN = ("L0001", "林老师", "librarian123")
ADMIN = ("admin", "系统管理员", "admin123")


def _features(row: int, column: int, rows: int, columns: int) -> list[str]:
    features = []
    if column in (0, columns - 1):
        features.append("power")
    if column == 0:
        features.append("window")
    if row == rows - 1:
        features.append("quiet")
    if row % 2 == 0:
        features.append("lamp")
    return features


@transaction.atomic
def build_demo() -> dict[str, Any]:
    """Create (or bring up to date) the demo library. Safe to run any number of times."""
    library = Library.get()
    if library.name != "示范大学图书馆":
        library.name = "示范大学图书馆"
        library.save(update_fields=["name"])
    seats = 0
    for name, floor, rows, columns, reservable, override in ROOMS:
        if "presence_networks" in override:
            override = {**override, "presence_networks": DEMO_NETWORKS}
        room, _created = Room.objects.update_or_create(
            name=name, defaults={"library": library, "floor": floor, "policy": override}
        )
        existing = set(room.seats.values_list("label", flat=True))
        new = [
            Seat(
                room=room,
                label=f"{chr(65 + row)}-{column + 1:02d}",
                x=column * 1.0 + (1.0 if column >= columns // 2 else 0.0),  # an aisle
                y=row * 1.5,
                features=_features(row, column, rows, columns),
                reservable=reservable,
            )
            for row in range(rows)
            for column in range(columns)
            if f"{chr(65 + row)}-{column + 1:02d}" not in existing
        ]
        Seat.objects.bulk_create(new)
        seats += rows * columns
    # One hash for all demo readers: hashing forty passwords would take seconds.
    reader_hash = make_password(READER_PASSWORD)
    for number in range(1, READER_COUNT + 1):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
        Reader.objects.get_or_create(
            card_number=f"2026{number:04d}",
            defaults={
                "name": name,
                "kind": Reader.Kind.POSTGRADUATE if number % 4 == 0 else Reader.Kind.UNDERGRADUATE,
                "department": DEPARTMENTS[number % len(DEPARTMENTS)],
                "password": reader_hash,
            },
        )
    for (card, name, password), superuser in ((LIBRARIAN, False), (ADMIN, True)):
        if not Reader.objects.filter(card_number=card).exists():
            Reader.objects.create_user(
                card,
                password,
                name=name,
                kind=Reader.Kind.STAFF,
                is_staff=True,
                is_superuser=superuser,
            )
    return {"rooms": len(ROOMS), "seats": seats, "readers": READER_COUNT}


def presence_lines(url: str) -> list[str]:
    """Where to try the presence checks (docs/presence.md)."""
    lines = []
    for name, words in (
        (NETWORK_ROOM, "only scans from this machine or a private network count"),
        (ROTATING_ROOM, "scans need the code on the room's display"),
    ):
        seat = Seat.objects.filter(room__name=name).order_by("label").first()
        if seat:
            lines.append(f"  Presence check  {url}/s/{seat.code}  ({seat}: {words})")
    rotating = Room.objects.filter(name=ROTATING_ROOM).first()
    if rotating:
        display = display_of(rotating, clock.now())
        path = reverse("screens:display", args=[rotating.pk])
        lines.append(f"  Room display    {url}{path}?key={display.key}  ({rotating.name})")
    return lines


class Command(BaseCommand):
    help = "Build a demo library (idempotent), print how to sign in, and serve it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="build the demo and stop")

    def handle(self, *args: Any, host: str, port: int, no_serve: bool, **options: Any) -> None:
        check_database()
        call_command("migrate", interactive=False, verbosity=0)
        built = build_demo()
        dispute = stage_dispute(clock.now())
        history = demo_history(clock.now())  # after the dispute, which wants a quiet seat
        seat = (
            Seat.objects.select_related("room")
            .order_by("room__floor", "room__name", "label")
            .first()
        )
        url = f"http://localhost:{port}"
        lines = [
            f"Seatback demo: {built['rooms']} reading rooms, {built['seats']} seats, "
            f"{built['readers']} readers ({clock.now():%Y-%m-%d %H:%M} UTC)",
            f"  Open            {url}/",
            f"  Readers         card 20260001 … 2026{READER_COUNT:04d}, password {READER_PASSWORD}",
            f"  Librarian       card {LIBRARIAN[0]}, password {LIBRARIAN[2]}",
            f"  Administrator   card {ADMIN[0]}, password {ADMIN[2]}",
        ]
        if seat:
            lines.append(f"  A seat's QR     {url}/s/{seat.code}  ({seat})")
        if dispute:
            lines.append(
                f"  Staged dispute  {url}/backoffice/seats/{dispute.seat.pk}/  ({dispute.seat}, "
                f"{dispute.day}: who held it at {DISPUTE_ASK_AT}? see docs/backoffice.md)"
            )
        if history:
            lines.append(
                f"  History         {history} days in every room: {url}/backoffice/analytics/"
            )
        lines.extend(presence_lines(url))
        self.stdout.write("\n".join(lines))
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.flush()
        run_gunicorn(host, port)
