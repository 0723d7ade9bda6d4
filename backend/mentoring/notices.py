"""What people are told by email as a mentoring match moves along.

Neutral like every notice: no topics, no names of the other person (an inbox can be seen by
others), only what happened and where to look in the app.
"""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people

SEE = "See your mentoring"


def _send(db: Session, settings: Settings, users: Iterable[User], subject: str, text: str) -> None:
    notice = Notice(
        kind=NotificationKind.mentoring, subject=subject, text=text, link="/mentoring", see=SEE
    )
    notify_people(db, settings, users, notice)


def proposed(db: Session, settings: Settings, mentor: User, *, count: int = 1) -> None:
    who = "A member has" if count == 1 else f"{count} members have"
    _send(
        db,
        settings,
        [mentor],
        "Someone would like you as their peer mentor",
        f"{who} been matched with you for peer mentoring. Have a look at why you were "
        "matched, and accept or decline when you are ready; there is no wrong answer.",
    )


def accepted(db: Session, settings: Settings, mentee: User) -> None:
    _send(
        db,
        settings,
        [mentee],
        "Your peer mentor said yes",
        "Your peer mentor has accepted. You can now plan your first conversation and keep "
        "a note of your meetings together in the app.",
    )


def declined(db: Session, settings: Settings, mentee: User) -> None:
    _send(
        db,
        settings,
        [mentee],
        "Your mentoring proposal was not taken up",
        "The mentor you were matched with cannot take you on right now. This is about their "
        "time, not about you. Your request stays open, and you can look at other suggestions "
        "in the app.",
    )


def withdrawn(db: Session, settings: Settings, mentor: User) -> None:
    _send(
        db,
        settings,
        [mentor],
        "A mentoring proposal was withdrawn",
        "A mentoring proposal waiting for your answer has been withdrawn. There is nothing "
        "you need to do.",
    )


def ended(db: Session, settings: Settings, people: Iterable[User]) -> None:
    _send(
        db,
        settings,
        people,
        "A mentoring match has ended",
        "A peer mentoring match you were part of has ended. Thank you for the time you gave "
        "it. You can leave feedback in the app if you would like to.",
    )


def mentor_decision(
    db: Session, settings: Settings, mentor: User, *, approved: bool, note: str | None
) -> None:
    said = f"\n\nThe reviewer wrote: {note}" if note else ""
    if approved:
        _send(
            db,
            settings,
            [mentor],
            "You are now a peer mentor",
            "Thank you for offering to mentor. Your profile has been approved, and members "
            f"looking for a mentor can now be matched with you.{said}",
        )
    else:
        _send(
            db,
            settings,
            [mentor],
            "About your offer to mentor",
            "Thank you for offering to mentor. We cannot take your offer up right now. You can "
            f"change your profile and offer again whenever you like.{said}",
        )


def paused_after_silence(db: Session, settings: Settings, mentor: User) -> None:
    _send(
        db,
        settings,
        [mentor],
        "We have paused your mentoring offer",
        "A mentoring proposal waited two weeks without an answer, so it has lapsed and the "
        "member will be matched with someone else. We have paused your offer so that no one "
        "else waits on you. Your current mentees are unchanged. When you are ready to take "
        "someone new, switch the pause off in your mentor profile.",
    )
