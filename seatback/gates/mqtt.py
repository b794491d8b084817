"""Gates that publish to an MQTT broker: `seatback gate listen` (docs/gates.md).

A gate publishes each delivery to `{SEATBACK_MQTT_TOPIC_PREFIX}/{gate id}/events` (QoS 1)
as JSON: `{"timestamp", "nonce", "signature", "body"}`, where `body` is the text of
`{"events": [...]}` exactly as signed (the same signature as over HTTP). The listener keeps
a persistent session (clean_session off, a fixed client id), so messages published while
it was down are delivered when it comes back.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from django.conf import settings
from django.db import close_old_connections

from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.gates import services
from seatback.gates.models import GateEvent

log = logging.getLogger(__name__)


def topic_for(gate_code: str, prefix: str | None = None) -> str:
    return f"{prefix or settings.MQTT_TOPIC_PREFIX}/{gate_code}/events"


def envelope(key: str, body: bytes, timestamp: int, nonce: str) -> bytes:
    """What a gate publishes: the body and its signature (for simulations and tests)."""
    return json.dumps(
        {
            "timestamp": str(timestamp),
            "nonce": nonce,
            "signature": services.sign(key, timestamp, nonce, body),
            "body": body.decode(),
        }
    ).encode()


def handle(topic: str, payload: bytes, prefix: str) -> list[services.Result]:
    """One message: the gate from the topic, the delivery from the payload."""
    now = clock.now()
    head, _sep, rest = topic.partition(prefix + "/")
    code = rest.removesuffix("/events") if not head and rest.endswith("/events") else ""
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError
        timestamp, nonce, signature = (
            str(data.get(k, "")) for k in ("timestamp", "nonce", "signature")
        )
        body = str(data.get("body", "")).encode()
    except (ValueError, RecursionError):
        timestamp = nonce = signature = ""
        body = b""
    return services.receive(
        code, timestamp, nonce, signature, body, now=now, via=GateEvent.Via.MQTT
    )


@dataclass
class Listener:
    """Subscribe and keep every delivery; stop after `most` messages (None: never)."""

    host: str
    port: int
    prefix: str
    client_id: str = "seatback-gate-listen"
    username: str = ""
    password: str = ""
    most: int | None = None
    report: Callable[[str], None] = log.info

    def __post_init__(self) -> None:
        self.ready = threading.Event()
        self.handled = 0
        self.client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=False
        )
        if self.username:
            self.client.username_pw_set(self.username, self.password)
        self.client.on_connect = self._connected
        self.client.on_subscribe = self._subscribed
        self.client.on_message = self._message

    def _connected(self, client: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self.report(f"broker refused the connection: {reason}")
            return
        client.subscribe(f"{self.prefix}/+/events", qos=1)

    def _subscribed(self, _c: paho.Client, _u: Any, _m: Any, _r: Any, _p: Any) -> None:
        self.report(f"listening on {self.host}:{self.port} {self.prefix}/+/events")
        self.ready.set()

    def _message(self, client: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        close_old_connections()
        try:
            results = handle(message.topic, message.payload, self.prefix)
            kept = sum(r.accepted for r in results)
            self.report(f"{message.topic}: {kept} kept, {len(results) - kept} already had")
        except Refusal as refusal:
            self.report(f"{message.topic}: refused ({refusal.code}: {refusal.message})")
        except Exception:  # one bad message must not stop the listener
            log.exception("gate message on %s", message.topic)
        self.handled += 1
        if self.most is not None and self.handled >= self.most:
            client.disconnect()

    def run(self) -> None:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=False)

    def stop(self) -> None:
        self.client.disconnect()
