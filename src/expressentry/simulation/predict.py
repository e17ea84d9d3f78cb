"""Planning: the cutoff a round of a given size would reach, and the size a target cutoff needs.

From a published pool distribution (candidates per CRS band), a general round of N invitations
reaches down the bands from the top until N candidates are counted: the band where that happens
holds the cutoff for certain (if the snapshot is the pool at the round, and no candidate is held
by an earlier invitation), and within the band the estimate assumes candidates spread evenly over
its scores. That band is the stated uncertainty: ``low`` and ``high`` are its bounds.

For a program or category round, the published distribution is of the whole pool, not of the
eligible candidates; the estimate then needs the eligible candidates' own distribution, for
example from a synthetic pool (``eligible_distribution``), and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from expressentry.simulation.pools import PARTITION, Distribution, published


@dataclass(frozen=True)
class Prediction:
    predicted_cutoff: int
    low: int
    high: int
    band: str
    distribution_date: dt.date
    source: str
    note: str = ""

    def document(self) -> dict[str, int]:
        return {"predicted_cutoff": self.predicted_cutoff, "low": self.low, "high": self.high}


def predict_cutoff(counts: Mapping[str, int], size: int) -> tuple[int, int, int, str]:
    """(predicted, low, high, band) for a round of ``size`` on a pool with these band counts."""
    if size <= 0:
        raise ValueError(f"size: a round invites at least one candidate (got {size})")
    seen = 0
    for label, low, high in PARTITION:
        n = counts.get(label, 0)
        if n and seen + n >= size:
            # evenly spread over the band's scores: the (size - seen)-th best of n
            width = high - low + 1
            predicted = high - int((size - seen - 1) * width / n)
            return max(low, min(high, predicted)), low, high, label
        seen += n
    low = PARTITION[-1][1]
    return low, low, PARTITION[-1][2], PARTITION[-1][0]


def predict(size: int, on: dt.date | None = None, target: Distribution | None = None) -> Prediction:
    """The predicted cutoff of a general round of ``size`` on the pool published nearest ``on``."""
    target = target or published(on or dt.date.today())
    predicted, low, high, band = predict_cutoff(target.counts, size)
    note = ""
    if size > target.total:
        note = f"the round is larger than the whole pool ({target.total:,} candidates)"
    return Prediction(predicted, low, high, band, target.date, target.source, note)


def size_for_cutoff(counts: Mapping[str, int], cutoff: int) -> tuple[int, int]:
    """(estimate, upper bound) of the invitations needed for a round to reach ``cutoff``: every
    candidate in higher bands, and an even share of the band that holds the cutoff."""
    total = 0
    for label, low, high in PARTITION:
        n = counts.get(label, 0)
        if cutoff > high:
            continue
        if cutoff <= low:
            total += n
            continue
        share = (high - cutoff + 1) / (high - low + 1)
        return total + round(n * share), total + n
    return total, total
