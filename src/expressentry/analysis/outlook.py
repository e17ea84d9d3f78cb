"""A candidate's invitation outlook: the probability of an invitation within 1, 3, 6 and 12
months, under the round pattern of the recent past, with the pool model's cutoffs.

1. *The pattern*: the rounds of the 12 months before the day (their kinds, categories, sizes
   and days), cut into twelve blocks of a month. A simulated year is twelve blocks drawn at
   random from those (so the mix of round types, categories, sizes and spacing is the recent
   one's, in varied orders).
2. *The cutoffs*: each simulated round's cutoff is the pool model's forecast (the ensemble of
   ``analysis.predict``, from the latest snapshot published before the day) for a round of its
   kind and size, plus an error drawn from that method's own earlier forecast errors on rounds
   of the kind (the same errors that calibrate its 80% range). The pool is taken as steady
   over the year: the recent pattern is assumed to go on.
3. *The candidate* is invited by a round it is eligible for (a general round: any; a program
   round: its program, or a nomination for the PNP; a category round: the category) whose
   cutoff is at or below its CRS (at the cutoff itself the tie-breaking rule may not reach it).

Everything read was published before the day: the outlook is walk-forward, and
``calibrate`` checks its probabilities against what the real rounds then did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from expressentry.analysis.model import family_of
from expressentry.analysis.predict import (
    DEFAULT_METHOD,
    PredictionError,
    Predictor,
    Target,
    predictor_for,
)
from expressentry.rounds.history import HistoricalRound

HORIZONS = (1, 3, 6, 12)
PATTERN_DAYS = 365
MONTH_DAYS = 365 / 12
SIMULATIONS = 2000
#: the part of a simulated cutoff's error shared by the rounds of its kind in a simulated year
SHARED_ERROR = 0.5
#: category slugs that name one category across instruction versions
SAME_CATEGORY = {"healthcare": "healthcare_and_social_services"}


def _category_key(slug: str) -> str:
    return SAME_CATEGORY.get(slug, slug)


@dataclass(frozen=True)
class Candidate:
    """What an outlook needs of a candidate: the CRS, the programs met, a nomination, the
    categories met."""

    crs: int
    programs: frozenset[str] = frozenset({"fsw"})
    nominated: bool = False
    categories: frozenset[str] = frozenset()
    profile_id: str | None = None

    def eligible_for(self, kind: str) -> bool:
        if kind == "general":
            return True
        if kind == "pnp":
            return self.nominated
        if kind in ("cec", "fsw", "fst"):
            return kind in self.programs
        slug = kind.split(":", 1)[1]
        return bool(self.programs) and _category_key(slug) in {
            _category_key(c) for c in self.categories
        }


@dataclass
class Pattern:
    """The simulated years of rounds for one day: every simulated round's simulation, day,
    kind and cutoff."""

    as_of: dt.date
    rounds: list[HistoricalRound]  #: the pattern's real rounds
    sim: np.ndarray  #: simulation of each simulated round
    day: np.ndarray  #: its day after ``as_of``
    kind: np.ndarray  #: its kind (object array of strings)
    cutoff: np.ndarray  #: its simulated cutoff
    simulations: int
    basis: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, candidate: Candidate) -> dict[str, float]:
        return {str(h): float(p) for h, p in zip(HORIZONS, self.curve([candidate])[0], strict=True)}

    def curve(self, candidates: Sequence[Candidate]) -> np.ndarray:
        """P(invited within each horizon), one row per candidate."""
        out = np.zeros((len(candidates), len(HORIZONS)))
        by_eligibility: dict[tuple, list[int]] = {}
        kinds = sorted(set(self.kind.tolist()))
        for i, c in enumerate(candidates):
            key = tuple(c.eligible_for(k) for k in kinds)
            by_eligibility.setdefault(key, []).append(i)
        for key, members in by_eligibility.items():
            allowed = {k for k, ok in zip(kinds, key, strict=True) if ok}
            mask = np.isin(self.kind, list(allowed)) if allowed else np.zeros(len(self.kind), bool)
            scores = np.array([candidates[i].crs for i in members], dtype=float)
            for h_index, months in enumerate(HORIZONS):
                within = mask & (self.day < months * MONTH_DAYS)
                lowest = np.full(self.simulations, np.inf)
                np.minimum.at(lowest, self.sim[within], self.cutoff[within])
                lowest.sort()
                # the share of simulations whose lowest eligible cutoff is at or below the score
                out[members, h_index] = (
                    np.searchsorted(lowest, scores, side="right") / self.simulations
                )
        return out


def pattern(
    history: Sequence[HistoricalRound] | Predictor,
    as_of: dt.date,
    *,
    simulations: int = SIMULATIONS,
    seed: int = 12,
) -> Pattern:
    """The simulated years of rounds after ``as_of`` (reading only rounds before it)."""
    p = history if isinstance(history, Predictor) else predictor_for(history)
    model = p.model
    k = model.rounds_before(as_of)
    start = as_of - dt.timedelta(days=PATTERN_DAYS)
    recent = [j for j in range(k) if model.rounds[j].date >= start]
    if not recent:
        raise PredictionError(
            f"--as-of: no round was held in the 12 months before {as_of}: no pattern to follow"
        )
    blocks: list[list[tuple[float, int]]] = [[] for _ in range(12)]
    for j in recent:
        offset = (model.rounds[j].date - start).days
        block = min(11, int(offset // MONTH_DAYS))
        blocks[block].append((offset - block * MONTH_DAYS, j))
    centre: dict[int, float] = {}
    errors: dict[str, np.ndarray] = {}
    for j in recent:
        kind = model.kinds[j]
        r = model.rounds[j]
        point = p.point(Target(as_of, r.invitations, kind, None), DEFAULT_METHOD)
        centre[j] = float(point if point is not None else r.crs_cutoff)
        if kind not in errors:
            errors[kind] = np.asarray(_errors(p, k, kind), dtype=float)
    rng = np.random.default_rng(seed)
    choice = rng.integers(0, 12, size=(simulations, 12))
    sims, days, picked = [], [], []
    for month in range(12):
        for b, members in enumerate(blocks):
            if not members:
                continue
            chosen = np.nonzero(choice[:, month] == b)[0]
            for offset, j in members:
                sims.append(chosen)
                days.append(np.full(len(chosen), month * MONTH_DAYS + offset))
                picked.append(np.full(len(chosen), j))
    sim = np.concatenate(sims) if sims else np.zeros(0, dtype=int)
    day = np.concatenate(days) if days else np.zeros(0)
    index = np.concatenate(picked) if picked else np.zeros(0, dtype=int)
    kind = np.array([model.kinds[j] for j in index], dtype=object)
    cutoff = np.array([centre[j] for j in index], dtype=float)
    for name, values in errors.items():
        where = np.nonzero(kind == name)[0]
        if len(values) and len(where):
            # half the error is the kind's level in that simulated year (errors come in runs:
            # a pool that fills faster than the model thinks does so for months), half the
            # round's own
            shared = rng.choice(values, size=simulations)[sim[where]]
            own = rng.choice(values, size=len(where))
            cutoff[where] += SHARED_ERROR * shared + (1 - SHARED_ERROR) * own
    snap = model.latest_snapshot(k)
    counts: dict[str, int] = {}
    for j in recent:
        family = family_of(model.kinds[j])
        counts[family] = counts.get(family, 0) + 1
    basis = {
        "as_of": as_of.isoformat(),
        "pattern_from": start.isoformat(),
        "pattern_rounds": len(recent),
        "pattern_by_kind": counts,
        "first_round": model.rounds[recent[0]].draw_number,
        "last_round": model.rounds[recent[-1]].draw_number,
        "snapshot": snap.document() if snap else None,
        "method": DEFAULT_METHOD,
        "simulations": simulations,
        "seed": seed,
    }
    return Pattern(
        as_of, [model.rounds[j] for j in recent], sim, day, kind, cutoff, simulations, basis
    )


_patterns: dict[tuple[int, dt.date], tuple[Sequence[HistoricalRound], Pattern]] = {}


def cached_pattern(history: Sequence[HistoricalRound], as_of: dt.date) -> Pattern:
    """``pattern`` memoised per history object and day (the pages and the API ask often)."""
    key = (id(history), as_of)
    hit = _patterns.get(key)
    if hit is not None and hit[0] is history:
        return hit[1]
    if len(_patterns) > 16:
        _patterns.clear()
    made = pattern(history, as_of)
    _patterns[key] = (history, made)
    return made


def candidate_from_values(values: dict[str, Any]) -> Candidate:
    """A candidate from ``{"crs": N, "programs": [...], "nominated": bool, "categories":
    [...], "profile_id": "..."}``; raises ``ValueError`` naming the field."""
    from expressentry.rounds.history import CATEGORY_SLUGS

    known = {"crs", "programs", "nominated", "categories", "profile_id"}
    for key in values:
        if key not in known:
            raise ValueError(f"{key}: not a field of a candidate ({', '.join(sorted(known))})")
    crs = values.get("crs")
    if isinstance(crs, bool) or not isinstance(crs, int) or not 0 <= crs <= 1200:
        raise ValueError(f"crs: {crs!r} is not a CRS score (a whole number from 0 to 1,200)")
    programs = values.get("programs", ["fsw"])
    if not isinstance(programs, list) or not all(p in ("fsw", "cec", "fst") for p in programs):
        raise ValueError(f"programs: {programs!r} is not a list of fsw, cec and fst")
    nominated = values.get("nominated", False)
    if not isinstance(nominated, bool):
        raise ValueError(f"nominated: {nominated!r} is not true or false")
    categories = values.get("categories", [])
    if not isinstance(categories, list) or not all(
        isinstance(c, str) and c in CATEGORY_SLUGS for c in categories
    ):
        raise ValueError(f"categories: {categories!r} is not a list of category slugs")
    profile_id = values.get("profile_id")
    if profile_id is not None and not isinstance(profile_id, str):
        raise ValueError(f"profile_id: {profile_id!r} is not a string")
    return Candidate(crs, frozenset(programs), nominated, frozenset(categories), profile_id)


def _errors(p: Predictor, k: int, kind: str) -> list[float]:
    """The ensemble's forecast errors (real - predicted) on earlier rounds of the kind, or of
    its family, or persistence's, as its range uses them."""
    family = family_of(kind)
    for residuals in (
        p.residuals(k, kind, "forecast", DEFAULT_METHOD),
        p._family_residuals(k, family, "forecast", DEFAULT_METHOD),
        p.residuals(k, kind, "forecast", "persistence"),
        p._family_residuals(k, family, "forecast", "persistence"),
    ):
        if len(residuals) >= 8:
            return residuals
    return residuals or [0.0]


@dataclass(frozen=True)
class Outlook:
    candidate: Candidate
    probability: dict[str, float]
    basis: dict[str, Any]

    def document(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "profile_id": c.profile_id,
            "crs": c.crs,
            "programs": sorted(c.programs),
            "nominated": c.nominated,
            "categories": sorted(c.categories),
            "probability": {k: round(v, 3) for k, v in self.probability.items()},
            "assumptions": self.basis,
        }


def outlook(
    history: Sequence[HistoricalRound],
    candidates: Iterable[Candidate],
    as_of: dt.date,
    *,
    simulations: int = SIMULATIONS,
) -> list[Outlook]:
    """The outlook of each candidate on ``as_of``."""
    chosen = list(candidates)
    pat = pattern(history, as_of, simulations=simulations)
    rows = pat.curve(chosen)
    return [
        Outlook(c, {str(h): float(v) for h, v in zip(HORIZONS, row, strict=True)}, pat.basis)
        for c, row in zip(chosen, rows, strict=True)
    ]


def candidate_from_profile(profile: Any, as_of: dt.date) -> Candidate:
    """The candidate a profile makes as of a day: its CRS, programs, nomination and the
    categories in force that it meets (the single-profile rules)."""
    from expressentry.eligibility.assess import assess
    from expressentry.profile.facts import derive
    from expressentry.scoring.crs import score

    eligibility = assess(profile, as_of)
    programs = eligibility.programs
    met = frozenset(
        name
        for name, result in (("fsw", programs.fsw), ("cec", programs.cec), ("fst", programs.fst))
        if result.eligible
    )
    return Candidate(
        crs=score(profile, as_of).total,
        programs=met,
        nominated=bool(derive(profile, as_of).provincial_nomination),
        categories=frozenset(c.slug for c in eligibility.categories if c.eligible),
        profile_id=getattr(profile, "profile_id", None),
    )


# --- calibration ---------------------------------------------------------------------------------

#: the virtual candidates of the calibration: (name, programs, nominated, categories, scores)
_PLAIN = tuple(range(300, 601, 10))
VIRTUAL_TYPES: tuple[tuple[str, frozenset[str], bool, frozenset[str], tuple[int, ...]], ...] = (
    ("fsw", frozenset({"fsw"}), False, frozenset(), _PLAIN),
    ("cec", frozenset({"cec"}), False, frozenset(), _PLAIN),
    ("pnp", frozenset({"fsw"}), True, frozenset(), tuple(range(620, 901, 20))),
    *(
        (f"fsw+{slug}", frozenset({"fsw"}), False, frozenset({slug}), _PLAIN)
        for slug in (
            "french_language_proficiency",
            "healthcare_and_social_services",
            "stem",
            "trades",
            "education",
            "transport",
            "agriculture_and_agri_food",
        )
    ),
)


def _invited(rounds: Iterable[HistoricalRound], c: Candidate) -> bool:
    from expressentry.analysis.model import kind_of

    return any(c.eligible_for(kind_of(r)) and r.crs_cutoff <= c.crs for r in rounds)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass
class Calibration:
    rows: list[dict[str, Any]]  #: one per virtual candidate and date
    horizon: int

    def _select(self, years: Iterable[int] | None) -> list[dict[str, Any]]:
        wanted = set(years) if years is not None else None
        return [r for r in self.rows if wanted is None or int(r["as_of"][:4]) in wanted]

    def brier(self, years: Iterable[int] | None = None) -> dict[str, Any]:
        rows = self._select(years)
        n = len(rows)
        if not n:
            return {"candidates": 0}
        return {
            "candidates": n,
            "outlook": round(sum((r["p"] - r["invited"]) ** 2 for r in rows) / n, 4),
            "baseline": round(sum((r["baseline"] - r["invited"]) ** 2 for r in rows) / n, 4),
            "invited_share": round(sum(r["invited"] for r in rows) / n, 3),
        }

    def reliability(self, years: Iterable[int] | None = None, bins: int = 10) -> list[dict]:
        rows = self._select(years)
        out = []
        for b in range(bins):
            lo, hi = b / bins, (b + 1) / bins
            inside = [r for r in rows if lo <= r["p"] < hi or (b == bins - 1 and r["p"] == 1.0)]
            if inside:
                out.append(
                    {
                        "from": lo,
                        "to": hi,
                        "candidates": len(inside),
                        "mean_probability": round(sum(r["p"] for r in inside) / len(inside), 3),
                        "invited_share": round(sum(r["invited"] for r in inside) / len(inside), 3),
                    }
                )
        return out

    def document(self) -> dict[str, Any]:
        years = sorted({int(r["as_of"][:4]) for r in self.rows})
        return {
            "horizon_months": self.horizon,
            "dates": len({r["as_of"] for r in self.rows}),
            "brier": {"all": self.brier()}
            | {"2025-2026": self.brier((2025, 2026))}
            | {str(y): self.brier((y,)) for y in years},
            "reliability": self.reliability(),
            "reliability_2025_2026": self.reliability((2025, 2026)),
        }


def calibrate(
    history: Sequence[HistoricalRound],
    *,
    since: dt.date = dt.date(2023, 1, 1),
    horizon: int = 6,
    simulations: int = 1000,
) -> Calibration:
    """Virtual candidates on the first of every month since ``since`` (while ``horizon``
    months of real rounds follow), every score of a grid, programs and categories: the stated
    probability of an invitation within ``horizon`` months against what the real rounds did,
    next to the baseline "invited if a round of the last 6 months that it was eligible for had
    a cutoff at or below its score"."""
    if horizon not in HORIZONS:
        raise PredictionError(f"--horizon: {horizon} is not one of {HORIZONS}")
    p = predictor_for(history)
    rounds = p.model.rounds
    last = rounds[-1].date
    h_index = HORIZONS.index(horizon)
    rows: list[dict[str, Any]] = []
    day = dt.date(since.year, since.month, 1)
    while _add_months(day, horizon) <= last:
        pat = pattern(p, day, simulations=simulations)
        ahead = [r for r in rounds if day <= r.date < _add_months(day, horizon)]
        behind = [r for r in rounds if _add_months(day, -6) <= r.date < day]
        candidates = [
            Candidate(score, programs, nominated, categories, name)
            for name, programs, nominated, categories, scores in VIRTUAL_TYPES
            for score in scores
        ]
        probabilities = pat.curve(candidates)[:, h_index]
        for c, prob in zip(candidates, probabilities, strict=True):
            rows.append(
                {
                    "as_of": day.isoformat(),
                    "type": c.profile_id,
                    "crs": c.crs,
                    "p": float(prob),
                    "invited": int(_invited(ahead, c)),
                    "baseline": int(_invited(behind, c)),
                }
            )
        day = _add_months(day, 1)
    return Calibration(rows, horizon)
