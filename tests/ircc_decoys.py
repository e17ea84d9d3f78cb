"""IRCC's rounds file as JSON, and decoy copies of it for the honesty tests of the pool model."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from functools import cache
from typing import Any

from expressentry.rounds.history import SHIPPED_FILE

#: the ten-point and broad rows (dd indices, 1-based) that the subtotals dd3, dd9 and the total
#: dd18 add up
_PARTITION_DD = (1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17)


@cache
def _shipped() -> str:
    return SHIPPED_FILE.read_text(encoding="utf-8")


def ircc_document() -> dict[str, Any]:
    """The shipped rounds file, parsed (a fresh copy each call)."""
    return json.loads(_shipped())


def _spelled(day: dt.datetime) -> str:
    return day.strftime("%B %d, %Y at %H:%M:%S UTC")


def decoy(doc: dict[str, Any], draw_number: str, seed: int = 7) -> dict[str, Any]:
    """A copy of IRCC's file in which the round ``draw_number`` has a decoy cutoff and
    tie-break, and every round dated after it is a decoy (cutoff, size, tie-break and pool
    distribution replaced by random values)."""
    rng = random.Random(seed)
    out = copy.deepcopy(doc)
    target = next(r for r in out["rounds"] if r["drawNumber"] == draw_number)
    target_date = dt.date.fromisoformat(target["drawDate"])
    target["drawCRS"] = str(rng.randint(300, 900))
    held = dt.datetime.strptime(target["drawDate"], "%Y-%m-%d")
    target["drawCutOff"] = _spelled(held - dt.timedelta(days=rng.randint(2, 200), hours=3))
    for r in out["rounds"]:
        if dt.date.fromisoformat(r["drawDate"]) <= target_date:
            continue
        r["drawCRS"] = str(rng.randint(60, 1000))
        r["drawSize"] = f"{rng.randint(1, 9000):,}"
        when = dt.datetime.strptime(r["drawDate"], "%Y-%m-%d")
        r["drawCutOff"] = _spelled(when - dt.timedelta(days=rng.randint(1, 300), hours=2))
        if r["dd18"] not in ("0", ""):
            values = {i: rng.randint(0, 30000) for i in _PARTITION_DD}
            for i, v in values.items():
                r[f"dd{i}"] = f"{v:,}"
            r["dd3"] = f"{sum(values[i] for i in (4, 5, 6, 7, 8)):,}"
            r["dd9"] = f"{sum(values[i] for i in (10, 11, 12, 13, 14)):,}"
            r["dd18"] = f"{sum(values.values()):,}"
    return out
