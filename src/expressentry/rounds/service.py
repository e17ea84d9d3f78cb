"""Rounds of invitations: preview, run (one transaction, idempotent), list, show and verify.

Selection (MI respecting invitations; canada.ca "Express Entry rounds of invitations"): the
candidates in the pool at the round's time, eligible for the round, without an outstanding
invitation, ranked by CRS from highest to lowest, ties broken by the date and time the profile
was submitted (earlier first); the top N are invited. In a general round a candidate eligible
for several programs is invited under one, in this order: provincial nominee, CEC, FSW, FST
(IRCC operational bulletin, "Express Entry: Invitation to Apply").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, or_, select, update

from expressentry.pool.bulk import among, bulk_load, insert_rows, lock_pool, lock_writes
from expressentry.pool.schema import (
    PROGRAM_BITS,
    category_bits,
    itas,
    profile_states,
    profiles,
    rounds,
)
from expressentry.pool.service import Pool, PoolError, as_utc, record_event, utcnow
from expressentry.rounds.bands import distribution

ROUND_TYPES = ("general", "program", "category")
PROGRAMS = ("cec", "fsw", "fst", "pnp")
#: the order in which a candidate eligible for several programs is invited (S11)
INVITATION_ORDER = ("pnp", "cec", "fsw", "fst")

#: no round before Express Entry opened (2015-01-01; shared/research/crs-rules.md section 9)
EARLIEST_ROUND = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
#: a round is held when it runs: its time may be ahead of this machine's clock by a few minutes
#: only, for a round dated later would hold back every later round and every change of profile
RUN_AHEAD = dt.timedelta(minutes=5)
#: a preview writes nothing: it may look up to a year ahead
PREVIEW_AHEAD = dt.timedelta(days=366)


def _meets(program: str, programs: int, nominated: bool) -> bool:
    """Whether a candidate with these program flags may be invited under ``program``."""
    if not programs:
        return False
    if program == "pnp":
        return bool(nominated)
    return bool(programs & PROGRAM_BITS.get(program, 0))


def invitation_program(programs: int, nominated: bool) -> str | None:
    """The program a candidate of a general or category round is invited under: the first of
    ``INVITATION_ORDER`` it meets; a nominee must meet a program too. None when it meets none."""
    if not programs:
        return None
    for program in INVITATION_ORDER:
        if nominated if program == "pnp" else programs & PROGRAM_BITS[program]:
            return program
    return None  # pragma: no cover - a program bit is one of FSW, CEC, FST


class RoundError(PoolError):
    """A round that cannot be held as asked; the message names the field and the reason."""


@dataclass(frozen=True)
class RoundRequest:
    at: dt.datetime
    round_type: str
    size: int
    program: str | None = None
    category: str | None = None
    round_id: int | None = None
    minimum_crs: int | None = None
    #: the time was not given (``at`` is now): a retry of a round already held matches it
    #: whatever its time
    at_default: bool = False


def round_time_problem(at: dt.datetime, *, preview: bool) -> str | None:
    """Why a round cannot be held (or previewed) at ``at``, or None. ``at`` is compared in its
    own zone: converting 9999-12-31T23:59:59-12:00 to UTC would overflow."""
    ahead = PREVIEW_AHEAD if preview else RUN_AHEAD
    latest = utcnow() + ahead
    if at < EARLIEST_ROUND:
        return f"{at.isoformat()} is before Express Entry opened (2015-01-01)"
    if at > latest:
        window = "a year" if preview else "five minutes"
        what = "previewed" if preview else "held"
        return (
            f"{at.isoformat()} is too far ahead: a round is {what} at most {window} after now "
            f"({_iso(latest.replace(microsecond=0))}), from 2015-01-01"
        )
    return None


@dataclass(frozen=True)
class Invitee:
    profile_id: str
    rank: int
    crs: int
    submitted_at: dt.datetime
    program: str


@dataclass
class RoundResult:
    round_id: int
    held_at: dt.datetime
    round_type: str
    program: str | None
    category: str | None
    category_year: int | None
    size: int
    minimum_crs: int | None
    pool_size: int
    eligible: int
    distribution: dict[str, int]
    invited: list[Invitee] = field(default_factory=list)
    written: bool = False
    already_run: bool = False

    @property
    def invitations(self) -> int:
        return len(self.invited)

    @property
    def lowest_crs(self) -> int | None:
        return self.invited[-1].crs if self.invited else None

    @property
    def tie_break(self) -> dt.datetime | None:
        return self.invited[-1].submitted_at if self.invited else None

    @property
    def rank_needed(self) -> int | None:
        return self.invited[-1].rank if self.invited else None

    def document(self) -> dict[str, Any]:
        """What ``round preview|run --json`` prints."""
        return {
            "round_id": self.round_id,
            "invitations": self.invitations,
            "lowest_crs": self.lowest_crs,
            "tie_break": _iso(self.tie_break),
            "invited": [i.profile_id for i in self.invited],
        }

    def record(self) -> dict[str, Any]:
        """The published record of the round, as IRCC publishes it."""
        return {
            "round_id": self.round_id,
            "date": _iso(self.held_at),
            "round_type": self.round_type,
            "program": self.program,
            "category": self.category,
            "category_year": self.category_year,
            "size": self.size,
            "minimum_crs": self.minimum_crs,
            "invitations": self.invitations,
            "lowest_crs": self.lowest_crs,
            "tie_break": _iso(self.tie_break),
            "rank_needed": self.rank_needed,
            "pool_size": self.pool_size,
            "eligible": self.eligible,
            "distribution": self.distribution,
        }


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat().replace("+00:00", "Z")


@dataclass
class VerifyReport:
    round_id: int
    ok: bool
    checked: int
    problems: list[str]


class Rounds:
    """Rounds of invitations held on one pool."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.engine = pool.engine

    # --- checks -----------------------------------------------------------------------------

    def _check(self, req: RoundRequest) -> tuple[int | None, str | None]:
        """Validate a request; the category version (year) and its key in force at the round."""
        if req.size is None or req.size <= 0:
            raise RoundError(f"size: a round invites at least one candidate (got {req.size})")
        if req.round_type not in ROUND_TYPES:
            raise RoundError(f"type: {req.round_type!r} is not one of {', '.join(ROUND_TYPES)}")
        if req.minimum_crs is not None and not 0 <= req.minimum_crs <= 1200:
            raise RoundError(f"minimum: {req.minimum_crs} is not a CRS score (0 to 1,200)")
        if req.round_id is not None and req.round_id <= 0:
            raise RoundError(f"round_id: {req.round_id} is not a round number (1 or more)")
        if req.round_type == "program":
            if req.program not in PROGRAMS:
                raise RoundError(
                    f"program: a program round needs one of {', '.join(PROGRAMS)} "
                    f"(got {req.program!r})"
                )
        elif req.program is not None:
            raise RoundError(f"program: only a program round names a program ({req.round_type})")
        if req.round_type != "category":
            if req.category is not None:
                raise RoundError("category: only a category round names a category")
            return None, None
        book = self.pool.categories
        in_force = ", ".join(v.slug for v in book.in_force(req.at.date()))
        if not req.category:
            raise RoundError(
                f"category: a category round needs a category (in force on "
                f"{req.at.date().isoformat()}: {in_force})"
            )
        if req.category not in book.slugs():
            raise RoundError(
                f"category: {req.category!r} is not a category (in force on "
                f"{req.at.date().isoformat()}: {in_force})"
            )
        try:
            version = book.version_at(req.category, req.at.date())
        except LookupError as exc:
            raise RoundError(f"category: {exc}") from None
        return version.year, f"{version.slug}:{version.year}"

    # --- selection --------------------------------------------------------------------------

    def _eligibility(self, conn: Connection, req: RoundRequest, category_key: str | None) -> Any:
        s = profile_states.c
        if req.round_type == "program":
            if req.program == "pnp":
                return s.nominated.is_(True)
            return s.programs.op("&")(PROGRAM_BITS[req.program]) != 0  # type: ignore[index]
        if req.round_type == "category":
            bit = conn.scalar(
                select(category_bits.c.bit).where(category_bits.c.key == category_key)
            )
            if bit is None:
                return literal(False)
            return s.category_mask.op("&")(1 << bit) != 0
        return literal(True)

    @staticmethod
    def _in_pool(at: dt.datetime) -> list[Any]:
        s = profile_states.c
        return [
            s.valid_to.is_(None),
            s.status == "in_pool",
            s.submitted_at < at,
            s.expires_on > at.date(),
            # a profile that meets no program is not in the pool, whatever its status says
            s.programs != 0,
        ]

    def _select(
        self, conn: Connection, req: RoundRequest, category_key: str | None
    ) -> tuple[list[Any], int, int, dict[str, int]]:
        s = profile_states.c
        eligible = self._eligibility(conn, req, category_key)
        in_pool = self._in_pool(req.at)
        conditions = [*in_pool, eligible]
        if req.minimum_crs is not None:
            conditions.append(s.crs >= req.minimum_crs)
        chosen = conn.execute(
            select(
                s.pk,
                s.profile_pk,
                s.crs,
                s.submitted_at,
                s.programs,
                s.nominated,
                s.crs_document,
                profiles.c.profile_id,
            )
            .join(profiles, profiles.c.pk == s.profile_pk)
            .where(*conditions)
            .order_by(s.crs.desc(), s.submitted_at, s.profile_pk)
            .limit(req.size)
        ).all()
        per_score = conn.execute(
            select(
                s.crs, func.count(), func.sum(case((and_(*conditions[len(in_pool) :]), 1), else_=0))
            )
            .where(*self._in_pool(req.at))
            .group_by(s.crs)
        ).all()
        pool_size = sum(n for _, n, _ in per_score)
        eligible_count = sum(int(e or 0) for _, _, e in per_score)
        return chosen, pool_size, eligible_count, distribution((c, n) for c, n, _ in per_score)

    @staticmethod
    def _program(req: RoundRequest, row: Any) -> str:
        if req.round_type == "program":
            return req.program  # type: ignore[return-value]
        program = invitation_program(row.programs, row.nominated)
        if program is None:  # selection takes only profiles that meet a program
            raise RoundError(f"{row.profile_id}: meets no program; it cannot be invited")
        return program

    # --- preview and run --------------------------------------------------------------------

    def preview(self, req: RoundRequest) -> RoundResult:
        """Who would be invited, and the cutoff, without writing anything."""
        # a round reads and rewrites thousands of rows at once: the bulk settings' page cache
        with self.engine.connect() as conn, bulk_load(conn):
            trans = conn.begin()
            try:
                return self._hold(conn, req, actor="preview", write=False)
            finally:
                trans.rollback()

    def run(self, req: RoundRequest, actor: str = "officer") -> RoundResult:
        """Hold the round: one transaction; running the same round again changes nothing."""
        with self.engine.connect() as conn, bulk_load(conn), conn.begin():
            return self._hold(conn, req, actor=actor, write=True)

    def _hold(self, conn: Connection, req: RoundRequest, *, actor: str, write: bool) -> RoundResult:
        at = req.at if req.at.tzinfo is not None else req.at.replace(tzinfo=dt.UTC)
        if problem := round_time_problem(at, preview=not write):
            raise RoundError(f"at: {problem}")
        req = RoundRequest(**{**req.__dict__, "at": as_utc(req.at)})
        category_year, category_key = self._check(req)
        lock_writes(conn, "rounds")
        # changes of profiles in progress finish first; those that come wait for the round
        lock_pool(conn, exclusive=True)
        if req.round_id is not None:
            existing = conn.execute(select(rounds).where(rounds.c.round_id == req.round_id)).first()
            if existing is not None:
                return self._same_round(conn, existing, req)
        if req.at_default:
            # held now: after the changes this round waited for, which it sees
            req = RoundRequest(**{**req.__dict__, "at": utcnow()})
        last = conn.execute(
            select(rounds.c.round_id, rounds.c.held_at).order_by(rounds.c.held_at.desc()).limit(1)
        ).first()
        if last is not None and as_utc(last.held_at) > req.at:
            raise RoundError(
                f"at: {_iso(req.at)} is before round {last.round_id} "
                f"({_iso(as_utc(last.held_at))}); rounds are held in time order"
            )
        round_id = req.round_id or (
            int(conn.scalar(select(func.coalesce(func.max(rounds.c.round_id), 0)))) + 1
        )
        # assessments valid at the round's time: the profiles whose next-change day has come
        # are re-assessed first, in this transaction (a preview's are rolled back with it)
        self.pool.reassess_due(conn, req.at, actor=actor)
        chosen, pool_size, eligible, dist = self._select(conn, req, category_key)
        result = RoundResult(
            round_id=round_id,
            held_at=req.at,
            round_type=req.round_type,
            program=req.program,
            category=req.category,
            category_year=category_year,
            size=req.size,
            minimum_crs=req.minimum_crs,
            pool_size=pool_size,
            eligible=eligible,
            distribution=dist,
            invited=[
                Invitee(
                    row.profile_id, rank, row.crs, as_utc(row.submitted_at), self._program(req, row)
                )
                for rank, row in enumerate(chosen, start=1)
            ],
        )
        if write:
            self._write(conn, req, result, chosen, actor)
            result.written = True
        return result

    def _same_round(self, conn: Connection, existing: Any, req: RoundRequest) -> RoundResult:
        same = (
            existing.round_type == req.round_type
            and existing.program == req.program
            and existing.category == req.category
            and existing.size == req.size
            and existing.minimum_crs == req.minimum_crs
            and (req.at_default or as_utc(existing.held_at) == req.at)
        )
        if not same:
            raise RoundError(
                f"round_id: round {existing.round_id} was already held "
                f"({existing.round_type}, {_iso(as_utc(existing.held_at))}, size {existing.size}) "
                "with other parameters"
            )
        result = self._load(conn, existing)
        result.already_run = True
        return result

    def _write(
        self,
        conn: Connection,
        req: RoundRequest,
        result: RoundResult,
        chosen: Sequence[Any],
        actor: str,
    ) -> None:
        deadline_days = self.pool.rulebook["pool.ita_deadline"].at(req.at.date())["days"]
        deadline = req.at.date() + dt.timedelta(days=deadline_days)
        conn.execute(
            insert(rounds).values(
                round_id=result.round_id,
                held_at=req.at,
                round_type=req.round_type,
                program=req.program,
                category=req.category,
                category_year=result.category_year,
                size=req.size,
                minimum_crs=req.minimum_crs,
                invitations=result.invitations,
                lowest_crs=result.lowest_crs,
                tie_break=result.tie_break,
                rank_needed=result.rank_needed,
                pool_size=result.pool_size,
                eligible=result.eligible,
                distribution=json.dumps(result.distribution),
                actor=actor,
                recorded_at=utcnow(),
            )
        )
        insert_rows(
            conn,
            itas,
            [
                {
                    "round_id": result.round_id,
                    "profile_pk": row.profile_pk,
                    "rank": invitee.rank,
                    "crs": row.crs,
                    "program": invitee.program,
                    "issued_at": req.at,
                    "deadline": deadline,
                    "status": "outstanding",
                    "responded_at": None,
                    "crs_document": row.crs_document,
                }
                for row, invitee in zip(chosen, result.invited, strict=True)
            ],
        )
        # each invited profile's state: close the current row, open an "invited" one
        s = profile_states.c
        columns = [c for c in profile_states.columns if c.name != "pk"]
        reason = f"invited: round {result.round_id}"
        pks = [row.pk for row in chosen]
        for start in range(0, len(pks), 900):
            chunk = pks[start : start + 900]
            copied = [
                literal(req.at).label("valid_from")
                if c.name == "valid_from"
                else literal(None, type_=c.type).label("valid_to")
                if c.name == "valid_to"
                else literal("invited").label("status")
                if c.name == "status"
                else literal(actor).label("actor")
                if c.name == "actor"
                else literal(reason).label("reason")
                if c.name == "reason"
                else c
                for c in columns
            ]
            conn.execute(update(profile_states).where(s.pk.in_(chunk)).values(valid_to=req.at))
            conn.execute(
                insert(profile_states).from_select(
                    [c.name for c in columns], select(*copied).where(s.pk.in_(chunk))
                )
            )
        record_event(
            conn,
            at=req.at,
            actor=actor,
            kind="round.run",
            subject=f"round:{result.round_id}",
            after=result.record() | {"invited": [i.profile_id for i in result.invited]},
        )

    # --- cancelling -------------------------------------------------------------------------

    def cancel(self, round_id: int, *, reason: str, actor: str = "officer") -> dict[str, Any]:
        """Cancel a round held by mistake: the latest round, none of whose invitations has been
        answered (no application, no decline) or has expired. Its invitations and its record
        are removed, each invitee's state from before the round is current again (as are those
        the round re-assessed), and a ``round.cancelled`` event keeps the whole record, the
        invitees, who cancelled it, when and why. Returns what the event records."""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason or len(reason) > 500:
            raise RoundError("reason: say why the round is cancelled (1 to 500 characters)")
        with self.engine.connect() as conn, conn.begin():
            lock_writes(conn, "rounds")
            lock_pool(conn, exclusive=True)
            row = conn.execute(select(rounds).where(rounds.c.round_id == round_id)).first()
            if row is None:
                raise RoundError(f"round_id: no round {round_id}")
            latest = conn.execute(
                select(rounds.c.round_id, rounds.c.held_at)
                .order_by(rounds.c.held_at.desc(), rounds.c.recorded_at.desc())
                .limit(1)
            ).one()
            if latest.round_id != round_id:
                raise RoundError(
                    f"round_id: round {round_id} is not the latest round (round "
                    f"{latest.round_id}, {_iso(as_utc(latest.held_at))}); only the latest round "
                    "can be cancelled, for the rounds after it chose from the pool it left"
                )
            answered = conn.scalar(
                select(func.count()).where(
                    itas.c.round_id == round_id, itas.c.status != "outstanding"
                )
            )
            if answered:
                raise RoundError(
                    f"round_id: {answered} of round {round_id}'s invitations were answered or "
                    "expired; a round can be cancelled only before any invitation is answered"
                )
            record = self._load(conn, row)
            held_at = as_utc(row.held_at)
            s = profile_states.c
            invited = f"invited: round {round_id}"
            # what the round's re-assessment writes (pool.reassess_due): a new score, or the
            # pool left for time or for meeting no program
            reassessed = s.reason.in_(("rescored", "expired", "ineligible"))
            written = or_(s.reason == invited, and_(reassessed, s.actor == row.actor))
            # the current states the round wrote: its invitees', and those it re-assessed
            touched = conn.execute(
                select(s.profile_pk, s.reason).where(
                    s.valid_to.is_(None), s.valid_from == held_at, written
                )
            ).all()
            still_invited = sum(1 for t in touched if t.reason == invited)
            if still_invited != row.invitations:
                raise RoundError(
                    f"round_id: {row.invitations - still_invited} of round {round_id}'s "
                    "invitees changed since the round; it can no longer be cancelled"
                )
            pks = [t.profile_pk for t in touched]
            restored = 0
            for start in range(0, len(pks), 5000):
                chunk = pks[start : start + 5000]
                mine = among(conn, s.profile_pk, chunk)
                conn.execute(delete(profile_states).where(mine, s.valid_from == held_at, written))
                # the state each had before the round: the last one the round closed
                before = (
                    conn.execute(
                        select(func.max(s.pk))
                        .where(mine, s.valid_to == held_at)
                        .group_by(s.profile_pk)
                    )
                    .scalars()
                    .all()
                )
                restored += conn.execute(
                    update(profile_states)
                    .where(among(conn, s.pk, list(before)))
                    .values(valid_to=None)
                ).rowcount
            conn.execute(delete(itas).where(itas.c.round_id == round_id))
            conn.execute(delete(rounds).where(rounds.c.round_id == round_id))
            now = utcnow()
            after = {
                "reason": reason,
                "cancelled_at": _iso(now),
                "invitations_removed": record.invitations,
                "profiles_restored": restored,
            }
            record_event(
                conn,
                at=now,
                actor=actor,
                kind="round.cancelled",
                subject=f"round:{round_id}",
                before=record.record() | {"invited": [i.profile_id for i in record.invited]},
                after=after,
            )
        return {"round_id": round_id, **after}

    # --- reading ----------------------------------------------------------------------------

    def _load(self, conn: Connection, row: Any) -> RoundResult:
        invited = conn.execute(
            select(
                itas.c.rank,
                itas.c.crs,
                itas.c.program,
                profiles.c.profile_id,
                profiles.c.submitted_at,
            )
            .join(profiles, profiles.c.pk == itas.c.profile_pk)
            .where(itas.c.round_id == row.round_id)
            .order_by(itas.c.rank)
        ).all()
        return RoundResult(
            round_id=row.round_id,
            held_at=as_utc(row.held_at),
            round_type=row.round_type,
            program=row.program,
            category=row.category,
            category_year=row.category_year,
            size=row.size,
            minimum_crs=row.minimum_crs,
            pool_size=row.pool_size,
            eligible=row.eligible,
            distribution=json.loads(row.distribution),
            invited=[
                Invitee(i.profile_id, i.rank, i.crs, as_utc(i.submitted_at), i.program)
                for i in invited
            ],
            written=True,
        )

    def show(self, round_id: int) -> RoundResult:
        with self.engine.connect() as conn:
            row = conn.execute(select(rounds).where(rounds.c.round_id == round_id)).first()
            if row is None:
                raise RoundError(f"round_id: no round {round_id}")
            return self._load(conn, row)

    def list(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(rounds).order_by(rounds.c.held_at, rounds.c.round_id)).all()
        return [
            {
                "round_id": r.round_id,
                "date": _iso(as_utc(r.held_at)),
                "round_type": r.round_type,
                "program": r.program,
                "category": r.category,
                "invitations": r.invitations,
                "lowest_crs": r.lowest_crs,
                "tie_break": _iso(as_utc(r.tie_break)) if r.tie_break else None,
            }
            for r in rows
        ]

    # --- verify -----------------------------------------------------------------------------

    def verify(self, round_id: int) -> VerifyReport:
        """Recompute the round from the pool as it stood at the round's time (the temporal
        profile states) and the stored profiles, and compare with what was recorded: the
        invitations, and for each one the assessment on the round's day by the single-profile
        path (its CRS, and that it meets the program it was invited under). A candidate whose
        stored assessment was not valid at the round's time (its next-change day had come) is a
        problem too."""
        from expressentry.pool.assessment import assess_for_pool
        from expressentry.profile.model import parse_profile

        with self.engine.connect() as conn:
            row = conn.execute(select(rounds).where(rounds.c.round_id == round_id)).first()
            if row is None:
                raise RoundError(f"round_id: no round {round_id}")
            recorded = self._load(conn, row)
            at = as_utc(row.held_at)
            s = profile_states.c
            key = f"{row.category}:{row.category_year}" if row.category else None
            bit = (
                conn.scalar(select(category_bits.c.bit).where(category_bits.c.key == key))
                if key
                else None
            )
            # every state current at some instant of the round's time, but this round's own
            # "invited" rows; the last of them per profile is the state the round selected from
            rows = conn.execute(
                select(
                    s.pk,
                    s.profile_pk,
                    s.status,
                    s.crs,
                    s.submitted_at,
                    s.expires_on,
                    s.document,
                    s.scored_on,
                    s.programs,
                    s.nominated,
                    s.category_mask,
                    s.next_change,
                    profiles.c.profile_id,
                )
                .join(profiles, profiles.c.pk == s.profile_pk)
                .where(
                    s.valid_from <= at,
                    or_(s.valid_to.is_(None), s.valid_to >= at),
                    s.reason != f"invited: round {round_id}",
                )
            ).all()
        latest: dict[int, Any] = {}
        for r in rows:
            if r.profile_pk not in latest or r.pk > latest[r.profile_pk].pk:
                latest[r.profile_pk] = r

        def eligible(r: Any) -> bool:
            if row.round_type == "program":
                if row.program == "pnp":
                    return bool(r.nominated)
                return bool(r.programs & PROGRAM_BITS[row.program])
            if row.round_type == "category":
                return bit is not None and bool(r.category_mask & (1 << bit))
            return True

        candidates = [
            r
            for r in latest.values()
            if r.status == "in_pool"
            and as_utc(r.submitted_at) < at
            and r.expires_on > at.date()
            and r.programs != 0
            and eligible(r)
            and (row.minimum_crs is None or r.crs >= row.minimum_crs)
        ]
        problems: list[str] = []
        ranked = sorted(candidates, key=lambda c: (-c.crs, as_utc(c.submitted_at), c.profile_pk))
        top = ranked[: row.size]
        expected = [(c.profile_id, c.crs) for c in top]
        actual = [(i.profile_id, i.crs) for i in recorded.invited]
        if expected != actual:
            diff = next(
                (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
                min(len(expected), len(actual)),
            )
            problems.append(
                f"recomputed invitations differ from the recorded ones from rank {diff + 1}: "
                f"{expected[diff : diff + 1]} recomputed, {actual[diff : diff + 1]} recorded"
            )
        if row.invitations != len(actual):
            problems.append(
                f"the round record says {row.invitations} invitations; {len(actual)} ITAs found"
            )
        if actual and (row.lowest_crs != actual[-1][1]):
            problems.append(
                f"lowest CRS recorded {row.lowest_crs}; last invitee has {actual[-1][1]}"
            )
        day = at.date()
        stale = [
            c
            for c in candidates
            if c.scored_on > day or (c.next_change is not None and c.next_change <= day)
        ]
        if stale:
            first = min(stale, key=lambda c: (c.next_change, c.profile_id))
            problems.append(
                f"{len(stale)} candidates were ranked on assessments not valid on {day}: "
                f"{first.profile_id} was scored on {first.scored_on} and could change on "
                f"{first.next_change}"
            )
        programs = {i.profile_id: i.program for i in recorded.invited}
        for c in top:
            a = assess_for_pool(
                parse_profile(c.document),
                as_utc(c.submitted_at).date(),
                day,
                self.pool.rulebook,
                self.pool.categories,
            )
            if a.crs != c.crs:
                problems.append(
                    f"{c.profile_id}: stored CRS {c.crs} but the stored profile scores {a.crs} "
                    f"on the round's day {day}"
                )
            program = programs.get(c.profile_id)
            if program is None:
                continue
            for met, source in (
                ((c.programs, c.nominated), "its stored assessment"),
                ((a.programs, a.nominated), f"its profile on {day}"),
            ):
                if not _meets(program, *met):
                    problems.append(
                        f"{c.profile_id}: invited under {program.upper()}, which {source} "
                        "does not meet"
                    )
        return VerifyReport(round_id, not problems, len(candidates), problems)
