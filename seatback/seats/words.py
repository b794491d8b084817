"""The seat rule's words in the reader's language: each state, intent and outcome, as every
door (reader pages, back office, screens, WeChat) names them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The words for each state, shown next to its colour (never colour alone).
STATE_WORDS = {
    "free": gettext_lazy("Free"),
    "held": gettext_lazy("In use"),
    "challenged": gettext_lazy("Clock running"),
    "reserved": gettext_lazy("Reserved"),
    "away": gettext_lazy("Stepped out"),
    "closed": gettext_lazy("Closed"),
}

# Button labels: what the reader wants to do, in their words.
ACTION_LABELS = {
    "challenge": gettext_lazy("Start the clock"),
    "claim": gettext_lazy("Take the seat"),
    "return": gettext_lazy("I'm back"),
    "withdraw": gettext_lazy("Stop my clock"),
    "release": gettext_lazy("Leave this seat for good"),
    "step-out": gettext_lazy("Step out"),
    "checkin": gettext_lazy("Check in"),
}

# What the reader sees after an accepted intent.
OUTCOME_MESSAGES = {
    "challenge_started": gettext_lazy(
        "The clock is running. If nobody comes back in time, the seat is yours."
    ),
    "claimed": gettext_lazy("The seat is yours now."),
    "returned": gettext_lazy("Welcome back. The seat stays yours."),
    "withdrawn": gettext_lazy("You stopped your clock."),
    "released": gettext_lazy("You left the seat. Thank you!"),
    "stepped_out": gettext_lazy("You stepped out. Nobody can start the clock here meanwhile."),
    "checked_in": gettext_lazy("You are checked in."),
}


def outcome_sentence(outcome: str) -> str:
    return str(OUTCOME_MESSAGES.get(outcome, _("Done.")))
