"""The library services' menu keys on the Official Account (RENEW, CATALOGUE, ISBN,
CONTENT), registered into routing from WeChatConfig.ready()."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from seatback.circulation import services as circulation
from seatback.content import selectors as content
from seatback.core.errors import Refusal
from seatback.wechat.routing import Asking, bind_link, register, site_url


def renew_all(asking: Asking, _key: str) -> str:
    if asking.reader is None:
        return _("Bind your library card to renew your books: %(link)s") % {"link": bind_link()}
    try:
        done = circulation.renew_all(asking.reader, now=asking.now)
    except Refusal as refusal:
        return refusal.message
    if not done.results:
        return _("You have no loans to renew.")
    lines = [circulation.outcome(result) for result in done.results[:10]]
    return "\n".join(lines)


def catalogue(asking: Asking, _key: str) -> str:
    return _("Search the catalogue (by text or voice): %(link)s") % {
        "link": site_url(reverse("library:search"))
    }


def isbn(asking: Asking, key: str) -> str:
    """The menu key, or a book's barcode scanned with scancode_waitmsg (then `key` is its
    ISBN): the ISBN page, opened on that book."""
    link = site_url(reverse("library:isbn"))
    if key != "ISBN":
        link += "?" + urlencode({"isbn": key})
    return _("Scan a book's ISBN to ask the library to buy it: %(link)s") % {"link": link}


def notices(asking: Asking, _key: str) -> str:
    items = content.announcements_for(asking.reader, asking.now, limit=5)
    if not items:
        return _("No notices yet.")
    lines = [_("Latest notices:")] + [f"· {item.title}" for item in items]
    lines.append(site_url(reverse("pages:news")))
    return "\n".join(lines)


def register_all() -> None:
    register("RENEW", renew_all)
    register("CATALOGUE", catalogue)
    register("ISBN", isbn)
    register("CONTENT", notices)
