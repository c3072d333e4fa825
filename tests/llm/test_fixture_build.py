"""Rebuilding the recordings rewrites only what changed: `python fixtures/authored/build.py` run over
up-to-date fixtures touches no file, so the tree stays clean (issue 11, item 17)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _copy_of_the_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    for name in ("summarizer", "prompts", "seeds", "fixtures"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def _build(repo: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, str(repo / "fixtures" / "authored" / "build.py")],
        cwd=repo,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return run


def test_a_rebuild_over_current_fixtures_touches_no_file(tmp_path: Path):
    repo = _copy_of_the_repo(tmp_path)
    before = _snapshot(repo / "fixtures")
    run = _build(repo)
    after = _snapshot(repo / "fixtures")
    assert sorted(name for name in before if before[name] != after.get(name)) == [], (
        "unchanged answers keep their files, timestamps included"
    )
    assert sorted(after) == sorted(before)
    assert "wrote " not in run.stdout and "7 recording(s) unchanged" in run.stdout


def test_an_edited_answer_rewrites_its_recording_alone(tmp_path: Path):
    repo = _copy_of_the_repo(tmp_path)
    answer = repo / "fixtures" / "authored" / "summary.json"
    data = json.loads(answer.read_text(encoding="utf-8"))
    data["paragraphs"][0]["text"] += " An added sentence."
    answer.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = _snapshot(repo / "fixtures")
    run = _build(repo)
    after = _snapshot(repo / "fixtures")
    changed = sorted(name for name in before if before[name] != after.get(name))
    assert changed == [next(n for n in before if n.startswith("summary."))], run.stdout
    assert "An added sentence." in json.dumps(
        json.loads((repo / "fixtures" / changed[0]).read_text(encoding="utf-8")), ensure_ascii=False
    )
