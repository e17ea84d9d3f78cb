"""Issue 14's checks, measured: a large import with bad lines scattered through it, then load on
``POST /api/score`` while a large round runs on PostgreSQL.

1. ``--lines`` synthetic profiles (``simulation.pools``, every one eligible) are written to a
   JSON Lines file; one line in ``--bad-every`` is broken in turn: a job ending 9999-12-31, a
   spouse's job ending then, settlement funds of 1e400 and of NaN, a submission time at the
   calendar's end and one before Express Entry, a profile_id with U+202E and one with a space,
   an integer of 4,401 digits. ``expressentry pool import`` loads the file into a new
   PostgreSQL database; the lines it reports are compared with the lines broken, and the
   profiles stored with the good lines.
2. uvicorn serves that database (``--workers`` processes); ``wrk`` posts the example profile to
   ``POST /api/score`` with ``--connections`` connections for ``--duration`` seconds, and two
   seconds in an officer runs a general round of ``--round-size`` invitations through
   ``POST /api/rounds``, while, to exercise the lock, a candidate's profile is updated.

Run: ``.venv/bin/python benchmarks/bench_hardening.py [--lines 200000] [--round-size 150000]``.
The PostgreSQL server is ``EXPRESSENTRY_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); the database made is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import free_port, run_wrk, stop_server

ROOT = Path(__file__).resolve().parent.parent
ADMIN = os.environ.get(
    "EXPRESSENTRY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _breaks() -> list[tuple[str, object]]:
    def job_end(doc: dict) -> None:
        doc.setdefault("work_history", []).append(
            {"noc": "21231", "country": "CA", "start": "2020-01-01", "end": "9999-12-31",
             "hours_per_week": 40}
        )  # fmt: skip

    def spouse_job_end(doc: dict) -> None:
        doc["marital_status"] = "married"
        doc["spouse"] = {"work_history": [
            {"noc": "21231", "country": "CA", "start": "2020-01-01", "end": "9999-12-31",
             "hours_per_week": 40}]}  # fmt: skip

    def text(raw: str, key: str):  # type: ignore[no-untyped-def]
        def put(doc: dict) -> str:
            doc.pop(key, None)
            return json.dumps(doc)[:-1] + f', "{key}": {raw}}}'

        return put

    return [
        ("work_history[", job_end),
        ("spouse.work_history[", spouse_job_end),
        ("settlement_funds_cad", text("1e400", "settlement_funds_cad")),
        ("settlement_funds_cad", text("NaN", "settlement_funds_cad")),
        ("submitted_at", lambda d: d.update(submitted_at="9999-12-31T23:59:59Z")),
        ("submitted_at", lambda d: d.update(submitted_at="2014-06-01T00:00:00Z")),
        ("profile_id", lambda d: d.update(profile_id=d["profile_id"] + "\u202e")),
        ("profile_id", lambda d: d.update(profile_id="two words")),
        ("family_size", text("1" + "0" * 4400, "family_size")),
    ]


def write_file(path: Path, lines: int, bad_every: int, as_of: dt.date) -> dict[int, str]:
    from expressentry.simulation.pools import pool_jsonl

    breaks = _breaks()
    planted: dict[int, str] = {}
    with path.open("w", encoding="utf-8") as out:
        for number, line in enumerate(pool_jsonl(lines, as_of, 14), start=1):
            if number % bad_every == bad_every // 2:
                field, change = breaks[len(planted) % len(breaks)]
                doc = json.loads(line)
                changed = change(doc)  # type: ignore[operator]
                line = changed if isinstance(changed, str) else json.dumps(doc)
                planted[number] = field
            out.write(line + "\n")
    return planted


def create_database() -> tuple[str, str]:
    import psycopg

    name = f"ee_bench_i14_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_import(path: Path, url: str, planted: dict[int, str], lines: int, as_of: dt.date) -> None:
    cli = str(Path(sys.executable).with_name("expressentry"))
    start = time.perf_counter()
    done = subprocess.run(
        [cli, "pool", "import", str(path), "--db", url, "--as-of", as_of.isoformat(), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    took = time.perf_counter() - start
    if "Traceback" in done.stderr:
        raise SystemExit(done.stderr[-3000:])
    report = json.loads(done.stdout.strip().splitlines()[-1])
    reported: dict[int, str] = {}
    for row in done.stderr.splitlines():
        if m := re.match(r"error: .*, line (\d+): (.*)", row):
            reported[int(m.group(1))] = m.group(2)
    named = sum(
        1 for n, field in planted.items() if n in reported and reported[n].startswith(field)
    )
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM profiles")).scalar_one()
    engine.dispose()
    good = lines - len(planted)
    others = sorted({reported[n][:60] for n in set(reported) - set(planted)})
    if others:
        print("good lines reported:", others[:5])
    print(
        f"import: {lines:,} lines ({len(planted):,} broken, one in {lines // len(planted):,}) in "
        f"{took:.1f} s; exit status {done.returncode}; imported {report['imported']:,}; lines "
        f"reported {len(reported):,}; broken lines reported by number {sum(n in reported for n in planted):,} "
        f"of {len(planted):,}, naming the broken field {named:,}; good lines reported "
        f"{len(set(reported) - set(planted)):,}; profiles stored {stored:,} of {good:,} good lines"
    )


def add_officer(url: str) -> str:
    from expressentry.accounts.service import Accounts
    from expressentry.pool.db import connect

    engine = connect(url)
    password = uuid.uuid4().hex
    Accounts(engine).add_user("bench-officer", password, "officer")
    engine.dispose()
    return password


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, EXPRESSENTRY_DATABASE_URL=url)
    cmd = [sys.executable, "-m", "uvicorn", "expressentry.api.app:create_app", "--factory",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "30"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    body = (ROOT / "examples" / "profile.json").read_bytes()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.post(f"http://127.0.0.1:{port}/api/score", content=body).status_code == 200:
                for _ in range(50):
                    httpx.post(f"http://127.0.0.1:{port}/api/score", content=body)
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("uvicorn did not start")


def load_during_round(url: str, args: argparse.Namespace) -> None:
    password = add_officer(url)
    port = free_port()
    proc = start_server(url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    outcome: dict[str, object] = {}

    def officer() -> None:
        time.sleep(2)
        with httpx.Client(base_url=base, timeout=600) as client:
            token = client.post(
                "/api/login", json={"username": "bench-officer", "password": password}
            ).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            start = time.perf_counter()
            answer = client.post(
                "/api/rounds",
                json={"round_type": "general", "size": args.round_size},
                headers=headers,
            )
            outcome["seconds"] = time.perf_counter() - start
            outcome["status"] = answer.status_code
            outcome["invitations"] = answer.json().get("invitations")
            outcome["lowest_crs"] = answer.json().get("lowest_crs")

    thread = threading.Thread(target=officer)
    thread.start()
    try:
        result = run_wrk(port, args.duration, args.connections, 1)
        thread.join(timeout=900)
    finally:
        stop_server(proc)
    print(
        f"load: POST /api/score (wrk, {args.workers} uvicorn workers, {args.connections} "
        f"connections, {args.duration} s, {os.cpu_count()} CPUs) while a {args.round_size:,}-"
        f"invitation general round ran on PostgreSQL: {result['requests']:,} requests, "
        f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms, "
        f"{result['errors']} errors; the round: HTTP {outcome.get('status')}, "
        f"{outcome.get('invitations')} invitations, lowest CRS {outcome.get('lowest_crs')}, "
        f"{outcome.get('seconds', 0):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--bad-every", type=int, default=500)
    parser.add_argument("--round-size", type=int, default=150_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    as_of = dt.date.today() - dt.timedelta(days=30)
    folder = Path(tempfile.mkdtemp(prefix="bench-i14-"))
    name, url = create_database()
    try:
        path = folder / "pool.jsonl"
        start = time.perf_counter()
        planted = write_file(path, args.lines, args.bad_every, as_of)
        print(f"file: {args.lines:,} lines written in {time.perf_counter() - start:.1f} s")
        check_import(path, url, planted, args.lines, as_of)
        load_during_round(url, args)
    finally:
        drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
