"""Parsing and assessing many profiles for the pool, in worker processes.

Parsing, scoring and checking programs and categories is pure Python work on one profile at a
time, so a bulk import spreads it over the machine's cores; the database writes stay in the
parent, in order, in batches.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from expressentry.pool.assessment import PoolAssessment, assess_for_pool
from expressentry.profile.model import Profile, ProfileError, parse_profile
from expressentry.rules.categories import CategoryBook
from expressentry.rules.tables import RuleBook


@dataclass(frozen=True, slots=True)
class Parsed:
    """One good line: the profile and its assessment as of its submission date."""

    number: int
    profile: Profile
    assessment: PoolAssessment


@dataclass(frozen=True, slots=True)
class Problem:
    number: int
    reason: str
    refused: bool = False


def assess_line(
    number: int,
    line: str,
    as_of: dt.date | None,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> Parsed | Problem | None:
    if not line.strip():
        return None
    try:
        profile = parse_profile(line)
    except ProfileError as exc:
        return Problem(number, "; ".join(f"{path}: {reason}" for path, reason in exc.problems))
    if not profile.profile_id:
        return Problem(number, "profile_id: each imported profile needs a profile_id")
    if profile.submitted_at is None:
        return Problem(number, "submitted_at: each imported profile needs its submission time")
    submitted = profile.submitted_at.astimezone(dt.UTC).date()
    on = max(as_of, submitted) if as_of else submitted
    a = assess_for_pool(profile, submitted, on, rulebook, categories)
    if not a.eligible:
        return Problem(number, "not eligible for any program: " + "; ".join(a.reasons), True)
    return Parsed(number, profile, a)


def _chunk_worker(args: tuple[int, list[str], dt.date | None]) -> list[Parsed | Problem]:
    first, lines, as_of = args
    out = []
    for offset, line in enumerate(lines):
        item = assess_line(first + offset, line, as_of)
        if item is not None:
            out.append(item)
    return out


def _chunks(
    lines: Iterable[str], size: int, as_of: dt.date | None
) -> Iterator[tuple[int, list[str], dt.date | None]]:
    it = iter(lines)
    number = 1
    while chunk := list(islice(it, size)):
        yield number, chunk, as_of
        number += len(chunk)


def assess_lines(
    lines: Iterable[str],
    as_of: dt.date | None = None,
    workers: int | None = None,
    chunk: int = 2000,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> Iterator[Parsed | Problem]:
    """Every line's result, in line order; ``workers`` processes (default: one per core).

    Rule and category books other than the shipped ones are used in this process only.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or rulebook is not None or categories is not None:
        for number, line in enumerate(lines, start=1):
            item = assess_line(number, line, as_of, rulebook, categories)
            if item is not None:
                yield item
        return
    with ProcessPoolExecutor(max_workers=workers) as executor:
        # a bounded window of chunks in flight keeps memory flat on files of millions of lines
        pending = []
        for args in _chunks(lines, chunk, as_of):
            pending.append(executor.submit(_chunk_worker, args))
            if len(pending) >= workers * 2:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
