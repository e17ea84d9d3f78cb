"""The CRS bands IRCC publishes with each round: the pool's score distribution."""

from __future__ import annotations

from collections.abc import Iterable

#: the rows of the canada.ca table, broad bands with their ten-point subdivisions
BANDS: tuple[tuple[str, int, int], ...] = (
    ("601-1200", 601, 1200),
    ("501-600", 501, 600),
    ("451-500", 451, 500),
    ("491-500", 491, 500),
    ("481-490", 481, 490),
    ("471-480", 471, 480),
    ("461-470", 461, 470),
    ("451-460", 451, 460),
    ("401-450", 401, 450),
    ("441-450", 441, 450),
    ("431-440", 431, 440),
    ("421-430", 421, 430),
    ("411-420", 411, 420),
    ("401-410", 401, 410),
    ("351-400", 351, 400),
    ("301-350", 301, 350),
    ("0-300", 0, 300),
)


def distribution(counts: Iterable[tuple[int, int]]) -> dict[str, int]:
    """Candidates per band (and the total) from (CRS, count) pairs."""
    per_score = list(counts)
    out = {
        label: sum(n for crs, n in per_score if low <= crs <= high) for label, low, high in BANDS
    }
    out["total"] = sum(n for _, n in per_score)
    return out
