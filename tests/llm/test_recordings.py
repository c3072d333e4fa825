"""The recorded answers are what the authored answers make for the current prompts and schemas.

Bound to prompts, schemas and the merge: when one changes, this fails and names the one command
that re-records, `pytest --update-recordings` (or BRIEF_UPDATE_RECORDINGS=1 pytest), which
rewrites fixtures/ before the run so every test checks the new recordings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, update_recordings

FIX = "run: .venv/bin/python -m pytest --update-recordings (then commit fixtures/)"


def _comparable(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("recorded_at", None)  # when it was written, not what it says
    return data


def _authored(directory: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(directory.glob("*.json")):
        data = _comparable(path)
        if "authored" in data.get("source", ""):
            found[path.name] = data
    return found


def test_the_committed_recordings_are_what_the_authored_answers_build(tmp_path):
    copy = tmp_path / "fixtures"
    copy.mkdir()
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, copy)
    update_recordings(copy, tmp_path, quiet=True)
    built, committed = _authored(copy), _authored(FIXTURES)
    assert sorted(built) == sorted(committed), f"recordings added or made stale; {FIX}"
    for name in built:
        assert built[name] == committed[name], f"{name} differs from what fixtures/authored/ builds; {FIX}"
    for name in ("summary_input.txt", "analysis_input.txt"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (FIXTURES / "authored" / name).read_text(
            encoding="utf-8"
        ), f"{name}: {FIX}"


def test_a_stale_recording_is_caught_with_the_command_that_fixes_it(tmp_path):
    copy = tmp_path / "fixtures"
    copy.mkdir()
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, copy)
    target = next(p for p in copy.glob("brief.*.json"))
    data = json.loads(target.read_text(encoding="utf-8"))
    data["response"]["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = "{}"
    target.write_text(json.dumps(data), encoding="utf-8")
    assert _authored(copy)[target.name] != _authored(FIXTURES)[target.name]
    update_recordings(copy, tmp_path, quiet=True)
    assert _authored(copy)[target.name] == _authored(FIXTURES)[target.name], "update mode restores it"
