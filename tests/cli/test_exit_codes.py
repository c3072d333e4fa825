"""The README's exit-code table, row by row, and the CLI's own promises: usage errors exit 1,
`brief --version` and `-h`, and a closed stdout never stops work whose product is files
(issue 11, items 4, 5, 7 and 13)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from summarizer.cli import app
from tests.conftest import FIXTURES, ROOT, SEEDS, SEED_FILES
from tests.llm.test_faults import cli_args

ONE_SEED = str(SEEDS / SEED_FILES[3])


def _readme_exit_codes() -> dict[int, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Failures and exit codes", 1)[1].split("\n\n", 2)[1]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", table, re.M)}


def _replay(*args: str):
    return CliRunner().invoke(app, [*args, "--replay", str(FIXTURES)])


# --------------------------------------------------------------------------- one scenario per row


def exit_0(tmp_path, fake_openai):
    out = tmp_path / "b.md"
    result = _replay(str(SEEDS), "-o", str(out), "-q")
    assert out.is_file()
    return [result]


def exit_1(tmp_path, fake_openai):
    """Usage and configuration errors, a refused key, an unknown model: one line naming the fix, nothing written."""
    out = tmp_path / "b.md"
    results = [
        CliRunner().invoke(app, [ONE_SEED, "--no-such-flag", "-o", str(out)]),
        CliRunner().invoke(app, ["run", "-o", str(out)]),  # missing PATH
        CliRunner().invoke(app, [ONE_SEED, "--concurrency", "abc", "-o", str(out)]),
        CliRunner().invoke(app, ["digest", "--out", str(tmp_path / "d")]),  # missing PATH
        CliRunner().invoke(app, ["cache", "info", "--bogus"]),
        CliRunner().invoke(app, ["nosuchcommand-or-file", "-o", str(out)]),  # a missing file
        _replay(ONE_SEED, "--mode", "nonsense", "-o", str(out)),
    ]
    for fault in ("401", "404"):
        fake_openai.default = fault
        results.append(CliRunner().invoke(app, [ONE_SEED, "-o", str(out), *cli_args(fake_openai, tmp_path)]))
    for result in results:
        assert "Traceback" not in result.output
        assert result.stderr.strip(), "a message on stderr"
    assert not out.exists() and not (tmp_path / "d").exists(), "nothing is written"
    return results


def exit_2(tmp_path, fake_openai):
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "b.md"
    result = _replay(str(articles), "-o", str(out), "-q")
    assert out.is_file() and "empty.txt" in out.read_text(encoding="utf-8")
    assert "rejected: " in result.stderr and "empty.txt" in result.stderr
    return [result]


def exit_75(tmp_path, fake_openai):
    out = tmp_path / "d"
    out.mkdir()
    with FileLock(out / ".brief-digest.lock"):
        result = _replay("digest", ONE_SEED, "--date", "2025-10-10", "--out", str(out), "--wait", "0.1", "-q")
    assert not (out / "2025-10-10.md").exists()
    return [result]


def exit_130(tmp_path, fake_openai):
    """Ctrl-C: what was briefed is cached and the message says how many (a real SIGINT to a real process)."""
    fake_openai.latency = 1.0  # the signal must land while answers are still awaited, even on a loaded machine (--timeout 10: none is resent)
    command = [
        sys.executable,
        "-m",
        "summarizer",
        str(SEEDS),
        *cli_args(fake_openai, tmp_path),
        "-c",
        "1",
        "--timeout",
        "10",
        "-o",
        str(tmp_path / "b.md"),
    ]
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # as a shell starts it, whatever the test runner ignores
    deadline = time.monotonic() + 60
    while fake_openai.count < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    found = re.search(r"^interrupted; (\d+) briefs? cached, rerun to finish$", stderr, re.M)
    assert found, stderr
    assert 1 <= int(found.group(1)) < len(SEED_FILES)
    assert "Traceback" not in stderr and stdout == ""
    assert not (tmp_path / "b.md").exists()

    class Done:
        exit_code = proc.returncode
        output = stderr

    return [Done]


SCENARIOS = {0: exit_0, 1: exit_1, 2: exit_2, 75: exit_75, 130: exit_130}


def test_every_row_of_the_readme_table_has_a_scenario():
    assert set(_readme_exit_codes()) == set(SCENARIOS)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_readme_exit_code_row(code, tmp_path, fake_openai, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert code in _readme_exit_codes()
    for result in SCENARIOS[code](tmp_path, fake_openai):
        assert result.exit_code == code, result.output


# --------------------------------------------------------------------------- usage errors, --version, -h


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-flag"],
        ["run"],
        [ONE_SEED, "--concurrency", "abc"],
        ["digest", ONE_SEED, "--wait", "soon"],
        ["schemas", "export", "--bogus"],
    ],
)
def test_usage_errors_exit_1_like_the_table_says(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Usage: " in result.stderr and "Error" in result.stderr


def test_version_and_short_help():
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and re.fullmatch(r"brief \d+\.\d+\.\d+\S*\n", version.stdout)
    for args in (["-h"], ["run", "-h"], [ONE_SEED, "-h"], ["digest", "-h"], ["cache", "info", "-h"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: brief"), args


# --------------------------------------------------------------------------- a closed stdout


def _with_stdout_closed(*args: str, cwd: Path) -> tuple[int, str]:
    """Run brief with its stdout a pipe whose reader has already gone (like `| head` after its first lines)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    env.update(PYTHONPATH=str(ROOT), BRIEF_CACHE_DIR=str(cwd / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # type: ignore[union-attr]
    stderr = proc.stderr.read().decode()  # type: ignore[union-attr]
    return proc.wait(timeout=120), stderr


def test_a_closed_stdout_does_not_stop_a_digest_backfill(tmp_path):
    out = tmp_path / "digests"
    code, stderr = _with_stdout_closed(
        "digest", str(SEEDS), "--since", "2025-09-01", "--until", "2025-09-12", "--out", str(out), cwd=tmp_path
    )
    assert code == 0, stderr
    assert len(list(out.glob("2025-09-*.md"))) == 12
    assert "12 digest(s) written" in stderr and "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_a_closed_stdout_does_not_stop_schemas_export(tmp_path):
    code, stderr = _with_stdout_closed("schemas", "export", "--out", str(tmp_path / "s"), cwd=tmp_path)
    assert code == 0, stderr
    assert {p.name for p in (tmp_path / "s").iterdir()} == {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert "Traceback" not in stderr
