"""Progress at a terminal: ``pool import`` shows how much of the file it has read."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

from expressentry.cli.render import read_with_progress
from expressentry.simulation import synth


def test_reading_reports_the_characters_read_and_ends_at_the_total() -> None:
    lines = [f"{i:04d}\n" for i in range(23)]  # 5 characters each
    total = sum(map(len, lines))
    calls: list[tuple[str, int, int]] = []
    read = list(read_with_progress(lines, total, lambda *a: calls.append(a), every=10))
    assert read == lines
    assert calls == [("Reading", 50, total), ("Reading", 100, total), ("Reading", total, total)]


def test_reading_never_reports_more_than_the_total() -> None:
    """Characters stand for bytes: a file of multi-byte text has fewer of them than bytes, and
    a file that grows while it is read has more than its size said."""
    calls: list[tuple[str, int, int]] = []
    list(read_with_progress(["é" * 10] * 4, 15, lambda *a: calls.append(a), every=1))
    assert [done for _, done, _ in calls] == [10, 15, 15, 15, 15]


def _run_at_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, bytes]:
    """Run the CLI with standard error on a pseudo-terminal; its code, output and terminal."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "expressentry"), *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    seen = b""
    while True:  # read as it writes, or a full terminal buffer would stop it
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's last writer has gone
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out = process.stdout.read().decode() if process.stdout else ""
    return process.wait(timeout=120), out, seen


def test_an_import_at_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    path = tmp_path / "pool.jsonl"
    path.write_text("\n".join(synth.jsonl(40, dt.date(2026, 11, 1), 3)) + "\n")
    env = dict(os.environ, COLUMNS="100", TERM="xterm")
    code, out, terminal = _run_at_a_terminal(
        ["pool", "import", str(path), "--db", f"sqlite:///{tmp_path / 'pool.db'}",
         "--as-of", "2026-11-01"],
        env,
    )  # fmt: skip
    assert code in (0, 2)  # 2: some synthetic profiles meet no program
    assert out.startswith("imported ")
    assert b"Reading" in terminal and b"100%" in terminal
