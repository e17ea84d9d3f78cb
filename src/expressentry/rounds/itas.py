"""Invitations to apply (ITAs), applications for permanent residence, and decisions.

An invited candidate has a set number of days to apply (``rules/data/pool/ita_deadline.yaml``:
60 days now). Declining returns the profile to the pool for the rest of its validity; letting the
deadline pass removes it; applying removes it. A decision re-checks, on the verified profile,
program eligibility, category eligibility for a category round, the accuracy of the CRS (a
verified score below the round's cutoff is a refusal), and records the admissibility finding.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from expressentry.pool.schema import applications, itas, profiles, rounds
from expressentry.pool.service import Pool, PoolError, as_utc, lock_changes, record_event, utcnow
from expressentry.profile.model import Profile, parse_profile


class ItaError(PoolError):
    """An ITA or application operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class Decision:
    application: int
    profile_id: str
    outcome: str  # approved | refused
    reasons: list[str]
    checks: dict[str, Any]

    def document(self) -> dict[str, Any]:
        return {
            "application": self.application,
            "profile_id": self.profile_id,
            "outcome": self.outcome,
            "reasons": self.reasons,
            "checks": self.checks,
        }


class Invitations:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.engine = pool.engine

    # --- reading ------------------------------------------------------------------------------

    def list(
        self, status: str | None = None, round_id: int | None = None, profile_id: str | None = None
    ) -> list[dict[str, Any]]:
        query = (
            select(itas, profiles.c.profile_id)
            .join(profiles, profiles.c.pk == itas.c.profile_pk)
            .order_by(itas.c.round_id, itas.c.rank)
        )
        if status:
            query = query.where(itas.c.status == status)
        if round_id is not None:
            query = query.where(itas.c.round_id == round_id)
        if profile_id is not None:
            query = query.where(profiles.c.profile_id == profile_id)
        with self.engine.connect() as conn:
            return [_ita_doc(r) for r in conn.execute(query)]

    def _outstanding(self, conn: Connection, profile_id: str) -> Any:
        row = conn.execute(
            select(itas, profiles.c.profile_id)
            .join(profiles, profiles.c.pk == itas.c.profile_pk)
            .where(profiles.c.profile_id == profile_id, itas.c.status == "outstanding")
        ).first()
        if row is None:
            raise ItaError(f"profile {profile_id!r} has no outstanding invitation to apply")
        return row

    # --- candidate's answers ------------------------------------------------------------------

    def decline(
        self, profile_id: str, *, at: dt.datetime | None = None, actor: str = "candidate"
    ) -> None:
        """Decline: the profile returns to the pool for the rest of its validity."""
        with self.engine.begin() as conn:
            lock_changes(conn)
            at = as_utc(at or utcnow())  # now, after any round this answer waited for
            ita = self._outstanding(conn, profile_id)
            self._check_open(ita, at)
            conn.execute(
                update(itas).where(itas.c.pk == ita.pk).values(status="declined", responded_at=at)
            )
            current = self.pool._current(conn, ita.profile_pk)
            back = "in_pool" if current.expires_on > at.date() else "expired"
            self.pool._change(
                conn, ita.profile_pk, at=at, actor=actor, reason="declined", status=back
            )
            record_event(
                conn,
                at=at,
                actor=actor,
                kind="ita.declined",
                subject=f"profile:{profile_id}",
                before={"ita": ita.pk, "status": "outstanding"},
                after={"ita": ita.pk, "status": "declined", "profile": back},
            )

    def apply(
        self,
        profile_id: str,
        verified: Profile | None = None,
        *,
        at: dt.datetime | None = None,
        actor: str = "candidate",
    ) -> int:
        """Submit the application for permanent residence; the profile leaves the pool.

        ``verified`` is the profile as the application documents it; by default, the profile as
        it stood when invited.
        """
        with self.engine.begin() as conn:
            lock_changes(conn)
            at = as_utc(at or utcnow())  # now, after any round this answer waited for
            ita = self._outstanding(conn, profile_id)
            self._check_open(ita, at)
            current = self.pool._current(conn, ita.profile_pk)
            document = verified.model_dump_json() if verified is not None else current.document
            conn.execute(
                update(itas).where(itas.c.pk == ita.pk).values(status="applied", responded_at=at)
            )
            pk = conn.execute(
                applications.insert().values(
                    ita_pk=ita.pk, submitted_at=at, document=document, status="submitted"
                )
            ).inserted_primary_key[0]
            self.pool._change(
                conn, ita.profile_pk, at=at, actor=actor, reason="applied", status="applied"
            )
            record_event(
                conn,
                at=at,
                actor=actor,
                kind="application.submitted",
                subject=f"profile:{profile_id}",
                before={"ita": ita.pk, "status": "outstanding", "profile": current.status},
                after={"ita": ita.pk, "status": "applied", "application": pk},
            )
        return int(pk)

    @staticmethod
    def _check_open(ita: Any, at: dt.datetime) -> None:
        if at < as_utc(ita.issued_at):
            raise ItaError(f"at: {at.isoformat()} is before the invitation was issued")
        if at.date() > ita.deadline:
            raise ItaError(
                f"the invitation to apply expired on {ita.deadline.isoformat()} "
                "(use ita expire-due to record it)"
            )

    def expire_due(self, at: dt.datetime | None = None, actor: str = "system") -> int:
        """Invitations past their deadline expire; their profiles leave the pool."""
        at = as_utc(at or utcnow())
        with self.engine.begin() as conn:
            lock_changes(conn)
            due = conn.execute(
                select(itas.c.pk, itas.c.profile_pk, profiles.c.profile_id)
                .join(profiles, profiles.c.pk == itas.c.profile_pk)
                .where(itas.c.status == "outstanding", itas.c.deadline < at.date())
            ).all()
            for pk, profile_pk, profile_id in due:
                conn.execute(
                    update(itas).where(itas.c.pk == pk).values(status="expired", responded_at=at)
                )
                self.pool._change(
                    conn, profile_pk, at=at, actor=actor, reason="ita expired", status="ita_expired"
                )
                record_event(
                    conn,
                    at=at,
                    actor=actor,
                    kind="ita.expired",
                    subject=f"profile:{profile_id}",
                    before={"ita": pk, "status": "outstanding"},
                    after={"ita": pk, "status": "expired"},
                )
        return len(due)

    # --- decisions ----------------------------------------------------------------------------

    def decide(
        self,
        application: int,
        *,
        admissible: bool,
        finding: str = "",
        at: dt.datetime | None = None,
        actor: str = "officer",
    ) -> Decision:
        """Decide an application on the verified profile, and record the outcome and reasons."""
        from expressentry.eligibility.assess import assess
        from expressentry.scoring.crs import score

        at = as_utc(at or utcnow())
        with self.engine.begin() as conn:
            row = _application_row(conn, application)
            if row is None:
                raise ItaError(f"application: no application {application}")
            if row.status != "submitted":
                raise ItaError(f"application {application} was already decided ({row.status})")
            verified = parse_profile(row.document)
            on = as_utc(row.issued_at).date()
            reasons: list[str] = []
            result = assess(verified, on, self.pool.rulebook, self.pool.categories)
            programs = result.programs.document()
            program = row.program
            if program == "pnp":
                program_ok = (
                    verified.provincial_nomination is not None and result.express_entry_eligible
                )
                program_reasons = (
                    []
                    if program_ok
                    else ["a provincial nomination and a program's minimum criteria are needed"]
                )
            else:
                program_ok = programs[program]["eligible"]
                program_reasons = programs[program]["reasons"]
            if not program_ok:
                reasons += [f"{program.upper()} not met: {r}" for r in program_reasons]
            category_ok = True
            if row.round_type == "category":
                match = next((c for c in result.categories if c.slug == row.category), None)
                category_ok = match is not None and match.eligible
                if not category_ok:
                    why = match.reasons if match else ["the category was not in force"]
                    reasons += [f"category {row.category} not met: {r}" for r in why]
            verified_crs = score(verified, on, self.pool.rulebook).total
            accurate = row.lowest_crs is None or verified_crs >= row.lowest_crs
            if not accurate:
                reasons.append(
                    f"the verified CRS is {verified_crs}, {row.lowest_crs - verified_crs} below the "
                    f"round's lowest score of {row.lowest_crs} (the profile claimed {row.ita_crs})"
                )
            if not admissible:
                reasons.append(f"inadmissible: {finding or 'finding recorded without details'}")
            outcome = "approved" if not reasons else "refused"
            checks = {
                "program": {"program": program, "met": program_ok},
                "category": {"category": row.category, "met": category_ok},
                "accuracy": {
                    "claimed_crs": row.ita_crs,
                    "verified_crs": verified_crs,
                    "round_lowest_crs": row.lowest_crs,
                    "difference": verified_crs - (row.lowest_crs or 0),
                    "met": accurate,
                },
                "admissibility": {"admissible": admissible, "finding": finding},
            }
            decision = Decision(application, row.profile_id, outcome, reasons, checks)
            conn.execute(
                update(applications)
                .where(applications.c.pk == application)
                .values(status=outcome, decided_at=at, decision=json.dumps(decision.document()))
            )
            record_event(
                conn,
                at=at,
                actor=actor,
                kind="application.decided",
                subject=f"profile:{row.profile_id}",
                before={"application": application, "status": "submitted"},
                after=decision.document(),
            )
        return decision

    def applications(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(applications, profiles.c.profile_id, itas.c.round_id)
                .join(itas, itas.c.pk == applications.c.ita_pk)
                .join(profiles, profiles.c.pk == itas.c.profile_pk)
                .order_by(applications.c.pk)
            ).all()
        return [
            {
                "application": r.pk,
                "profile_id": r.profile_id,
                "round_id": r.round_id,
                "submitted_at": as_utc(r.submitted_at).isoformat(),
                "status": r.status,
                "decision": json.loads(r.decision) if r.decision else None,
            }
            for r in rows
        ]

    def application(self, application: int) -> dict[str, Any]:
        """One application with what a decision reads: the verified profile, the invitation
        (round, program, date, the CRS claimed) and the round's lowest score and category."""
        with self.engine.connect() as conn:
            r = _application_row(conn, application)
        if r is None:
            raise ItaError(f"application: no application {application}")
        return {
            "application": r.pk,
            "profile_id": r.profile_id,
            "round_id": r.round_id,
            "round_type": r.round_type,
            "category": r.category,
            "program": r.program,
            "issued_at": as_utc(r.issued_at).isoformat(),
            "deadline": r.deadline.isoformat(),
            "claimed_crs": r.ita_crs,
            "round_lowest_crs": r.lowest_crs,
            "submitted_at": as_utc(r.submitted_at).isoformat(),
            "status": r.status,
            "decided_at": as_utc(r.decided_at).isoformat() if r.decided_at else None,
            "decision": json.loads(r.decision) if r.decision else None,
            "profile": json.loads(r.document),
        }


def _ita_doc(r: Any) -> dict[str, Any]:
    return {
        "ita": r.pk,
        "round_id": r.round_id,
        "profile_id": r.profile_id,
        "rank": r.rank,
        "crs": r.crs,
        "program": r.program,
        "issued_at": as_utc(r.issued_at).isoformat(),
        "deadline": r.deadline.isoformat(),
        "status": r.status,
        "crs_breakdown": json.loads(r.crs_document),
    }


def _application_row(conn: Connection, application: int) -> Any:
    """An application with its ITA (round, program, date, the CRS claimed), its profile_id and
    the round's lowest score, type and category; None when there is no such application."""
    return conn.execute(
        select(
            applications,
            profiles.c.profile_id,
            itas.c.round_id,
            itas.c.program,
            itas.c.issued_at,
            itas.c.deadline,
            itas.c.crs.label("ita_crs"),
            rounds.c.lowest_crs,
            rounds.c.round_type,
            rounds.c.category,
        )
        .join(itas, itas.c.pk == applications.c.ita_pk)
        .join(profiles, profiles.c.pk == itas.c.profile_pk)
        .join(rounds, rounds.c.round_id == itas.c.round_id)
        .where(applications.c.pk == application)
    ).first()
