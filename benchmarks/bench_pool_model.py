"""The pool model's speed figures that issue 12 asks for. Run:
``.venv/bin/python benchmarks/bench_pool_model.py``.

- a walk-forward backtest of every round since 2015 (every method, nowcast and forecast);
- one prediction, cold (a fresh process's first: the model built from the history, every
  earlier round's choice of slope, shares and errors computed) and warm;
- one outlook (a profile), cold and warm.

Each cold figure is the median of several fresh runs (the memo cleared); wall time and
processor time are both printed (the machine may be shared).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "expressentry" / "examples" / "profile.json"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median (wall, processor) seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    from expressentry.analysis import outlook as outlook_module
    from expressentry.analysis import predict as predict_module
    from expressentry.analysis.backtest import run
    from expressentry.analysis.outlook import candidate_from_profile, outlook
    from expressentry.analysis.predict import predict_round
    from expressentry.profile.model import load_profile
    from expressentry.rounds.history import load_shipped

    history = load_shipped()
    profile = load_profile(str(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))
    on = dt.date(2026, 8, 10)

    def cold(fn: Callable[[], object]) -> Callable[[], object]:
        def run_cold() -> object:
            predict_module._predictors.clear()
            outlook_module._patterns.clear()
            return fn()

        return run_cold

    def backtest() -> object:
        result = run(history)
        assert result.cases
        return result

    def prediction() -> object:
        return predict_round(history, 3000, program="cec", at=dt.date(2026, 9, 1))

    def one_outlook() -> object:
        return outlook(history, [candidate_from_profile(profile, on)], on)

    rows = [
        ("backtest of every round since 2015", cold(backtest), 3),
        ("one prediction, cold", cold(prediction), 5),
        ("one prediction, warm", prediction, 20),
        ("one outlook, cold", cold(one_outlook), 5),
        ("one outlook, warm (another profile, same day)", one_outlook, 10),
    ]
    rounds = len(history)
    print(f"pool model benchmarks ({rounds} rounds, to round {history[-1].draw_number})")
    for label, fn, repeat in rows:
        wall, cpu = timed(fn, repeat)
        print(f"{label:48s} {wall:8.3f} s wall {cpu:8.3f} s processor (median of {repeat})")


if __name__ == "__main__":
    main()
