"""Scoring mentor-mentee pairs and the optimal batch assignment: pure, no database, no web.

One code path scores every pair: `evaluate`, `suggest` and `assign` all go through the same
vectorised `_Table`, so a pair's score and reasons are the same wherever they are shown.
"""

import datetime
import math
import uuid
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from backend.mentoring.wording import LANGUAGE_NAMES, in_sentence, join_words, room_reason

__all__ = [
    "AVAILABILITY_SATURATION_HOURS",
    "BLOCK_MINUTES",
    "LANGUAGE_NAMES",
    "NEUTRAL_EXPERIENCE",
    "RECOVERY_CAP_YEARS",
    "UNKNOWN_RECOVERY",
    "WEIGHTS",
    "Assignment",
    "Evaluation",
    "MenteeNeed",
    "MentorCandidate",
    "ScoreMatrix",
    "Unmatched",
    "UnmatchedReason",
    "Vocabulary",
    "WeeklySlot",
    "assign",
    "evaluate",
    "language_base",
    "score_matrix",
    "suggest",
    "why_unmatched",
]

# The weights of the four parts of a score; they sum to 1, so a score stays in [0, 1].
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        # Shared lived experience is what peer mentoring is for: a mentor who has been through
        # what the mentee is facing. It counts most.
        "experience": 0.45,
        # The pair has to be able to meet; time in common is the next most practical thing, but
        # people can also move a slot or write in between, so it is not decisive alone.
        "availability": 0.30,
        # Spreading mentees over mentors protects volunteers from burnout and keeps every
        # mentor's attention for the mentees they have.
        "load": 0.15,
        # Being further along in recovery helps, but years are self-reported, often unknown,
        # and more is not always better; it nudges rather than decides.
        "recovery": 0.10,
    }
)

# A mentee with no needs listed is open to anyone: their experience part is neutral.
NEUTRAL_EXPERIENCE = 0.5
# Weekly time in common saturates: three hours allow a weekly conversation with room to spare.
AVAILABILITY_SATURATION_HOURS = 3
# Beyond five years further along, more years no longer make a closer peer.
RECOVERY_CAP_YEARS = 5.0
# A mentor who has not said how long they have been in recovery: neutral-low, below a mentor
# clearly further along (the part's value at 1.25 years) and above one who is not.
UNKNOWN_RECOVERY = 0.25
# Availability counts in whole quarter hours in UTC: every time zone in use today is a whole
# number of quarter hours from UTC, so the grid is the same for everyone, and a block counts
# only when a slot covers all of it (time in common is never overstated).
BLOCK_MINUTES = 15

_BLOCKS_PER_WEEK = 7 * 24 * 60 // BLOCK_MINUTES
_SATURATION_BLOCKS = AVAILABILITY_SATURATION_HOURS * 60 // BLOCK_MINUTES
# A slot ending at 23:59 or later means "until midnight": a time of day cannot say 24:00.
_END_OF_DAY = datetime.time(23, 59)


_NO_EXCLUSIONS: frozenset[tuple[uuid.UUID, uuid.UUID]] = frozenset()

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
# Quarter hours in common per pair: at most 672 a week, so 16 bits hold any count.
BlockCounts = npt.NDArray[np.int16]


@dataclass(frozen=True)
class WeeklySlot:
    """A weekly window in its owner's own time zone; weekday 0 is Monday."""

    weekday: int
    start: datetime.time
    end: datetime.time  # later than start on the same day; 23:59 or later means midnight

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.end <= self.start:
            raise ValueError("a weekly slot must end after it starts, on the same day")


@dataclass(frozen=True)
class MentorCandidate:
    user_id: uuid.UUID
    experience_areas: frozenset[str]  # topic slugs
    languages: frozenset[str]  # language codes like "en", "es", "es-MX"
    availability: tuple[WeeklySlot, ...]
    timezone: str  # IANA
    capacity: int  # 1..10
    load: int  # current proposed + active matches
    years_in_recovery: float | None = None
    gender: str | None = None
    approved: bool = True
    paused: bool = False
    account_active: bool = True


@dataclass(frozen=True)
class MenteeNeed:
    user_id: uuid.UUID
    needs: frozenset[str]
    languages: frozenset[str]
    availability: tuple[WeeklySlot, ...]
    timezone: str
    preferred_mentor_gender: str | None = None
    min_years_in_recovery: float | None = None
    # Optional: when known, the recovery part measures how much further along the mentor is;
    # when not, it uses the mentor's own years and never claims "further along".
    years_in_recovery: float | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Names for plain-language reasons."""

    topic_names: Mapping[str, str]  # slug -> "Grief"; an unknown slug is shown as the slug
    # Optional additions or overrides of LANGUAGE_NAMES, keyed by base code ("es").
    language_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    mentor_id: uuid.UUID
    mentee_id: uuid.UUID
    score: float  # in [0, 1]; rounded for display only at the API layer
    parts: Mapping[str, float]  # each weighted part's raw value in [0, 1], keyed as WEIGHTS
    reasons: tuple[str, ...]  # plain words, one per meaningful part


@dataclass(frozen=True)
class Assignment:
    proposals: tuple[Evaluation, ...]  # in the order the mentees were given
    unmatched: tuple[uuid.UUID, ...]  # mentee ids, in the order given
    total_score: float  # the sum of the proposals' scores


@dataclass(frozen=True)
class ScoreMatrix:
    """Every pair's score at once (rows: mentees, columns: mentors), for batch tools."""

    scores: FloatMatrix  # 0.0 where the pair is not feasible
    feasible: BoolMatrix
    seats: IntArray  # each mentor's free seats (capacity - load; 0 when not taking mentees)


class UnmatchedReason(StrEnum):
    """Why a run left a mentee without a mentor: the first hard constraint, in this order,
    that rules out every mentor left (stable codes; the words are in ``why_unmatched``)."""

    no_mentor_with_room = "no_mentor_with_room"
    no_shared_language = "no_shared_language"
    mentor_gender_preference = "mentor_gender_preference"
    min_years_in_recovery = "min_years_in_recovery"
    cannot_be_proposed_again = "cannot_be_proposed_again"
    mentors_paired_with_others = "mentors_paired_with_others"


@dataclass(frozen=True)
class Unmatched:
    mentee_id: uuid.UUID
    reason_code: UnmatchedReason
    reason: str  # plain words for the admin's preview


def language_base(code: str) -> str:
    """The base language of a code: "es-MX", "es_mx" and "ES" are all "es"."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


def evaluate(
    mentee: MenteeNeed,
    mentor: MentorCandidate,
    *,
    excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]] = _NO_EXCLUSIONS,
    vocabulary: Vocabulary,
    week_of: datetime.date,
) -> Evaluation | None:
    """Score one pair; None when a hard constraint rules it out.

    ``week_of`` picks the reference week (its Monday is used) in which both sides' weekly
    slots are converted to UTC, so the result is deterministic and right for that week's
    daylight-saving time.
    """
    table = _Table([mentee], [mentor], excluded_pairs, week_of)
    if not table.feasible[0, 0]:
        return None
    return table.evaluation(0, 0, vocabulary)


def suggest(
    mentee: MenteeNeed,
    mentors: Iterable[MentorCandidate],
    *,
    excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]] = _NO_EXCLUSIONS,
    vocabulary: Vocabulary,
    week_of: datetime.date,
    limit: int = 20,
) -> list[Evaluation]:
    """The feasible mentors for one mentee, best first; equal scores in mentor id order."""
    candidates = list(mentors)
    _refuse_duplicates(m.user_id for m in candidates)
    if limit <= 0 or not candidates:
        return []
    table = _Table([mentee], candidates, excluded_pairs, week_of)
    columns = np.flatnonzero(table.feasible[0])
    ranked = sorted(
        (int(j) for j in columns),
        key=lambda j: (-float(table.score[0, j]), candidates[j].user_id),
    )
    return [table.evaluation(0, j, vocabulary) for j in ranked[:limit]]


def assign(
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorCandidate],
    *,
    excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]] = _NO_EXCLUSIONS,
    vocabulary: Vocabulary,
    week_of: datetime.date,
) -> Assignment:
    """The optimal batch assignment: at most one mentor per mentee, no mentor over their free
    seats, never an infeasible pair.

    Objective, in this order: first as many mentees matched as possible, then the largest
    total score among those assignments. A program's first duty is to give as many people
    as it can a mentor; a higher total that leaves someone waiting is the worse outcome.
    Each proposal is exactly what `evaluate` gives for its pair (its "room" reason counts
    the seats free before this run).
    """
    _refuse_duplicates(m.user_id for m in mentees)
    _refuse_duplicates(m.user_id for m in mentors)
    table = _Table(mentees, mentors, excluded_pairs, week_of)
    chosen = _optimal_pairs(table.score, table.feasible, table.seats)
    proposals = tuple(table.evaluation(i, j, vocabulary) for i, j in chosen)
    matched = {i for i, _ in chosen}
    unmatched = tuple(m.user_id for i, m in enumerate(mentees) if i not in matched)
    total = math.fsum(p.score for p in proposals)
    return Assignment(proposals=proposals, unmatched=unmatched, total_score=total)


def score_matrix(
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorCandidate],
    *,
    excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]] = _NO_EXCLUSIONS,
    week_of: datetime.date,
) -> ScoreMatrix:
    """Every pair's score and feasibility, computed exactly as `evaluate` computes them."""
    table = _Table(mentees, mentors, excluded_pairs, week_of)
    scores = np.where(table.feasible, table.score, 0.0)
    return ScoreMatrix(scores=scores, feasible=table.feasible.copy(), seats=table.seats.copy())


def why_unmatched(
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorCandidate],
    *,
    excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]] = _NO_EXCLUSIONS,
    vocabulary: Vocabulary,
) -> tuple[Unmatched, ...]:
    """Why each of these mentees (those `assign` left unmatched, with the same mentors and
    exclusions) has no mentor, from the hard constraints alone, in the mentees' order.

    The mentors are narrowed one hard constraint at a time (room, a shared language, the
    gender asked for, the years asked for, whether the pair may be proposed at all), and the
    reason is the first step that leaves no one. A pair that may not be proposed again (it was
    declined, withdrawn or ended before, or one of the two blocked the other) is never told
    apart: the words must not reveal a block. When mentors fit after every step, `assign` gave
    their seats to others (it matches as many people as it can, so a fitting mentor with a
    seat left would have been chosen). Work is (mentees x mentors), as in `assign`.
    """
    _refuse_duplicates(m.user_id for m in mentees)
    _refuse_duplicates(m.user_id for m in mentors)
    if not mentees:
        return ()
    shape = (len(mentees), len(mentors))
    capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
    load = np.array([max(m.load, 0) for m in mentors], dtype=np.int64)
    taking = np.array(
        [m.approved and m.account_active and not m.paused for m in mentors], dtype=bool
    ) & (load < capacity)
    others = np.ones(shape, dtype=bool)
    proposable = np.ones(shape, dtype=bool)
    mentee_ids = {m.user_id: i for i, m in enumerate(mentees)}
    mentor_ids = {m.user_id: j for j, m in enumerate(mentors)}
    for column, mentor in enumerate(mentors):
        row = mentee_ids.get(mentor.user_id)
        if row is not None:
            others[row, column] = False
    for mentee_id, mentor_id in excluded_pairs:
        pair_row, pair_column = mentee_ids.get(mentee_id), mentor_ids.get(mentor_id)
        if pair_row is not None and pair_column is not None:
            proposable[pair_row, pair_column] = False
    steps: list[tuple[UnmatchedReason, BoolMatrix]] = [
        (UnmatchedReason.no_mentor_with_room, np.broadcast_to(taking, shape) & others),
        (UnmatchedReason.no_shared_language, _shares_a_language(mentees, mentors)),
        (UnmatchedReason.mentor_gender_preference, _meets_gender_preference(mentees, mentors)),
        (UnmatchedReason.min_years_in_recovery, _meets_minimum_years(mentees, mentors)),
        (UnmatchedReason.cannot_be_proposed_again, proposable),
    ]
    left = np.ones(shape, dtype=bool)
    reasons: list[UnmatchedReason | None] = [None] * len(mentees)
    for code, allowed in steps:
        left &= allowed
        for i in np.flatnonzero(~left.any(axis=1)):
            if reasons[i] is None:
                reasons[i] = code
    return tuple(
        Unmatched(
            mentee_id=mentee.user_id,
            reason_code=code,
            reason=_unmatched_words(code, mentee, vocabulary),
        )
        for mentee, reason in zip(mentees, reasons, strict=True)
        for code in [reason or UnmatchedReason.mentors_paired_with_others]
    )


def _unmatched_words(code: UnmatchedReason, mentee: MenteeNeed, vocabulary: Vocabulary) -> str:
    match code:
        case UnmatchedReason.no_mentor_with_room:
            return "No mentor has room for another mentee at the moment."
        case UnmatchedReason.no_shared_language:
            names = {**LANGUAGE_NAMES, **vocabulary.language_names}
            spoken = sorted({names.get(base, base) for base in _bases(mentee.languages)})
            if not spoken:
                return "No mentor with room shares a language with this person."
            either = ", ".join(spoken[:-1]) + " or " + spoken[-1] if len(spoken) > 1 else spoken[0]
            return f"No mentor with room speaks {either}."
        case UnmatchedReason.mentor_gender_preference:
            return (
                "No mentor with room who shares a language gave the gender this person asked "
                "their mentor to have."
            )
        case UnmatchedReason.min_years_in_recovery:
            years = mentee.min_years_in_recovery or 0.0
            amount = f"{years:g} year{'s' if years != 1 else ''}"
            return (
                "No mentor with room who shares a language and fits their other wishes has "
                f"been in recovery as long as this person asked for (at least {amount})."
            )
        case UnmatchedReason.cannot_be_proposed_again:
            return "None of the mentors who fit can be proposed again."
        case UnmatchedReason.mentors_paired_with_others:
            return (
                "The mentors who fit were paired with others in this run, where they fit "
                "better overall, and have no room left."
            )


def _optimal_pairs(
    score: FloatMatrix, feasible: BoolMatrix, seats: IntArray
) -> list[tuple[int, int]]:
    """(mentee, mentor) index pairs of the assignment that matches the most mentees and,
    among those, has the largest total score; in mentee order."""
    # A mentor never needs more seats than the mentees they could take.
    seats = np.minimum(seats, feasible.sum(axis=0))
    rows = np.flatnonzero(feasible.any(axis=1))
    if rows.size == 0 or int(seats.sum()) == 0:
        return []
    # One row per free seat, so linear_sum_assignment respects capacities; seats as rows and
    # mentees as columns, in row-major order, is the layout it solves fastest (the smaller
    # side as rows, no transposed copy).
    seat_mentor = np.repeat(np.arange(seats.size), seats)
    # Every matched pair earns a bonus larger than any total score can be, which makes the
    # number of matches count first and the scores decide among equally many matches.
    # An infeasible cell is worth 0, the same as leaving the mentee unmatched: choosing it can
    # never beat a feasible alternative, and any that are chosen are dropped below.
    # (In float64 the bonus still leaves totals resolved to about 1e-9 at thousands of rows.)
    bonus = float(min(rows.size, seat_mentor.size) + 1)
    # Built per mentor, then each mentor's row repeated once per seat: one pass over the
    # large matrix instead of gathering scores and feasibility seat by seat. It is built as
    # a cost to minimise (the value negated) because maximize=True would copy it negated.
    every_row = rows.size == score.shape[0]
    per_mentor = np.empty((seats.size, rows.size), dtype=np.float64)
    np.subtract(-bonus, (score if every_row else score[rows]).T, out=per_mentor)
    np.copyto(per_mentor, 0.0, where=~(feasible if every_row else feasible[rows]).T)
    cost = np.repeat(per_mentor, seats, axis=0)
    del per_mentor
    picked_seats, picked_mentees = linear_sum_assignment(cost)
    chosen = cost[picked_seats, picked_mentees] < 0.0
    pairs = [
        (int(rows[c]), int(seat_mentor[r]))
        for r, c in zip(picked_seats[chosen], picked_mentees[chosen], strict=True)
    ]
    return sorted(pairs)


class _Table:
    """The parts, scores and feasibility of every (mentee, mentor) pair, computed with
    numpy over whole matrices: the single source of truth for scoring."""

    def __init__(
        self,
        mentees: Sequence[MenteeNeed],
        mentors: Sequence[MentorCandidate],
        excluded_pairs: AbstractSet[tuple[uuid.UUID, uuid.UUID]],
        week_of: datetime.date,
    ) -> None:
        self.mentees = mentees
        self.mentors = mentors
        monday = week_of - datetime.timedelta(days=week_of.weekday())
        shape = (len(mentees), len(mentors))
        # Every matrix is indexed [mentee, mentor] but stored mentor by mentor (the transpose
        # of a row-major array): the assignment solves seats x mentees fastest, and building
        # in that layout from the start spares it a transposed copy of each large matrix.

        capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
        load = np.array([max(m.load, 0) for m in mentors], dtype=np.int64)
        taking = np.array(
            [m.approved and m.account_active and not m.paused for m in mentors], dtype=bool
        ) & (load < capacity)
        self.seats: IntArray = np.where(taking, capacity - load, 0).astype(np.int64)

        feasible = np.broadcast_to(taking[:, None], shape[::-1]).copy().T
        feasible &= _shares_a_language(mentees, mentors)
        feasible &= _meets_gender_preference(mentees, mentors)
        feasible &= _meets_minimum_years(mentees, mentors)
        mentee_ids = {m.user_id: i for i, m in enumerate(mentees)}
        mentor_ids = {m.user_id: j for j, m in enumerate(mentors)}
        for column, mentor in enumerate(mentors):
            row = mentee_ids.get(mentor.user_id)
            if row is not None:
                feasible[row, column] = False
        for mentee_id, mentor_id in excluded_pairs:
            pair_row, pair_column = mentee_ids.get(mentee_id), mentor_ids.get(mentor_id)
            if pair_row is not None and pair_column is not None:
                feasible[pair_row, pair_column] = False
        self.feasible: BoolMatrix = feasible

        self.common_blocks: BlockCounts = _common_blocks(mentees, mentors, monday)
        self.parts: dict[str, FloatMatrix] = {
            "experience": _experience_part(mentees, mentors),
            "availability": np.minimum(self.common_blocks, _SATURATION_BLOCKS)
            / float(_SATURATION_BLOCKS),
            "load": np.broadcast_to(load_row := _load_part(capacity, load), shape),
            "recovery": _recovery_part(mentees, mentors),
        }
        # The weighted sum in WEIGHTS order, in place: at network scale each full-size
        # temporary costs more than the arithmetic.
        total = np.zeros(shape[::-1], dtype=np.float64).T
        scratch = np.empty(shape[::-1], dtype=np.float64).T
        terms = {**self.parts, "load": load_row}  # the same for every mentee: add one row
        for name, weight in WEIGHTS.items():
            term = terms[name]
            total += weight * term if term.ndim == 1 else np.multiply(term, weight, out=scratch)
        del scratch
        # Float rounding of the weights' sum must not push a perfect pair past 1.
        self.score: FloatMatrix = np.clip(total, 0.0, 1.0, out=total)

    def evaluation(self, i: int, j: int, vocabulary: Vocabulary) -> Evaluation:
        mentee, mentor = self.mentees[i], self.mentors[j]
        parts = {name: float(values[i, j]) for name, values in self.parts.items()}
        reasons = [
            _language_reason(mentee, mentor, vocabulary),
            _experience_reason(mentee, mentor, vocabulary),
            _availability_reason(int(self.common_blocks[i, j])),
            _recovery_reason(mentee, mentor),
            room_reason(int(self.seats[j])),
        ]
        return Evaluation(
            mentor_id=mentor.user_id,
            mentee_id=mentee.user_id,
            score=float(self.score[i, j]),
            parts=parts,
            reasons=tuple(r for r in reasons if r),
        )


def common_times(
    mentee: MenteeNeed, mentor: MentorCandidate, *, week_of: datetime.date
) -> tuple[WeeklySlot, ...]:
    """The weekly windows both are free, in the mentee's own time zone, Monday first: the same
    quarter hours the "in common" reason counts, so the two always agree. A window that runs
    to midnight ends at 23:59, as slots are written."""
    monday = week_of - datetime.timedelta(days=week_of.weekday())
    both = _week_blocks(mentee.availability, mentee.timezone, monday) * _week_blocks(
        mentor.availability, mentor.timezone, monday
    )
    zone = _zone(mentee.timezone)
    origin = datetime.datetime.combine(monday, datetime.time(0), tzinfo=datetime.UTC)
    # Each free quarter hour as (local weekday, minute of the day), then runs of them.
    step = datetime.timedelta(minutes=BLOCK_MINUTES)
    locals_ = [(origin + int(block) * step).astimezone(zone) for block in np.flatnonzero(both)]
    starts = sorted((local.weekday(), local.hour * 60 + local.minute) for local in locals_)
    runs: list[list[int]] = []  # [weekday, first minute, end minute]
    for weekday, minute in starts:
        if runs and runs[-1][0] == weekday and runs[-1][2] == minute:
            runs[-1][2] = minute + BLOCK_MINUTES
        else:
            runs.append([weekday, minute, minute + BLOCK_MINUTES])
    return tuple(
        WeeklySlot(
            weekday=weekday,
            start=datetime.time(first // 60, first % 60),
            end=_END_OF_DAY if end >= 24 * 60 else datetime.time(end // 60, end % 60),
        )
        for weekday, first, end in runs
    )


def _refuse_duplicates(ids: Iterable[uuid.UUID]) -> None:
    seen: set[uuid.UUID] = set()
    for user_id in ids:
        if user_id in seen:
            raise ValueError(f"{user_id} is listed more than once")
        seen.add(user_id)


def _indicators(
    rows: Sequence[AbstractSet[str]], index: Mapping[str, int]
) -> npt.NDArray[np.float64]:
    # Products of these 0/1 rows count shared items: exact in float64 for any count.
    matrix = np.zeros((len(rows), len(index)), dtype=np.float64)
    for r, values in enumerate(rows):
        for value in values:
            column = index.get(value)
            if column is not None:
                matrix[r, column] = 1.0
    return matrix


def _bases(codes: Iterable[str]) -> frozenset[str]:
    return frozenset(language_base(code) for code in codes if code.strip())


def _shares_a_language(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate]
) -> BoolMatrix:
    mentee_bases = [_bases(m.languages) for m in mentees]
    index = {code: k for k, code in enumerate(sorted(set().union(*mentee_bases)))}
    shared = (
        _indicators([_bases(m.languages) for m in mentors], index)
        @ _indicators(mentee_bases, index).T
    )
    return np.asarray(shared > 0, dtype=bool).reshape(len(mentors), len(mentees)).T


def _gender_key(gender: str | None) -> str | None:
    return gender.strip().casefold() if gender and gender.strip() else None


def _meets_gender_preference(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate]
) -> BoolMatrix:
    keys: dict[str, int] = {}
    # -1: no preference; -2: the mentor has not said (never equal to any preference).
    wanted = np.array(
        [
            keys.setdefault(k, len(keys)) if (k := _gender_key(m.preferred_mentor_gender)) else -1
            for m in mentees
        ],
        dtype=np.int64,
    )
    offered = np.array(
        [keys.setdefault(k, len(keys)) if (k := _gender_key(m.gender)) else -2 for m in mentors],
        dtype=np.int64,
    )
    return np.asarray((wanted[None, :] == -1) | (offered[:, None] == wanted[None, :])).T


def _years(values: Iterable[float | None]) -> FloatMatrix:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _meets_minimum_years(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate]
) -> BoolMatrix:
    minimum = _years(m.min_years_in_recovery for m in mentees)[None, :]
    years = _years(m.years_in_recovery for m in mentors)[:, None]
    # An unknown mentor's years never meet a minimum: NaN >= x is False.
    return np.asarray(np.isnan(minimum) | (years >= minimum)).T


def _experience_part(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate]
) -> FloatMatrix:
    needs = [m.needs for m in mentees]
    index = {slug: k for k, slug in enumerate(sorted(set().union(*needs)))}
    shared = _indicators([m.experience_areas for m in mentors], index) @ _indicators(needs, index).T
    share = shared.reshape(len(mentors), len(mentees))
    counts = np.array([len(n) for n in needs], dtype=np.float64)
    share /= np.maximum(counts, 1.0)[None, :]
    share[:, counts == 0] = NEUTRAL_EXPERIENCE
    return share.T


def _load_part(capacity: IntArray, load: IntArray) -> FloatMatrix:
    used = np.divide(
        load.astype(np.float64),
        capacity.astype(np.float64),
        out=np.ones(capacity.shape, dtype=np.float64),
        where=capacity > 0,
    )
    return np.clip(1.0 - used, 0.0, 1.0)


def _recovery_part(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate]
) -> FloatMatrix:
    own = np.nan_to_num(_years(m.years_in_recovery for m in mentees), nan=0.0)
    years = _years(m.years_in_recovery for m in mentors)
    ahead = np.subtract(years[:, None], own[None, :]).reshape(len(mentors), len(mentees))
    ahead /= RECOVERY_CAP_YEARS
    np.clip(ahead, 0.0, 1.0, out=ahead)
    ahead[np.isnan(years)] = UNKNOWN_RECOVERY
    return ahead.T


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _week_blocks(
    slots: Iterable[WeeklySlot], timezone: str, monday: datetime.date
) -> npt.NDArray[np.float32]:
    """Which quarter hours of the reference week, counted from Monday 00:00 UTC and wrapping
    around the week, the slots cover entirely."""
    zone = _zone(timezone)
    origin = datetime.datetime.combine(monday, datetime.time(0), tzinfo=datetime.UTC)
    blocks = np.zeros(_BLOCKS_PER_WEEK, dtype=np.float32)
    block_seconds = BLOCK_MINUTES * 60
    for slot in slots:
        day = monday + datetime.timedelta(days=slot.weekday)
        start = datetime.datetime.combine(day, slot.start, tzinfo=zone)
        if slot.end >= _END_OF_DAY:
            day, end_time = day + datetime.timedelta(days=1), datetime.time(0)
        else:
            end_time = slot.end
        end = datetime.datetime.combine(day, end_time, tzinfo=zone)
        # Aware datetimes in different zones subtract in UTC, so DST is applied per date.
        start_seconds = math.ceil((start - origin).total_seconds())
        end_seconds = math.floor((end - origin).total_seconds())
        first = -(-start_seconds // block_seconds)
        last = end_seconds // block_seconds
        if last > first:
            blocks[np.arange(first, last) % _BLOCKS_PER_WEEK] = 1.0
    return blocks


def _common_blocks(
    mentees: Sequence[MenteeNeed], mentors: Sequence[MentorCandidate], monday: datetime.date
) -> BlockCounts:
    def grid(people: Sequence[tuple[tuple[WeeklySlot, ...], str]]) -> npt.NDArray[np.float32]:
        matrix = np.zeros((len(people), _BLOCKS_PER_WEEK), dtype=np.float32)
        for row, (availability, timezone) in enumerate(people):
            matrix[row] = _week_blocks(availability, timezone, monday)
        return matrix

    # Counts of 0/1 products are exact in float32 (at most 672), and BLAS makes it fast.
    common = (
        grid([(m.availability, m.timezone) for m in mentors])
        @ grid([(m.availability, m.timezone) for m in mentees]).T
    )
    counts: BlockCounts = np.rint(common).astype(np.int16)
    return counts.reshape(len(mentors), len(mentees)).T


def _language_reason(mentee: MenteeNeed, mentor: MentorCandidate, vocabulary: Vocabulary) -> str:
    names = {**LANGUAGE_NAMES, **vocabulary.language_names}
    shared = _bases(mentee.languages) & _bases(mentor.languages)
    return "both speak " + join_words(sorted({names.get(code, code) for code in shared}))


def _experience_reason(
    mentee: MenteeNeed, mentor: MentorCandidate, vocabulary: Vocabulary
) -> str | None:
    shared = mentee.needs & mentor.experience_areas
    if not shared:
        return None
    names = sorted(
        {in_sentence(vocabulary.topic_names.get(slug, slug)) for slug in shared},
        key=lambda name: (name.casefold(), name),
    )
    return "lived experience with " + join_words(names)


def _availability_reason(blocks: int) -> str:
    if blocks == 0:
        return "no weekly time in common yet"
    hours, minutes = divmod(blocks * BLOCK_MINUTES, 60)
    amount = []
    if hours:
        amount.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        amount.append(f"{minutes} minutes")
    return " ".join(amount) + " a week in common"


def _recovery_reason(mentee: MenteeNeed, mentor: MentorCandidate) -> str | None:
    if mentor.years_in_recovery is None:
        return None
    if mentee.years_in_recovery is None:
        # Without the mentee's own years, "further along" would be a guess: say only what is known.
        years = math.floor(mentor.years_in_recovery)
        return f"{years} year{'s' if years != 1 else ''} in recovery" if years >= 1 else None
    ahead = mentor.years_in_recovery - mentee.years_in_recovery
    if ahead <= 0:
        return None
    if ahead < 1:
        return "a little further along in recovery"
    years = math.floor(ahead)
    return f"{years} year{'s' if years != 1 else ''} further along in recovery"
