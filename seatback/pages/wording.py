"""What a seat page says: a Situation turned into words, buttons and a countdown.

Views stay thin: they read the clock and the situation, and this module decides which
sentence explains the state, which action is the primary button and which are secondary.
Every offered action comes from `Situation.actions()`, so the page never offers what the
rule would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.pages.booking_notes import seat_notes
from seatback.seats.models import Challenge, Hold
from seatback.seats.services import Situation, local_time, refusal_for
from seatback.seats.words import ACTION_LABELS, STATE_WORDS

# The primary button is the first of these the reader may use.
PRIMARY_ORDER = ("claim", "return", "checkin", "challenge")

# Secondary buttons top to bottom: the undoable before the final.
SECONDARY_ORDER = ["return", "claim", "checkin", "challenge", "step-out", "withdraw", "release"]

# Recent events older than this are history, not news.
NEWS_WINDOW = timedelta(minutes=15)

CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


def wait_text(seconds: int) -> str:
    """'Try again in 8 minutes.' for a refusal's retry_after."""
    if seconds < 60:
        return ngettext("Try again in %(n)d second.", "Try again in %(n)d seconds.", seconds) % {
            "n": seconds
        }
    minutes = -(-seconds // 60)
    return ngettext("Try again in %(n)d minute.", "Try again in %(n)d minutes.", minutes) % {
        "n": minutes
    }


def refusal_sentence(refusal: Refusal) -> str:
    """The refusal in the reader's language, with the time to wait where there is one."""
    if refusal.retry_after is None or CLOCK_TIME.search(refusal.message):
        # A sentence that names the time already says when: no second "in 10 minutes".
        return refusal.message
    return join_sentences(refusal.message, wait_text(refusal.retry_after))


def join_sentences(*sentences: str) -> str:
    """Sentences one after another: with a space in English, none after Chinese 。"""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(sentences)


@dataclass
class Action:
    intent: str
    label: str
    hint: str = ""
    minutes: list[tuple[int, str]] = field(default_factory=list)  # step-out choices


@dataclass
class Countdown:
    """A deadline the browser animates from the server's time."""

    target: datetime  # what it counts down to
    phase: str  # "allowance" (until the deadline), "claim" (until claim_until), "away"
    caption: str
    remaining: float  # seconds from the server's now, for the digits before any script


@dataclass
class SeatView:
    state: str
    state_words: str
    explanation: str
    primary: Action | None = None
    secondary: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why something is not possible now
    news: str = ""  # what happened to this reader here lately
    countdown: Countdown | None = None
    mine: bool = False
    # Instants at which the state changes by time alone; the page reloads itself then.
    changes_at: list[datetime] = field(default_factory=list)


def step_out_choices(s: Situation) -> list[tuple[int, str]]:
    """(minutes, 'until 09:30') for a few step-out lengths up to the policy's longest."""
    assert s.hold is not None
    longest = int(s.policy.step_out.total_seconds() // 60)
    lengths = sorted({m for m in (15, 30, 60) if m < longest} | {longest})
    choices = []
    for minutes in lengths[-3:]:
        until = min(s.now + timedelta(minutes=minutes), s.hold.closes_at)
        choices.append((minutes, local_time(until)))
    return choices


def _secondary_rank(intent: str) -> int:
    return SECONDARY_ORDER.index(intent) if intent in SECONDARY_ORDER else len(SECONDARY_ORDER)


def _action(intent: str, s: Situation) -> Action:
    action = Action(intent=intent, label=str(ACTION_LABELS.get(intent, intent)))
    if intent == "step-out":
        action.minutes = step_out_choices(s)
        action.hint = _("Nobody can start the clock on your seat while you are out.")
    elif intent == "challenge":
        action.hint = _(
            "Only if someone's things are here and nobody is. "
            "If they do not come back in time, the seat is yours."
        )
    elif intent == "release":
        action.hint = _("Tap when you leave and do not come back today.")
    elif intent == "withdraw":
        action.hint = _("If you no longer want this seat.")
    return action


def _primary_intent(actions: list[str]) -> str | None:
    """The one action that fits: take the seat, I'm back, check in, start the clock."""
    return next((i for i in PRIMARY_ORDER if i in actions), None)


def _explain(s: Situation, actions: list[str]) -> str:
    """The state in one or two plain sentences, from this reader's point of view."""
    state = s.state
    if state == "closed":
        opens, closes = s.policy.values["opening_hours"].split("-")
        return _("The reading room is closed now. Open hours: %(opens)s–%(closes)s.") % {
            "opens": opens,
            "closes": closes,
        }
    if state == "challenged" and s.challenge:
        c = s.challenge
        times = {
            "started": local_time(c.started_at),
            "deadline": local_time(c.deadline),
            "until": local_time(c.claim_until),
        }
        if s.is_mine(c):
            if s.now < c.deadline:
                return (
                    _(
                        "You started the clock at %(started)s. If nobody comes back by "
                        "%(deadline)s, you can take the seat."
                    )
                    % times
                )
            return _("Time is up. Take the seat before %(until)s, or the clock lapses.") % times
        if s.now < c.deadline:
            if s.is_mine(s.hold):
                return (
                    _(
                        "Someone started the clock on your seat at %(started)s. Tap “I'm back” "
                        "before %(deadline)s to keep it."
                    )
                    % times
                )
            return (
                _(
                    "Someone started the clock at %(started)s; the seat passes to them at "
                    "%(deadline)s unless the person sitting here comes back."
                )
                % times
            )
        return (
            _(
                "The time ran out at %(deadline)s; the person who started the clock can take "
                "the seat until %(until)s."
            )
            % times
        )
    if state == "away" and s.hold and s.hold.away_until:
        until = {"time": local_time(s.hold.away_until)}
        if s.is_mine(s.hold):
            return (
                _("You stepped out. Nobody can start the clock on your seat until %(time)s.")
                % until
            )
        return _("The person sitting here has stepped out and is protected until %(time)s.") % until
    if state == "held" and s.hold:
        if s.is_mine(s.hold):
            return _("This is your seat since %(time)s.") % {"time": local_time(s.hold.since)}
        if "challenge" in actions:
            return _(
                "Someone is using this seat. If they left their things and went away, you can "
                "start the clock."
            )
        return _("Someone is using this seat.")
    if state == "reserved" or (s.my_reservation is not None and not s.hold):
        if s.my_reservation is not None:
            return _("This seat is booked for you.")
        return _("This seat is booked for another reader.")
    if "challenge" in actions or s.reader is None:
        return _(
            "Nobody has registered this seat. If it is empty, just sit down: no scan is "
            "needed. If someone's things are here but nobody is, start the clock."
        )
    return _("Nobody has registered this seat. If it is empty, just sit down: no scan is needed.")


def _why_not_challenge(s: Situation, actions: list[str]) -> str | None:
    """When this reader might want to start the clock but may not, say why (and how long)."""
    if "challenge" in actions or s.reader is None or s.state in ("closed", "challenged"):
        return None
    if s.is_mine(s.hold):
        return None
    refusal = refusal_for("challenge", s)
    if refusal is None or refusal.code in ("already_yours", "holder_away", "reserved"):
        # holder_away and reserved are already the explanation of the state.
        return None
    return refusal_sentence(refusal)


def _why_not_step_out(s: Situation, actions: list[str]) -> str | None:
    """On my own seat without a step-out button, say why (the cooldown, the room's rules)."""
    if s.state != "held" or not s.is_mine(s.hold) or "step-out" in actions:
        return None
    refusal = refusal_for("step-out", s)
    return refusal_sentence(refusal) if refusal is not None else None


def _news(s: Situation, actions: list[str]) -> str:
    """What happened to this reader's own clock or hold here lately: only while it still
    explains the page (not above a fresh "Start the clock")."""
    last = s.my_last_challenge
    if last is None or (s.challenge is not None and s.is_mine(s.challenge)):
        return ""
    ended = last.ended_at
    status = last.status
    if status == Challenge.Status.PENDING and last.claim_until <= s.now:
        status, ended = Challenge.Status.LAPSED, last.claim_until
    if ended is None or s.now - ended > NEWS_WINDOW:
        return ""
    if status == Challenge.Status.RETURNED and "challenge" not in actions:
        return _(
            "The person sitting here came back at %(time)s, so your clock stopped. "
            "The seat stays theirs."
        ) % {"time": local_time(ended)}
    if status == Challenge.Status.LAPSED:
        return _("Your clock lapsed at %(time)s: the seat was not taken in time.") % {
            "time": local_time(ended)
        }
    return ""


def _lost_hold_news(s: Situation) -> str:
    """If this reader's hold here was just taken by a claim, say so."""
    if s.reader is None or s.is_mine(s.hold):
        return ""
    lost = (
        Hold.objects.filter(
            seat=s.seat,
            reader=s.reader,
            end_reason=Hold.EndReason.CLAIMED,
            ended_at__gt=s.now - NEWS_WINDOW,
        )
        .order_by("-ended_at")
        .values_list("ended_at", flat=True)
        .first()
    )
    if lost is None:
        return ""
    return _("Someone took this seat at %(time)s: the clock ran out before you came back.") % {
        "time": local_time(lost)
    }


def seat_view(s: Situation) -> SeatView:
    actions = s.actions()
    view = SeatView(
        state=s.state,
        state_words=str(STATE_WORDS.get(s.state, s.state)),
        explanation=_explain(s, actions),
        mine=s.is_mine(s.hold) or s.is_mine(s.challenge),
    )
    primary = _primary_intent(actions)
    if primary:
        view.primary = _action(primary, s)
    view.secondary = [_action(i, s) for i in sorted(actions, key=_secondary_rank) if i != primary]
    if s.reader is not None and s.reader.is_banned(s.now):
        ban = Refusal("banned").message
        if s.reader.banned_until:
            until = s.reader.banned_until.astimezone(s.policy.zone()).strftime("%Y-%m-%d %H:%M")
            ban = join_sentences(ban, _("Until %(date)s.") % {"date": until})
        view.notes.append(ban)
    elif (note := _why_not_challenge(s, actions)) or (note := _why_not_step_out(s, actions)):
        view.notes.append(note)
    view.notes.extend(seat_notes(s))
    view.news = _news(s, actions) or _lost_hold_news(s)
    view.countdown = _countdown(s)
    view.changes_at = _changes_at(s)
    return view


def _countdown(s: Situation) -> Countdown | None:
    """To the deadline for everyone; after it, to the end of the claim window for the
    challenger alone."""
    c = s.challenge
    if s.state == "away" and s.hold and s.hold.away_until and s.is_mine(s.hold):
        remaining = (s.hold.away_until - s.now).total_seconds()
        return Countdown(s.hold.away_until, "away", _("left of your step-out"), remaining)
    if c is None or s.state != "challenged":
        return None
    if s.now < c.deadline:
        if s.is_mine(c):
            caption = _("until you can take the seat")
        else:
            caption = _("until the seat passes on")
        return Countdown(c.deadline, "allowance", caption, (c.deadline - s.now).total_seconds())
    if s.is_mine(c):
        remaining = (c.claim_until - s.now).total_seconds()
        return Countdown(c.claim_until, "claim", _("left to take the seat"), remaining)
    return None


def _changes_at(s: Situation) -> list[datetime]:
    moments: list[datetime | None] = [s.cooldown_until, *s.policy.opening(s.now)]
    if s.challenge:
        moments += [s.challenge.deadline, s.challenge.claim_until]
    if s.hold:
        moments.append(s.hold.away_until)
    window = s.policy.protected_window_at(s.now)
    if window:
        moments.append(window[1])
    return sorted(m for m in moments if m is not None and m > s.now)
