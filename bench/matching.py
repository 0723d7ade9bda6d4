"""Batch mentor matching at program scale: the optimal `assign` against a greedy baseline.

Run with `make bench` or `python -m bench.matching [--mentees N --mentors N --seed N
--max-seconds S]`. Exits non-zero when `assign` takes longer than --max-seconds or does worse
than greedy on the objective it optimises (matches first, then total score).
"""

import argparse
import datetime
import math
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from backend.mentoring.matching import (
    Assignment,
    MenteeNeed,
    MentorCandidate,
    Vocabulary,
    WeeklySlot,
    assign,
    score_matrix,
)

TOPICS = {
    "anxiety": "Anxiety",
    "depression": "Depression",
    "bipolar": "Bipolar disorder",
    "grief-and-loss": "Grief and loss",
    "trauma-and-ptsd": "Trauma and PTSD",
    "substance-use": "Substance use and addiction",
    "eating-disorders": "Eating disorders",
    "family-and-caregivers": "Family and caregivers",
    "lgbtq": "LGBTQ+",
    "youth": "Youth",
    "veterans": "Veterans",
    "general-wellbeing": "General wellbeing",
}
# How often each topic comes up: anxiety and depression far more than the rest.
TOPIC_WEIGHTS = np.array([18, 16, 5, 9, 8, 9, 4, 7, 5, 5, 4, 10], dtype=np.float64)
TIMEZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "Europe/London",
    "Europe/Madrid",
]
TIMEZONE_WEIGHTS = np.array([30, 20, 8, 20, 8, 8, 6], dtype=np.float64)
GENDERS = ["woman", "man", "non-binary"]
# Mid-March: the United States already on summer time, Europe not yet.
DEFAULT_WEEK = datetime.date(2027, 3, 15)

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    method: str
    seconds: float
    matched: int
    total_score: float


def _choice(rng: np.random.Generator, options: Sequence[str], weights: np.ndarray) -> str:
    return options[int(rng.choice(len(options), p=weights / weights.sum()))]


def _topics(rng: np.random.Generator, low: int, high: int) -> frozenset[str]:
    slugs = list(TOPICS)
    count = int(rng.integers(low, high + 1))
    picked = rng.choice(
        len(slugs), size=count, replace=False, p=TOPIC_WEIGHTS / TOPIC_WEIGHTS.sum()
    )
    return frozenset(slugs[int(k)] for k in picked)


def _languages(rng: np.random.Generator) -> frozenset[str]:
    draw = rng.random()
    if draw < 0.70:
        return frozenset({"en"})
    if draw < 0.80:
        return frozenset({"en", "es"})
    if draw < 0.90:
        return frozenset({"es-MX" if rng.random() < 0.5 else "es"})
    if draw < 0.95:
        return frozenset({"en", "fr"})
    return frozenset({"fr"})


def _availability(rng: np.random.Generator) -> tuple[WeeklySlot, ...]:
    slots = []
    for _ in range(int(rng.integers(1, 4))):
        weekday = int(rng.integers(0, 7))
        if weekday < 5 and rng.random() < 0.7:
            start_hour = int(rng.integers(17, 21))  # weekday evenings
        else:
            start_hour = int(rng.integers(8, 19))
        length = int(rng.integers(1, 4))
        end_hour = min(start_hour + length, 23)
        slots.append(
            WeeklySlot(
                weekday, datetime.time(start_hour), datetime.time(end_hour, 30 * (length % 2))
            )
        )
    return tuple(slots)


def generate(
    mentee_count: int, mentor_count: int, seed: int
) -> tuple[list[MenteeNeed], list[MentorCandidate], frozenset[tuple[uuid.UUID, uuid.UUID]]]:
    """A seeded, realistic-looking program: the same seed gives the same instance."""
    rng = np.random.default_rng(seed)

    def new_id() -> uuid.UUID:
        return uuid.UUID(bytes=rng.bytes(16), version=4)

    mentors = [
        MentorCandidate(
            user_id=new_id(),
            experience_areas=_topics(rng, 1, 4),
            languages=_languages(rng),
            availability=_availability(rng),
            timezone=_choice(rng, TIMEZONES, TIMEZONE_WEIGHTS),
            capacity=int(rng.integers(1, 5)),
            load=0,
            years_in_recovery=(
                round(float(rng.uniform(0.5, 15.0)), 1) if rng.random() < 0.75 else None
            ),
            gender=GENDERS[int(rng.integers(0, 3))] if rng.random() < 0.85 else None,
        )
        for _ in range(mentor_count)
    ]
    mentees = [
        MenteeNeed(
            user_id=new_id(),
            needs=_topics(rng, 0, 3),
            languages=_languages(rng),
            availability=_availability(rng),
            timezone=_choice(rng, TIMEZONES, TIMEZONE_WEIGHTS),
            preferred_mentor_gender=GENDERS[int(rng.integers(0, 2))]
            if rng.random() < 0.15
            else None,
            min_years_in_recovery=2.0 if rng.random() < 0.10 else None,
            years_in_recovery=round(float(rng.uniform(0, 3)), 1) if rng.random() < 0.3 else None,
        )
        for _ in range(mentee_count)
    ]
    # Earlier declined or ended pairs: about one in ten mentees has one.
    excluded = frozenset(
        (mentees[int(i)].user_id, mentors[int(rng.integers(0, mentor_count))].user_id)
        for i in rng.choice(mentee_count, size=mentee_count // 10, replace=False)
    )
    return mentees, mentors, excluded


def greedy(
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorCandidate],
    excluded: frozenset[tuple[uuid.UUID, uuid.UUID]],
    week_of: datetime.date,
) -> tuple[int, float]:
    """The baseline: repeatedly take the best remaining feasible pair (same scores)."""
    matrix = score_matrix(mentees, mentors, excluded_pairs=excluded, week_of=week_of)
    rows, cols = np.nonzero(matrix.feasible)
    scores = matrix.scores[rows, cols]
    order = np.lexsort((cols, rows, -scores))  # best first; ties by mentee, then mentor
    seats = matrix.seats.copy()
    taken = np.zeros(len(mentees), dtype=bool)
    matched, total = 0, 0.0
    open_seats = int(seats.sum())
    for k in order:
        if open_seats == 0:
            break
        i, j = int(rows[k]), int(cols[k])
        if taken[i] or seats[j] == 0:
            continue
        taken[i] = True
        seats[j] -= 1
        open_seats -= 1
        matched += 1
        total += float(scores[k])
    return matched, total


def _fastest(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    best, result = math.inf, None
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def _broken_rules(
    result: Assignment,
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorCandidate],
    excluded: frozenset[tuple[uuid.UUID, uuid.UUID]],
    week_of: datetime.date,
) -> list[str]:
    """A fast answer is worth nothing if it is wrong: check the proposals keep every rule."""
    matrix = score_matrix(mentees, mentors, excluded_pairs=excluded, week_of=week_of)
    mentee_index = {m.user_id: i for i, m in enumerate(mentees)}
    mentor_index = {m.user_id: j for j, m in enumerate(mentors)}
    problems = []
    pairs = [(mentee_index[p.mentee_id], mentor_index[p.mentor_id]) for p in result.proposals]
    if len({i for i, _ in pairs}) != len(pairs):
        problems.append("a mentee was proposed more than once")
    if any(not matrix.feasible[i, j] for i, j in pairs):
        problems.append("an infeasible pair was proposed")
    if any(
        p.score != matrix.scores[i, j] for p, (i, j) in zip(result.proposals, pairs, strict=True)
    ):
        problems.append("a proposal's score differs from the score matrix")
    taken = Counter(j for _, j in pairs)
    if any(count > matrix.seats[j] for j, count in taken.items()):
        problems.append("a mentor got more mentees than free seats")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20271115)
    parser.add_argument("--week-of", type=datetime.date.fromisoformat, default=DEFAULT_WEEK)
    parser.add_argument("--max-seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3, help="keep the fastest of N runs")
    args = parser.parse_args(argv)

    mentees, mentors, excluded = generate(args.mentees, args.mentors, args.seed)
    vocabulary = Vocabulary(topic_names=TOPICS)
    seats = sum(m.capacity - m.load for m in mentors)
    print(
        f"{len(mentees)} mentees, {len(mentors)} mentors with {seats} free seats, "
        f"{len(excluded)} excluded pairs, week of {args.week_of}, seed {args.seed}"
    )

    def run_assign() -> Assignment:
        return assign(
            mentees, mentors, excluded_pairs=excluded, vocabulary=vocabulary, week_of=args.week_of
        )

    def run_greedy() -> tuple[int, float]:
        return greedy(mentees, mentors, excluded, args.week_of)

    # Warm up (first use of BLAS threads, time zones and scipy), then keep the fastest of
    # --repeat runs of each: other work on the machine only ever adds time.
    warm = generate(20, 5, args.seed)
    assign(warm[0], warm[1], vocabulary=vocabulary, week_of=args.week_of)
    greedy(warm[0], warm[1], warm[2], args.week_of)
    assign_seconds, result = _fastest(run_assign, args.repeat)
    greedy_seconds, (greedy_matched, greedy_total) = _fastest(run_greedy, args.repeat)
    optimal = Outcome("assign (optimal)", assign_seconds, len(result.proposals), result.total_score)
    baseline = Outcome("greedy (best pair first)", greedy_seconds, greedy_matched, greedy_total)
    broken = _broken_rules(result, mentees, mentors, excluded, args.week_of)

    print()
    print(f"{'method':<26} {'seconds':>8} {'matched':>8} {'total score':>12}")
    for outcome in (optimal, baseline):
        print(
            f"{outcome.method:<26} {outcome.seconds:>8.2f} {outcome.matched:>8} "
            f"{outcome.total_score:>12.3f}"
        )
    print()
    score_ratio = (
        optimal.total_score / baseline.total_score if baseline.total_score else float("inf")
    )
    time_ratio = optimal.seconds / baseline.seconds if baseline.seconds else float("inf")
    print(f"optimal / greedy: score {score_ratio:.4f}, time {time_ratio:.2f}")
    print(
        f"mean score per match: optimal {optimal.total_score / max(optimal.matched, 1):.3f}, "
        f"greedy {baseline.total_score / max(baseline.matched, 1):.3f}"
    )

    failures = list(broken)
    if optimal.seconds > args.max_seconds:
        failures.append(
            f"assign took {optimal.seconds:.2f} s, over --max-seconds {args.max_seconds}"
        )
    # assign optimises matches first, then total score; it must never lose to greedy on that.
    if (optimal.matched, optimal.total_score + 1e-9) < (baseline.matched, baseline.total_score):
        failures.append("assign did worse than greedy (matches first, then total score)")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
