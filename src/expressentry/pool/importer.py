"""Parsing and assessing many profiles for the pool, in worker processes.

Parsing, scoring and checking programs and categories is Python work, so a bulk import spreads
it over the machine's cores. A worker takes a chunk of lines, validates each one, scores and
checks the chunk column-wise (``assessment.assess_many``, the same rules and results as the
one-profile ``assess_for_pool``) and sends back the rows to write (:class:`ImportRow`): the
database writes stay in the parent, in order, in batches, and the parent does no per-profile
rule work.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple, TypeVar

from expressentry.pool.assessment import PoolAssessment, assess_many
from expressentry.profile.model import Profile, ProfileError, parse_profile
from expressentry.rules.categories import CategoryBook
from expressentry.rules.tables import RuleBook


@dataclass(frozen=True, slots=True)
class Problem:
    number: int
    reason: str
    refused: bool = False


class ImportRow(NamedTuple):
    """A good line, assessed: what the pool writes for it (the profile's first state)."""

    number: int
    profile_id: str
    submitted_at: dt.datetime  # UTC
    document: str  # the validated profile, as ``Profile.model_dump_json`` gives it
    expires_on: dt.date
    crs: int
    crs_document: str
    scored_on: dt.date
    rules_version: str
    programs: int
    nominated: bool
    categories: tuple[str, ...]
    next_change: dt.date


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk step runs.

    The rules allocate many small objects that reference counting frees; the collector's passes
    over the objects alive meanwhile (a chunk of profiles) cost as much as the rules themselves.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(number: int, line: str) -> Profile | Problem | None:
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
    return profile


def assess_rows(
    first: int,
    lines: Sequence[str],
    as_of: dt.date | None,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> list[ImportRow | Problem]:
    """The rows of a chunk of lines (numbered from ``first``), in line order: a problem for a
    bad or refused line, else its row; the profiles assessed column-wise, those scored on the
    same day (the import's date, or the submission date when later) together."""
    with paused_gc():
        out: list[ImportRow | Problem] = []
        groups: dict[dt.date, list[tuple[int, Profile, dt.datetime]]] = {}
        for offset, line in enumerate(lines):
            item = _parse(first + offset, line)
            if item is None:
                continue
            if isinstance(item, Problem):
                out.append(item)
                continue
            submitted_at = item.submitted_at.astimezone(dt.UTC)  # type: ignore[union-attr]
            submitted = submitted_at.date()
            on = max(as_of, submitted) if as_of else submitted
            groups.setdefault(on, []).append((first + offset, item, submitted_at))
        for on, group in groups.items():
            assessed = _assessed(group, on, rulebook, categories)
            for (number, profile, submitted_at), a in zip(group, assessed, strict=True):
                if isinstance(a, Problem):
                    out.append(a)
                    continue
                if not a.eligible:
                    out.append(
                        Problem(
                            number, "not eligible for any program: " + "; ".join(a.reasons), True
                        )
                    )
                    continue
                out.append(
                    ImportRow(
                        number,
                        profile.profile_id,  # type: ignore[arg-type]
                        submitted_at,
                        profile.model_dump_json(),
                        a.expires_on,
                        a.crs,
                        a.crs_document,
                        a.as_of,
                        a.rules_version,
                        a.programs,
                        a.nominated,
                        a.categories,
                        a.next_change,
                    )
                )
        out.sort(key=_number)
        return out


def _assessed(
    group: list[tuple[int, Profile, dt.datetime]],
    on: dt.date,
    rulebook: RuleBook | None,
    categories: CategoryBook | None,
) -> Sequence[PoolAssessment | Problem]:
    """The group's assessments, column-wise; should a profile the model accepted still fail to
    be assessed (a rule's arithmetic overflowing, say), the group is assessed a profile at a
    time and that line alone is reported: an import never stops at one line."""
    try:
        return assess_many(
            [p for _, p, _ in group], [s.date() for _, _, s in group], on, rulebook, categories
        )
    except (ArithmeticError, ValueError, LookupError):
        out: list[PoolAssessment | Problem] = []
        for number, profile, submitted_at in group:
            try:
                (a,) = assess_many([profile], [submitted_at.date()], on, rulebook, categories)
                out.append(a)
            except (ArithmeticError, ValueError, LookupError) as exc:
                out.append(Problem(number, f"(profile): cannot be assessed: {exc}"))
        return out


def _number(item: ImportRow | Problem) -> int:
    return item.number


Chunk = tuple[int, list[str], dt.date | None]


def _rows_worker(args: Chunk) -> list[ImportRow | Problem]:
    first, lines, as_of = args
    return assess_rows(first, lines, as_of)


def categories_json(keys: Sequence[str]) -> str:
    """How a state row stores the categories a profile meets."""
    return json.dumps(list(keys))


def import_rows(
    lines: Iterable[str],
    as_of: dt.date | None = None,
    workers: int | None = None,
    chunk: int = 2000,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> Iterator[ImportRow | Problem]:
    """Every line's row or problem, in line order; ``workers`` processes (default: one per
    core). Rule and category books other than the shipped ones are used in this process only."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or rulebook is not None or categories is not None:
        for args in _chunks(lines, chunk, as_of):
            yield from assess_rows(*args, rulebook, categories)
        return
    for rows in map_in_workers(_rows_worker, _chunks(lines, chunk, as_of), workers):
        yield from rows


A = TypeVar("A")
R = TypeVar("R")


def map_in_workers(worker: Callable[[A], R], items: Iterable[A], workers: int) -> Iterator[R]:
    """``worker(item)`` for every item, in order, computed in ``workers`` processes; ``items``
    is read only a few items ahead of the results taken."""
    with ProcessPoolExecutor(max_workers=workers, initializer=gc.freeze) as executor:
        # a bounded window of items in flight keeps memory flat on millions of profiles
        pending = []
        for item in items:
            pending.append(executor.submit(worker, item))
            if len(pending) >= workers * 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


Stored = tuple[list[str], list[dt.date], dt.date]
"""Stored profiles to assess: their documents, their submission days, and the date."""


def assess_stored(
    args: Stored, rulebook: RuleBook | None = None, categories: CategoryBook | None = None
) -> list[PoolAssessment]:
    """``assess_many`` for profiles as the pool stores them (the bulk rescoring: in a worker
    with the shipped rules, or in the pool's process with its own)."""
    documents, submitted, as_of = args
    with paused_gc():
        return assess_many(
            [parse_profile(d) for d in documents], submitted, as_of, rulebook, categories
        )


def _chunks(lines: Iterable[str], size: int, as_of: dt.date | None) -> Iterator[Chunk]:
    it = iter(lines)
    number = 1
    while chunk := list(islice(it, size)):
        yield number, chunk, as_of
        number += len(chunk)
