"""Outputs: a failed run never replaces a good file, exit 1 writes nothing, `-` is stdout (issue 11, items 2, 3, 6)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from tests.conftest import FIXTURES, SEEDS, SEED_FILES
from tests.llm.test_faults import cli_args

ONE_SEED = str(SEEDS / SEED_FILES[3])  # dated 2025-10-10


def _replay(*args: str):
    return CliRunner().invoke(app, [*args, "--replay", str(FIXTURES)])


# ----------------------------------------------------------------- an outage never replaces a good briefing


def test_a_run_that_briefed_nothing_writes_beside_the_existing_briefing(fake_openai, tmp_path):
    out, js = tmp_path / "briefing.md", tmp_path / "briefing.json"
    assert _replay(ONE_SEED, "-o", str(out), "--json", str(js), "-q").exit_code == 0
    good_md, good_json = out.read_text(encoding="utf-8"), js.read_text(encoding="utf-8")
    fake_openai.default = "500"  # the endpoint is down
    result = CliRunner().invoke(
        app, [ONE_SEED, "-o", str(out), "--json", str(js), *cli_args(fake_openai, tmp_path), "--no-cache"]
    )
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == good_md and js.read_text(encoding="utf-8") == good_json
    beside_md, beside_json = tmp_path / "briefing.nothing-briefed.md", tmp_path / "briefing.nothing-briefed.json"
    assert "0 of 1" in beside_md.read_text(encoding="utf-8") or "failed" in beside_md.read_text(encoding="utf-8")
    assert json.loads(beside_json.read_text(encoding="utf-8"))["sources"] == []
    assert f"Nothing was briefed, so {out} was kept as it was; this run's output is in {beside_md}." in result.stderr


def test_a_run_that_briefed_nothing_still_writes_a_new_file(fake_openai, tmp_path):
    out = tmp_path / "briefing.md"
    fake_openai.default = "500"
    result = CliRunner().invoke(app, [ONE_SEED, "-o", str(out), *cli_args(fake_openai, tmp_path), "--no-cache"])
    assert result.exit_code == 2 and out.is_file()
    assert not (tmp_path / "briefing.nothing-briefed.md").exists()


def test_a_missing_output_folder_is_refused_before_any_request(fake_openai, tmp_path):
    out = tmp_path / "new" / "briefing.md"
    result = CliRunner().invoke(app, [ONE_SEED, "-o", str(out), *cli_args(fake_openai, tmp_path)])
    assert result.exit_code == 1
    assert fake_openai.count == 0, "nothing is paid for"
    assert not out.parent.exists(), "the folder is not created silently"
    assert f"mkdir -p {out.parent}" in result.stderr


def test_an_unwritable_json_path_writes_not_even_the_markdown(fake_openai, tmp_path):
    ok = tmp_path / "ok.md"
    result = CliRunner().invoke(
        app, [ONE_SEED, "--json", "/proc/x.json", "-o", str(ok), *cli_args(fake_openai, tmp_path)]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --json /proc/x.json: ")
    assert not ok.exists() and fake_openai.count == 0


def test_a_refused_key_writes_no_briefing(fake_openai, tmp_path):
    out, js = tmp_path / "b.md", tmp_path / "b.json"
    fake_openai.default = "401"
    result = CliRunner().invoke(app, [ONE_SEED, "-o", str(out), "--json", str(js), *cli_args(fake_openai, tmp_path)])
    assert result.exit_code == 1
    assert not out.exists() and not js.exists()


# ----------------------------------------------------------------- digests


def test_a_refused_digest_leaves_no_folder_and_no_index(fake_openai, tmp_path):
    fake_openai.default = "401"
    new = tmp_path / "digests"
    result = CliRunner().invoke(
        app, ["digest", ONE_SEED, "--date", "2025-10-10", "--out", str(new), *cli_args(fake_openai, tmp_path)]
    )
    assert result.exit_code == 1
    assert not new.exists()
    existing = tmp_path / "mine"
    existing.mkdir()
    result = CliRunner().invoke(
        app, ["digest", ONE_SEED, "--date", "2025-10-10", "--out", str(existing), *cli_args(fake_openai, tmp_path)]
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in existing.iterdir() if p.name != ".brief-digest.lock") == []


def test_a_digest_whose_articles_all_failed_keeps_the_earlier_digest_of_that_day(fake_openai, tmp_path):
    out = tmp_path / "digests"
    assert _replay("digest", ONE_SEED, "--date", "2025-10-10", "--out", str(out), "-q").exit_code == 0
    good = (out / "2025-10-10.md").read_text(encoding="utf-8")
    fake_openai.default = "500"
    result = CliRunner().invoke(
        app,
        ["digest", ONE_SEED, "--date", "2025-10-10", "--out", str(out), "--no-cache", *cli_args(fake_openai, tmp_path)],
    )
    assert result.exit_code == 2
    assert (out / "2025-10-10.md").read_text(encoding="utf-8") == good
    assert (
        f"{out / '2025-10-10.md'} kept as it was: none of the day's 1 article(s) could be briefed this time"
        in result.stderr
    )


def test_digest_does_not_create_missing_parent_folders(tmp_path):
    out = tmp_path / "typo" / "digests"
    result = _replay("digest", ONE_SEED, "--date", "2025-10-10", "--out", str(out))
    assert result.exit_code == 1
    assert not out.parent.exists()
    assert f"mkdir -p {out.parent}" in result.stderr


# ----------------------------------------------------------------- `-` is stdout


def test_dash_means_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    md = _replay(ONE_SEED, "-o", "-", "-q")
    assert md.exit_code == 0 and md.stdout.startswith("# ")
    js = _replay(ONE_SEED, "--json", "-", "-q")
    assert js.exit_code == 0 and json.loads(js.stdout)["sources"]
    both = _replay(ONE_SEED, "-o", str(tmp_path / "b.md"), "--json", "-", "-q")
    assert both.exit_code == 0 and json.loads(both.stdout)["sources"] and (tmp_path / "b.md").is_file()
    assert not Path(tmp_path / "-").exists()
    clash = _replay(ONE_SEED, "-o", "-", "--json", "-")
    assert clash.exit_code == 1 and "cannot both go to stdout" in clash.stderr
