"""Walk-forward backtest of cutoff prediction: every round replayed as it was before it.

Each round is predicted by each method from what was published before it (a nowcast also reads
the snapshot published with its record; a forecast only the latest snapshot before it), then
compared with its real cutoff. Figures per round kind and year, and per kind over every year:
mean absolute error (MAE), bias (mean of predicted - real: positive means too high), worst
error, the share of real cutoffs inside the stated 80% range, and the range's mean width.
Rounds before 2022 have no published distribution: only persistence (and the ensemble, which
falls back to it) predicts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from expressentry.analysis.model import family_of
from expressentry.analysis.predict import METHODS, MODES, PredictionError, Predictor
from expressentry.rounds.history import HistoricalRound

#: the kinds ``backtest --kind`` selects
FAMILIES = ("general", "cec", "pnp", "fsw", "fst", "category")


@dataclass(frozen=True)
class Case:
    """One round predicted by one method in one mode."""

    draw_number: str
    date: dt.date
    kind: str
    size: int
    real: int
    mode: str
    method: str
    predicted: int
    low: int
    high: int

    @property
    def family(self) -> str:
        return family_of(self.kind)

    @property
    def error(self) -> int:
        return self.predicted - self.real

    @property
    def covered(self) -> bool:
        return self.low <= self.real <= self.high

    def document(self) -> dict[str, Any]:
        return {
            "draw_number": self.draw_number,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "size": self.size,
            "real_cutoff": self.real,
            "mode": self.mode,
            "method": self.method,
            "predicted_cutoff": self.predicted,
            "low": self.low,
            "high": self.high,
        }


def figures(cases: Sequence[Case]) -> dict[str, Any]:
    """MAE, bias, worst error, 80% coverage and mean width of some cases."""
    n = len(cases)
    if not n:
        return {"rounds": 0}
    worst = max(cases, key=lambda c: (abs(c.error), c.date))
    return {
        "rounds": n,
        "mae": round(sum(abs(c.error) for c in cases) / n, 2),
        "bias": round(sum(c.error for c in cases) / n, 2),
        "worst": abs(worst.error),
        "worst_round": worst.draw_number,
        "coverage": round(sum(c.covered for c in cases) / n, 2),
        "mean_width": round(sum(c.high - c.low for c in cases) / n, 1),
    }


@dataclass
class Backtest:
    cases: list[Case]
    history_rounds: int
    last_round: str | None
    seconds: float = 0.0

    def select(
        self,
        *,
        mode: str | None = None,
        method: str | None = None,
        family: str | None = None,
        years: Iterable[int] | None = None,
    ) -> list[Case]:
        wanted = set(years) if years is not None else None
        return [
            c
            for c in self.cases
            if (mode is None or c.mode == mode)
            and (method is None or c.method == method)
            and (family is None or c.family == family)
            and (wanted is None or c.date.year in wanted)
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One row per mode, kind, year (and "all") and method. In a group every method is
        measured on the same rounds: those every method of the group could predict (before
        2022 only persistence and the ensemble; "all" compares every method, so it covers
        the rounds with a distribution)."""
        out: list[dict[str, Any]] = []
        for mode in MODES:
            for family in FAMILIES:
                cases = self.select(mode=mode, family=family)
                if not cases:
                    continue
                years: list[int | str] = sorted({c.date.year for c in cases})
                for year in [*years, "all"]:
                    group = [c for c in cases if year == "all" or c.date.year == year]
                    methods = [m for m in METHODS if any(c.method == m for c in group)]
                    common = set.intersection(
                        *({c.draw_number for c in group if c.method == m} for m in methods)
                    )
                    if not common:
                        continue
                    for method in methods:
                        chosen = [
                            c for c in group if c.method == method and c.draw_number in common
                        ]
                        out.append(
                            {"mode": mode, "kind": family, "year": year, "method": method}
                            | figures(chosen)
                        )
        return out

    def checks(self) -> list[dict[str, Any]]:
        """The issue's check: the general rounds of 2022-2024 with a distribution (37)."""
        with_snapshot = {
            c.draw_number for c in self.cases if c.mode == "nowcast" and c.family == "general"
        }
        out = []
        for mode in MODES:
            for method in METHODS:
                chosen = [
                    c
                    for c in self.select(
                        mode=mode, method=method, family="general", years=(2022, 2023, 2024)
                    )
                    if c.draw_number in with_snapshot
                ]
                if chosen:
                    out.append(
                        {"mode": mode, "kind": "general", "year": "2022-2024", "method": method}
                        | figures(chosen)
                    )
        return out

    def document(self) -> dict[str, Any]:
        return {
            "history_rounds": self.history_rounds,
            "last_round": self.last_round,
            "seconds": round(self.seconds, 2),
            "checks": self.checks(),
            "rows": self.rows(),
        }


def run(
    history: Sequence[HistoricalRound],
    *,
    family: str | None = None,
    from_year: int | None = None,
    methods: Sequence[str] = METHODS,
    modes: Sequence[str] = MODES,
    predictor: Predictor | None = None,
) -> Backtest:
    """Replay every round (of ``family``, from ``from_year``) walk-forward."""
    import time

    started = time.perf_counter()
    if family is not None and family not in FAMILIES:
        raise PredictionError(f"--kind: unknown round kind {family!r} ({', '.join(FAMILIES)})")
    p = predictor or Predictor(history)
    model = p.model
    cases: list[Case] = []
    for j, r in enumerate(model.rounds):
        kind = model.kinds[j]
        if family is not None and family_of(kind) != family:
            continue
        if from_year is not None and r.date.year < from_year:
            continue
        for mode in modes:
            target = p.target_of(j, mode)
            if target is None:
                continue
            for method in methods:
                try:
                    pred = p.predict(target, method)
                except PredictionError:
                    continue
                cases.append(
                    Case(
                        r.draw_number,
                        r.date,
                        kind,
                        r.invitations,
                        r.crs_cutoff,
                        mode,
                        method,
                        pred.predicted_cutoff,
                        pred.low,
                        pred.high,
                    )
                )
    last = model.rounds[-1].draw_number if model.rounds else None
    return Backtest(cases, len(model.rounds), last, time.perf_counter() - started)
