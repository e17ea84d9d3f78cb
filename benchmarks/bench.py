"""Benchmarks whose figures the issues ask for. Run: ``.venv/bin/python benchmarks/bench.py``.

Figures are medians over many repetitions on this machine; they are measured here, never
asserted in tests. With ``--cpu`` they are processor time (this process, or the child process's
user + system time), which other work on a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "profile.json"
AS_OF = dt.date(2025, 6, 1)


CLOCK = time.perf_counter_ns


def median_us(fn: Callable[[], object], repeat: int, inner: int = 50) -> float:
    """Median over ``repeat`` samples of the mean time of ``inner`` calls, in microseconds."""
    for _ in range(inner):
        fn()  # warm caches (tables, charts) as a long-running service would have them
    samples = []
    for _ in range(repeat):
        start = CLOCK()
        for _ in range(inner):
            fn()
        samples.append((CLOCK() - start) / inner / 1000)
    return statistics.median(samples)


def bench_score(repeat: int) -> dict[str, float]:
    from expressentry.profile.model import parse_profile
    from expressentry.scoring.crs import score

    text = EXAMPLE.read_text()
    profile = parse_profile(text)
    return {
        "score_parsed_profile_us": median_us(lambda: score(profile, AS_OF), repeat),
        "parse_and_score_json_us": median_us(lambda: score(parse_profile(text), AS_OF), repeat),
    }


def bench_eligibility(repeat: int) -> dict[str, float]:
    try:
        from expressentry.eligibility.assess import assess
    except ImportError:
        return {}
    from expressentry.profile.model import parse_profile

    profile = parse_profile(EXAMPLE.read_text())
    return {"eligibility_parsed_profile_us": median_us(lambda: assess(profile, AS_OF), repeat)}


def bench_cli(runs: int) -> dict[str, float]:
    exe = Path(sys.executable).parent / "expressentry"
    cmd = [str(exe), "score", str(EXAMPLE), "--json", "--as-of", AS_OF.isoformat()]
    subprocess.run(cmd, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        if CLOCK is time.process_time_ns:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            continue
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return {"cli_score_json_process_s": statistics.median(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--cli-runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="processor time, not wall time")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time_ns
    figures: dict[str, float] = {}
    figures.update(bench_score(args.repeat))
    figures.update(bench_eligibility(args.repeat))
    figures.update(bench_cli(args.cli_runs))
    if args.json:
        print(json.dumps(figures))
        return
    for name, value in figures.items():
        print(f"{name:34} {value:10.2f}")


if __name__ == "__main__":
    main()
