"""Pool benchmarks: bulk import, a category round's preview and run, and a rescoring of the
whole pool, on a large pool.

The pool is imported as of the first round's day, so that round has nothing to re-assess; a
second category round of the same size is then held ``--months-later`` months on, on the scores
stored at the import: before selecting, it re-assesses every profile whose assessment can have
changed since (birthdays, work accrued, results and ECAs expiring, new rule versions), column-wise
and in worker processes, and writes their new states (``later_round_*``).

Run: ``.venv/bin/python benchmarks/bench_pool.py --size 1000000`` (SQLite and PostgreSQL).
The synthetic pool is generated once and cached under ``benchmarks/.cache``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
AS_OF = dt.date(2026, 11, 1)
ROUND_AT = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
#: after the later round (``--months-later`` 6: 2027-05-20)
RESCORE_ON = dt.date(2027, 8, 1)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def synth_file(size: int, seed: int) -> Path:
    """A synthetic pool matched to the distribution published nearest AS_OF (cached)."""
    from expressentry.simulation.pools import pool_jsonl

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"pool-{size}-{seed}.jsonl"
    if not path.exists():
        start = time.perf_counter()
        tmp = path.with_suffix(".part")
        with tmp.open("w") as fh:
            for line in pool_jsonl(size, AS_OF, seed):
                fh.write(line + "\n")
        tmp.rename(path)
        took = time.perf_counter() - start
        print(json.dumps({"synthesized": size, "synth_s": round(took, 1)}), flush=True)
    return path


def fresh_database(kind: str, tmp: Path) -> tuple[str, object]:
    if kind == "sqlite":
        path = tmp / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [
            p.unlink(missing_ok=True) for p in tmp.glob(path.name + "*")
        ]
    name = f"ee_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def cpu_s() -> float:
    """Processor time of this process and its finished children (the import's workers), user
    and system: what other work on a shared machine does not inflate (the database server's
    own time is not in it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def bench(kind: str, path: Path, size: int, keep: bool, months_later: int) -> dict[str, object]:
    from expressentry.pool.db import connect
    from expressentry.pool.service import Pool
    from expressentry.rounds.service import RoundRequest, Rounds

    url, drop = fresh_database(kind, CACHE)
    try:
        pool = Pool(connect(url))
        start, cpu = time.perf_counter(), cpu_s()
        with path.open() as fh:
            # scored as of the first round's day: that round has nothing to re-assess
            report = pool.import_lines(fh, as_of=ROUND_AT.date())
        imported_s, imported_cpu = time.perf_counter() - start, cpu_s() - cpu
        stats = pool.stats(at=ROUND_AT)
        counts = {k: v for k, v in stats["eligible_by_category"].items() if k.endswith(":2026")}
        key = max(counts, key=counts.get)
        slug = key.split(":")[0]
        rounds = Rounds(pool)
        req = RoundRequest(at=ROUND_AT, round_type="category", category=slug, size=5000, round_id=1)
        start, cpu = time.perf_counter(), cpu_s()
        preview = rounds.preview(req)
        preview_s, preview_cpu = time.perf_counter() - start, cpu_s() - cpu
        start, cpu = time.perf_counter(), cpu_s()
        run = rounds.run(req)
        run_s, run_cpu = time.perf_counter() - start, cpu_s() - cpu
        assert preview.document() == run.document()
        # the same round months later, on the scores stored at the import
        from expressentry.profile.facts import add_months

        later_at = dt.datetime.combine(
            add_months(ROUND_AT.date(), months_later), ROUND_AT.time(), dt.UTC
        )
        later = RoundRequest(
            at=later_at, round_type="category", category=slug, size=5000, round_id=2
        )
        with pool.engine.connect() as conn:
            due = pool.due_count(conn, later_at)
        start, cpu = time.perf_counter(), cpu_s()
        later_run = rounds.run(later)
        later_s, later_cpu = time.perf_counter() - start, cpu_s() - cpu
        # a rescoring of the whole pool some months on (ages, results and ECAs have moved)
        start, cpu = time.perf_counter(), cpu_s()
        changed = pool.rescore(RESCORE_ON)
        rescore_s, rescore_cpu = time.perf_counter() - start, cpu_s() - cpu
        return {
            "database": kind,
            "lines": size,
            "imported": report.imported,
            "not_imported": report.bad,
            "import_s": round(imported_s, 1),
            "import_cpu_s": round(imported_cpu, 1),
            "import_profiles_per_s": round(size / imported_s),
            "category": key,
            "eligible_in_category": counts[key],
            "round_preview_s": round(preview_s, 3),
            "round_preview_cpu_s": round(preview_cpu, 3),
            "round_run_s": round(run_s, 3),
            "round_run_cpu_s": round(run_cpu, 3),
            "invitations": run.invitations,
            "lowest_crs": run.lowest_crs,
            "later_round_at": later_at.isoformat(),
            "later_round_reassessed": due,
            "later_round_run_s": round(later_s, 1),
            "later_round_run_cpu_s": round(later_cpu, 1),
            "later_round_invitations": later_run.invitations,
            "later_round_lowest_crs": later_run.lowest_crs,
            "rescore_s": round(rescore_s, 1),
            "rescore_cpu_s": round(rescore_cpu, 1),
            "rescored_changed": changed,
            "peak_memory_mb": round(peak_mb()),
        }
    finally:
        if not keep:
            pool.engine.dispose()
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--months-later", type=int, default=6, help="months between the two category rounds"
    )
    args = parser.parse_args()
    path = synth_file(args.size, args.seed)
    for kind in args.db or ["sqlite", "postgresql"]:
        print(json.dumps(bench(kind, path, args.size, args.keep, args.months_later)), flush=True)


if __name__ == "__main__":
    main()
