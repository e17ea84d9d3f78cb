"""The Express Entry pool: profiles submitted, updated, withdrawn and expired, with history.

Every change is one transaction: it closes the profile's current state row, opens the new one,
and records an event with the actor, the time and the state before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event, func, insert, select, update

from expressentry.pool.assessment import PoolAssessment, assess_for_pool
from expressentry.pool.changes import documents
from expressentry.pool.importer import categories_json
from expressentry.pool.schema import (
    PROGRAM_BITS,
    category_bits,
    events,
    profile_states,
    profiles,
)
from expressentry.profile.model import Profile
from expressentry.rules.categories import CategoryBook, default_categories
from expressentry.rules.tables import RuleBook, default_rulebook

UTC = dt.UTC


class PoolError(ValueError):
    """A pool operation that cannot be done; the message says why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Timestamps from SQLite come back naive: they are stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _event_row(
    *, at: dt.datetime, recorded_at: dt.datetime, actor: str, kind: str, subject: str,
    before: Any = None, after: Any = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "at": at,
        "recorded_at": recorded_at,
        "actor": actor,
        "kind": kind,
        "subject": subject,
        "before": None if before is None else json.dumps(before, default=str),
        "after": None if after is None else json.dumps(after, default=str),
    }


def record_event(
    conn: Connection,
    *,
    at: dt.datetime,
    actor: str,
    kind: str,
    subject: str,
    before: Any = None,
    after: Any = None,
) -> None:
    row = _event_row(
        at=at, recorded_at=utcnow(), actor=actor, kind=kind, subject=subject,
        before=before, after=after,
    )  # fmt: skip
    conn.execute(insert(events).values(**row))


def record_events(conn: Connection, actor: str, entries: Sequence[dict[str, Any]]) -> None:
    """``record_event`` for many events at once (``at``, ``kind``, ``subject``, ``before`` and
    ``after`` each), written in bulk."""
    from expressentry.pool.bulk import insert_rows

    recorded = utcnow()
    insert_rows(conn, events, [_event_row(recorded_at=recorded, actor=actor, **e) for e in entries])


@dataclass(frozen=True)
class SubmitResult:
    profile_id: str
    entered: bool
    crs: int | None
    reasons: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass
class ImportReport:
    imported: int = 0
    refused: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    #: how many of ``problems`` the audit events have recorded so far
    recorded: int = 0

    @property
    def bad(self) -> int:
        return len(self.problems)


def _state_summary(row: Any) -> dict[str, Any]:
    return _summary_values(row._mapping)


class Pool:
    """The pool in one database."""

    def __init__(
        self,
        engine: Engine,
        rulebook: RuleBook | None = None,
        categories: CategoryBook | None = None,
    ) -> None:
        self.engine = engine
        self.rulebook = rulebook or default_rulebook()
        self.categories = categories or default_categories()
        self._bits: dict[str, int] = {}
        # a bit created in a transaction that is rolled back (a round's preview) must not stay
        # cached: forget the cache on every rollback (it is re-read from category_bits)
        bits = self._bits
        event.listen(engine, "rollback", lambda _conn: bits.clear())

    # --- category bits ------------------------------------------------------------------------

    def category_bits(self, conn: Connection, keys: Iterable[str]) -> dict[str, int]:
        """A stable bit for every category key, created on first sight."""
        wanted = set(keys) - set(self._bits)
        if wanted:
            for key, bit in conn.execute(select(category_bits.c.key, category_bits.c.bit)):
                self._bits[key] = bit
            for key in sorted(wanted - set(self._bits)):
                bit = max(self._bits.values(), default=-1) + 1
                if bit > 62:
                    raise PoolError("more than 63 category versions: widen category_mask")
                conn.execute(insert(category_bits).values(key=key, bit=bit))
                self._bits[key] = bit
        return self._bits

    def mask(self, conn: Connection, keys: Sequence[str]) -> int:
        bits = self.category_bits(conn, keys)
        out = 0
        for key in keys:
            out |= 1 << bits[key]
        return out

    # --- reading ------------------------------------------------------------------------------

    def _pk(self, conn: Connection, profile_id: str) -> int:
        pk = conn.scalar(select(profiles.c.pk).where(profiles.c.profile_id == profile_id))
        if pk is None:
            raise PoolError(f"no profile {profile_id!r} in the pool")
        return int(pk)

    @staticmethod
    def _last_round_at(conn: Connection) -> dt.datetime | None:
        from expressentry.pool.schema import rounds

        latest = conn.scalar(select(func.max(rounds.c.held_at)))
        return as_utc(latest) if latest is not None else None

    def _current(self, conn: Connection, pk: int) -> Any:
        return conn.execute(
            select(profile_states).where(
                profile_states.c.profile_pk == pk, profile_states.c.valid_to.is_(None)
            )
        ).one()

    def show(self, profile_id: str, *, with_profile: bool = False) -> dict[str, Any]:
        """The profile's current state; ``with_profile`` adds the profile itself (``profile``)."""
        with self.engine.connect() as conn:
            pk = self._pk(conn, profile_id)
            row = self._current(conn, pk)
        shown = {
            "profile_id": profile_id,
            "submitted_at": as_utc(row.submitted_at).isoformat(),
            "status": row.status,
            "version": row.version,
            "crs": row.crs,
            "score": json.loads(row.crs_document),
            "scored_on": row.scored_on.isoformat(),
            "rules_version": row.rules_version,
            "programs": [name for name, bit in PROGRAM_BITS.items() if row.programs & bit],
            "provincial_nomination": row.nominated,
            "categories": json.loads(row.categories),
            # the day it leaves the pool for time: 12 months from submission
            "expires_on": row.expires_on.isoformat(),
            # the first day its assessment can change by time alone (re-assessed then)
            "next_change": row.next_change.isoformat() if row.next_change else None,
            # what it relies on, and the day each stops counting
            "documents": documents(
                Profile.model_validate_json(row.document),
                self.rulebook,
                self.rulebook["programs.eca_validity"].at(row.scored_on)["years"],
            ),
        }
        if with_profile:
            shown["profile"] = json.loads(row.document)
        return shown

    def history(self, profile_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            pk = self._pk(conn, profile_id)
            rows = conn.execute(
                select(profile_states)
                .where(profile_states.c.profile_pk == pk)
                .order_by(profile_states.c.pk)
            ).all()
        return [
            {
                "version": r.version,
                "status": r.status,
                "valid_from": as_utc(r.valid_from).isoformat(),
                "valid_to": as_utc(r.valid_to).isoformat() if r.valid_to else None,
                "crs": r.crs,
                "actor": r.actor,
                "reason": r.reason,
            }
            for r in rows
        ]

    def list(self, status: str | None = "in_pool", limit: int = 50) -> list[dict[str, Any]]:
        query = (
            select(
                profiles.c.profile_id,
                profile_states.c.crs,
                profile_states.c.status,
                profile_states.c.submitted_at,
                profile_states.c.expires_on,
            )
            .join(profiles, profiles.c.pk == profile_states.c.profile_pk)
            .where(profile_states.c.valid_to.is_(None))
            .order_by(
                profile_states.c.crs.desc(),
                profile_states.c.submitted_at,
                profile_states.c.profile_pk,
            )
            .limit(limit)
        )
        if status:
            query = query.where(profile_states.c.status == status)
        with self.engine.connect() as conn:
            return [
                {
                    "profile_id": r.profile_id,
                    "crs": r.crs,
                    "status": r.status,
                    "submitted_at": as_utc(r.submitted_at).isoformat(),
                    "expires_on": r.expires_on.isoformat(),
                }
                for r in conn.execute(query)
            ]

    def stats(self, at: dt.datetime | None = None) -> dict[str, Any]:
        """Size by status, the CRS distribution in IRCC's bands and eligibility per category,
        as of ``at`` (default: now): the profiles whose assessment can have changed by then
        are re-assessed first, in a transaction rolled back afterwards (nothing is written)."""
        at = as_utc(at or utcnow())
        with self.engine.connect() as conn:
            trans = conn.begin()
            try:
                if self.due_count(conn, at):
                    self.reassess_due(conn, at, actor="stats")
                return self._stats(conn, at)
            finally:
                trans.rollback()

    def _stats(self, conn: Connection, at: dt.datetime) -> dict[str, Any]:
        from expressentry.rounds.bands import distribution

        s = profile_states.c
        # in the pool at ``at``: submitted before it, within its 12 months, meeting a program
        in_pool = [
            s.valid_to.is_(None),
            s.status == "in_pool",
            s.submitted_at < at,
            s.expires_on > at.date(),
            s.programs != 0,
        ]
        by_status = dict(
            conn.execute(
                select(s.status, func.count()).where(s.valid_to.is_(None)).group_by(s.status)
            ).all()
        )
        counts = conn.execute(select(s.crs, func.count()).where(*in_pool).group_by(s.crs)).all()
        bits = dict(conn.execute(select(category_bits.c.key, category_bits.c.bit)).all())
        per_category = {}
        for key, bit in sorted(bits.items()):
            per_category[key] = conn.scalar(
                select(func.count()).where(*in_pool, s.category_mask.op("&")(1 << bit) != 0)
            )
        in_pool_count = sum(n for _, n in counts)
        return {
            "as_of": at.isoformat().replace("+00:00", "Z"),
            "by_status": by_status,
            "in_pool": in_pool_count,
            "distribution": distribution(counts),
            "eligible_by_category": per_category,
        }

    # --- writing ------------------------------------------------------------------------------

    def _assess(self, profile: Profile, submitted: dt.date, as_of: dt.date) -> PoolAssessment:
        return assess_for_pool(profile, submitted, as_of, self.rulebook, self.categories)

    def _state_values(
        self,
        conn: Connection,
        *,
        pk: int,
        version: int,
        at: dt.datetime,
        status: str,
        submitted_at: dt.datetime,
        document: str,
        a: PoolAssessment,
        actor: str,
        reason: str,
    ) -> dict[str, Any]:
        return {
            "profile_pk": pk,
            "version": version,
            "valid_from": at,
            "valid_to": None,
            "status": status,
            "submitted_at": submitted_at,
            "expires_on": a.expires_on,
            "document": document,
            "crs": a.crs,
            "crs_document": a.crs_document,
            "scored_on": a.as_of,
            "rules_version": a.rules_version,
            "programs": a.programs,
            "nominated": a.nominated,
            "category_mask": self.mask(conn, a.categories),
            "categories": categories_json(a.categories),
            "actor": actor,
            "reason": reason,
            "next_change": a.next_change,
        }

    def submit(
        self, profile: Profile, *, at: dt.datetime | None = None, actor: str = "candidate"
    ) -> SubmitResult:
        """Enter a profile in the pool if it meets a program's minimum criteria."""
        submitted_at = as_utc(profile.submitted_at or at or utcnow())
        at = as_utc(at or submitted_at)
        if not profile.profile_id:
            raise PoolError("profile_id: a profile submitted to the pool needs a profile_id")
        a = self._assess(profile, submitted_at.date(), at.date())
        with self.engine.begin() as conn:
            lock_changes(conn)
            exists = conn.scalar(
                select(profiles.c.pk).where(profiles.c.profile_id == profile.profile_id)
            )
            if exists is not None:
                raise PoolError(
                    f"profile_id: {profile.profile_id!r} is already in the pool; "
                    "use update to change it"
                )
            if not a.eligible:
                record_event(
                    conn,
                    at=at,
                    actor=actor,
                    kind="profile.refused",
                    subject=f"profile:{profile.profile_id}",
                    after={"reasons": list(a.reasons)},
                )
                return SubmitResult(profile.profile_id, False, a.crs, a.reasons)
            pk = conn.execute(
                insert(profiles).values(profile_id=profile.profile_id, submitted_at=submitted_at)
            ).inserted_primary_key[0]
            values = self._state_values(
                conn,
                pk=pk,
                version=1,
                # the pool's record starts at submission, or after the latest round held: a
                # round already held cannot have seen it (submitted_at still breaks ties)
                at=max(submitted_at, self._last_round_at(conn) or submitted_at),
                status="in_pool",
                submitted_at=submitted_at,
                document=profile.model_dump_json(),
                a=a,
                actor=actor,
                reason="submitted",
            )
            conn.execute(insert(profile_states).values(**values))
            record_event(
                conn,
                at=submitted_at,
                actor=actor,
                kind="profile.submitted",
                subject=f"profile:{profile.profile_id}",
                after={"crs": a.crs, "programs": a.programs, "categories": list(a.categories)},
            )
        return SubmitResult(profile.profile_id, True, a.crs, (), a.categories)

    def _change(
        self,
        conn: Connection,
        pk: int,
        *,
        at: dt.datetime,
        actor: str,
        reason: str,
        status: str | None = None,
        profile: Profile | None = None,
        assessment: PoolAssessment | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Close the current state of a profile and open the next one."""
        self._check_change_time(conn, at)
        row = self._current(conn, pk)
        values = self._next_state(
            conn,
            row,
            at=at,
            actor=actor,
            reason=reason,
            status=status,
            profile=profile,
            assessment=assessment,
        )
        conn.execute(
            update(profile_states).where(profile_states.c.pk == row.pk).values(valid_to=at)
        )
        conn.execute(insert(profile_states).values(**values))
        return row, values

    def _change_many(
        self,
        conn: Connection,
        rows: Sequence[Any],
        assessments: Sequence[PoolAssessment],
        *,
        at: dt.datetime,
        actor: str,
        reason: str,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        """``_change`` with a new assessment for many profiles at once: ``rows`` are their
        current states (every column); they are closed and the next ones written in bulk (with
        ``status`` when given). Returns the new states' values."""
        from expressentry.pool.bulk import among, insert_tuples

        if not rows:
            return []
        self._check_change_time(conn, at)
        columns = [c.name for c in profile_states.columns if c.name != "pk"]
        states = [
            self._next_state(
                conn, row, at=at, actor=actor, reason=reason, status=status, assessment=a
            )
            for row, a in zip(rows, assessments, strict=True)
        ]
        conn.execute(
            update(profile_states)
            .where(among(conn, profile_states.c.pk, [row.pk for row in rows]))
            .values(valid_to=at)
        )
        insert_tuples(conn, profile_states, columns, [tuple(v[c] for c in columns) for v in states])
        return states

    def _check_change_time(self, conn: Connection, at: dt.datetime) -> None:
        last_round = self._last_round_at(conn)
        if last_round is not None and at < last_round:
            raise PoolError(
                f"at: {at.isoformat()} is before the latest round of invitations "
                f"({last_round.isoformat()}); a change cannot be dated before a round already held"
            )

    def _next_state(
        self,
        conn: Connection,
        row: Any,
        *,
        at: dt.datetime,
        actor: str,
        reason: str,
        status: str | None = None,
        profile: Profile | None = None,
        assessment: PoolAssessment | None = None,
    ) -> dict[str, Any]:
        """The state that follows ``row`` (a current state) from ``at``."""
        if as_utc(row.valid_from) > at:
            raise PoolError(
                f"at: {at.isoformat()} is before the profile's last change "
                f"({as_utc(row.valid_from).isoformat()})"
            )
        values = {c.name: getattr(row, c.name) for c in profile_states.columns if c.name != "pk"}
        values.update(valid_from=at, valid_to=None, actor=actor, reason=reason)
        if status is not None:
            values["status"] = status
        if profile is not None:
            values["document"] = profile.model_dump_json()
            values["version"] = row.version + 1
        if assessment is not None:
            a = assessment
            values.update(
                crs=a.crs,
                crs_document=a.crs_document,
                scored_on=a.as_of,
                rules_version=a.rules_version,
                programs=a.programs,
                nominated=a.nominated,
                category_mask=self.mask(conn, a.categories),
                categories=categories_json(a.categories),
                expires_on=a.expires_on,
                next_change=a.next_change,
            )
        return values

    def update(
        self,
        profile: Profile,
        *,
        at: dt.datetime | None = None,
        actor: str = "candidate",
    ) -> SubmitResult:
        """Replace a profile's content; it is rescored, and keeps its submission time."""
        if not profile.profile_id:
            raise PoolError("profile_id: the profile to update needs its profile_id")
        with self.engine.begin() as conn:
            lock_changes(conn)
            at = as_utc(at or utcnow())  # now, after any round this change waited for
            pk = self._pk(conn, profile.profile_id)
            row = self._current(conn, pk)
            if row.status != "in_pool":
                raise PoolError(
                    f"profile {profile.profile_id!r} is {row.status.replace('_', ' ')}; "
                    "only a profile in the pool can be updated"
                )
            submitted_at = as_utc(row.submitted_at)
            # the submission time that breaks ties never changes
            if profile.submitted_at is not None and as_utc(profile.submitted_at) != submitted_at:
                profile = profile.model_copy(update={"submitted_at": submitted_at})
            a = self._assess(profile, submitted_at.date(), at.date())
            status = "in_pool" if a.eligible else "ineligible"
            before, after = self._change(
                conn,
                pk,
                at=at,
                actor=actor,
                reason="updated",
                status=status,
                profile=profile,
                assessment=a,
            )
            record_event(
                conn,
                at=at,
                actor=actor,
                kind="profile.updated",
                subject=f"profile:{profile.profile_id}",
                before=_state_summary(before),
                after=_summary_values(after),
            )
        return SubmitResult(profile.profile_id, a.eligible, a.crs, a.reasons, a.categories)

    def set_status(
        self,
        profile_id: str,
        status: str,
        *,
        at: dt.datetime | None = None,
        actor: str,
        reason: str,
        allowed_from: tuple[str, ...] = ("in_pool",),
    ) -> None:
        with self.engine.begin() as conn:
            lock_changes(conn)
            at = as_utc(at or utcnow())  # now, after any round this change waited for
            pk = self._pk(conn, profile_id)
            row = self._current(conn, pk)
            if row.status not in allowed_from:
                raise PoolError(
                    f"profile {profile_id!r} is {row.status.replace('_', ' ')}; "
                    f"it cannot be {reason}"
                )
            before, after = self._change(conn, pk, at=at, actor=actor, reason=reason, status=status)
            record_event(
                conn,
                at=at,
                actor=actor,
                kind=f"profile.{reason}",
                subject=f"profile:{profile_id}",
                before=_state_summary(before),
                after=_summary_values(after),
            )

    def withdraw(
        self, profile_id: str, *, at: dt.datetime | None = None, actor: str = "candidate"
    ) -> None:
        self.set_status(
            profile_id,
            "withdrawn",
            at=at,
            actor=actor,
            reason="withdrawn",
            allowed_from=("in_pool", "ineligible"),
        )

    def expire_due(self, at: dt.datetime | None = None, actor: str = "system") -> int:
        """Profiles whose 12 months (or language result, or ECA) have run out leave the pool."""
        at = as_utc(at or utcnow())
        with self.engine.begin() as conn:
            lock_changes(conn)
            due = conn.execute(
                select(profile_states.c.profile_pk, profiles.c.profile_id)
                .join(profiles, profiles.c.pk == profile_states.c.profile_pk)
                .where(
                    profile_states.c.valid_to.is_(None),
                    profile_states.c.status.in_(("in_pool", "ineligible")),
                    profile_states.c.expires_on <= at.date(),
                )
            ).all()
            for pk, profile_id in due:
                before, after = self._change(
                    conn, pk, at=at, actor=actor, reason="expired", status="expired"
                )
                record_event(
                    conn,
                    at=at,
                    actor=actor,
                    kind="profile.expired",
                    subject=f"profile:{profile_id}",
                    before=_state_summary(before),
                    after=_summary_values(after),
                )
        return len(due)

    def rescore(
        self,
        as_of: dt.date,
        *,
        actor: str = "system",
        batch: int = 2000,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Recompute the score, programs and categories of every profile in the pool as of a
        date (after a rule change, or before rounds), in one transaction. Returns how many
        changed: each gets a new state and a ``profile.rescored`` event; the others keep their
        state, marked scored on the date.

        The pool is read a page of ``batch`` profiles at a time, so memory stays flat on
        millions of profiles; with the shipped rules the pages of a large pool are assessed in
        ``workers`` processes (default: one per core). ``progress(done, total)`` is told of each
        page written.
        """
        from expressentry.pool.bulk import lock_pool, lock_writes

        at = dt.datetime.combine(as_of, dt.time(0, 0), UTC)
        with self.engine.begin() as conn:
            lock_writes(conn, "profiles")
            lock_pool(conn, exclusive=True)  # it rewrites states a round would choose from
            # never rewrite the pool as it stood at a round already held (round verify reads
            # it back): a rescoring as of a round's own day takes effect just after that round
            last_round = self._last_round_at(conn)
            start = at
            if last_round is not None:
                start = max(at, last_round + dt.timedelta(microseconds=1))
            total = self._current_count(conn)
            if workers is None:  # processes pay for themselves on a large pool only
                workers = (os.cpu_count() or 1) if total >= PARALLEL_RESCORING else 1
            seen, changed = self._reassess_pages(
                conn,
                self._current_pages(conn, batch),
                as_of,
                start=start,
                actor=actor,
                workers=workers,
                progress=None if progress is None else (lambda done: progress(done, total)),
            )
            record_event(
                conn,
                at=at,
                actor=actor,
                kind="pool.rescored",
                subject="pool",
                after={"as_of": as_of, "profiles": seen, "changed": changed},
            )
        return changed

    def _reassess_pages(
        self,
        conn: Connection,
        pages_in: Iterable[list[Any]],
        as_of: dt.date,
        *,
        start: dt.datetime,
        actor: str,
        workers: int,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[int, int]:
        """Assess pages of current states (with their profile_id) as of a day, column-wise, in
        ``workers`` processes with the shipped rules, and record each page
        (``_record_rescoring``); (profiles seen, profiles changed)."""
        from collections import deque

        from expressentry.pool.importer import assess_stored, map_in_workers

        shipped = self.rulebook is default_rulebook() and self.categories is default_categories()
        pages: deque[list[Any]] = deque()
        changed = seen = 0

        def work() -> Iterable[tuple[list[str], list[dt.date], dt.date]]:
            for rows in pages_in:
                pages.append(rows)
                yield (
                    [r.document for r in rows],
                    [as_utc(r.submitted_at).date() for r in rows],
                    as_of,
                )

        if shipped and workers > 1:
            assessed: Iterable[list[PoolAssessment]] = map_in_workers(
                assess_stored, work(), workers
            )
        else:
            assessed = (assess_stored(item, self.rulebook, self.categories) for item in work())
        for assessments in assessed:
            rows = pages.popleft()
            seen += len(rows)
            changed += self._record_rescoring(conn, rows, assessments, start=start, actor=actor)
            if progress is not None:
                progress(seen)
        return seen, changed

    @staticmethod
    def _due(at: dt.datetime) -> list[list[Any]]:
        """The profiles in the pool at ``at`` whose assessment is not known to hold on ``at``'s
        day: its next-change day has come, or it was made as of a later day. Two conditions,
        each read from its own index (an OR of the two would read the pool)."""
        s = profile_states.c
        day = at.date()
        current = [s.valid_to.is_(None), s.status == "in_pool", s.valid_from <= at]
        return [[*current, s.next_change <= day], [*current, s.scored_on > day]]

    def _due_pks(self, conn: Connection, at: dt.datetime) -> list[int]:
        s = profile_states.c
        found: set[int] = set()
        for condition in self._due(at):
            found.update(conn.scalars(select(s.profile_pk).where(*condition)))
        return sorted(found)

    def due_count(self, conn: Connection, at: dt.datetime) -> int:
        return len(self._due_pks(conn, at))

    def reassess_due(
        self,
        conn: Connection,
        at: dt.datetime,
        *,
        actor: str = "system",
        batch: int = 2000,
        workers: int | None = None,
    ) -> int:
        """Re-assess, as of ``at``'s day, exactly the profiles in the pool whose assessment can
        have changed by then (their next-change day has come), in the caller's transaction, so
        that a round, a preview or the statistics read assessments valid at ``at``. Each one
        that changed gets a new state from ``at`` with its reason (``rescored``; ``ineligible``
        when it meets no program any more, which takes it out of the pool; ``expired`` at the
        end of its 12 months), and an event; the others are marked scored that day. Returns how
        many were re-assessed."""
        from expressentry.pool.bulk import among

        s = profile_states.c
        # the indexes of next-change and scored days find them (few, usually) without reading
        # the pool
        due = self._due_pks(conn, at)
        if not due:
            return 0
        if workers is None:
            workers = (os.cpu_count() or 1) if len(due) >= PARALLEL_RESCORING else 1

        def pages() -> Iterator[list[Any]]:
            for first in range(0, len(due), batch):
                yield conn.execute(
                    select(profile_states, profiles.c.profile_id)
                    .join(profiles, profiles.c.pk == s.profile_pk)
                    .where(
                        among(conn, s.profile_pk, due[first : first + batch]),
                        s.valid_to.is_(None),
                    )
                    .order_by(s.profile_pk)
                ).all()

        seen, changed = self._reassess_pages(
            conn, pages(), at.date(), start=at, actor=actor, workers=workers
        )
        record_event(
            conn,
            at=at,
            actor=actor,
            kind="pool.reassessed",
            subject="pool",
            after={"as_of": at.date(), "profiles": seen, "changed": changed},
        )
        return seen

    @staticmethod
    def _current_count(conn: Connection) -> int:
        return conn.scalar(
            select(func.count()).where(
                profile_states.c.valid_to.is_(None),
                profile_states.c.status.in_(("in_pool", "invited")),
            )
        )

    @staticmethod
    def _current_pages(conn: Connection, size: int) -> Iterator[list[Any]]:
        """The current states of the profiles in the pool or invited (with their profile_id),
        ``size`` at a time, by profile: the pages are disjoint, so a page may be read before
        the ones ahead of it are written, and the new states written never come round again."""
        after = 0
        while True:
            rows = conn.execute(
                select(profile_states, profiles.c.profile_id)
                .join(profiles, profiles.c.pk == profile_states.c.profile_pk)
                .where(
                    profile_states.c.profile_pk > after,
                    profile_states.c.valid_to.is_(None),
                    profile_states.c.status.in_(("in_pool", "invited")),
                )
                .order_by(profile_states.c.profile_pk)
                .limit(size)
            ).all()
            if not rows:
                return
            after = rows[-1].profile_pk
            yield rows

    def _record_rescoring(
        self,
        conn: Connection,
        rows: Sequence[Any],
        assessments: Sequence[PoolAssessment],
        *,
        start: dt.datetime,
        actor: str,
    ) -> int:
        """Write a page of the rescoring: a new state and an event for each profile whose
        score, programs, categories or expiry changed; the date scored for the others."""
        from sqlalchemy import bindparam

        from expressentry.pool.bulk import among

        same: dict[tuple[dt.date, str, dt.date], list[int]] = {}
        moved: dict[tuple[dt.datetime, str | None, str], tuple[list[Any], list[PoolAssessment]]]
        moved = {}
        for row, a in zip(rows, assessments, strict=True):
            status, reason = _outcome(row.status, a)
            if (
                status is None
                and a.crs == row.crs
                and a.programs == row.programs
                and categories_json(a.categories) == row.categories
                and a.expires_on == row.expires_on
            ):
                same.setdefault((a.as_of, a.rules_version, a.next_change), []).append(row.pk)
                continue
            group = moved.setdefault((max(start, as_utc(row.valid_from)), status, reason), ([], []))
            group[0].append(row)
            group[1].append(a)
        # the same state, marked scored that day (and when it can next change)
        if len(same) <= 8:
            for (scored_on, version, next_day), pks in same.items():
                conn.execute(
                    update(profile_states)
                    .where(among(conn, profile_states.c.pk, pks))
                    .values(scored_on=scored_on, rules_version=version, next_change=next_day)
                )
        else:
            conn.execute(
                update(profile_states)
                .where(profile_states.c.pk == bindparam("b_pk"))
                .values(
                    scored_on=bindparam("b_scored_on"),
                    rules_version=bindparam("b_version"),
                    next_change=bindparam("b_next"),
                ),
                [
                    {"b_pk": pk, "b_scored_on": key[0], "b_version": key[1], "b_next": key[2]}
                    for key, pks in same.items()
                    for pk in pks
                ],
            )
        log = []
        for (when, status, reason), (changed_rows, changed) in moved.items():
            states = self._change_many(
                conn, changed_rows, changed, at=when, actor=actor, reason=reason, status=status
            )
            for row, state, a in zip(changed_rows, states, changed, strict=True):
                after = _summary_values(state)
                if a.reasons and status == "ineligible":
                    after["reasons"] = list(a.reasons)
                log.append(
                    {
                        "at": when,
                        "kind": f"profile.{reason}",
                        "subject": f"profile:{row.profile_id}",
                        "before": _state_summary(row),
                        "after": after,
                    }
                )
        record_events(conn, actor, log)
        return len(log)

    # --- bulk import ----------------------------------------------------------------------------

    def import_lines(
        self,
        lines: Iterable[str],
        *,
        as_of: dt.date | None = None,
        actor: str = "import",
        batch: int = 5000,
        workers: int | None = None,
        source: str | None = None,
    ) -> ImportReport:
        """Import profiles of the exchange format, one a line, each with its profile_id and
        submitted_at. Good lines are imported; every bad line is reported by number and reason.

        Profiles are scored and checked as of ``as_of`` (default: today), or as of their
        submission date when that is later. Lines are parsed and assessed in ``workers``
        processes (default: one per core) when the pool uses the shipped rules, column-wise a
        chunk at a time; writes happen here, in batches (one transaction and one
        ``pool.imported`` event each), in line order. Into an empty pool, the ranking indexes
        are built once, after the rows (``bulk.indexes_built_after``).
        """
        from expressentry.pool.bulk import after_bulk_load, bulk_load, indexes_built_after
        from expressentry.pool.importer import ImportRow, import_rows

        as_of = as_of or utcnow().date()
        shipped = self.rulebook is default_rulebook() and self.categories is default_categories()
        books = (None, None) if shipped else (self.rulebook, self.categories)
        report = ImportReport()
        pending: list[ImportRow] = []
        seen: set[str] = set()
        rows = import_rows(lines, as_of, workers, rulebook=books[0], categories=books[1])
        with (
            self.engine.connect() as conn,
            bulk_load(conn),
            indexes_built_after(conn, profile_states, profiles),
        ):
            for item in rows:
                if not isinstance(item, ImportRow):
                    report.problems.append((item.number, item.reason))
                    report.refused += item.refused
                    continue
                if item.profile_id in seen:
                    report.problems.append(
                        (item.number, f"profile_id: {item.profile_id!r} appears twice in the file")
                    )
                    continue
                seen.add(item.profile_id)
                pending.append(item)
                if len(pending) >= batch:
                    self._write_batch(conn, pending, actor, report, source)
                    pending = []
            if pending or len(report.problems) > report.recorded:
                self._write_batch(conn, pending, actor, report, source)
        if report.imported >= BULK_LOAD_ROWS:
            after_bulk_load(self.engine, (profiles, profile_states))
        return report

    def _write_batch(
        self,
        conn: Connection,
        pending: list[Any],
        actor: str,
        report: ImportReport,
        source: str | None = None,
    ) -> None:
        """Write a batch of ``ImportRow``: the profiles and their first states, in one
        transaction; profile_ids already in the pool are reported, not written. Its
        ``pool.imported`` event names the file, the lines, the profiles written and the lines
        reported since the previous batch, each with its reason."""
        from expressentry.pool.bulk import existing, insert_tuples, lock_writes

        with conn.begin():
            lock_writes(conn, "profiles")
            taken = existing(conn, profiles, "profile_id", [row.profile_id for row in pending])
            fresh = []
            for row in pending:
                if row.profile_id in taken:
                    report.problems.append(
                        (row.number, f"profile_id: {row.profile_id!r} is already in the pool")
                    )
                else:
                    fresh.append(row)
            if not fresh:
                self._record_import(conn, actor, report, source, pending, [], None)
                return
            last_round = self._last_round_at(conn)
            start = conn.scalar(select(func.coalesce(func.max(profiles.c.pk), 0))) + 1
            # the category columns of each distinct set of categories, computed once
            stored: dict[tuple[str, ...], tuple[int, str]] = {}
            identity = []
            states = []
            for pk, row in enumerate(fresh, start=start):
                submitted = row.submitted_at
                category = stored.get(row.categories)
                if category is None:
                    category = (self.mask(conn, row.categories), categories_json(row.categories))
                    stored[row.categories] = category
                identity.append((pk, row.profile_id, submitted))
                # the pool's record starts at submission, or after the latest round held
                at = submitted if last_round is None or submitted > last_round else last_round
                states.append(
                    (pk, 1, at, None, "in_pool", submitted, row.expires_on, row.document,
                     row.crs, row.crs_document, row.scored_on, row.rules_version, row.programs,
                     row.nominated, *category, actor, "imported", row.next_change)
                )  # fmt: skip
            insert_tuples(conn, profiles, IDENTITY_COLUMNS, identity)
            insert_tuples(conn, profile_states, STATE_COLUMNS, states)
            self._record_import(conn, actor, report, source, pending, fresh, start)
            report.imported += len(fresh)

    @staticmethod
    def _record_import(
        conn: Connection,
        actor: str,
        report: ImportReport,
        source: str | None,
        pending: Sequence[Any],
        fresh: Sequence[Any],
        first_pk: int | None,
    ) -> None:
        reported = report.problems[report.recorded :]
        report.recorded = len(report.problems)
        numbers = [row.number for row in pending] + [n for n, _ in reported]
        record_event(
            conn,
            at=utcnow(),
            actor=actor,
            kind="pool.imported",
            subject="pool",
            after={
                "source": source,
                "lines": [min(numbers), max(numbers)] if numbers else None,
                "profiles": len(fresh),
                "first_pk": first_pk,
                "profile_ids": [row.profile_id for row in fresh],
                "lines_reported": len(reported),
                "reported": [[n, reason[:300]] for n, reason in reported],
            },
        )


#: a rescoring of at least this many profiles assesses them in worker processes
PARALLEL_RESCORING = 20_000

#: imports of at least this many profiles are bulk loads: the tables are vacuumed and analyzed
#: afterwards (``bulk.after_bulk_load``); smaller ones are left to autovacuum
BULK_LOAD_ROWS = 10_000

#: the columns an import writes, in the order of its rows (``Pool._write_batch``)
IDENTITY_COLUMNS = ("pk", "profile_id", "submitted_at")
STATE_COLUMNS = (
    "profile_pk", "version", "valid_from", "valid_to", "status", "submitted_at", "expires_on",
    "document", "crs", "crs_document", "scored_on", "rules_version", "programs", "nominated",
    "category_mask", "categories", "actor", "reason", "next_change",
)  # fmt: skip


def _outcome(status: str, a: PoolAssessment) -> tuple[str | None, str]:
    """The status and reason of the state a re-assessment opens for a profile now ``status``:
    a profile in the pool leaves it at the end of its 12 months (MI s. 4(1)), or when it meets
    no program any more; an invited one keeps its invitation (the application is checked)."""
    if status != "in_pool":
        return None, "rescored"
    if a.expires_on <= a.as_of:
        return "expired", "expired"
    if not a.eligible:
        return "ineligible", "ineligible"
    return None, "rescored"


def lock_changes(conn: Connection) -> None:
    """A change of profiles' states waits for a round in progress (``bulk.lock_pool``)."""
    from expressentry.pool.bulk import lock_pool

    lock_pool(conn, exclusive=False)


def _summary_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "version": values["version"],
        "status": values["status"],
        "crs": values["crs"],
        "programs": values["programs"],
        "categories": json.loads(values["categories"]),
        "expires_on": values["expires_on"],
    }
