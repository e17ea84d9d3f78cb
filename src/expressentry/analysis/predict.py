"""Cutoff prediction for every round type, with a calibrated 80% range.

Three methods, walk-forward (a prediction for a round dated ``at`` reads only the rounds dated
before ``at``, and for a nowcast the snapshot published with a record, never that round's
cutoff or tie-break):

- ``stock-flow`` (the default): the pool model (``analysis.model``) at the round; a general
  round reaches the largest score c with G(c) >= N; a program or category round the largest c
  with k G(c) >= N, where k, the round's share of the pool at or above its cutoff, is the
  median of the shares its kind's last 10 earlier rounds implied (N_j / G_j(c_j)). The slopes
  of arrivals inside 501-600 and 601-1200 are re-chosen before every round, from ``BETA_GRID``
  and ``GAMMA_GRID``, by the error on the last 10 earlier general rounds (ties to the values
  nearest ``BETA0`` and ``GAMMA0``; those until 3 exist).
- ``persistence``: the cutoff of the last earlier round of the same kind (for a category, of
  the same category, else of any category).
- ``uniform``: candidates spread evenly inside each published band, walked from the top (the
  project's earlier ``predict-cutoff``); its range is the bounds of the band.

The 80% range of ``stock-flow`` and ``persistence`` is split-conformal on the method's own
residuals on the last 20 earlier rounds of the kind (until 8 exist: of the round family, then
persistence's), widened by half after a pause of more than 60 days or a size more than twice
or less than half the previous round's, where the misses cluster.

A *nowcast* reads the snapshot published as of a date (even the one that comes with the
record of the round predicted); a *forecast* reads the latest snapshot published before the
round and carries it forward through the rounds held since and the arrivals.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from expressentry.analysis.model import (
    BETA_GRID,
    GAMMA0,
    GAMMA_GRID,
    PARTITION,
    PoolModel,
    PoolState,
    Shape,
    Snapshot,
    conformal_half_width,
    day_number,
    family_of,
    largest_cutoff,
    uniform_density,
)
from expressentry.rounds.history import HistoricalRound

METHODS = ("ensemble", "stock-flow", "persistence", "uniform")
DEFAULT_METHOD = "ensemble"
#: the weights of stock-flow (against persistence) the ensemble chooses from
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
ENSEMBLE_WINDOW = 10
MODES = ("nowcast", "forecast")
#: rounds whose errors choose the slope, whose shares calibrate a kind, whose residuals set
#: the range
SLOPE_WINDOW = 10
SHARE_WINDOW = 10
RESIDUAL_WINDOW = 20
MIN_RESIDUALS = 8
COVERAGE = 0.8
#: a pause (days since the kind's last round) or a size change that widens the range
LONG_PAUSE_DAYS = 60
SIZE_CHANGE = 2.0
WIDEN = 1.5
#: a share when no earlier round of the kind or family implied one
DEFAULT_SHARE = {"pnp": 1.0}
FALLBACK_SHARE = 0.3


#: the arrival shapes the online choice picks from
SHAPES: tuple[Shape, ...] = tuple(Shape(b, g) for b in BETA_GRID for g in GAMMA_GRID)
#: the slopes inside 601-1200 that provincial nominee rounds choose from
NOMINEE_GAMMA_GRID: tuple[float, ...] = (0.01, 0.005, 0.0025, *GAMMA_GRID)


class PredictionError(ValueError):
    """The question cannot be answered (the message names the option and the reason)."""


@dataclass(frozen=True)
class Target:
    """A round to predict: its date, size and kind, and for a nowcast the snapshot to read."""

    at: dt.date
    size: int
    kind: str  #: general, cec, fsw, fst, pnp or category:<slug>
    snapshot: Snapshot | None = None  #: None: a forecast from the latest published one

    @property
    def mode(self) -> str:
        return "nowcast" if self.snapshot is not None else "forecast"


@dataclass(frozen=True)
class Prediction:
    predicted_cutoff: int
    low: int
    high: int
    method: str
    mode: str
    target: Target
    basis: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        kind = self.target.kind
        return {
            "predicted_cutoff": self.predicted_cutoff,
            "low": self.low,
            "high": self.high,
            "method": self.method,
            "mode": self.mode,
            "round_type": "general"
            if kind == "general"
            else ("category" if kind.startswith("category:") else "program"),
            "program": kind if kind in ("cec", "fsw", "fst", "pnp") else None,
            "category": kind.split(":", 1)[1] if kind.startswith("category:") else None,
            "size": self.target.size,
            "at": self.target.at.isoformat(),
            "coverage": COVERAGE,
            **self.basis,
        }


def band_walk(counts: Sequence[float], need: float) -> tuple[int, int, int]:
    """(predicted, low, high): walk the bands from the top until ``need`` candidates are
    counted, candidates spread evenly inside the band that holds the cutoff."""
    seen = 0.0
    for (_label, low, high), n in zip(PARTITION, counts, strict=True):
        if n and seen + n >= need:
            width = high - low + 1
            predicted = high - int((need - seen - 1) * width / n)
            return max(low, min(high, predicted)), low, high
        seen += n
    low, high = PARTITION[-1][1], PARTITION[-1][2]
    return low, low, high


class Predictor:
    """Walk-forward predictions over one rounds history (memoised, so a backtest of every
    round costs little more than its last prediction)."""

    def __init__(self, history: Sequence[HistoricalRound] | PoolModel) -> None:
        self.model = history if isinstance(history, PoolModel) else PoolModel(history)
        self._raw: dict[tuple, int | None] = {}
        self._share: dict[tuple, float | None] = {}
        self._shapes: dict[tuple, Any] = {}
        self._point: dict[tuple, int | None] = {}
        self._by_kind: dict[str, list[int]] = {}

    # --- the historical rounds as targets --------------------------------------------------------

    def target_of(self, j: int, mode: str) -> Target | None:
        """Round ``j`` as a question: for a nowcast, None if its record has no snapshot."""
        r = self.model.rounds[j]
        if mode == "nowcast":
            snap = self.model.own_snapshots[j]
            if snap is None:
                return None
            return Target(r.date, r.invitations, self.model.kinds[j], snap)
        return Target(r.date, r.invitations, self.model.kinds[j], None)

    def _earlier_of_kind(self, k: int, kind: str) -> list[int]:
        """The rounds of ``kind`` among the first ``k`` (oldest first)."""
        every = self._by_kind.setdefault(
            kind, [j for j, other in enumerate(self.model.kinds) if other == kind]
        )
        return every[: bisect.bisect_left(every, k)]

    def _earlier_of_family(self, k: int, family: str) -> list[int]:
        every = self._by_kind.setdefault(
            "family:" + family,
            [j for j, other in enumerate(self.model.kinds) if family_of(other) == family],
        )
        return every[: bisect.bisect_left(every, k)]

    # --- stock-flow ----------------------------------------------------------------------------

    def state(self, target: Target, shape: Shape) -> PoolState | None:
        k = self.model.rounds_before(target.at)
        snap = target.snapshot or self.model.latest_snapshot(k)
        if snap is None:
            return None
        return self.model.state(snap, k, day_number(target.at) + 0.5, shape)

    def _raw_point(self, target: Target, shape: Shape) -> int | None:
        key = (target, shape)
        if key in self._raw:
            return self._raw[key]
        state = self.state(target, shape)
        out: int | None = None
        if state is not None:
            share = self.share(target, shape)
            out = largest_cutoff(state.at_or_above(), target.size / share)
        self._raw[key] = out
        return out

    def implied_share(self, j: int, mode: str, shape: Shape) -> float | None:
        """N_j / G_j(c_j): the share of the model's pool at or above round j's cutoff that
        the round invited (read only by later rounds)."""
        key = (j, mode, shape)
        if key in self._share:
            return self._share[key]
        target = self.target_of(j, mode)
        out: float | None = None
        if target is not None:
            state = self.state(target, shape)
            if state is not None:
                r = self.model.rounds[j]
                above = float(state.counts[max(0, r.crs_cutoff) :].sum())
                if above > 0:
                    out = min(1.0, r.invitations / above)
        self._share[key] = out
        return out

    def share(self, target: Target, shape: Shape, uniform: bool = False) -> float:
        """k: the share of the pool at or above the cutoff that a round of this kind invites."""
        if target.kind in ("general", "pnp"):
            # a general round invites everyone at or above its cutoff; a PNP round every
            # nominee, and every candidate at 601 or more is one
            return 1.0
        k = self.model.rounds_before(target.at)
        implied = self._uniform_share if uniform else self.implied_share
        for pool in (
            self._earlier_of_kind(k, target.kind),
            self._earlier_of_family(k, family_of(target.kind)),
        ):
            values = [v for j in pool if (v := implied(j, target.mode, shape)) is not None]
            if values:
                return max(1e-4, statistics.median(values[-SHARE_WINDOW:]))
        return DEFAULT_SHARE.get(target.kind, FALLBACK_SHARE)

    def slope(self, k: int, mode: str, kind: str = "general") -> Shape:
        """The arrival shape chosen on the last 10 rounds among the first ``k``: general
        rounds choose both slopes; provincial nominee rounds, which invite only from 601-1200,
        choose the slope inside it (the other from the general rounds)."""
        learn = "pnp" if kind == "pnp" else "general"
        learned_from = self._earlier_of_kind(k, learn)
        if learn == "pnp":
            # the choice changes only when a round it learns from is added
            key: tuple = (len(learned_from), len(self._earlier_of_kind(k, "general")), mode, learn)
        else:
            key = (len(learned_from), mode, learn)
        if key in self._shapes:
            return self._shapes[key]
        if learn == "pnp":
            base = self.slope(k, mode)
            shapes = tuple(Shape(base.beta, g) for g in NOMINEE_GAMMA_GRID)
            default = Shape(base.beta, GAMMA0)
        else:
            shapes, default = SHAPES, Shape()
        targets = [
            (j, t)
            for j in learned_from
            if (t := self.target_of(j, mode)) is not None and self.state(t, default) is not None
        ][-SLOPE_WINDOW:]
        chosen = default
        if len(targets) >= 3:
            best: tuple[float, float] | None = None
            for shape in shapes:
                errors = []
                for j, t in targets:
                    p = self._raw_point(t, shape)
                    if p is not None:
                        errors.append(abs(self.model.rounds[j].crs_cutoff - p))
                if not errors:
                    continue
                # ties to the shape nearest the fixed one
                near = abs(shape.beta - default.beta) / 0.005 + abs(shape.gamma - GAMMA0) / 0.0025
                score = (sum(errors) / len(errors), near)
                if best is None or score < best:
                    best, chosen = score, shape
        self._shapes[key] = chosen
        return chosen

    # --- uniform ---------------------------------------------------------------------------------

    def _uniform_share(self, j: int, mode: str, shape: Shape) -> float | None:
        target = self.target_of(j, mode)
        if target is None:
            return None
        k = self.model.rounds_before(target.at)
        snap = target.snapshot or self.model.latest_snapshot(k)
        if snap is None:
            return None
        r = self.model.rounds[j]
        above = float(uniform_density(snap)[max(0, r.crs_cutoff) :].sum())
        return min(1.0, r.invitations / above) if above > 0 else None

    # --- the methods ----------------------------------------------------------------------------

    def point(self, target: Target, method: str) -> int | None:
        key = (target, method)
        if key in self._point:
            return self._point[key]
        k = self.model.rounds_before(target.at)
        out: int | None = None
        if method == "stock-flow":
            out = self._raw_point(target, self.slope(k, target.mode, target.kind))
        elif method == "ensemble":
            flow = self.point(target, "stock-flow")
            last = self.point(target, "persistence")
            if flow is None or last is None:
                out = flow if last is None else last
            else:
                w = self.weight(k, target.kind, target.mode)
                out = round(w * flow + (1 - w) * last)
        elif method == "persistence":
            previous = self._previous(k, target.kind)
            out = self.model.rounds[previous].crs_cutoff if previous is not None else None
        elif method == "uniform":
            snap = target.snapshot or self.model.latest_snapshot(k)
            if snap is not None:
                need = target.size / self.share(target, Shape(), uniform=True)
                out = band_walk(snap.counts, need)[0]
        else:
            raise PredictionError(f"--method: unknown method {method!r} ({', '.join(METHODS)})")
        self._point[key] = out
        return out

    def weight(self, k: int, kind: str, mode: str) -> float:
        """The ensemble's weight of stock-flow, chosen on the last 10 earlier rounds of the
        kind's family by their error (ties to the larger weight; 1 until 3 exist)."""
        family = family_of(kind)
        earlier = self._earlier_of_family(k, family)
        key = ("weight", len(earlier), family, mode)
        if key in self._shapes:
            return self._shapes[key]  # type: ignore[return-value]
        pairs: list[tuple[int, int, int]] = []
        for j in earlier:
            t = self.target_of(j, mode)
            if t is None:
                continue
            flow, last = self.point(t, "stock-flow"), self.point(t, "persistence")
            if flow is not None and last is not None:
                pairs.append((self.model.rounds[j].crs_cutoff, flow, last))
        pairs = pairs[-ENSEMBLE_WINDOW:]
        chosen = 1.0
        if len(pairs) >= 3:
            chosen = min(
                WEIGHTS,
                key=lambda w: (
                    sum(abs(real - round(w * f + (1 - w) * p)) for real, f, p in pairs),
                    -w,
                ),
            )
        self._shapes[key] = chosen  # type: ignore[assignment]
        return chosen

    def _previous(self, k: int, kind: str) -> int | None:
        same = self._earlier_of_kind(k, kind)
        if same:
            return same[-1]
        if kind.startswith("category:"):
            family = self._earlier_of_family(k, "category")
            return family[-1] if family else None
        return None

    def residuals(self, k: int, kind: str, mode: str, method: str) -> list[float]:
        """actual - predicted for the method on earlier rounds of ``kind`` (oldest first)."""
        out: list[float] = []
        for j in self._earlier_of_kind(k, kind):
            t = self.target_of(j, mode)
            if t is None:
                continue
            p = self.point(t, method)
            if p is not None:
                out.append(self.model.rounds[j].crs_cutoff - p)
        return out[-RESIDUAL_WINDOW:]

    def _family_residuals(self, k: int, family: str, mode: str, method: str) -> list[float]:
        kinds = {self.model.kinds[j] for j in self._earlier_of_family(k, family)}
        merged: list[tuple[int, float]] = []
        for kind in kinds:
            for j in self._earlier_of_kind(k, kind):
                t = self.target_of(j, mode)
                if t is None:
                    continue
                p = self.point(t, method)
                if p is not None:
                    merged.append((j, self.model.rounds[j].crs_cutoff - p))
        merged.sort()
        return [res for _, res in merged][-RESIDUAL_WINDOW:]

    def half_width(self, target: Target, method: str) -> tuple[float, str, int]:
        """(half-width, whose residuals, how many) of the 80% range."""
        k = self.model.rounds_before(target.at)
        family = family_of(target.kind)
        for residuals, whose in (
            (self.residuals(k, target.kind, target.mode, method), f"{method}:{target.kind}"),
            (self._family_residuals(k, family, target.mode, method), f"{method}:{family}"),
            (
                self.residuals(k, target.kind, target.mode, "persistence"),
                f"persistence:{target.kind}",
            ),
            (
                self._family_residuals(k, family, target.mode, "persistence"),
                f"persistence:{family}",
            ),
        ):
            if len(residuals) >= MIN_RESIDUALS:
                return conformal_half_width(residuals, COVERAGE), whose, len(residuals)
        residuals = self._family_residuals(k, family, target.mode, "persistence")
        if residuals:
            return (
                conformal_half_width(residuals, COVERAGE),
                f"persistence:{family}",
                len(residuals),
            )
        return math.inf, "none", 0

    def unusual(self, target: Target) -> bool:
        """A long pause or an unusual size change since the kind's last round."""
        k = self.model.rounds_before(target.at)
        previous = self._previous(k, target.kind)
        if previous is None:
            return True
        r = self.model.rounds[previous]
        pause = (target.at - r.date).days > LONG_PAUSE_DAYS
        ratio = target.size / max(1, r.invitations)
        return pause or ratio > SIZE_CHANGE or ratio < 1 / SIZE_CHANGE

    def predict(self, target: Target, method: str = DEFAULT_METHOD) -> Prediction:
        if target.size <= 0:
            raise PredictionError(
                f"--size: a round invites at least one candidate (got {target.size})"
            )
        if method not in METHODS:
            raise PredictionError(f"--method: unknown method {method!r} ({', '.join(METHODS)})")
        k = self.model.rounds_before(target.at)
        point = self.point(target, method)
        if point is None:
            if method == "persistence":
                raise PredictionError(
                    f"--at: no earlier round of this kind ({target.kind}) before {target.at}"
                )
            raise PredictionError(
                f"--at: no pool distribution was published before {target.at} "
                "(IRCC's first is of 2022-01-17)"
            )
        basis: dict[str, Any] = {"rounds_read": k}
        if k:
            basis["first_round"] = self.model.rounds[0].draw_number
            basis["last_round"] = self.model.rounds[k - 1].draw_number
        if method == "uniform":
            snap = target.snapshot or self.model.latest_snapshot(k)
            assert snap is not None
            need = target.size / self.share(target, Shape(), uniform=True)
            predicted, low, high = band_walk(snap.counts, need)
            basis["snapshot"] = snap.document()
            basis["share"] = round(self.share(target, Shape(), uniform=True), 4)
            basis["range_from"] = "the band that holds the cutoff"
            return Prediction(predicted, low, high, method, target.mode, target, basis)
        if method in ("stock-flow", "ensemble"):
            shape = self.slope(k, target.mode, target.kind)
            state = self.state(target, shape)
            if state is not None:
                basis.update(state.basis())
            basis["share"] = round(self.share(target, shape), 4)
            if method == "ensemble":
                basis["weight"] = self.weight(k, target.kind, target.mode)
        width, whose, n = self.half_width(target, method)
        widened = self.unusual(target)
        if widened:
            width *= WIDEN
        half = 60 if math.isinf(width) else math.ceil(width)
        basis["range_from"] = whose
        basis["residuals"] = n
        basis["widened"] = widened
        low, high = max(0, point - half), min(1200, point + half)
        return Prediction(point, low, high, method, target.mode, target, basis)


def state_document(state: PoolState) -> dict[str, Any]:
    """The state's counts per band, with its basis."""
    return {
        "bands": {k: round(v, 1) for k, v in state.band_counts().items()},
        "total": round(float(np.sum(state.counts)), 1),
        **state.basis(),
    }


# --- the question as a person asks it ------------------------------------------------------------

ROUND_TYPES = ("general", "program", "category")
PROGRAMS = ("cec", "fsw", "fst", "pnp")
#: predictors by history (the same tuple of rounds: the shipped or an imported history)
_predictors: dict[int, tuple[Sequence[HistoricalRound], Predictor]] = {}


def predictor_for(history: Sequence[HistoricalRound]) -> Predictor:
    """One memoised predictor per history object (the history loader caches its tuple)."""
    key = id(history)
    cached = _predictors.get(key)
    if cached is not None and cached[0] is history:
        return cached[1]
    if len(_predictors) > 4:
        _predictors.clear()
    p = Predictor(history)
    _predictors[key] = (history, p)
    return p


def round_kind(
    round_type: str | None,
    program: str | None,
    category: str | None,
    history: Sequence[HistoricalRound] = (),
) -> str:
    """The kind of a round from ``--type``, ``--program`` and ``--category`` (checked)."""
    from expressentry.rounds.history import CATEGORY_SLUGS

    if round_type is not None and round_type not in ROUND_TYPES:
        raise PredictionError(
            f"--type: unknown round type {round_type!r} ({', '.join(ROUND_TYPES)})"
        )
    if program is not None and program not in PROGRAMS:
        raise PredictionError(f"--program: unknown program {program!r} ({', '.join(PROGRAMS)})")
    if program is not None and category is not None:
        raise PredictionError(
            "--category: a round is a program round or a category round, not both"
        )
    if category is not None:
        known = set(CATEGORY_SLUGS) | {r.category for r in history if r.category}
        if category not in known:
            raise PredictionError(
                f"--category: unknown category {category!r} (known: {', '.join(sorted(known))})"
            )
    if round_type is None:
        round_type = "program" if program else "category" if category else "general"
    if round_type == "general":
        if program or category:
            raise PredictionError("--type: a general round has no program or category")
        return "general"
    if round_type == "program":
        if not program:
            raise PredictionError(
                "--program: a program round needs its program (cec, fsw, fst, pnp)"
            )
        if category:
            raise PredictionError("--category: a program round has no category")
        return program
    if not category:
        raise PredictionError("--category: a category round needs its category (a slug)")
    if program:
        raise PredictionError("--program: a category round has no program")
    return f"category:{category}"


def predict_round(
    history: Sequence[HistoricalRound],
    size: int,
    *,
    round_type: str | None = None,
    program: str | None = None,
    category: str | None = None,
    at: dt.date | None = None,
    distribution_date: dt.date | None = None,
    method: str = DEFAULT_METHOD,
) -> Prediction:
    """The cutoff of a round of ``size`` held on ``at``.

    With ``distribution_date``, a nowcast from the snapshot published as of that date (by a
    round dated at most ``at``; the day after it when ``at`` is not given). Without, a forecast
    from the latest snapshot published before ``at`` (default: the day after the round that
    published the latest).
    """
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise PredictionError(f"--size: a round invites at least one candidate (got {size})")
    if method not in METHODS:
        raise PredictionError(f"--method: unknown method {method!r} ({', '.join(METHODS)})")
    kind = round_kind(round_type, program, category, history)
    p, snapshots = _published(history)
    snapshot: Snapshot | None = None
    if distribution_date is not None:
        published = [
            s
            for s in snapshots
            if s.date <= distribution_date and (at is None or s.published_on <= at)
        ]
        if not published:
            first = min(s.date for s in snapshots)
            raise PredictionError(
                f"--distribution-date: no pool distribution was published as of "
                f"{distribution_date} (the first is of {first})"
            )
        snapshot = max(published, key=lambda s: (s.date, s.published_on))
        if at is None:
            at = snapshot.date + dt.timedelta(days=1)
        if snapshot.date > at:
            raise PredictionError(f"--at: {at} is before the distribution of {snapshot.date}")
    elif at is None:
        # the day after the latest snapshot became known (the round that published it)
        at = max(s.published_on for s in snapshots) + dt.timedelta(days=1)
    return p.predict(Target(at, size, kind, snapshot), method)


def _published(history: Sequence[HistoricalRound]) -> tuple[Any, list[Snapshot]]:
    """The predictor of ``history`` and the pool distributions its rounds published."""
    if not history:
        raise PredictionError("--history: the rounds history is empty")
    p = predictor_for(history)
    snapshots = [s for s in p.model.own_snapshots if s is not None]
    if not snapshots:
        raise PredictionError("--history: the rounds history has no pool distribution")
    return p, snapshots


def pool_by_kind(history: Sequence[HistoricalRound], at: dt.date | None = None) -> dict[str, Any]:
    """The pool model on ``at`` (a forecast from the latest snapshot published before it):
    candidates per band for the whole pool and, for each program, nominees and each category
    with a round in the two years before, the share its rounds invited of the pool at or above
    their cutoffs (calibrated on its last 10 rounds) applied to every score; nominees are the
    601-1200 band, which only they reach."""
    p, snapshots = _published(history)
    model = p.model
    if at is None:
        at = max(s.published_on for s in snapshots) + dt.timedelta(days=1)
    k = model.rounds_before(at)
    shape = p.slope(k, "forecast")
    state = p.state(Target(at, 1, "general", None), shape)
    if state is None:
        raise PredictionError(
            f"--at: no pool distribution was published before {at} (IRCC's first is of 2022-01-17)"
        )
    since = at - dt.timedelta(days=730)
    kinds = sorted(
        {model.kinds[j] for j in range(k) if model.rounds[j].date >= since} - {"general"}
    )
    out: dict[str, Any] = {}
    for kind in kinds:
        if kind == "pnp":
            counts = state.counts.copy()
            counts[:601] = 0.0
            share = 1.0
        else:
            share = p.share(Target(at, 1, kind, None), shape)
            counts = state.counts * share
        out[kind] = {
            "share": round(share, 4),
            "bands": {label: float(counts[lo : hi + 1].sum()) for label, lo, hi in PARTITION},
        }
    return {
        "at": at.isoformat(),
        "pool": state.band_counts(),
        "scores": [round(float(v), 2) for v in state.counts],
        "kinds": out,
        "basis": state.basis(),
    }
