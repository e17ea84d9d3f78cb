"""Benchmark of ``POST /api/score`` under uvicorn (issue 7: >= 500 req/s, p99 < 50 ms on 2 cores).

Starts uvicorn with 2 workers on 127.0.0.1 in a subprocess, then loads it with ``wrk`` (a Lua
script posts the example profile) when wrk is installed, else with a concurrent httpx client.
Run: ``.venv/bin/python benchmarks/bench_api.py [--duration 15] [--connections 16]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "profile.json"
PATH = "/api/score?as_of=2025-06-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "expressentry.api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    body = EXAMPLE.read_bytes()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            r = httpx.post(f"http://127.0.0.1:{port}{PATH}", content=body, timeout=2)
            if r.status_code == 200:
                # warm every worker (tables load once per process)
                for _ in range(50):
                    httpx.post(f"http://127.0.0.1:{port}{PATH}", content=body, timeout=5)
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("uvicorn did not start within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


_WRK_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, latency.max))
end
"""


def run_wrk(port: int, duration: int, connections: int, threads: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_WRK_LUA.format(body=json.dumps(EXAMPLE.read_text(encoding="utf-8"))))
        script = fh.name
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script,
                f"http://127.0.0.1:{port}{PATH}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script)
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not m:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    requests, micros, p50, p99, errors, worst = map(int, m.groups())
    return {
        "tool": "wrk",
        "requests": requests,
        "requests_per_s": requests / (micros / 1e6),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": worst / 1000,
        "errors": errors,
    }


async def _httpx_load(port: int, duration: int, connections: int) -> dict[str, float]:
    body = EXAMPLE.read_bytes()
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        end = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                r = await client.post(PATH, content=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {
        "tool": "httpx",
        "requests": len(latencies),
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "max_ms": max(latencies) * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    args = parser.parse_args()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "httpx"
    port = free_port()
    proc = start_server(port, args.workers)
    try:
        if tool == "wrk":
            result = run_wrk(port, args.duration, args.connections, args.threads)
        else:
            result = asyncio.run(_httpx_load(port, args.duration, args.connections))
    finally:
        stop_server(proc)
    result.update(
        workers=args.workers,
        connections=args.connections,
        duration_s=args.duration,
        cpus=os.cpu_count(),
    )
    print(
        f"POST /api/score ({result['tool']}, {args.workers} uvicorn workers, "
        f"{args.connections} connections, {args.duration} s, {os.cpu_count()} CPUs): "
        f"{result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms, "
        f"{result['errors']} errors"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
