"""`seatback wechat check | menu push FILE.json | qr --seat CODE [--expire SECONDS]`."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from seatback.library.models import Seat
from seatback.officialaccount import account, tokens
from seatback.officialaccount.client import Unreachable, WeChatError


class Command(BaseCommand):
    help = "Connect the WeChat Official Account: check it, push its menu, make seat QR codes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="check|menu|qr")
        actions.add_parser("check", help="fetch a token and print the account's configuration")
        menu = actions.add_parser("menu", help="the custom menu")
        menu_actions = menu.add_subparsers(dest="menu_action", required=True, metavar="push")
        push = menu_actions.add_parser("push", help="validate FILE.json, then create the menu")
        push.add_argument("file", metavar="FILE.json")
        fake = actions.add_parser(
            "fake",
            help="run the fake WeChat API on loopback for a demo (no real account needed)",
        )
        fake.add_argument("--port", type=int, default=8900)
        qr = actions.add_parser("qr", help="a parametric QR that subscribes and opens a seat")
        qr.add_argument("--seat", required=True, metavar="CODE", help="the seat's code")
        qr.add_argument(
            "--expire",
            type=int,
            default=0,
            metavar="SECONDS",
            help="a temporary code valid this long (default: permanent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "fake":
            return self.run_fake(options["port"])
        if not settings.WECHAT_ENABLED and options["action"] != "fake":
            raise CommandError(
                "WeChat is off: set SEATBACK_WECHAT_APP_ID and the rest (docs/wechat.md)"
            )
        try:
            if options["action"] == "check":
                self.check_account()
            elif options["action"] == "menu":
                self.push_menu(Path(options["file"]))
            else:
                self.seat_qr(options["seat"], options["expire"])
        except WeChatError as exc:
            raise CommandError(f"WeChat refused: {exc.errcode} {exc.errmsg}") from None
        except Unreachable as exc:
            raise CommandError(f"WeChat's API is unreachable: {exc}") from None

    def run_fake(self, port: int) -> None:
        """The fake answers for the account configured here (or a demo one) and prints
        every message Seatback sends through it, until interrupted."""
        from seatback.wechat.fake import FakeWeChat

        app_id = settings.WECHAT_APP_ID or "wx0000000000000000"
        secret = settings.WECHAT_APP_SECRET or "0" * 32
        fake = FakeWeChat(app_id, secret)
        fake.on_sent = lambda sent: self.stdout.write(
            f"{sent.path} {json.dumps(sent.body, ensure_ascii=False)}"
        )
        fake.start(port)
        self.stdout.write(
            f"fake WeChat API on {fake.base}: start Seatback with\n"
            f"  SEATBACK_WECHAT_API_BASE={fake.base} SEATBACK_WECHAT_APP_ID={app_id} "
            f"SEATBACK_WECHAT_APP_SECRET={secret} SEATBACK_WECHAT_TOKEN=demotoken"
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            fake.stop()

    def check_account(self) -> None:
        token = tokens.access_token()
        lines = [
            f"app id        {settings.WECHAT_APP_ID}",
            f"API           {settings.WECHAT_API_BASE}",
            f"callback URL  {settings.BASE_URL}{reverse('wechat:callback')}",
            f"bind URL      {settings.BASE_URL}{reverse('wechat:bind')}",
            f"messages      {'safe mode (encrypted)' if settings.WECHAT_AES_KEY else 'plain'}",
            f"pushes        {', '.join(settings.WECHAT_PUSH)}",
            f"access token  {token[:6]}… (fetched)",
        ]
        self.stdout.write("\n".join(lines))

    def push_menu(self, path: Path) -> None:
        try:
            menu = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        errors = account.menu_errors(menu)
        if errors:
            raise CommandError(f"{path}: " + "; ".join(errors))
        account.push_menu(menu)
        self.stdout.write(f"menu created: {len(menu['button'])} buttons")

    def seat_qr(self, code: str, expire: int) -> None:
        seat = Seat.objects.filter(code=code).select_related("room").first()
        if seat is None:
            raise CommandError(f"no seat has the code {code!r}")
        ticket, url = account.seat_qr(seat, expire or None)
        self.stdout.write(f"{seat.room.name} {seat.label}\nticket {ticket}\nimage  {url}")
