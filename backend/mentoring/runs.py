"""The batch matching run (admins): every open request against every mentor with room, by
optimal assignment; a dry run shows the pairs, scores and reasons without saving them."""

import uuid
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.db import lock_rows_for_update
from backend.core.orm import utcnow
from backend.mentoring import matching, notices
from backend.mentoring.models import (
    OPEN_MATCH_STATUSES,
    MatchingRun,
    MatchStatus,
    MenteeRequest,
    MentorMatch,
    MentorProfile,
)
from backend.mentoring.rows import (
    as_candidates,
    as_need,
    available_mentors,
    excluded_pairs,
    topic_vocabulary,
)
from backend.mentoring.schemas import (
    MatchingRunResult,
    Proposal,
    UnmatchedMentee,
)


def run_matching(
    db: Session, settings: Settings, *, actor: Actor, dry_run: bool
) -> MatchingRunResult:
    """The best set of pairs for every open request at once (see ``matching.assign``).

    A saved run first locks every request and then every mentor profile (the order single
    proposals use), so what it computes is still true when it writes.
    """
    admin = actor.person
    if not dry_run:
        lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id.is_not(None))
        # Every profile, whatever its status: an approval waits for the run to finish.
        lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id.is_not(None))
    has_open_match = select(MentorMatch.id).where(
        MentorMatch.mentee_id == MenteeRequest.user_id,
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
    )
    open_requests = db.execute(
        select(MenteeRequest, User)
        .join(User, User.id == MenteeRequest.user_id)
        .where(User.is_active.is_(True), ~has_open_match.exists())
        .order_by(MenteeRequest.created_at, MenteeRequest.user_id)
    ).all()
    mentees = [as_need(request, user) for request, user in open_requests]
    mentor_rows = available_mentors(db)
    # Pseudonyms for the admin's preview, from the rows read already.
    names = {user.id: user.display_name for _, user in open_requests} | {
        user.id: user.display_name for _, user, _ in mentor_rows
    }
    candidates = as_candidates(mentor_rows)
    excluded = excluded_pairs(db)
    vocabulary = topic_vocabulary(db)
    assignment = matching.assign(
        mentees, candidates, excluded_pairs=excluded, vocabulary=vocabulary, week_of=utcnow().date()
    )
    left = set(assignment.unmatched)
    why = matching.why_unmatched(
        [m for m in mentees if m.user_id in left],
        candidates,
        excluded_pairs=excluded,
        vocabulary=vocabulary,
    )
    run: MatchingRun | None = None
    match_ids: dict[uuid.UUID, uuid.UUID] = {}
    if not dry_run:
        run = MatchingRun(
            run_by_id=admin.id,
            open_requests=len(mentees),
            proposed=len(assignment.proposals),
            unmatched=len(assignment.unmatched),
            total_score=assignment.total_score,
        )
        db.add(run)
        db.flush()
        mentors = {
            u.id: u
            for u in db.scalars(
                select(User).where(User.id.in_([p.mentor_id for p in assignment.proposals]))
            )
        }
        for proposal in assignment.proposals:
            match = MentorMatch(
                id=uuid.uuid4(),  # known now, so the rows go in together at the end
                mentor_id=proposal.mentor_id,
                mentee_id=proposal.mentee_id,
                status=MatchStatus.proposed,
                score=round(proposal.score, 3),
                reasons=list(proposal.reasons),
                proposed_by_id=admin.id,
                matching_run_id=run.id,
            )
            db.add(match)
            match_ids[proposal.mentee_id] = match.id
        # One email per mentor, however many mentees the run proposed to them.
        per_mentor = Counter(p.mentor_id for p in assignment.proposals)
        for mentor_id, count in sorted(per_mentor.items()):
            notices.proposed(db, settings, mentors[mentor_id], count=count)
        db.flush()
        # One event for the run's proposals, naming everyone it paired.
        audit.record(
            db,
            actor.who,
            AuditAction.match_proposed,
            target_type="matching_run",
            target_id=run.id,
            subjects=[
                p
                for proposal in assignment.proposals
                for p in (proposal.mentor_id, proposal.mentee_id)
            ],
        )
    return MatchingRunResult(
        run_id=run.id if run else None,
        dry_run=dry_run,
        open_requests=len(mentees),
        proposals=[
            Proposal(
                mentee_id=p.mentee_id,
                mentor_id=p.mentor_id,
                mentee_name=names[p.mentee_id],
                mentor_name=names[p.mentor_id],
                score=round(p.score, 3),
                reasons=list(p.reasons),
                match_id=match_ids.get(p.mentee_id),
            )
            for p in assignment.proposals
        ],
        unmatched=list(assignment.unmatched),
        unmatched_people=[
            UnmatchedMentee(
                mentee_id=u.mentee_id,
                display_name=names[u.mentee_id],
                reason_code=u.reason_code,
                reason=u.reason,
            )
            for u in why
        ],
        total_score=round(assignment.total_score, 3),
    )
