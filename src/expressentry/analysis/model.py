"""The stock-flow model of the pool: the count at every CRS score from 0 to 1,200.

IRCC publishes, with each round, the pool's CRS distribution "as of" a day in 13 bands (the
subtotal rows aside). Inside a band the density is not smooth: it is shaped by when each score
was last emptied. Scores above the last general cutoff hold only the arrivals since that round;
scores no round has reached for a year hold a year of arrivals. So the model

1. turns every earlier round into *clearing events* ``(time, lo, hi, m)``: at that time the
   survivors with ``lo <= x <= hi`` are multiplied by ``m``;
2. computes the *exposure* ``E(x)`` of a snapshot dated ``d``: the surviving days of arrivals at
   score ``x`` within the profile lifetime ``[d - T, d)`` (a profile lives 12 months);
3. spreads each published band count ``B`` over its scores in proportion to ``a(x) E(x)``, with
   ``a`` the arrival shape (a slope ``beta`` inside 501-600 and ``gamma`` inside 601-1200,
   where every candidate holds a nomination's 600 points);
4. carries that density forward to a round: the arrivals since the snapshot (each band's rate
   is its count per unit of exposure) and the rounds held in between.

Times are days (proleptic ordinals): a snapshot dated ``d`` is the start of day ``d``, a round is
its date + 0.5, a tie-break is its UTC time as a fractional day (at most the round's time).

Method and measured accuracy: ``shared/research/pool-model.md``. Official sources: the
canada.ca page "Express Entry rounds of invitations" and its table "CRS score distribution of
candidates in the pool" (IRCC's ``ee_rounds_123_en.json``); the 12-month validity of a profile
is in the Ministerial Instructions respecting the Express Entry system (expiry of an expression
of interest).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from expressentry.rounds.bands import BANDS
from expressentry.rounds.history import HistoricalRound

MAX_SCORE = 1200
SCORES = MAX_SCORE + 1
#: IRCC's bands without the subtotal rows 451-500 and 401-450: a partition of 0..1200
PARTITION: tuple[tuple[str, int, int], ...] = tuple(
    b for b in BANDS if b[0] not in ("451-500", "401-450")
)
#: a profile stays in the pool 12 months
LIFETIME_DAYS = 365
#: the fixed slope of arrivals inside 501-600 (pool-model.md section 2: the growth of 501-600 and
#: 491-500 between the snapshots of 2022-01-17 and 2022-06-20, when no general round was held)
BETA0 = -0.0412
#: the slopes the online choice picks from
BETA_GRID: tuple[float, ...] = tuple(round(-0.025 - 0.005 * i, 3) for i in range(10))
#: the least exposure a band's arrival rate is estimated on (days)
MIN_EXPOSURE_DAYS = 3.0
#: the slope of arrivals inside 601-1200 (a nominee holds 600 points plus a core score); none
#: assumed until the online choice has rounds to learn it from
GAMMA0 = 0.0
GAMMA_GRID: tuple[float, ...] = (0.0, -0.005, -0.01, -0.015, -0.02)
#: a band's arrival rate is estimated on the snapshots of this many days up to the one read
RATE_WINDOW_DAYS = 28
#: the nomination's points: every candidate at 601 or more holds one
NOMINATION_POINTS = 600
#: kinds of round: general, a program, or a category (``category:<slug>``)
PROGRAM_KINDS = ("cec", "fsw", "fst", "pnp")


def kind_of(r: HistoricalRound) -> str:
    """``general``, ``cec``, ``fsw``, ``fst``, ``pnp`` or ``category:<slug>``."""
    if r.round_type == "general":
        return "general"
    if r.round_type == "program":
        return str(r.program)
    return f"category:{r.category}"


def family_of(kind: str) -> str:
    """The kind a backtest groups by: general, cec, fsw, fst, pnp or category."""
    return "category" if kind.startswith("category:") else kind


def day_number(value: dt.date | dt.datetime) -> float:
    """A date (start of the day) or a UTC time as a fractional day number."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return value.date().toordinal() + seconds / 86400
    return float(value.toordinal())


def exposure_of(
    events: list[tuple[float, int, int, float]], start: float, end: float
) -> np.ndarray:
    """E(x): surviving days of arrivals at x within [start, end), given the clearing events
    (time, lo, hi, multiplier) of that span, walked from the newest (pool-model.md, 2)."""
    exposure = np.zeros(SCORES)
    survive = np.ones(SCORES)
    prev = end
    for t, lo, hi, m in sorted(events, key=lambda e: e[0], reverse=True):
        exposure += survive * (prev - t)
        survive[lo : hi + 1] *= m
        prev = t
    return exposure + survive * (prev - start)


class Shape(NamedTuple):
    """The arrival shape's parameters: slopes inside 501-600 and inside 601-1200."""

    beta: float = BETA0
    gamma: float = GAMMA0


@dataclass(frozen=True)
class Snapshot:
    """A published pool distribution: candidates per band of ``PARTITION`` as of ``date``."""

    date: dt.date
    counts: tuple[int, ...]
    #: the round whose record published it, and that round's date (when it became known)
    draw_number: str
    published_on: dt.date

    @property
    def total(self) -> int:
        return sum(self.counts)

    def document(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "round": self.draw_number,
            "published_on": self.published_on.isoformat(),
            "total": self.total,
        }


def snapshot_of(r: HistoricalRound) -> Snapshot | None:
    """The distribution published with a round's record, if there is one."""
    if r.distribution is None or r.distribution_date is None:
        return None
    counts = tuple(int(r.distribution.get(label, 0)) for label, _, _ in PARTITION)
    if not any(counts):
        return None
    return Snapshot(r.distribution_date, counts, r.draw_number, r.date)


@dataclass(frozen=True)
class PoolState:
    """The model's pool at a moment: expected candidates at every score 0..1200."""

    counts: np.ndarray = field(repr=False)  #: float64, index = CRS score
    at: float  #: the moment (day number)
    snapshot: Snapshot
    shape: Shape
    #: the earlier rounds read: how many, and the first and last of them
    rounds_read: int
    first_round: str | None
    last_round: str | None
    #: rounds held between the snapshot and the moment, applied to carry it forward
    carried_through: tuple[str, ...] = ()

    def at_or_above(self) -> np.ndarray:
        """G(c): candidates at or above each score c."""
        return np.cumsum(self.counts[::-1])[::-1]

    def band_counts(self) -> dict[str, float]:
        return {label: float(self.counts[lo : hi + 1].sum()) for label, lo, hi in PARTITION}

    def basis(self) -> dict[str, object]:
        """Which snapshot and which rounds this state rests on (every figure says it)."""
        return {
            "snapshot": self.snapshot.document(),
            "rounds_read": self.rounds_read,
            "first_round": self.first_round,
            "last_round": self.last_round,
            "carried_through": list(self.carried_through),
            "beta": self.shape.beta,
            "nominee_slope": self.shape.gamma,
        }


#: each score's band (an index into PARTITION), and each band's width
BAND_INDEX = np.zeros(SCORES, dtype=np.intp)
for _i, (_label, _lo, _hi) in enumerate(PARTITION):
    BAND_INDEX[_lo : _hi + 1] = _i
BAND_WIDTHS = np.array([hi - lo + 1 for _label, lo, hi in PARTITION], dtype=float)


def band_sums(values: np.ndarray) -> np.ndarray:
    """The sum of a per-score array over each band of PARTITION."""
    return np.bincount(BAND_INDEX, weights=values, minlength=len(PARTITION))


def largest_cutoff(at_or_above: np.ndarray, need: float) -> int:
    """The largest score c with G(c) >= need (0 if even the whole pool is fewer)."""
    reached = np.nonzero(at_or_above >= need - 1e-9)[0]
    return int(reached[-1]) if len(reached) else 0


class PoolModel:
    """The stock-flow model over one rounds history (oldest first), memoised.

    Every query names how many of the rounds it may read (``k``: the rounds dated before the
    moment it is about); the clearing events of a round depend only on that round and earlier
    ones, so one model serves every walk-forward query honestly.
    """

    def __init__(self, history: Sequence[HistoricalRound], lifetime: int = LIFETIME_DAYS) -> None:
        self.rounds: tuple[HistoricalRound, ...] = tuple(
            sorted(history, key=lambda r: (r.date, r.number, r.draw_number))
        )
        self.lifetime = lifetime
        self.dates = [r.date for r in self.rounds]
        self.kinds = [kind_of(r) for r in self.rounds]
        self.times = [day_number(r.date) + 0.5 for r in self.rounds]
        self.own_snapshots: list[Snapshot | None] = _dated_once(
            [snapshot_of(r) for r in self.rounds]
        )
        self._events: list[tuple[tuple[float, int, int, float], ...]] = []
        self._exposure: dict[dt.date, np.ndarray] = {}
        self._states: dict[tuple, PoolState] = {}
        self._shapes: dict[Shape, np.ndarray] = {}
        self._weights: dict[tuple, np.ndarray] = {}
        self._latest: dict[tuple, Snapshot | None] = {}
        self._scores = np.arange(SCORES)

    # --- which rounds and snapshots a moment may read -------------------------------------------

    def rounds_before(self, on: dt.date) -> int:
        """How many rounds were held before the day ``on`` (they may be read)."""
        return bisect.bisect_left(self.dates, on)

    def latest_snapshot(self, k: int, not_after: dt.date | None = None) -> Snapshot | None:
        """The newest snapshot published by the first ``k`` rounds (dated at most
        ``not_after``)."""
        key = (k, not_after)
        if key in self._latest:
            return self._latest[key]
        best: Snapshot | None = None
        for s in self.own_snapshots[:k]:
            if s is None or (not_after is not None and s.date > not_after):
                continue
            if best is None or (s.date, s.published_on) > (best.date, best.published_on):
                best = s
        self._latest[key] = best
        return best

    def _recent(self, k: int) -> list[Snapshot]:
        """The snapshots of the first ``k`` rounds within the rate window of the latest of
        them (older ones are never in a window that ends at a snapshot they can read)."""
        return [s for s in self.own_snapshots[max(0, k - 40) : k] if s is not None]

    # --- clearing events ------------------------------------------------------------------------

    def events(self, j: int) -> tuple[tuple[float, int, int, float], ...]:
        """The clearing events of round ``j`` (computed in chronological order, memoised)."""
        while len(self._events) <= j:
            self._events.append(self._round_events(len(self._events)))
        return self._events[j]

    def _round_events(self, j: int) -> tuple[tuple[float, int, int, float], ...]:
        r = self.rounds[j]
        t = self.times[j]
        c = max(0, min(MAX_SCORE, r.crs_cutoff))
        kind = self.kinds[j]
        if kind in ("general", "pnp"):
            # everyone above the cutoff is invited (in a PNP round, every nominee: all of 601+);
            # at the cutoff only profiles submitted before the tie-break
            tau = min(day_number(r.tie_break), t) if r.tie_break is not None else t
            return ((t, c + 1, MAX_SCORE, 0.0), (tau, c, c, 0.0))
        above = self._count_at_or_above_for_events(j, c)
        s = min(1.0, r.invitations / above) if above > 0 else 1.0
        return ((t, c, MAX_SCORE, 1.0 - s),)

    def _count_at_or_above_for_events(self, j: int, c: int) -> float:
        """G(c) just before round ``j``: the model on its own snapshot, or, without one, the
        nearest earlier snapshot spread evenly within its bands."""
        own = self.own_snapshots[j]
        k = self.rounds_before(self.dates[j])
        if own is not None:
            state = self.state(own, k, self.times[j], Shape())
            return float(state.counts[c:].sum())
        snap = self.latest_snapshot(k) or next((s for s in self.own_snapshots if s), None)
        if snap is None:
            return 0.0
        return float(uniform_density(snap)[c:].sum())

    # --- exposure and density -------------------------------------------------------------------

    def exposure(self, snap: Snapshot) -> np.ndarray:
        """E(x): surviving days of arrivals at x within the lifetime before the snapshot."""
        cached = self._exposure.get(snap.date)
        if cached is not None:
            return cached
        d = day_number(snap.date)
        start = d - self.lifetime
        k = self.rounds_before(snap.date)
        events = [e for j in range(k) for e in self.events(j) if start <= e[0] < d]
        exposure = exposure_of(events, start, d)
        self._exposure[snap.date] = exposure
        return exposure

    def arrival_shape(self, shape: Shape) -> np.ndarray:
        """a(x): exp(beta (x - 500)) inside 501-600, exp(gamma (x - 600)) inside 601-1200, 1
        elsewhere. Only its shape inside a band counts."""
        cached = self._shapes.get(shape)
        if cached is not None:
            return cached
        a = np.ones(SCORES)
        a[501:601] = np.exp(shape.beta * (np.arange(501, 601) - 500))
        a[601:] = np.exp(shape.gamma * (np.arange(601, SCORES) - 600))
        self._shapes[shape] = a
        return a

    def _band_weights(self, snap: Snapshot, shape: Shape) -> np.ndarray:
        """Each band's sum of a*E (at least MIN_EXPOSURE_DAYS of a), memoised."""
        key = (snap.date, shape)
        cached = self._weights.get(key)
        if cached is not None:
            return cached
        a = self.arrival_shape(shape)
        sums = band_sums(a * self.exposure(snap))
        floor = MIN_EXPOSURE_DAYS * band_sums(a)
        out = np.maximum(sums, floor)
        self._weights[key] = out
        return out

    def arrival_rate(self, snap: Snapshot, k: int, shape: Shape) -> np.ndarray:
        """Arrivals per day at every score: each band's count per unit of a*E, on the recent
        snapshots (one is noisy: a band just emptied has little exposure, and a holiday
        fortnight is not a year), times the arrival shape."""
        a = self.arrival_shape(shape)
        recent = {snap.date: snap}
        for s in self._recent(k):
            if 0 <= (snap.date - s.date).days <= RATE_WINDOW_DAYS:
                recent.setdefault(s.date, s)
        numerators = np.zeros(len(PARTITION))
        denominators = np.zeros(len(PARTITION))
        for s in recent.values():
            numerators += np.asarray(s.counts, dtype=float)
            denominators += self._band_weights(s, shape)
        return (numerators / denominators)[BAND_INDEX] * a

    def state(self, snap: Snapshot, k: int, until: float, shape: Shape) -> PoolState:
        """The pool at ``until`` from ``snap``, reading only the first ``k`` rounds."""
        key = (snap.date, snap.draw_number, k, until, shape)
        cached = self._states.get(key)
        if cached is not None:
            return cached
        exposure = self.exposure(snap)
        a = self.arrival_shape(shape)
        weight = a * exposure
        totals = band_sums(weight)
        published = np.asarray(snap.counts, dtype=float)
        spread = np.where(totals > 0, published / np.where(totals > 0, totals, 1.0), 0.0)
        counts = weight * spread[BAND_INDEX]
        # a band without exposure (or an empty one) is spread evenly
        flat = (totals <= 0) & (published > 0)
        if flat.any():
            even = (published / BAND_WIDTHS)[BAND_INDEX]
            counts = np.where(flat[BAND_INDEX], even, counts)
        rate = self.arrival_rate(snap, k, shape)
        d = day_number(snap.date)
        now = d
        carried: list[str] = []
        for j in range(self.rounds_before(snap.date), k):
            t = self.times[j]
            if t >= until:
                break
            if t < d:
                continue
            counts += rate * (t - now)
            now = t
            self._apply(counts, j)
            carried.append(self.rounds[j].draw_number)
        counts += rate * max(0.0, until - now)
        state = PoolState(
            counts=counts,
            at=until,
            snapshot=snap,
            shape=shape,
            rounds_read=k,
            first_round=self.rounds[0].draw_number if k else None,
            last_round=self.rounds[k - 1].draw_number if k else None,
            carried_through=tuple(carried),
        )
        self._states[key] = state
        return state

    def _apply(self, counts: np.ndarray, j: int) -> None:
        """A round held between the snapshot and the moment, applied to the density."""
        r = self.rounds[j]
        c = max(0, min(MAX_SCORE, r.crs_cutoff))
        if self.kinds[j] == "general":
            counts[c:] = 0.0
            return
        if self.kinds[j] == "pnp":
            # the round invited its N nominees from the top: however the model spread the 601+
            # band, N of them leave it
            remove_from_top(counts, r.invitations, NOMINATION_POINTS + 1)
            return
        above = float(counts[c:].sum())
        s = min(1.0, r.invitations / above) if above > 0 else 1.0
        counts[c:] *= 1.0 - s


def remove_from_top(counts: np.ndarray, n: float, floor: int = 0) -> None:
    """Take ``n`` candidates from the highest scores down (not below ``floor``), in place."""
    above = np.cumsum(counts[::-1])[::-1]
    reached = np.nonzero(above[floor:] >= n)[0]
    if not len(reached):
        counts[floor:] = 0.0
        return
    c = floor + int(reached[-1])
    taken = float(above[c + 1]) if c + 1 < len(counts) else 0.0
    counts[c + 1 :] = 0.0
    counts[c] = max(0.0, counts[c] - (n - taken))


def _dated_once(snapshots: list[Snapshot | None]) -> list[Snapshot | None]:
    """A distribution IRCC published again under a later date (rounds 219/220, 251/252,
    386-388) is the pool as of its first date: the later date would age it wrongly."""
    first: dict[tuple[int, ...], dt.date] = {}
    for s in snapshots:
        if s is not None and (s.counts not in first or s.date < first[s.counts]):
            first[s.counts] = s.date
    return [
        s if s is None or first[s.counts] == s.date else replace(s, date=first[s.counts])
        for s in snapshots
    ]


def uniform_density(snap: Snapshot) -> np.ndarray:
    """Each band's count spread evenly over its scores (the baseline's density)."""
    counts = np.zeros(SCORES)
    for (_label, lo, hi), b in zip(PARTITION, snap.counts, strict=True):
        counts[lo : hi + 1] = b / (hi - lo + 1)
    return counts


def conformal_half_width(residuals: Sequence[float], coverage: float = 0.8) -> float:
    """Split-conformal half-width: the ceil(coverage (n + 1))-th smallest |residual|."""
    values = sorted(abs(r) for r in residuals)
    if not values:
        return math.inf
    rank = math.ceil(coverage * (len(values) + 1))
    return float(values[min(rank, len(values)) - 1])
