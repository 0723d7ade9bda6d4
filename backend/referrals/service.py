"""Referrals: a counseling service or a staff member refers a person to a circle; the person
answers through the link in a neutral email, and chooses, part by part, what the referrer may
learn. The referrer learns nothing else: never other circles, never other members, never notes.

The link's secret is random (256 bits) and kept only as a SHA-256 digest, as invitation links
are. The person's address is kept only as a keyed digest (to say "already referred"); the
email in the outbox that carries it and the link is deleted once they answer or it expires.

A person who answers without sharing looks, to the referrer, like one who has not answered:
"opened" until the referral expires, then "expired". Only what the person shares changes what
the referrer sees.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select, true
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import ServiceClient, User
from backend.accounts.schemas import Scope
from backend.core import audit, ratelimit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, id_key, moment_key, paginate
from backend.core.security import hash_secret, keyed_digest, new_secret
from backend.core.uniqueness import lock_and_reread
from backend.groups import exceptions as group_errors
from backend.groups.invitations import admit_invited
from backend.groups.models import GroupMembership, GroupStatus, MembershipStatus, SupportGroup
from backend.groups.service import GroupAccess, managed_group, require_manager
from backend.notifications.models import OutboxMessage
from backend.notifications.service import enqueue_email
from backend.referrals import consent
from backend.referrals import exceptions as errors
from backend.referrals.models import ConsentPart, Referral, ReferralConsent, ReferralStatus
from backend.referrals.schemas import ReferralAccept, ReferralCreate, ReferralDecline, ReferralState
from backend.sessions.attendance import ATTENDED
from backend.sessions.models import AttendanceRecord, GroupSession, SessionStatus
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.service import emit

TOKEN_BYTES = 32
# Referrals one referrer may send in an hour: enough for a busy service, too few for spam.
REFERRALS_PER_HOUR = 100
LIVE = (ReferralStatus.sent, ReferralStatus.opened)
REFERRALS_ORDER = creation_order(Referral)
MEETINGS_ORDER = [moment_key(GroupSession.starts_at), id_key(GroupSession.id)]
# Expired referrals handled in one run of the job; the next run takes the rest.
EXPIRY_BATCH = 200
FORMER_REFERRER = "Your counseling service"


# --- who referred ---------------------------------------------------------------------------


def require_referrer(actor: Actor) -> None:
    """Service clients (their route asks for ``referrals:write``) and staff may refer."""
    if not (actor.is_integrator or actor.is_staff):
        raise actor.refusal(errors.MayNotRefer())


def _made_by(actor: Actor) -> ColumnElement[bool]:
    """The referrals ``actor`` may read: a client's own, a staff member's own, every one for
    admins."""
    if actor.client is not None:
        return Referral.referrer_client_id == actor.client.id
    if actor.is_admin:
        return true()
    return Referral.referrer_user_id == actor.person_id


def _sent_by(actor: Actor) -> ColumnElement[bool]:
    """The referrals ``actor`` sent themselves (an admin's included)."""
    if actor.client is not None:
        return Referral.referrer_client_id == actor.client.id
    return Referral.referrer_user_id == actor.person_id


def referrer_names(db: Session, referrals: list[Referral]) -> dict[uuid.UUID, str]:
    """How each referral's referrer is named to the person: the service's name, or the staff
    member's display name."""
    client_ids = {r.referrer_client_id for r in referrals if r.referrer_client_id}
    user_ids = {r.referrer_user_id for r in referrals if r.referrer_user_id}
    clients = (
        dict(
            db.execute(
                select(ServiceClient.id, ServiceClient.name).where(ServiceClient.id.in_(client_ids))
            ).all()
        )
        if client_ids
        else {}
    )
    people = (
        dict(db.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    names: dict[uuid.UUID, str] = {}
    for referral in referrals:
        if referral.referrer_client_id in clients:
            names[referral.id] = clients[referral.referrer_client_id]
        elif referral.referrer_user_id in people:
            names[referral.id] = f"{people[referral.referrer_user_id]} at Strength Circles"
        else:
            names[referral.id] = FORMER_REFERRER
    return names


def referrer_name(db: Session, referral: Referral) -> str:
    return referrer_names(db, [referral])[referral.id]


def _tell_referrer(
    db: Session, referral: Referral, event_type: WebhookEventType, data: dict[str, Any]
) -> None:
    """A webhook to the service that referred (staff referrers read the referral instead)."""
    if referral.referrer_client_id is None:
        return
    emit(
        db,
        event_type=event_type,
        data={"referral_id": str(referral.id), "external_id": referral.external_id, **data},
        client_ids=[referral.referrer_client_id],
        scope=Scope.referrals_write.value,
    )


def _audit(
    db: Session,
    actor: Actor,
    action: AuditAction,
    referral: Referral,
    *,
    subjects: list[uuid.UUID] | None = None,
) -> None:
    """Every step of a referral is in the audit trail, in its circle."""
    audit.record(
        db,
        actor.who,
        action,
        target_type="referral",
        target_id=referral.id,
        group_id=referral.group_id,
        subjects=subjects or [],
    )


# --- referring ------------------------------------------------------------------------------


def _circle_to_refer_to(db: Session, actor: Actor, group_id: uuid.UUID) -> SupportGroup:
    if actor.is_integrator:
        group = db.get(SupportGroup, group_id)
        if group is None:
            raise NotFound("There is no circle with this id.")
    else:
        # Staff refer to the circles they facilitate; admins to any.
        group = managed_group(db, group_id, actor).group
    _check_takes_referrals(group)
    return group


def _check_takes_referrals(group: SupportGroup) -> None:
    if group.status == GroupStatus.archived:
        raise group_errors.GroupNotJoinable(
            "This circle has closed and takes no new members, so no one can be referred to it."
        )


def _link(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/referral/{token}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _invitation_email(settings: Settings, *, referrer: str, url: str, until: datetime) -> str:
    # The subject and the first lines (what a mail app previews) name no circle, no topic and
    # no referrer: someone glancing at the screen learns nothing.
    return (
        "Hello,\n\n"
        "An invitation is waiting for you at Strength Circles. Open it to see what it is and "
        f"decide, in your own time:\n\n{url}\n\n"
        f"It comes from {referrer}, who thought it might help. They can see whether you opened "
        "it; anything more only if you choose to share it. You can say no thanks without an "
        "account.\n\n"
        f"The link works until {_day(until)}. If this email was not meant for you, you can "
        "ignore it: nothing happens.\n\n"
        "Strength Circles\n"
    )


INVITATION_SUBJECT = "An invitation is waiting for you"


def _email_digest(settings: Settings, email: str) -> str:
    return keyed_digest(settings, purpose="referral-email", message=email.strip().lower()).hex()


def _forget_the_email(db: Session, referral: Referral) -> None:
    """The email that carried the link (the address and the link itself) goes: once the
    referral is answered or has expired, nothing needs it."""
    if referral.invitation_email_id is not None:
        db.execute(delete(OutboxMessage).where(OutboxMessage.id == referral.invitation_email_id))
        referral.invitation_email_id = None


def create_referral(
    db: Session, settings: Settings, actor: Actor, data: ReferralCreate
) -> Referral:
    """Refer a person to a circle: they are emailed a link to answer. Nothing is shared until
    they choose to."""
    require_referrer(actor)
    if data.ask_attendance and not data.ask_outcome:
        raise errors.ShareRefused(
            "ask_outcome",
            "Attendance shows that the person joined, so asking for it means asking for the "
            "outcome too: set ask_outcome as well, or leave ask_attendance out.",
        )
    group = _circle_to_refer_to(db, actor, data.group_id)
    # Only referrals that could be sent count (it commits the request's transaction, so it
    # comes before anything is written or locked).
    key = f"referrals:{actor.caller_key}"
    wait = ratelimit.reserve(db, key, limit=REFERRALS_PER_HOUR, window=timedelta(hours=1))
    if wait is not None:
        raise errors.TooManyReferrals(retry_after=wait)
    # Referrals to one circle are made in turn, so a double click cannot send two.
    group = lock_and_reread(db, group)
    _check_takes_referrals(group)  # again, as it is now: it may have closed meanwhile
    now = utcnow()
    email = str(data.email)
    digest = _email_digest(settings, email)
    earlier = db.scalar(
        select(Referral)
        .where(
            _sent_by(actor),
            Referral.group_id == group.id,
            Referral.email_digest == digest,
            Referral.status.in_(LIVE),
            Referral.expires_at > now,
        )
        .limit(1)
    )
    if earlier is not None:
        raise errors.ReferralAlreadySent(
            f"You referred this person to this circle on {_day(earlier.created_at)}, and that "
            f"invitation works until {_day(earlier.expires_at)}. They can still answer it; "
            "there is no need to send another."
        )
    token = new_secret(TOKEN_BYTES)
    referral = Referral(
        group_id=group.id,
        referrer_client_id=actor.client.id if actor.client is not None else None,
        referrer_user_id=actor.person_id,
        email_digest=digest,
        external_id=data.external_id,
        note=data.note.strip() if data.note and data.note.strip() else None,
        asks_outcome=data.ask_outcome,
        asks_attendance=data.ask_attendance,
        token_hash=hash_secret(token),
        status=ReferralStatus.sent,
        expires_at=now + timedelta(days=data.expires_in_days),
    )
    db.add(referral)
    db.flush()
    message = enqueue_email(
        db,
        to_address=email,
        subject=INVITATION_SUBJECT,
        body_text=_invitation_email(
            settings,
            referrer=referrer_name(db, referral),
            url=_link(settings, token),
            until=referral.expires_at,
        ),
        user_id=None,
    )
    db.flush()
    referral.invitation_email_id = message.id
    _audit(db, actor, AuditAction.referral_created, referral)
    return referral


def list_referrals(
    db: Session, actor: Actor, *, limit: int, cursor: str | None
) -> KeysetPage[Referral]:
    """The caller's referrals (every one, for admins), newest first."""
    require_referrer(actor)
    return paginate(
        db,
        select(Referral).where(_made_by(actor)),
        REFERRALS_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )


def get_referral(db: Session, actor: Actor, referral_id: uuid.UUID) -> Referral:
    """One of the caller's referrals; anyone else's is 404, so ids tell nothing."""
    require_referrer(actor)
    referral = db.scalar(select(Referral).where(Referral.id == referral_id, _made_by(actor)))
    if referral is None:
        raise errors.ReferralNotFound()
    return referral


# --- what the referrer may see --------------------------------------------------------------


def consents_of(
    db: Session, referral_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ReferralConsent]]:
    """Every consent of each referral, given and withdrawn, oldest first."""
    found: dict[uuid.UUID, list[ReferralConsent]] = {i: [] for i in referral_ids}
    if not referral_ids:
        return found
    rows = db.scalars(
        select(ReferralConsent)
        .where(ReferralConsent.referral_id.in_(referral_ids))
        .order_by(ReferralConsent.granted_at, ReferralConsent.id)
    )
    for row in rows:
        found[row.referral_id].append(row)
    return found


def shared_now(consents: list[ReferralConsent]) -> dict[ConsentPart, ReferralConsent]:
    return {row.part: row for row in consents if row.withdrawn_at is None}


def state_seen_by_referrer(
    referral: Referral, consents: list[ReferralConsent], now: datetime
) -> ReferralState:
    """What the referrer may know of where the referral is. An answer the person does not
    share looks like no answer: opened until it expires, then expired. Sharing that ended
    is "not_shared"."""
    shared = shared_now(consents)
    expired = referral.expires_at <= now or referral.status == ReferralStatus.expired
    if referral.status == ReferralStatus.joined and ConsentPart.outcome in shared:
        return "joined"
    if referral.status == ReferralStatus.declined and (
        ConsentPart.outcome in shared or referral.decline_shared
    ):
        return "declined"
    if any(row.part == ConsentPart.outcome for row in consents):
        return "not_shared"  # shared once, withdrawn since
    if expired:
        return "expired"
    if referral.status == ReferralStatus.sent:
        return "sent"
    return "opened"


def consented_attendance(
    db: Session, actor: Actor, referral_id: uuid.UUID, *, limit: int, cursor: str | None
) -> tuple[KeysetPage[GroupSession], dict[uuid.UUID, AttendanceRecord]]:
    """The meetings of the circle since the person agreed to share attendance, newest first,
    with what was recorded; nothing at all once they stopped sharing."""
    referral = get_referral(db, actor, referral_id)
    shared = shared_now(consents_of(db, [referral.id])[referral.id]).get(ConsentPart.attendance)
    return attendance_since(db, actor, referral, shared, limit=limit, cursor=cursor)


def attendance_since(
    db: Session,
    actor: Actor,
    referral: Referral,
    shared: ReferralConsent | None,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[KeysetPage[GroupSession], dict[uuid.UUID, AttendanceRecord]]:
    """``consented_attendance`` for a referral already read, with its attendance consent
    (``shared``, None when not shared)."""
    if shared is None or referral.user_id is None:
        return KeysetPage([], None), {}
    page: KeysetPage[GroupSession] = paginate(
        db,
        select(GroupSession)
        .join(AttendanceRecord, AttendanceRecord.session_id == GroupSession.id)
        .where(
            GroupSession.group_id == referral.group_id,
            GroupSession.status != SessionStatus.cancelled,
            # From the time of consent: a meeting still under way then counts.
            GroupSession.ends_at > shared.granted_at,
            AttendanceRecord.user_id == referral.user_id,
        ),
        MEETINGS_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    records = {
        record.session_id: record
        for record in db.scalars(
            select(AttendanceRecord).where(
                AttendanceRecord.user_id == referral.user_id,
                AttendanceRecord.session_id.in_([s.id for s in page.items]),
            )
        )
    }
    _audit(db, actor, AuditAction.referral_attendance_read, referral, subjects=[referral.user_id])
    return page, records


# --- the person's side: opening and answering -------------------------------------------------


def _by_token(db: Session, token: str) -> Referral:
    referral = db.scalar(select(Referral).where(Referral.token_hash == hash_secret(token)))
    if referral is None:
        raise errors.ReferralLinkNotFound()
    return referral


def _check_answerable(referral: Referral, group: SupportGroup) -> None:
    """Until it expires a referral may be answered, and a "no thanks" changed into a join
    (a tap by mistake, or someone else who read the email, shuts no one out)."""
    if referral.status == ReferralStatus.joined:
        raise errors.ReferralAnswered()
    if referral.status == ReferralStatus.expired or referral.expires_at <= utcnow():
        raise errors.ReferralExpired()
    if group.status == GroupStatus.archived:
        raise group_errors.CircleClosed()


def open_referral(db: Session, token: str) -> tuple[Referral, SupportGroup]:
    """The referral of ``token``, marked opened (the person is told the referrer sees that)."""
    referral = _by_token(db, token)
    group = db.get_one(SupportGroup, referral.group_id)
    _check_answerable(referral, group)
    if referral.status == ReferralStatus.sent:
        referral = lock_and_reread(db, referral)
        if referral.status == ReferralStatus.sent:
            referral.status = ReferralStatus.opened
            referral.opened_at = utcnow()
            db.flush()
    return referral, group


def _consent(
    referral: Referral, user_id: uuid.UUID, part: ConsentPart, referrer: str, now: datetime
) -> ReferralConsent:
    """A consent in the words the person read, kept as they read them."""
    return ReferralConsent(
        referral_id=referral.id,
        user_id=user_id,
        part=part,
        wording_version=consent.WORDING_VERSION,
        words=consent.words_for(part, referrer).words,
        granted_at=now,
    )


def _check_version(version: str) -> None:
    if version != consent.WORDING_VERSION:
        raise errors.ConsentWordingChanged()


def _share_issue(message: str) -> errors.ShareRefused:
    return errors.ShareRefused("share", message)


def accept_referral(
    db: Session, actor: Actor, token: str, data: ReferralAccept
) -> tuple[Referral, list[ConsentPart]]:
    """Join the circle (accepting its guidelines oneself) and share what one chose to."""
    user = actor.person
    # The referral, then its circle, as invitations are taken: two tabs answering at once
    # take turns, and the second finds it answered.
    referral = lock_and_reread(db, _by_token(db, token))
    group = lock_and_reread(db, db.get_one(SupportGroup, referral.group_id))
    _check_answerable(referral, group)
    _check_version(data.consent_version)
    share = list(dict.fromkeys(data.share))
    asked = {ConsentPart.outcome} if referral.asks_outcome else set()
    if referral.asks_attendance:
        asked.add(ConsentPart.attendance)
    if set(share) - asked:
        raise _share_issue("Only what the referrer asked for can be shared.")
    if ConsentPart.attendance in share and ConsentPart.outcome not in share:
        raise _share_issue(
            "Sharing attendance shows that you joined, so it needs 'whether you joined' too."
        )
    membership = db.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
        )
    )
    already_in = membership is not None and membership.status == MembershipStatus.active
    if not already_in:
        admit_invited(db, actor, group)
    now = utcnow()
    # A "no thanks" shared before is replaced by this answer, and said so to the referrer.
    earlier = [
        row for row in consents_of(db, [referral.id])[referral.id] if row.withdrawn_at is None
    ]
    for row in earlier:
        row.withdrawn_at = now
    referral.status = ReferralStatus.joined
    referral.answered_at = now
    referral.user_id = user.id
    referral.decline_shared = False
    _forget_the_email(db, referral)
    name = referrer_name(db, referral)
    for part in share:
        db.add(_consent(referral, user.id, part, name, now))
    db.flush()
    _audit(db, actor, AuditAction.referral_accepted, referral, subjects=[user.id])
    if ConsentPart.outcome in share:
        _tell_referrer(
            db,
            referral,
            WebhookEventType.referral_accepted,
            {
                "group_id": str(group.id),
                "attendance_shared": ConsentPart.attendance in share,
                "answered_at": now.isoformat(),
            },
        )
    return referral, share


def decline_referral(db: Session, actor: Actor, token: str, data: ReferralDecline) -> Referral:
    """Say no thanks (no account needed); the referrer learns it only if the person says so."""
    referral = lock_and_reread(db, _by_token(db, token))
    group = db.get_one(SupportGroup, referral.group_id)
    _check_answerable(referral, group)
    if data.share_outcome:
        _check_version(data.consent_version)
        if not referral.asks_outcome:
            raise errors.ShareRefused(
                "share_outcome",
                "The referrer did not ask to know your answer, so there is nothing to share.",
            )
    if referral.status == ReferralStatus.declined:
        raise errors.ReferralAnswered()
    now = utcnow()
    referral.status = ReferralStatus.declined
    referral.answered_at = now
    referral.user_id = actor.person_id
    if data.share_outcome and actor.person_id is not None:
        # Signed in: a consent like any other, listed on their account page to withdraw.
        db.add(
            _consent(
                referral, actor.person_id, ConsentPart.outcome, referrer_name(db, referral), now
            )
        )
    else:
        # Without an account there is nowhere to withdraw it from; the page says so.
        referral.decline_shared = data.share_outcome
    _forget_the_email(db, referral)
    db.flush()
    _audit(
        db,
        actor,
        AuditAction.referral_declined,
        referral,
        subjects=[actor.person_id] if actor.person_id else [],
    )
    if data.share_outcome:
        _tell_referrer(
            db, referral, WebhookEventType.referral_declined, {"answered_at": now.isoformat()}
        )
    return referral


# --- consents, as the person sees and ends them ---------------------------------------------


def my_consents(
    db: Session, actor: Actor, *, limit: int, cursor: str | None
) -> KeysetPage[ReferralConsent]:
    """Everything the person agreed to share, current and withdrawn, newest first."""
    return paginate(
        db,
        select(ReferralConsent).where(ReferralConsent.user_id == actor.person.id),
        creation_order(ReferralConsent),
        limit=limit,
        cursor=cursor,
        descending=True,
    )


def _end_sharing(
    db: Session, referral: Referral, consents: list[ReferralConsent], now: datetime
) -> None:
    for row in consents:
        if row.withdrawn_at is None:
            row.withdrawn_at = now
            _tell_referrer(
                db,
                referral,
                WebhookEventType.referral_sharing_ended,
                {"part": row.part.value},
            )


def withdraw_consent(db: Session, actor: Actor, consent_id: uuid.UUID) -> ReferralConsent:
    """Stop sharing one part, now and for good; stopping "whether you joined" stops sharing
    attendance too (attendance would show it). Withdrawing again changes nothing."""
    row = db.get(ReferralConsent, consent_id)
    if row is None or row.user_id != actor.person.id:
        raise errors.ConsentNotFound()
    # Withdrawals of one referral's consents take turns; each reads them again after the
    # lock, so the second of two at once finds them withdrawn and changes nothing.
    referral = lock_and_reread(db, db.get_one(Referral, row.referral_id))
    ending = [
        other
        for other in db.scalars(
            select(ReferralConsent)
            .where(ReferralConsent.referral_id == referral.id)
            .execution_options(populate_existing=True)
        )
        if other.id == row.id or (row.part == ConsentPart.outcome and other.withdrawn_at is None)
    ]
    if row.withdrawn_at is None:
        _end_sharing(db, referral, ending, utcnow())
        _audit(db, actor, AuditAction.consent_withdrawn, referral, subjects=[actor.person.id])
        db.flush()
    return row


# --- facilitators ---------------------------------------------------------------------------


def circle_referrals(
    db: Session, access: GroupAccess, *, limit: int, cursor: str | None
) -> KeysetPage[Referral]:
    """Referrals to the circle, newest first, for its facilitators and admins."""
    group = require_manager(access).group
    return paginate(
        db,
        select(Referral).where(Referral.group_id == group.id),
        REFERRALS_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )


# --- reactions and jobs ---------------------------------------------------------------------


def expire_referrals(db: Session, settings: Settings) -> int:
    """Referrals past their time: one nobody answered expires and the email that carried its
    link goes; the referrer is told "expired" of every one that looks so to them (an answer
    the person does not share included, so the two cannot be told apart). Safe to run in
    several workers: each referral is locked and read again. Returns how many it saw."""
    now = utcnow()
    due = db.scalars(
        select(Referral)
        .where(Referral.expiry_noted.is_(False), Referral.expires_at <= now)
        .order_by(Referral.expires_at)
        .limit(EXPIRY_BATCH)
    ).all()
    noted = 0
    for candidate in due:
        referral = lock_and_reread(db, candidate)
        if referral.expiry_noted:
            continue
        referral.expiry_noted = True
        if referral.status in LIVE:
            referral.status = ReferralStatus.expired
            _forget_the_email(db, referral)
        consents = consents_of(db, [referral.id])[referral.id]
        if state_seen_by_referrer(referral, consents, now) == "expired":
            _tell_referrer(
                db, referral, WebhookEventType.referral_expired, {"expired_at": now.isoformat()}
            )
        noted += 1
    db.flush()
    return noted


def share_recorded_attendance(
    db: Session, *, session_id: uuid.UUID, group_id: uuid.UUID, user_ids: tuple[uuid.UUID, ...]
) -> None:
    """Tell each referrer that the person allowed to know it that their attendance at this
    meeting was recorded."""
    if not user_ids:
        return
    session = db.get_one(GroupSession, session_id)
    rows = db.execute(
        select(Referral, ReferralConsent, AttendanceRecord)
        .join(ReferralConsent, ReferralConsent.referral_id == Referral.id)
        .join(
            AttendanceRecord,
            (AttendanceRecord.user_id == Referral.user_id)
            & (AttendanceRecord.session_id == session_id),
        )
        .where(
            Referral.group_id == group_id,
            Referral.user_id.in_(user_ids),
            ReferralConsent.part == ConsentPart.attendance,
            ReferralConsent.withdrawn_at.is_(None),
            ReferralConsent.granted_at < session.ends_at,
        )
    )
    for referral, _consent, record in rows:
        _tell_referrer(
            db,
            referral,
            WebhookEventType.attendance_recorded,
            {
                "meeting_id": str(session.id),
                "starts_at": session.starts_at.isoformat(),
                "attended": record.status in ATTENDED,
            },
        )


def forget_the_person(db: Session, user_id: uuid.UUID) -> None:
    """Before an account is erased: every consent it gave is withdrawn, and a "no thanks" it
    let a referrer know of is no longer shared. Referrals it never answered are the
    referrers' own and stay as they are (nothing in them names the person)."""
    now = utcnow()
    referrals = db.scalars(select(Referral).where(Referral.user_id == user_id)).all()
    for referral in referrals:
        _end_sharing(db, referral, consents_of(db, [referral.id])[referral.id], now)
        referral.decline_shared = False
    db.flush()
