"""Lint, format and types, as .ci/run checks them: `ruff check`, `ruff format --check` and `mypy` pass over the code.

Both run here too (when installed: `pip install -e '.[dev]'`), so a full test run catches what CI
would. Their configuration is in pyproject.toml ([tool.ruff], [tool.mypy]); mypy keeps its
incremental cache in .mypy_cache/, so a rerun takes seconds.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed; pip install -e '.[dev]'")
    return subprocess.run(
        [sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "summarizer", "tests", "bench")
    assert result.returncode == 0, (
        f"ruff check failed (fix it, or see [tool.ruff] in pyproject.toml):\n{result.stdout}{result.stderr}"
    )


def test_the_code_is_formatted_as_ruff_formats_it():
    result = _run("ruff", "format", "--check", "--no-cache", "summarizer", "tests", "bench")
    assert result.returncode == 0, (
        f"ruff format would change these files (run `ruff format summarizer tests bench`):\n{result.stdout}{result.stderr}"
    )


def test_mypy_finds_nothing():
    result = _run("mypy")  # packages and settings from [tool.mypy]
    assert result.returncode == 0, (
        f"mypy failed (fix it; a `# type: ignore[code]` needs its reason as a comment):\n{result.stdout}{result.stderr}"
    )


def test_every_type_ignore_says_why():
    import re

    bare = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "summarizer").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line and not re.search(r"# type: ignore\[[a-z-]+(, ?[a-z-]+)*\]  # \S", line)
    ]
    assert not bare, "each `# type: ignore[code]` takes its reason as a comment after it:\n" + "\n".join(bare)
