"""`seatback demo`: a demo library (three floors, reading rooms — one open 24 hours —, seats,
readers), then serve with the worker, on this computer only unless --host says otherwise."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from seatback.analytics.history import demo_history
from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.library.policy import Policy
from seatback.ops.demo import ASK_AT as DISPUTE_ASK_AT
from seatback.ops.demo import room_drawing, stage_dispute
from seatback.ops.library_demo import BORROWER, stage_library
from seatback.ops.management.commands.serve import (
    LOOPBACK,
    add_server_arguments,
    check_database,
    serve_with_worker,
    use_port_in_links,
)
from seatback.plans import services as plan_services
from seatback.plans import shapes
from seatback.plans.models import Plan, Screen
from seatback.presence.services import display_of
from seatback.readers.models import Reader

DAY_AND_NIGHT_ROOM = "一楼24小时自习室"
# (name, floor, rows, seats per row, reservable, override of the library policy)
ROOMS: list[tuple[str, str, int, int, bool, dict[str, Any]]] = [
    # Open round the clock, as many Chinese university libraries' study rooms are: the demo
    # can be tried at any hour of the library's day.
    (DAY_AND_NIGHT_ROOM, "1", 5, 10, True, {"opening_hours": "00:00-24:00"}),
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
ENTRANCE_SCREEN = "一楼大厅"
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
        if not Plan.objects.filter(room=room).exists():
            drawing = shapes.clean(room_drawing(columns, rows))
            plan_services.import_plan(None, room, drawing, now=clock.now())
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
    first = Room.objects.order_by("floor", "name").first()
    if first:
        lines.append(
            f"  Floor plans     {url}/building  ·  {url}/rooms/{first.pk}/map  ·  {url}/find/seat"
        )
    screen = Screen.objects.filter(name=ENTRANCE_SCREEN).first() or Screen.objects.create(
        name=ENTRANCE_SCREEN, created_at=clock.now()
    )
    path = reverse("screens:entrance", args=[screen.pk])
    lines.append(f"  Entrance screen {url}{path}?key={screen.key}")
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
        add_server_arguments(parser)
        parser.add_argument("--no-serve", action="store_true", help="build the demo and stop")

    def handle(
        self, *args: Any, host: str, port: int, no_serve: bool, no_worker: bool, **options: Any
    ) -> None:
        url = use_port_in_links(host, port)
        check_database()
        call_command("migrate", interactive=False, verbosity=0)
        built = build_demo()
        now = clock.now()
        dispute = stage_dispute(now)
        books = stage_library(now)
        # After the dispute, which wants a quiet seat.
        history = demo_history(now, days=settings.DEMO_HISTORY_DAYS)
        seat = (
            Seat.objects.select_related("room")
            .filter(room__name=DAY_AND_NIGHT_ROOM)
            .order_by("label")
            .first()
        )
        local = now.astimezone(Policy.zone())
        lines = [
            f"Seatback demo: {built['rooms']} reading rooms, {built['seats']} seats, "
            f"{built['readers']} readers",
            f"  Library time    {local:%Y-%m-%d %H:%M} {settings.TIME_ZONE} (UTC{local:%z}); "
            f"{DAY_AND_NIGHT_ROOM} is open 24 hours, the others 07:00–22:30 or as set",
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
        lines.append(
            f"  Library         {url}/library/loans (card {BORROWER}: renew one or all), "
            f"{url}/library/search?q=三体 ({books} books), {url}/library/isbn"
        )
        self.stdout.write("\n".join(lines))
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        if host in LOOPBACK:
            self.stdout.write(
                "  Only this computer can open it. For a phone on the same Wi-Fi: "
                "seatback demo --host 0.0.0.0 (the demo passwords are public)."
            )
        self.stdout.flush()
        serve_with_worker(host, port, worker=not no_worker)
