"""Planning questions for a category (or a general round) on a date.

How many candidates are eligible and their CRS distribution; the cutoff a round size would
reach; the round size a target cutoff needs. A general round is answered from the distribution
IRCC published nearest to the date. A category round needs the eligible candidates, which IRCC
does not publish: they are counted in a synthetic pool matched to that distribution (whose
category shares are those of the synthetic generator: a plausible estimate, not a measurement).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from expressentry.simulation.pools import PARTITION, band_counts, band_of, published
from expressentry.simulation.predict import predict_cutoff, size_for_cutoff


def plan(
    on: dt.date,
    category: str | None = None,
    *,
    size: int | None = None,
    target_cutoff: int | None = None,
    pool_size: int = 250_000,
    seed: int = 1,
) -> dict[str, Any]:
    if size is not None and size <= 0:
        raise ValueError(f"--size: a round invites at least one candidate (got {size})")
    if target_cutoff is not None and not 0 <= target_cutoff <= 1200:
        raise ValueError(f"--target-cutoff: {target_cutoff} is not a CRS score (0 to 1,200)")
    target = published(on)
    if category is None:
        counts = dict(target.counts)
        out: dict[str, Any] = {
            "what": "General round",
            "date": on.isoformat(),
            "basis": f"pool distribution published for {target.date} ({target.source})",
            "eligible": target.total,
            "distribution": counts,
        }
        crs = None
    else:
        from expressentry.rules.categories import default_categories
        from expressentry.simulation.simulate import build_reservoir

        version = default_categories().version_at(category, on)
        key = f"{version.slug}:{version.year}"
        reservoir = build_reservoir(on, seed, 20_000, {key: on})
        rng = np.random.default_rng(seed)
        index = np.concatenate(
            [
                rng.choice(reservoir.bands[label], size=n)
                for label, n in band_counts(target, pool_size).items()
                if n and len(reservoir.bands[label])
            ]
        )
        eligible = index[reservoir.categories[key][index]]
        crs = np.sort(reservoir.crs[eligible].astype(np.int64))[::-1]
        counts = {label: 0 for label, _, _ in PARTITION}
        for value in crs:
            counts[band_of(int(value))] += 1
        out = {
            "what": f"{version.official_name} ({version.year})",
            "date": on.isoformat(),
            "basis": f"a synthetic pool of {pool_size:,} matched to the distribution of "
            f"{target.date} ({target.source})",
            "eligible": len(crs),
            "distribution": counts,
        }
    if size is not None:
        predicted, low, high, _ = predict_cutoff(out["distribution"], size)
        if crs is not None and len(crs):
            predicted = int(crs[min(size, len(crs)) - 1])
        out["prediction"] = {"predicted_cutoff": predicted, "low": low, "high": high}
    if size is not None:
        out["model_prediction"] = model_prediction(on, category, size)
    if target_cutoff is not None:
        if crs is not None:
            n = int((crs >= target_cutoff).sum())
            out["size_needed"] = {"estimate": n, "at_most": n}
        else:
            estimate, most = size_for_cutoff(out["distribution"], target_cutoff)
            out["size_needed"] = {"estimate": estimate, "at_most": most}
    return out


def model_prediction(on: dt.date, category: str | None, size: int) -> dict[str, Any]:
    """The pool model's forecast of the round's lowest score on IRCC's published pool, with
    its 80% range and what it read (``analysis.predict``); or why there is none."""
    from expressentry.analysis.predict import PredictionError, predict_round
    from expressentry.rounds.history import load_history

    try:
        return predict_round(load_history(), size, category=category, at=on).document()
    except PredictionError as exc:
        return {"problem": str(exc)}
