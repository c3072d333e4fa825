"""What brief says, and how much (issue 11, items 12, 14 and 15)."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from summarizer.cli import app
from tests.conftest import FIXTURES, SEEDS, SEED_FILES
from tests.llm.test_faults import cli_args

ONE_SEED = str(SEEDS / SEED_FILES[3])  # dated 2025-10-10


def _replay(*args: str):
    return CliRunner().invoke(app, [*args, "--replay", str(FIXTURES)])


def test_v_logs_brief_events_only_and_vv_adds_the_wire_log(fake_openai, tmp_path):
    fake_openai.script("500")  # one retry, so -v has an event to tell
    one = CliRunner().invoke(
        app, [ONE_SEED, "-v", "--no-cache", "-o", str(tmp_path / "a.md"), *cli_args(fake_openai, tmp_path)]
    )
    assert one.exit_code == 0, one.output
    logged = [
        line for line in one.stderr.splitlines() if line.split(" ", 1)[0] in ("DEBUG", "INFO", "WARNING", "ERROR")
    ]
    assert any("retrying in" in line for line in logged)
    assert all(line.split(" ", 2)[1].startswith("summarizer.") for line in logged), logged
    assert len(one.stderr) < 5000, "no prompts or article text"
    two = CliRunner().invoke(
        app, [ONE_SEED, "-vv", "--no-cache", "-o", str(tmp_path / "b.md"), *cli_args(fake_openai, tmp_path)]
    )
    assert two.exit_code == 0, two.output
    assert any(line.startswith(("DEBUG openai", "DEBUG httpcore")) for line in two.stderr.splitlines())


def test_skip_empty_backfill_prints_one_summary_line_not_one_per_day(tmp_path):
    result = _replay(
        "digest",
        str(SEEDS),
        "--since",
        "2025-09-01",
        "--until",
        "2025-12-31",
        "--out",
        str(tmp_path / "d"),
        "--skip-empty",
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4, "one line per digest written, none per empty day"
    days = (dt.date(2025, 12, 31) - dt.date(2025, 9, 1)).days + 1
    assert result.stderr.splitlines()[-1].startswith(
        f"4 digest(s) written, {days - 4} empty day(s) skipped (--skip-empty)"
    )


def test_a_gap_backfill_warns_once_even_with_quiet(tmp_path):
    out = tmp_path / "d"
    assert _replay("digest", str(SEEDS), "--date", "2025-12-22", "--out", str(out), "-q").exit_code == 0
    result = _replay("digest", str(SEEDS), "--since", "2025-09-01", "--until", "2025-10-31", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Warning: 3 digests in {out} (2025-09-03 to 2025-10-17) changed, but the later digest 2025-12-22 was compared without them; "
        "refresh their 'new since' part with --since 2025-09-03 --until 2025-12-22"
    ]


def test_a_digest_whose_only_article_failed_does_not_say_no_articles(fake_openai, tmp_path):
    out = tmp_path / "d"
    fake_openai.default = "500"
    result = CliRunner().invoke(
        app,
        ["digest", ONE_SEED, "--date", "2025-10-10", "--out", str(out), "--no-cache", *cli_args(fake_openai, tmp_path)],
    )
    assert result.exit_code == 2
    md = (out / "2025-10-10.md").read_text(encoding="utf-8")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "no articles" not in md.lower() and "no articles" not in index
    assert md.startswith("# Digest 2025-10-10: 1 article, none briefed")
    assert "None of the 1 article dated 2025-10-10 could be briefed" in md
    assert "- [2025-10-10](2025-10-10.md) · 1 article, none briefed" in index
    assert f"{out / '2025-10-10.md'}: 1 article, none briefed (see its Notes)" in result.stdout


def test_tpm_below_one_request_is_refused_before_any_request(fake_openai, tmp_path):
    result = CliRunner().invoke(
        app, [ONE_SEED, "--tpm", "1000", "-o", str(tmp_path / "b.md"), *cli_args(fake_openai, tmp_path)]
    )
    assert result.exit_code == 1 and fake_openai.count == 0
    assert (
        result.stderr.startswith("Error: --tpm 1000 is below the size of one request") and "pass --tpm" in result.stderr
    )


def test_cache_info_counts_answers_only_and_does_not_create_the_folder(tmp_path):
    missing = tmp_path / "never-made"
    info = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(missing)])
    assert info.exit_code == 0 and "Entries: 0" in info.stdout and "not created yet" in info.stdout
    assert not missing.exists()
    assert _replay(ONE_SEED, "--cache-dir", str(tmp_path / "c"), "-q").exit_code == 0
    info = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(tmp_path / "c")])
    assert "Entries: 1 (plus 2 remembered language detection(s), not counted)\n" in info.stdout, (
        "one article briefed: one answer; its language and the detector's verdicts on its brief's fields are no answers"
    )


def test_config_show_names_the_built_in_price(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0000000000000000")
    shown = CliRunner().invoke(app, ["config", "show"])
    row = next(line for line in shown.stdout.splitlines() if line.strip().startswith("prices"))
    assert "gpt-4o-mini: in 0.15, out 0.6 USD/Mtok (built in" in row and "(none)" not in row


def test_no_endpoint_banner_is_not_printed_before_a_path_error(tmp_path):
    for args in (["digest", str(tmp_path / "nope"), "--out", str(tmp_path / "d")], [str(tmp_path / "nope")]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1
        assert "No endpoint configured" not in result.stderr and "nope" in result.stderr


def test_user_systemd_unit_does_not_wait_for_a_system_target():
    from tests.conftest import ROOT

    for doc in ("docs/digests.md", "docs/scheduling.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        unit = text.split("brief-digest.service", 1)[1].split("[Service]", 1)[0]
        assert "Wants=network-online.target" not in unit and "After=network-online.target" not in unit, doc


# --------------------------------------------------------------------------- progress


def test_without_a_terminal_a_slow_run_prints_plain_progress_lines_and_its_phases(monkeypatch, tmp_path):
    import summarizer.cli.run as run

    monkeypatch.setattr(run, "PLAIN_EVERY", 0.0)  # every run counts as slow here; the real interval is 10 s
    result = _replay(str(SEEDS), "-o", str(tmp_path / "b.md"))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "Briefing: 5 of 5 articles done (0 cached, 0 failed)" in lines
    assert "Briefing: 5 of 5 articles done (0 cached, 0 failed); now summary and comparison of 1 story" in lines
    assert not any(
        "articles done" in line for line in _replay(str(SEEDS), "-q", "-o", str(tmp_path / "q.md")).stderr.splitlines()
    )


def test_a_fast_run_without_a_terminal_prints_no_progress_lines(tmp_path):
    result = _replay(str(SEEDS), "-o", str(tmp_path / "b.md"))
    assert not any("articles done" in line for line in result.stderr.splitlines())


def test_on_a_terminal_the_phase_after_briefing_is_named_after_the_bar():
    import io

    from rich.console import Console

    from summarizer.cli.run import _Progress

    class Loaded:
        articles = [object()] * 2

    class Done:
        ok, from_cache = True, False

    screen = io.StringIO()
    with _Progress(enabled=True, console=Console(file=screen, force_terminal=True, width=140)) as progress:
        progress.start(Loaded())
        progress.advance(Done())
        progress.advance(Done())
        progress.phase("summary and comparison of 2 stories")
        progress.bar.refresh()
        assert "2/2" in screen.getvalue() and "summary and comparison of 2 stories" in screen.getvalue()


def test_a_slow_digest_prints_plain_progress_within_a_day(monkeypatch, tmp_path):
    import summarizer.cli.run as run

    monkeypatch.setattr(run, "PLAIN_EVERY", 0.0)
    result = CliRunner().invoke(
        app, ["digest", str(SEEDS), "--date", "2025-09-03", "--out", str(tmp_path / "d"), "--replay", str(FIXTURES)]
    )
    assert result.exit_code == 0, result.stderr
    assert "Digest: 2 of 2 articles done (0 cached, 0 failed)" in result.stderr.splitlines()


def test_help_names_arguments_plainly():
    for command, usage, argument in (
        ("run", "PATH...", "PATH...  Article files and folders"),
        ("digest", "PATH...", "PATH...  Article files and folders"),
        ("fetch", "FEED...", "FEED...  Feed URLs"),
    ):
        shown = CliRunner().invoke(app, [command, "-h"]).stdout
        assert shown.splitlines()[0] == f"Usage: brief {command} [OPTIONS] {usage}"
        assert f"\n  {argument}" in shown
        assert "{" not in shown.splitlines()[0] and "<list[" not in shown, "a type label says nothing the name does not"
