"""Setting up the account: the custom menu and parametric QR codes for seats."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from seatback.library.models import Seat
from seatback.officialaccount import tokens

# Menu button types and the field each needs (WeChat's custom-menu API).
BUTTON_FIELDS = {
    "click": "key",
    "view": "url",
    "scancode_push": "key",
    "scancode_waitmsg": "key",
    "location_select": "key",
    "pic_sysphoto": "key",
    "pic_photo_or_album": "key",
    "pic_weixin": "key",
    "miniprogram": "url",
}


def _length(text: Any) -> int:
    return len(str(text).encode("utf-8"))


def menu_errors(menu: Any) -> list[str]:
    """What WeChat would refuse in a menu, said before sending it: at most 3 buttons of at
    most 5 sub-buttons, names of at most 16 (top) or 60 (sub) bytes, a key (≤ 128 bytes)
    or a URL (≤ 1024 bytes) as the type needs."""
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list):
        return [_('The menu must be an object with a "button" list.')]
    buttons = menu["button"]
    errors = []
    if not 1 <= len(buttons) <= 3:
        errors.append(_("A menu has 1 to 3 buttons."))
    for i, button in enumerate(buttons, 1):
        where = f"button {i}"
        if not isinstance(button, dict):
            errors.append(_("%(where)s: not an object.") % {"where": where})
            continue
        errors += _button_errors(button, where, 16)
        subs = button.get("sub_button")
        if subs is None:
            continue
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            errors.append(_("%(where)s: 1 to 5 sub-buttons.") % {"where": where})
            continue
        for j, sub in enumerate(subs, 1):
            if not isinstance(sub, dict) or "sub_button" in sub:
                errors.append(_("%(where)s: not a plain button.") % {"where": f"{where}.{j}"})
            else:
                errors += _button_errors(sub, f"{where}.{j}", 60)
    return errors


def _button_errors(button: dict[str, Any], where: str, name_bytes: int) -> list[str]:
    errors = []
    name = button.get("name")
    if not name or _length(name) > name_bytes:
        errors.append(
            _("%(where)s: a name of 1 to %(bytes)d bytes.") % {"where": where, "bytes": name_bytes}
        )
    if "sub_button" in button:
        return errors
    kind = button.get("type")
    needed = BUTTON_FIELDS.get(str(kind))
    if needed is None:
        errors.append(_("%(where)s: unknown type %(type)r.") % {"where": where, "type": kind})
    elif not button.get(needed) or _length(button[needed]) > (128 if needed == "key" else 1024):
        errors.append(_("%(where)s: needs a %(field)s.") % {"where": where, "field": needed})
    return errors


def push_menu(menu: dict[str, Any]) -> None:
    tokens.call("POST", "/cgi-bin/menu/create", body=menu)


def seat_qr(seat: Seat, expire_seconds: int | None = None) -> tuple[str, str]:
    """A parametric QR that subscribes and opens the seat (scene `seat:<code>`): permanent
    without an expiry, else valid that long (at most 30 days). Returns (ticket, image URL)."""
    scene = {"scene_str": f"seat:{seat.code}"}
    body: dict[str, Any] = {"action_info": {"scene": scene}}
    if expire_seconds:
        body.update(action_name="QR_STR_SCENE", expire_seconds=min(expire_seconds, 2592000))
    else:
        body["action_name"] = "QR_LIMIT_STR_SCENE"
    answer = tokens.call("POST", "/cgi-bin/qrcode/create", body=body)
    ticket = str(answer["ticket"])
    return ticket, f"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={quote(ticket, safe='')}"
