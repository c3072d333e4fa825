"""Crash safety: a killed run loses nothing it paid for; outputs are never half-written.

Every validated brief is committed to the cache (diskcache, SQLite) the moment it arrives, and
every output file (briefing, JSON, recordings) is written to a temp file and renamed into place.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import diskcache
import pytest
from typer.testing import CliRunner

from summarizer.llm import replay
from summarizer.util import files
from summarizer.cli import app
from tests.conftest import ROOT, SEED_FILES
from tests.fake_openai import FakeOpenAI
from tests.llm.test_faults import KEY, brief_subjects, cli_args


def _cached_briefs(cache_dir: Path) -> set[str]:
    """Article ids with a brief in the cache."""
    with diskcache.Cache(str(cache_dir)) as cache:
        return {key.rsplit("|", 1)[1] for key in cache.iterkeys() if key.startswith("brief|")}


def _brief(tmp_path: Path, server: FakeOpenAI, *extra: str) -> subprocess.Popen:
    """`python -m summarizer` as a separate process, against `server`."""
    command = [sys.executable, "-m", "summarizer", *cli_args(server, tmp_path), *extra]  # later flags win
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the subprocess")
        time.sleep(0.02)


def test_a_run_killed_midway_pays_only_for_what_is_left_when_rerun(tmp_path, seeds_copy):
    with FakeOpenAI(latency=0.3) as server:
        process = _brief(tmp_path, server, str(seeds_copy), "-q", "-c", "1")
        # with one request in flight, the third brief request means the first two briefs are cached
        _wait_for(lambda: len(brief_subjects(server)) >= 3 or process.poll() is not None)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
        first_run = brief_subjects(server)

    cached = _cached_briefs(tmp_path / "cache")
    assert 2 <= len(cached) < len(SEED_FILES)
    assert cached <= set(first_run)

    with FakeOpenAI() as server:
        rerun = CliRunner().invoke(app, [str(seeds_copy), "-q", *cli_args(server, tmp_path)])
        assert rerun.exit_code == 0, rerun.output
        paid_again = brief_subjects(server)
    assert len(paid_again) == len(SEED_FILES) - len(cached)
    assert not set(paid_again) & cached, "nothing already cached is paid for twice"
    assert rerun.stdout.startswith(f"# Briefing: {len(SEED_FILES)} sources")


def test_two_runs_sharing_a_cache_at_once_both_succeed_and_leave_it_readable(tmp_path, seeds_copy):
    with FakeOpenAI(latency=0.05) as server:
        runs = [_brief(tmp_path, server, str(seeds_copy), "-o", str(tmp_path / f"b{i}.md")) for i in (1, 2)]
        outcomes = [run.communicate(timeout=120) for run in runs]
        for run, (_, stderr) in zip(runs, outcomes, strict=True):
            assert run.returncode == 0, stderr
    for i in (1, 2):
        assert (tmp_path / f"b{i}.md").read_text(encoding="utf-8").startswith(f"# Briefing: {len(SEED_FILES)} sources")
    assert len(_cached_briefs(tmp_path / "cache")) == len(SEED_FILES)
    info = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(tmp_path / "cache")])
    assert info.exit_code == 0 and "Entries: " in info.stdout
    with FakeOpenAI() as server:
        third = CliRunner().invoke(app, [str(seeds_copy), "-q", *cli_args(server, tmp_path)])
        assert third.exit_code == 0
        assert brief_subjects(server) == [], "the shared cache answers every brief"


# --------------------------------------------------------------------------- atomic outputs


def test_a_crash_while_writing_keeps_the_previous_briefing_whole(tmp_path, monkeypatch):
    out = tmp_path / "briefing.md"
    out.write_text("previous briefing\n", encoding="utf-8")

    def crash(fd: int) -> None:  # the run dies after writing part of the new file, before the rename
        raise RuntimeError("power cut")

    monkeypatch.setattr(files.os, "fsync", crash)
    result = CliRunner().invoke(app, [str(ROOT / "seeds"), "-q", "-o", str(out)])
    assert isinstance(result.exception, RuntimeError)
    assert out.read_text(encoding="utf-8") == "previous briefing\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.md"], "no temp file is left behind"


def test_a_full_disk_is_one_clear_error_and_the_old_file_survives(tmp_path, monkeypatch):
    out = tmp_path / "briefing.md"
    out.write_text("previous briefing\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    result = CliRunner().invoke(app, [str(ROOT / "seeds"), "-q", "-o", str(out)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: cannot write {out} (No space left on device); check that its folder is writable and has free space\n"
    )
    assert out.read_text(encoding="utf-8") == "previous briefing\n"


def test_every_output_goes_through_write_atomic(fake_openai, tmp_path, monkeypatch):
    written: list[Path] = []
    real = files.write_atomic

    real_all = files.write_all_atomic

    def spy(path, text):  # type: ignore[no-untyped-def]
        written.append(Path(path))
        return real(path, text)

    def spy_all(items):  # type: ignore[no-untyped-def]  # the briefing's files: all or none
        written.extend(Path(p) for p, _ in items)
        return real_all(items)

    monkeypatch.setattr(files, "write_atomic", spy)
    monkeypatch.setattr(files, "write_all_atomic", spy_all)
    monkeypatch.setattr(replay, "write_atomic", spy)
    out, js, rec = tmp_path / "b.md", tmp_path / "b.json", tmp_path / "rec"
    result = CliRunner().invoke(
        app,
        [
            str(ROOT / "seeds" / SEED_FILES[0]),
            "-q",
            "-o",
            str(out),
            "--json",
            str(js),
            "--record",
            str(rec),
            "--no-cache",
            *cli_args(fake_openai, tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    recordings = sorted(rec.glob("*.json"))
    assert len(recordings) == fake_openai.count >= 1
    assert sorted(written) == sorted([out, js, *recordings])
    assert KEY not in "".join(p.read_text(encoding="utf-8") for p in [out, js, *recordings])
