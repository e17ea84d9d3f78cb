"""Benchmark: vectorised CRS and category eligibility of 1,000,000 profiles.

Run: ``.venv/bin/python benchmarks/bench_vectorized.py`` (options: ``--base``, ``--times``,
``--as-of``, ``--seed``, ``--repeat``).

Loading is not timed against the target: ``--base`` synthetic profiles (100,000 by default) are
generated, parsed and derived one by one, and loaded into columns (category criteria that are
decided while loading included); the columns are then replicated ``--times`` times
(``FactColumns.take``) to make 1,000,000 rows, which saves nine tenths of the loading time and
changes nothing for the column-wise step (it does not look at whether rows repeat).

Timed: ``score_columns`` (the total and every block part) plus ``category_flags`` (every
category in force), best and median of ``--repeat`` runs. Memory: the peak of numpy's
allocations during one run (``tracemalloc``, which numpy reports to) on top of the columns, and
the process's peak resident set size (which includes loading).
Target (issue 5): at most 0.5 s and 1.5 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import statistics
import time
import tracemalloc

import numpy as np

from expressentry.eligibility.vectorized import category_flags
from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.scoring.vectorized import FactColumns, columns_from_facts, score_columns
from expressentry.simulation import synth

MB = 1024 * 1024


def column_bytes(cols: FactColumns) -> int:
    arrays = [v for v in vars(cols).values() if isinstance(v, np.ndarray)]
    return sum(a.nbytes for a in arrays) + sum(a.nbytes for a in cols.criteria.values())


def step(cols: FactColumns) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    return score_columns(cols), category_flags(cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=100_000, help="profiles loaded")
    parser.add_argument("--times", type=int, default=10, help="replication of the loaded rows")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 1))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    start = time.perf_counter()
    profiles = [parse_profile(doc) for doc in synth.profiles(args.base, args.as_of, args.seed)]
    facts = [derive(p, args.as_of) for p in profiles]
    base = columns_from_facts(facts, profiles)
    loaded = time.perf_counter() - start
    cols = base.take(np.tile(np.arange(args.base), args.times))
    del profiles, facts, base
    gc.collect()
    rows = len(cols)
    print(f"loading (not timed against the target): {args.base:,} profiles synthesised, parsed,")
    print(f"  derived and loaded in {loaded:.1f} s; replicated x{args.times} to {rows:,} rows")
    print(f"columns: {column_bytes(cols) / MB:.0f} MB; {len(cols.criteria)} criterion columns")
    print(f"cores: {cores}; numpy {np.__version__}; as of {args.as_of}")

    step(cols)  # warm up: tables compiled, caches filled
    times = []
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        scores, flags = step(cols)
        times.append(time.perf_counter() - t0)
        del scores, flags
    gc.collect()
    tracemalloc.start()
    scores, flags = step(cols)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kB

    eligible = ", ".join(f"{k} {int(v.sum()):,}" for k, v in flags.items())
    print(f"scored {rows:,} rows: mean CRS {scores['total'].mean():.1f}; {len(scores)} arrays")
    print(f"categories ({len(flags)}): {eligible}")
    print(
        f"score_columns + category_flags: best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s over {args.repeat} runs"
    )
    print(
        f"memory: columns {column_bytes(cols) / MB:.0f} MB + step peak {peak / MB:.0f} MB "
        f"= {(column_bytes(cols) + peak) / MB:.0f} MB; "
        f"process peak RSS (loading included) {maxrss / MB:.0f} MB"
    )
    ok = statistics.median(times) <= 0.5 and column_bytes(cols) + peak <= 1.5 * 1024 * MB
    print(f"target (0.5 s, 1.5 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
