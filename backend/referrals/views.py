"""Referrals as each side sees them: the referrer (only what is shared), the person (what they
agreed to), the circle's facilitators (who referred, and the note)."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core.orm import utcnow
from backend.groups.models import SupportGroup
from backend.groups.views import circle_preview
from backend.referrals import consent
from backend.referrals.models import ConsentPart, Referral, ReferralConsent, ReferralStatus
from backend.referrals.schemas import (
    CircleReferral,
    ConsentRead,
    ConsentWording,
    ReferralAnswer,
    ReferralAttendance,
    ReferralPreview,
    ReferralRead,
)
from backend.referrals.service import (
    consents_of,
    referrer_name,
    referrer_names,
    shared_now,
    state_seen_by_referrer,
)
from backend.sessions.attendance import ATTENDED
from backend.sessions.models import AttendanceRecord, GroupSession


def referral_reads(db: Session, referrals: list[Referral]) -> list[ReferralRead]:
    consents = consents_of(db, [r.id for r in referrals])
    now = utcnow()
    reads = []
    for referral in referrals:
        state = state_seen_by_referrer(referral, consents[referral.id], now)
        attendance = shared_now(consents[referral.id]).get(ConsentPart.attendance)
        reads.append(
            ReferralRead(
                id=referral.id,
                group_id=referral.group_id,
                state=state,
                external_id=referral.external_id,
                ask_outcome=referral.asks_outcome,
                ask_attendance=referral.asks_attendance,
                created_at=referral.created_at,
                expires_at=referral.expires_at,
                opened_at=referral.opened_at,
                answered_at=referral.answered_at if state in ("joined", "declined") else None,
                outcome_shared=state in ("joined", "declined"),
                attendance_shared_since=attendance.granted_at if attendance else None,
            )
        )
    return reads


def referral_read(db: Session, referral: Referral) -> ReferralRead:
    return referral_reads(db, [referral])[0]


def attendance_reads(
    sessions: list[GroupSession], records: dict[uuid.UUID, AttendanceRecord]
) -> list[ReferralAttendance]:
    return [
        ReferralAttendance(
            meeting_id=session.id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            attended=records[session.id].status in ATTENDED,
        )
        for session in sessions
        if session.id in records
    ]


def _asked(referral: Referral) -> list[ConsentPart]:
    parts = [ConsentPart.outcome] if referral.asks_outcome else []
    return parts + ([ConsentPart.attendance] if referral.asks_attendance else [])


def referral_preview(
    db: Session, referral: Referral, group: SupportGroup, actor: Actor
) -> ReferralPreview:
    name = referrer_name(db, referral)
    return ReferralPreview(
        circle=circle_preview(db, group, actor, expires_at=referral.expires_at),
        referrer_name=name,
        asked=[
            ConsentWording(part=part, **vars(consent.words_for(part, name)))
            for part in _asked(referral)
        ],
        consent_version=consent.WORDING_VERSION,
        how_to_stop=consent.HOW_TO_STOP.format(referrer=name),
        note=referral.note,
        expires_at=referral.expires_at,
    )


def answer(referral: Referral, shared: list[ConsentPart]) -> ReferralAnswer:
    return ReferralAnswer(
        group_id=referral.group_id,
        joined=referral.status == ReferralStatus.joined,
        shared=shared,
    )


def consent_reads(db: Session, rows: list[ReferralConsent]) -> list[ConsentRead]:
    referrals = {
        r.id: r
        for r in db.scalars(select(Referral).where(Referral.id.in_({c.referral_id for c in rows})))
    }
    names = referrer_names(db, list(referrals.values()))
    groups = dict(
        db.execute(
            select(SupportGroup.id, SupportGroup.name).where(
                SupportGroup.id.in_({r.group_id for r in referrals.values()})
            )
        ).all()
    )
    reads = []
    for row in rows:
        referral = referrals[row.referral_id]
        title = consent.WORDINGS[row.part].title
        reads.append(
            ConsentRead(
                id=row.id,
                referral_id=referral.id,
                group_id=referral.group_id,
                group_name=groups.get(referral.group_id, ""),
                referrer_name=names[referral.id],
                part=row.part,
                title=title,
                words=row.words,
                wording_version=row.wording_version,
                granted_at=row.granted_at,
                withdrawn_at=row.withdrawn_at,
            )
        )
    return reads


def circle_referral_reads(db: Session, referrals: list[Referral]) -> list[CircleReferral]:
    """Referrals to a circle as its facilitators see them: where each is as far as the person
    shares it with the referrer (a facilitator may be the referrer), the note (the person was
    shown it), and who they are once they share that they joined."""
    names = referrer_names(db, referrals)
    consents = consents_of(db, [r.id for r in referrals])
    now = utcnow()
    states = {r.id: state_seen_by_referrer(r, consents[r.id], now) for r in referrals}
    member_ids = {r.user_id for r in referrals if states[r.id] == "joined" and r.user_id}
    members = (
        dict(db.execute(select(User.id, User.display_name).where(User.id.in_(member_ids))).all())
        if member_ids
        else {}
    )
    reads = []
    for referral in referrals:
        state = states[referral.id]
        joined = state == "joined"
        reads.append(
            CircleReferral(
                id=referral.id,
                referrer_name=names[referral.id],
                note=referral.note,
                state="waiting"
                if state in ("sent", "opened")
                else "joined"
                if joined
                else "closed",
                member_name=members.get(referral.user_id) if joined and referral.user_id else None,
                created_at=referral.created_at,
                expires_at=referral.expires_at,
            )
        )
    return reads
