"""`seatback gate listen` and `seatback gate simulate` (docs/gates.md)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seatback.core import clock
from seatback.gates import services
from seatback.gates.models import GateEvent
from seatback.gates.mqtt import Listener
from seatback.gates.selectors import inside_counts
from seatback.gates.simulation import Planned, entrance_gates, plan_day
from seatback.library.policy import Policy, reservation_value
from seatback.readers.models import Reader


class Command(BaseCommand):
    help = "Entrance gates: listen to an MQTT broker for gate events, or simulate a day."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listen = sub.add_parser("listen", help="subscribe to the broker and keep gate events")
        listen.add_argument("--host", default=None, help="broker (SEATBACK_MQTT_HOST)")
        listen.add_argument("--port", type=int, default=None, help="(SEATBACK_MQTT_PORT)")
        listen.add_argument("--client-id", default="seatback-gate-listen")
        listen.add_argument("--max-messages", type=int, default=None, help="then exit")
        simulate = sub.add_parser("simulate", help="a realistic day of passages")
        simulate.add_argument("--day", default=None, help="YYYY-MM-DD (default: today)")
        simulate.add_argument("--until", default="23:59", help="local time to stop at, HH:MM")
        simulate.add_argument("--readers", type=int, default=200, help="how many people")
        simulate.add_argument("--seed", type=int, default=1)
        simulate.add_argument(
            "--url",
            default="",
            help="send signed over HTTP to this server (e.g. http://localhost:8000) as the "
            "day unfolds, instead of writing to the database directly",
        )
        simulate.add_argument(
            "--speed", type=float, default=60.0, help="with --url: simulated minutes per minute"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "listen":
            self.listen(**options)
        else:
            self.simulate(**options)

    def listen(
        self, *, host: str | None, port: int | None, client_id: str, max_messages: int | None,
        **_options: Any,
    ) -> None:  # fmt: skip
        listener = Listener(
            host=host or settings.MQTT_HOST,
            port=port or settings.MQTT_PORT,
            prefix=settings.MQTT_TOPIC_PREFIX,
            client_id=client_id,
            username=settings.MQTT_USERNAME,
            password=settings.MQTT_PASSWORD,
            most=max_messages,
            report=self._say,
        )
        try:
            listener.run()
        except OSError as exc:
            raise CommandError(
                _("Cannot reach the MQTT broker at %(host)s:%(port)s: %(error)s")
                % {"host": listener.host, "port": listener.port, "error": exc}
            ) from exc
        except KeyboardInterrupt:
            listener.stop()

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def simulate(
        self, *, day: str | None, until: str, readers: int, seed: int, url: str, speed: float,
        **_options: Any,
    ) -> None:  # fmt: skip
        gates = {gate.code: gate for gate in entrance_gates()}
        if not gates:
            raise CommandError(_("No active entrance gate: add one in the back office first."))
        try:
            when = date.fromisoformat(day) if day else clock.now().astimezone(Policy.zone()).date()
            stop = reservation_value("booking_opens_at", until)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cards = list(
            Reader.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("card_number", flat=True)[:readers]
        )
        cards += [f"SIM{n:05d}" for n in range(len(cards), readers)]
        stop_at = datetime.combine(
            when, datetime.strptime(stop, "%H:%M").time(), tzinfo=Policy.zone()
        )
        plan = [e for e in plan_day(cards, sorted(gates), when, seed=seed) if e.at <= stop_at]
        if url:
            self._send(plan, gates, url.rstrip("/"), speed)
        else:
            self._write(plan, gates)
        now = stop_at if not url else clock.now()
        for count in inside_counts(now).values():
            self.stdout.write(
                _("%(building)s: %(inside)d inside, %(entries)d entries, %(exits)d exits")
                % {
                    "building": count.building,
                    "inside": count.inside,
                    "entries": count.entries_today,
                    "exits": count.exits_today,
                }
            )

    def _write(self, plan: list[Planned], gates: dict[str, Any]) -> None:
        for event in plan:
            incoming = services.Incoming(event.event_id, event.direction, event.card, event.at)
            services.accept_event(
                gates[event.gate], incoming, now=event.at, via=GateEvent.Via.SIMULATE
            )
        self.stdout.write(_("%(count)d passages written.") % {"count": len(plan)})

    def _send(self, plan: list[Planned], gates: dict[str, Any], url: str, speed: float) -> None:
        if not plan:
            return
        started, first = time.monotonic(), plan[0].at
        for _due, batch in groupby(plan, key=lambda e: (e.at, e.gate)):
            events = list(batch)
            wait = (events[0].at - first) / timedelta(minutes=1) * 60 / speed
            time.sleep(max(0.0, started + wait - time.monotonic()))
            at = datetime.now(tz=Policy.zone()).isoformat()
            body = json.dumps(
                {
                    "events": [
                        {"id": e.event_id, "direction": e.direction, "card": e.card, "at": at}
                        for e in events
                    ]
                }
            ).encode()
            timestamp, nonce = int(time.time()), secrets.token_hex(16)
            request = urllib.request.Request(  # noqa: S310 (the administrator's own server)
                f"{url}/api/v1/gate/events",
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Seatback-Gate": events[0].gate,
                    "X-Seatback-Timestamp": str(timestamp),
                    "X-Seatback-Nonce": nonce,
                    "X-Seatback-Signature": services.sign(
                        gates[events[0].gate].key, timestamp, nonce, body
                    ),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    response.read()
            except urllib.error.URLError as exc:
                raise CommandError(f"{url}: {exc}") from exc
        self.stdout.write(_("%(count)d passages sent.") % {"count": len(plan)})
