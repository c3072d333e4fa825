"""Daily digests: one per publication date, cited, with what is new since the earlier digests.

Everything runs offline: the library and CLI replay the recorded seed responses in fixtures/
(no endpoint configured), or talk to the FakeOpenAI server on 127.0.0.1 where the number of
real HTTP requests matters. The seeds hold two articles dated 2025-09-03 and one each on
2025-10-10, 2025-10-17 and 2025-12-22.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.digest.build import EXIT_LOCKED, LOCK_NAME, Digest, build_digests, days_between, parse_day

from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI

SEED_DAYS = {
    dt.date(2025, 9, 3): {"001_dbcce7b43ab26e22.txt", "002_1c8b09136a5d4e87.txt"},
    dt.date(2025, 10, 10): {"003_1a35d96a14c93922.txt"},
    dt.date(2025, 10, 17): {"004_d1e212e9ebd721e5.txt"},
    dt.date(2025, 12, 22): {"000_1a84d6854ee061ff.txt"},
}
DUSHANBE = re.compile(r"Aliyev and Vladimir Putin met in Dushanbe")
PLANE_STANCE = ("Vladimir Putin", "Russia's guilt for the Azerbaijani plane crash")


def replay_settings():
    return resolve_settings({})  # no endpoint configured: the recorded responses in fixtures/


def digest_days(out: Path, *days: dt.date, paths=(SEEDS,), **kwargs):
    return build_digests(list(paths), out, replay_settings(), days=list(days), **kwargs)


def load(out: Path, day: dt.date) -> Digest:
    return Digest.model_validate_json((out / f"{day}.json").read_text(encoding="utf-8"))


def cli(*args: str):
    return CliRunner().invoke(app, ["digest", *args], catch_exceptions=False)


def without_timestamp(text: str) -> str:
    return re.sub(r"generated(_at\": \"| )\d{4}-\d\d-\d\d \d\d:\d\d UTC", "generated <time>", text)


@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All four seed days digested oldest first, as `--since` does."""
    out = tmp_path_factory.mktemp("digests")
    mp = pytest.MonkeyPatch()
    mp.setenv("BRIEF_CACHE_DIR", str(out.parent / "backfill-cache"))
    mp.setenv("XDG_CONFIG_HOME", str(out.parent / "backfill-config"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BRIEF_MODEL", "BRIEF_MODE"):
        mp.delenv(name, raising=False)
    try:
        run = digest_days(out, *SEED_DAYS)
    finally:
        mp.undo()
    assert run.exit_code == 0 and not run.warnings
    return out


# --------------------------------------------------------------------------- what a digest holds


@pytest.mark.parametrize("day, files", sorted(SEED_DAYS.items()))
def test_a_digest_covers_and_cites_exactly_the_articles_of_its_date(backfill: Path, day: dt.date, files: set[str]):
    digest = load(backfill, day)
    markdown = (backfill / f"{day}.md").read_text(encoding="utf-8")

    assert {s.file for s in digest.sources} == files
    assert all(s.date == day for s in digest.sources)
    assert [p.sources for p in digest.summary] == [
        [s.ref] for s in digest.sources
    ]  # each source's own brief, citing it
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", markdown)}
    assert cited == {s.ref for s in digest.sources}  # every source cited, no dangling number
    for s in digest.sources:  # [n] -> file + date through the Sources table
        assert re.search(rf"^\| \[{s.ref}\] \| {re.escape(s.file)} \| {day} \|", markdown, flags=re.M)
    assert markdown.startswith(f"# Digest {day}: {len(files)} source")
    assert "## New since the previous digest" in markdown


def test_the_first_digest_has_everything_new(backfill: Path):
    first = load(backfill, dt.date(2025, 9, 3))
    assert first.meta.previous_digest is None
    assert [e.timeline_index for e in first.new_events] == list(range(len(first.timeline)))
    assert first.stance_shifts == [] and first.earlier_events == []
    assert "*No earlier digest in this folder: everything below is new.*" in (backfill / "2025-09-03.md").read_text(
        encoding="utf-8"
    )


def test_a_meeting_is_new_on_the_day_it_is_first_reported_and_not_after(backfill: Path):
    oct10, oct17, dec22 = (
        load(backfill, d) for d in (dt.date(2025, 10, 10), dt.date(2025, 10, 17), dt.date(2025, 12, 22))
    )

    assert any(DUSHANBE.search(e.description) for e in oct10.new_events)
    for later in (oct17, dec22):
        meeting = next(i for i, e in enumerate(later.timeline) if DUSHANBE.search(e.description))
        assert meeting not in {e.timeline_index for e in later.new_events}
        assert {e.timeline_index: e.first_reported for e in later.earlier_events}[meeting] == dt.date(2025, 10, 10)
    # The 2024 plane crash, first reported on 2025-09-03, is old news three digests later.
    crash = next(i for i, e in enumerate(dec22.timeline) if "shot down" in e.description)
    assert {e.timeline_index: e.first_reported for e in dec22.earlier_events}[crash] == dt.date(2025, 9, 3)
    assert any("declined to attend" in e.description for e in dec22.new_events)
    assert "Dushanbe" not in (backfill / "2025-12-22.md").read_text(encoding="utf-8").split("## Sources")[0]


def test_an_undated_look_back_is_not_shown_as_new_in_a_digest(backfill: Path):
    markdown = (backfill / "2025-12-22.md").read_text(encoding="utf-8")
    head, rest = markdown.split("\n## Sources\n")
    stories, tail = rest.split("\n## Summary\n")
    for part in (head + tail, stories):  # the whole day's sections, and the story's own
        first, entry = [line for line in part.splitlines() if line.startswith("- **undated**") and "apologise" in line]
        assert first.startswith(
            "- **undated** *(no date given: not necessarily new)* Looking back"
        )  # under 'First reported'
        assert entry.endswith("· *first reported here, with no date: not necessarily new*")  # in the timeline
        assert "**new**" not in entry


def test_a_changed_position_is_a_stance_shift_against_the_latest_earlier_digest(backfill: Path):
    oct10, oct17 = load(backfill, dt.date(2025, 10, 10)), load(backfill, dt.date(2025, 10, 17))

    [shift] = oct10.stance_shifts
    assert (shift.holder, shift.target, shift.previous_position, shift.position) == (
        *PLANE_STANCE,
        "critical",
        "conciliatory",
    )
    assert (shift.previous_digest, shift.previous_file) == (dt.date(2025, 9, 3), "002_1c8b09136a5d4e87.txt")
    assert oct17.stance_shifts == []  # still conciliatory, as on 2025-10-10
    markdown = (backfill / "2025-10-10.md").read_text(encoding="utf-8")
    assert (
        "- **Vladimir Putin** → Russia's guilt for the Azerbaijani plane crash: now **conciliatory** [1], was **critical** in the 2025-09-03 digest, citing 002_1c8b09136a5d4e87.txt."
        in markdown
    )


def test_without_the_october_10_digest_the_shift_shows_on_october_17(tmp_path: Path):
    digest_days(tmp_path, dt.date(2025, 9, 3), dt.date(2025, 10, 17))
    [shift] = load(tmp_path, dt.date(2025, 10, 17)).stance_shifts
    assert (shift.holder, shift.previous_position, shift.position, shift.previous_digest) == (
        PLANE_STANCE[0],
        "critical",
        "conciliatory",
        dt.date(2025, 9, 3),
    )


# publication date of an article -> the date of the meeting it reports
EVENT_DATES = {"2025-10-10": "2025-10-09", "2025-10-17": "2025-10", "2026-04-20": "2026-04-18"}


class _DatedMeetings(FakeOpenAI):
    """Briefs every article as one Aliyev-Putin meeting in Dushanbe, dated by EVENT_DATES[publication date]."""

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        answer = super().answer_for(body, key)
        if key and key.startswith("brief/"):
            published = re.search(r"Publication date: (\S+)", body["messages"][1]["content"]).group(1)
            people = ["Ilham Aliyev", "Vladimir Putin"]
            answer["actors"] = [{"name": n, "name_in_source": n, "kind": "person", "role": "president"} for n in people]
            answer["events"] = [
                {
                    **answer["events"][0],
                    "date": EVENT_DATES[published],
                    "precision": "day" if len(EVENT_DATES[published]) == 10 else "month",
                    "description": "Ilham Aliyev and Vladimir Putin met in Dushanbe.",
                    "actors": people,
                }
            ]
        return answer


def test_the_same_meeting_on_another_date_is_new_again(tmp_path: Path):
    news = tmp_path / "news"
    news.mkdir()
    for published in EVENT_DATES:
        (news / f"{published}.txt").write_text(
            f" date {published} Ilham Aliyev and Vladimir Putin met in Dushanbe for talks on transit.\nReport filed on {published}.\n",
            encoding="utf-8",
        )
    days = sorted(dt.date.fromisoformat(d) for d in EVENT_DATES)
    with _DatedMeetings() as server:
        settings = resolve_settings(
            {"base_url": server.base_url, "api_key": "sk-test", "cache_dir": tmp_path / "cache"}, env={}
        )
        run = build_digests([news], tmp_path / "out", settings, days=days)
    assert run.exit_code == 0
    oct17, apr20 = load(tmp_path / "out", days[1]), load(tmp_path / "out", days[2])
    # 2025-10 fits 2025-10-09: the meeting of 2025-10-17's article was reported on 2025-10-10
    assert ([e.first_reported for e in oct17.earlier_events], oct17.new_events) == ([days[0]], [])
    # 2026-04-18 conflicts with both earlier dates: a new meeting, even with the same words and people
    assert ([(e.date, e.description) for e in apr20.new_events], apr20.earlier_events) == (
        [("2026-04-18", "Ilham Aliyev and Vladimir Putin met in Dushanbe.")],
        [],
    )


def test_the_index_lists_digests_newest_first_one_line_each(backfill: Path):
    lines = [line for line in (backfill / "index.md").read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert [line[3:13] for line in lines] == ["2025-12-22", "2025-10-17", "2025-10-10", "2025-09-03"]
    oct10 = load(backfill, dt.date(2025, 10, 10))
    assert lines[2] == (
        f"- [2025-10-10](2025-10-10.md) · 1 source · {oct10.sources[0].headline} · {len(oct10.new_events)} new events, 1 stance shift"
    )
    assert lines[3].startswith("- [2025-09-03](2025-09-03.md) · 2 sources · ")


# --------------------------------------------------------------------------- schedule-ready


def test_rerunning_a_day_rewrites_the_same_digest_with_no_requests(tmp_path: Path, fake_openai):
    args = [str(SEEDS), "--date", "2025-09-03", "--out", str(tmp_path), "--base-url", fake_openai.base_url, "-q"]
    assert cli(*args).exit_code == 0
    assert fake_openai.count == 3  # one brief per article and the story's comparison, no executive-summary request
    first = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("[!.]*")}

    assert cli(*args).exit_code == 0
    assert fake_openai.count == 3  # everything from the cache
    again = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("[!.]*")}
    assert sorted(again) == ["2025-09-03.json", "2025-09-03.md", "index.md"]
    assert {k: without_timestamp(v) for k, v in again.items()} == {k: without_timestamp(v) for k, v in first.items()}


def test_only_new_articles_cost_requests(seeds_copy: Path, tmp_path: Path, fake_openai):
    out = tmp_path / "digests"
    args = [str(seeds_copy), "--date", "2025-09-03", "--out", str(out), "--base-url", fake_openai.base_url, "-q"]
    assert cli(*args).exit_code == 0 and fake_openai.count == 3  # two briefs, one comparison of the day's story
    (seeds_copy / "late.txt").write_text(
        " date 2025-09-03 A late report from the summit in China. Leaders met and talked for an hour.\n",
        encoding="utf-8",
    )

    assert cli(*args).exit_code == 0
    assert (
        fake_openai.count == 4
    )  # the late article's brief; it is a story of its own, and the other story's comparison is cached
    assert {s.file for s in load(out, dt.date(2025, 9, 3)).sources} == SEED_DAYS[dt.date(2025, 9, 3)] | {"late.txt"}


def test_the_library_counts_zero_requests_on_a_rerun(tmp_path: Path):
    day = dt.date(2025, 10, 10)
    first = digest_days(tmp_path, day)
    assert (first.requests, first.replayed) == (0, 1)  # a recorded answer: nothing was sent
    rerun = digest_days(tmp_path, day)
    assert (rerun.requests, rerun.replayed, rerun.cache_hits) == (0, 0, 1)


def test_a_second_run_waits_for_the_lock_then_exits_75(tmp_path: Path):
    with FileLock(tmp_path / LOCK_NAME):
        result = cli(str(SEEDS), "--date", "2025-10-10", "--out", str(tmp_path), "--wait", "0.2", "-q")
    assert result.exit_code == EXIT_LOCKED == 75
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: another `brief digest` is writing to {tmp_path} (lock {tmp_path / LOCK_NAME} held); gave up after waiting 0.2 s. "
        "Nothing was written: try again later, or raise --wait\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]
    assert (
        cli(str(SEEDS), "--date", "2025-10-10", "--out", str(tmp_path), "-q").exit_code == 0
    )  # released: the next run works


def test_backfill_writes_one_digest_per_day_oldest_first(tmp_path: Path):
    result = cli(str(SEEDS), "--since", "2025-10-09", "--until", "2025-10-11", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{tmp_path}/2025-10-09.md: no articles",
        f"{tmp_path}/2025-10-10.md: 1 source(s), 4 new event(s), 0 stance shift(s)",
        f"{tmp_path}/2025-10-11.md: no articles",
    ]
    empty = (tmp_path / "2025-10-11.md").read_text(encoding="utf-8")
    assert (
        empty.startswith("# Digest 2025-10-11: no articles\n") and "No articles dated 2025-10-11 were found." in empty
    )
    assert load(tmp_path, dt.date(2025, 10, 11)).meta.previous_digest == dt.date(2025, 10, 10)


def test_skip_empty_writes_nothing_for_days_without_articles(tmp_path: Path):
    result = cli(str(SEEDS), "--since", "2025-10-09", "--until", "2025-10-11", "--out", str(tmp_path), "--skip-empty")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("[!.]*")) == ["2025-10-10.json", "2025-10-10.md", "index.md"]
    assert result.stdout.splitlines() == [
        f"{tmp_path / '2025-10-10.md'}: 1 source(s), 4 new event(s), 0 stance shift(s)"
    ]
    assert "1 digest(s) written, 2 empty day(s) skipped (--skip-empty)" in result.stderr.splitlines()[-1]


def test_a_full_backfill_in_quiet_mode_prints_nothing(tmp_path: Path):
    result = cli(
        str(SEEDS), "--since", "2025-09-01", "--until", "2025-12-31", "--out", str(tmp_path), "--skip-empty", "--quiet"
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == [str(d) for d in sorted(SEED_DAYS)]
    assert len(load(tmp_path, dt.date(2025, 10, 10)).stance_shifts) == 1  # days ran in order, each saw the ones before


def test_quiet_still_reports_problems_on_stderr_with_exit_2(seeds_copy: Path, tmp_path: Path):
    import os

    (seeds_copy / "empty.txt").write_text("", encoding="utf-8")
    that_day = dt.datetime(2025, 10, 17, 9).timestamp()
    os.utime(
        seeds_copy / "empty.txt", (that_day, that_day)
    )  # rejected on the day digested (a file rejected on another day is that day's)
    result = cli(str(seeds_copy), "--date", "2025-10-17", "--out", str(tmp_path), "-q")
    assert (result.exit_code, result.stdout) == (2, "")
    assert (
        result.stderr
        == "rejected: empty.txt: empty file: nothing to summarize; add the article text or remove the file\n"
    )
    assert "`empty.txt`: empty file" in (tmp_path / "2025-10-17.md").read_text(encoding="utf-8")


def test_undated_articles_are_in_no_digest_and_named_in_its_notes(seeds_copy: Path, tmp_path: Path, fake_openai):
    (seeds_copy / "undated.txt").write_text(
        "Leaders met in Baku on Monday and agreed to talk again in spring.\n", encoding="utf-8"
    )
    result = cli(
        str(seeds_copy), "--date", "2025-10-10", "--out", str(tmp_path), "--base-url", fake_openai.base_url, "-q"
    )
    assert result.exit_code == 0, result.stderr
    assert fake_openai.count == 1  # the 2025-10-10 article only
    digest = load(tmp_path, dt.date(2025, 10, 10))
    assert "undated.txt" not in {s.file for s in digest.sources}
    assert [(n.kind, n.file) for n in digest.notes] == [("undated", "undated.txt")]
    assert "**Undated (in no daily digest)**" in (tmp_path / "2025-10-10.md").read_text(encoding="utf-8")


def test_rewriting_an_earlier_day_warns_that_later_digests_are_stale(tmp_path: Path):
    digest_days(tmp_path, dt.date(2025, 10, 10))
    run = digest_days(tmp_path, dt.date(2025, 9, 3))
    assert run.warnings == [
        f"{tmp_path}/2025-09-03.md changed, but the later digest 2025-10-10 was compared without it; "
        "refresh their 'new since' part with --since 2025-09-03 --until 2025-10-10"
    ]
    assert digest_days(tmp_path, dt.date(2025, 9, 3)).warnings == []  # unchanged on a rerun: nothing to refresh


def test_an_unreadable_earlier_digest_is_ignored_with_a_warning(tmp_path: Path):
    (tmp_path / "2025-09-03.json").write_text("{not json", encoding="utf-8")
    result = cli(str(SEEDS), "--date", "2025-10-10", "--out", str(tmp_path), "-q")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {tmp_path}/2025-09-03.json: not a readable digest (ValidationError)")
    assert load(tmp_path, dt.date(2025, 10, 10)).meta.earlier_digests == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--date", "2025-13-01"],
            "Error: --date '2025-13-01' is not a date; write it as YYYY-MM-DD (or today, yesterday), e.g. --date 2025-10-10\n",
        ),
        (
            ["--date", "2025-10-10", "--since", "2025-10-01"],
            "Error: --date and --since do not go together: --date writes one day, --since backfills a range (end it with --until)\n",
        ),
        (
            ["--since", "2025-10-10", "--until", "2025-10-01"],
            "Error: --since 2025-10-10 is after --until 2025-10-01; give an earlier --since or a later --until\n",
        ),
        (["--until", "2025-10-01"], "Error: --until needs --since (the first day of the backfill)\n"),
    ],
)
def test_bad_dates_are_usage_errors_naming_the_flag(tmp_path: Path, args: list[str], message: str):
    result = cli(str(SEEDS), "--out", str(tmp_path / "out"), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-10-10", dt.date(2025, 10, 10)),
        ("today", dt.date(2026, 1, 1)),
        ("yesterday", dt.date(2025, 12, 31)),
        (" Yesterday ", dt.date(2025, 12, 31)),
    ],
)
def test_days_are_iso_dates_or_today_or_yesterday(value: str, expected: dt.date):
    assert parse_day(value, "--date", today=dt.date(2026, 1, 1)) == expected


def test_days_between_is_inclusive_and_ascending():
    assert days_between(dt.date(2025, 12, 30), dt.date(2026, 1, 2)) == [
        dt.date(2025, 12, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 2),
    ]


def test_digest_json_escapes_angle_brackets_and_round_trips(backfill: Path):
    text = (backfill / "2025-09-03.json").read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text
    assert Digest.model_validate_json(text) == Digest.model_validate(json.loads(text))


def test_a_missing_folder_is_a_usage_error_and_touches_no_out_folder(tmp_path: Path):
    result = cli(str(tmp_path / "news"), "--date", "2025-10-10", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Error: {tmp_path / 'news'}: no such file or folder; check the path"
    assert not (tmp_path / "out").exists()


def test_an_article_that_fails_is_noted_and_exits_2(seeds_copy: Path, tmp_path: Path):
    (seeds_copy / "new.txt").write_text(
        " date 2025-10-10 A report with no recorded response. Leaders met and talked.\n", encoding="utf-8"
    )
    result = cli(
        str(seeds_copy), "--date", "2025-10-10", "--out", str(tmp_path), "-q"
    )  # replay: no recording for new.txt
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("2025-10-10: failed: new.txt: no recorded response for brief of new.txt")
    digest = load(tmp_path, dt.date(2025, 10, 10))
    assert [s.file for s in digest.sources] == ["003_1a35d96a14c93922.txt"]
    assert [(n.kind, n.file) for n in digest.notes] == [("failed", "new.txt")]


def test_a_refused_key_stops_the_run_with_exit_1(tmp_path: Path, fake_openai):
    fake_openai.script("401")
    result = cli(
        str(SEEDS),
        "--date",
        "2025-10-10",
        "--out",
        str(tmp_path),
        "--base-url",
        fake_openai.base_url,
        "--api-key",
        "sk-wrong",
        "-q",
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {fake_openai.base_url} refused the API key")
    assert "sk-wrong" not in result.stderr
    assert not (tmp_path / "2025-10-10.md").exists()


def _row(position: str, date: str | None = None, basis: str = "publication"):
    from summarizer.models import Quote, StanceRow

    return StanceRow(
        holder="Vladimir Putin",
        target=PLANE_STANCE[1],
        position=position,
        gist=f"Putin is {position}.",
        source=1,
        quote=Quote(source=1, text="a quote long enough", verified=True),
        date=date,
        date_basis=basis,
    )


def _earlier(day: dt.date, *stances):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from summarizer.models import Source

    source = Source(ref=1, article_id="0123456789abcdef", file="old.txt", date=day, language="ru", headline="Old")
    return SimpleNamespace(date=day, stances=list(stances), sources=[source], timeline=[])


@pytest.mark.parametrize(
    ("date", "basis", "shift"),
    [
        (None, "publication", True),  # today's stance, dated by today's article: a shift from October's
        ("2025-12-20", "stated", True),  # dated after October's
        ("2024-12", "inferred", False),  # a position from December 2024, recalled today: held before October's
        ("2025-10", "stated", True),  # the same month as October's: not wholly before it
    ],
)
def test_a_stance_recalled_from_before_the_earlier_one_is_no_shift(date: str | None, basis: str, shift: bool):
    from summarizer.digest.compare import compare_with_earlier

    october = _earlier(dt.date(2025, 10, 10), _row("conciliatory"))
    _, _, shifts = compare_with_earlier([], [_row("hostile", date, basis)], [october], dt.date(2025, 12, 22))  # type: ignore[list-item]
    assert bool(shifts) is shift


def test_rewriting_a_day_without_html_leaves_no_stale_page_behind_the_index(tmp_path: Path):
    day = dt.date(2025, 9, 3)
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SEEDS / "001_dbcce7b43ab26e22.txt", one)
    out = tmp_path / "dg"
    digest_days(out, day, paths=(one,), html=True)
    assert "1 source" in (out / f"{day}.html").read_text(encoding="utf-8")

    digest_days(out, day)  # both articles of the day, without --html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{day}.html"' in index and "2 sources" in index
    page = (out / f"{day}.html").read_text(encoding="utf-8")
    assert "2 sources" in page and "1 source " not in page and "1 source<" not in page


def test_ctrl_c_in_a_backfill_keeps_the_finished_days_says_so_and_the_index_lists_exactly_them(
    tmp_path: Path, fake_openai
):
    """Exit 130 (README table): a real SIGINT to a real process in the middle of a multi-day digest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.llm.test_faults import cli_args
    from tests.conftest import ROOT

    out = tmp_path / "dg"
    fake_openai.latency = (
        3.0  # the days after 2025-09-03 still take 9 s of answers: the signal lands in them even on a loaded machine
    )
    command = [
        sys.executable,
        "-m",
        "summarizer",
        "digest",
        str(SEEDS),
        "--since",
        "2025-09-03",
        "--until",
        "2025-12-22",
        "--skip-empty",
        "--out",
        str(out),
        *cli_args(fake_openai, tmp_path),
        "-c",
        "1",
        "--timeout",
        "30",
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
    while not (out / "2025-09-03.md").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    written = sorted(p.stem for p in out.glob("2025-*.md"))
    assert written and "2025-12-22" not in written, stderr
    assert re.search(
        rf"^kept the {len(written)} digest\(s\) finished before the interrupt \({written[0]}.*\) in {re.escape(str(out))}; its index lists them$",
        stderr,
        re.M,
    ), stderr
    index = (out / "index.md").read_text(encoding="utf-8")
    assert sorted(re.findall(r"\b(2025-\d\d-\d\d)\.md\b", index)) == written


# --------------------------------------------------------------------------- cron: quiet unless something is wrong with these days


def test_a_backfill_index_folds_each_run_of_empty_days_into_one_line(tmp_path: Path):
    assert (
        cli(str(SEEDS), "--since", "2025-10-01", "--until", "2025-10-20", "--out", str(tmp_path), "-q").exit_code == 0
    )
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    entries = [line for line in index.splitlines() if line.startswith("- ")]
    assert [line.split(" · ")[0] for line in entries] == [
        "- 2025-10-18 to 2025-10-20",
        "- [2025-10-17](2025-10-17.md)",
        "- 2025-10-11 to 2025-10-16",
        "- [2025-10-10](2025-10-10.md)",
        "- 2025-10-01 to 2025-10-09",
    ]
    assert (
        entries[2]
        == "- 2025-10-11 to 2025-10-16 · 6 digests, no articles on any of their days ([2025-10-11](2025-10-11.md) … [2025-10-16](2025-10-16.md))"
    )


def test_new_since_the_previous_digest_means_the_last_digest_that_had_articles(tmp_path: Path):
    digest_days(tmp_path, *days_between(dt.date(2025, 10, 10), dt.date(2025, 10, 17)))
    assert load(tmp_path, dt.date(2025, 10, 17)).meta.previous_digest == dt.date(2025, 10, 10), (
        "not the empty 2025-10-16"
    )
    assert load(tmp_path, dt.date(2025, 10, 17)).meta.earlier_digests == 1


def test_rewriting_an_older_day_warns_only_about_later_digests_that_had_articles(tmp_path: Path):
    digest_days(tmp_path, *days_between(dt.date(2025, 10, 10), dt.date(2025, 10, 20)))
    run = digest_days(tmp_path, dt.date(2025, 9, 3))
    assert run.warnings == [
        f"{tmp_path}/2025-09-03.md changed, but the later digests 2025-10-10 to 2025-10-17 were compared without it; "
        "refresh their 'new since' part with --since 2025-09-03 --until 2025-10-17"
    ]


def test_a_file_rejected_on_another_day_does_not_fail_todays_quiet_run(seeds_copy: Path, tmp_path: Path):
    import os

    old = seeds_copy / "broken-last-month.txt"
    old.write_text("", encoding="utf-8")
    month_ago = dt.datetime(2025, 9, 17, 12).timestamp()
    os.utime(old, (month_ago, month_ago))
    result = cli(str(seeds_copy), "--date", "2025-10-17", "--out", str(tmp_path), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert "broken-last-month.txt" not in (tmp_path / "2025-10-17.md").read_text(encoding="utf-8")
    that_day = cli(str(seeds_copy), "--date", "2025-09-17", "--out", str(tmp_path), "-q")
    assert that_day.exit_code == 2 and "rejected: broken-last-month.txt: empty file" in that_day.stderr
    assert "broken-last-month.txt" in (tmp_path / "2025-09-17.md").read_text(encoding="utf-8")
    loud = cli(str(seeds_copy), "--date", "2025-10-17", "--out", str(tmp_path))
    assert loud.exit_code == 0 and "1 rejected file changed on another day (named in that day's digest)" in loud.stderr
