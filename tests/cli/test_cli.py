"""`brief seeds/`, the main job, checked on the content of the briefing it prints.

With no endpoint configured, brief runs on the recorded responses in fixtures/ and says so.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

# The five seeds and their publication dates (from each file's ' date YYYY-MM-DD' header).
SEED_DATES = {
    "000_1a84d6854ee061ff.txt": "2025-12-22",
    "001_dbcce7b43ab26e22.txt": "2025-09-03",
    "002_1c8b09136a5d4e87.txt": "2025-09-03",
    "003_1a35d96a14c93922.txt": "2025-10-10",
    "004_d1e212e9ebd721e5.txt": "2025-10-17",
}
CITE = re.compile(r"\[(\d+)\]")


def _isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """No key, endpoint, provider or config from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "BRIEF_", "AZURE_OPENAI_", "OPENROUTER_", "VLLM_")):
            mp.delenv(name)
    mp.setenv("BRIEF_CACHE_DIR", str(home / "cache"))
    mp.setenv("XDG_CONFIG_HOME", str(home / "config"))
    mp.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    mp.chdir(home)


@pytest.fixture(scope="module")
def seeds_runs(tmp_path_factory: pytest.TempPathFactory):
    """`brief <repo>/seeds` twice on a fresh cache, then `--detail full`: (first run, second run, full)."""
    home = tmp_path_factory.mktemp("cli-seeds")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, home)
        first = runner.invoke(app, [str(SEEDS)])
        second = runner.invoke(app, [str(SEEDS)])
        full = runner.invoke(app, [str(SEEDS), "--detail", "full"])
    return first, second, full


@pytest.fixture(scope="module")
def first(seeds_runs):
    """The default briefing: the brief."""
    result = seeds_runs[0]
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def full(seeds_runs):
    """`--detail full`: every section with its evidence."""
    result = seeds_runs[2]
    assert result.exit_code == 0, result.output
    return result


def sections(markdown: str) -> dict[str, list[str]]:
    """'## Title' -> the non-empty lines under it."""
    out: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif current and line.strip():
            out[current].append(line)
    return out


def sources_table(markdown: str) -> dict[str, tuple[int, str]]:
    """file -> (citation number, published date) from the Sources table."""
    rows = {}
    for line in sections(markdown)["Sources"]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if match := re.fullmatch(r"\[(\d+)\]", cells[0]):
            rows[cells[1].replace("\\_", "_")] = (int(match.group(1)), cells[2])
    return rows


def notes(markdown: str) -> list[str]:
    """What the briefing says it left out or what went wrong: 'Not included' (failed, rejected files) and 'Notes'."""
    found = sections(markdown)
    return found.get("Not included", []) + found.get("Notes", [])


def timeline(markdown: str) -> list[tuple[str, str, list[int]]]:
    """(date, 'by <day reported>' or 'undated', text, cited sources) for each top-level timeline entry."""
    entries = []
    for line in sections(markdown)["Timeline"]:
        if match := re.match(r"^- \*\*([^*]+)\*\* (.*)$", line):
            entries.append((match.group(1), match.group(2), [int(n) for n in CITE.findall(match.group(2))]))
    return entries


# --------------------------------------------------------------------------- the seeds briefing


def test_brief_seeds_prints_a_briefing_on_stdout_and_a_summary_on_stderr(first):
    assert first.stdout.startswith("# Briefing: 5 sources, 2025-09-03 to 2025-12-22\n")
    assert "using the recorded responses in" in first.stderr
    assert str(ROOT / "fixtures") in first.stderr
    assert "5 of 5 articles briefed" in first.stderr
    assert "67/67 article quotes verified" in first.stderr
    assert "# Briefing" not in first.stderr


def test_the_header_says_where_answers_came_from_and_how_many_quotes_were_verified(first):
    header = first.stdout.splitlines()[2]
    assert "via recorded responses" in header
    # the distinct quotes the briefing holds (74: the briefs' and the comparison's), each found in its source
    assert "74 of 74 evidence quotes verified against their sources" in header
    assert re.search(r"prompts .*brief [0-9a-f]{12}.*summary [0-9a-f]{12}", header)
    assert re.search(r"schema \d+\.\d+ \([0-9a-f]{12}\)", header)


def test_every_seed_is_cited_with_its_date_in_the_sources_table(first):
    table = sources_table(first.stdout)
    assert {f: date for f, (_, date) in table.items()} == SEED_DATES
    assert sorted(ref for ref, _ in table.values()) == [1, 2, 3, 4, 5]
    # numbered by publication date
    by_ref = sorted(table.values())
    assert [date for _, date in by_ref] == sorted(SEED_DATES.values())
    assert table["000_1a84d6854ee061ff.txt"][0] == 5


@pytest.mark.parametrize("view", ["first", "full"])
def test_every_timeline_entry_cites_existing_sources(view, request):
    out = request.getfixturevalue(view).stdout
    entries = timeline(out)
    assert len(entries) >= (20 if view == "full" else 5)  # the brief: what Key developments do not tell already
    for date, text, refs in entries:
        assert refs, f"timeline entry without a citation: {date} {text}"
        assert set(refs) <= {1, 2, 3, 4, 5}, text
    accounts = [line for line in sections(out)["Timeline"] if line.startswith("  - ")]
    assert len(entries) == len([line for line in sections(out)["Timeline"] if line.startswith("- ")])
    # each account under an entry cites one of the entry's sources; the brief shows none (they are evidence)
    assert accounts if view == "full" else not accounts
    for line in accounts:
        assert re.match(r"^  - \[[1-5]\] ", line), line


def test_every_summary_paragraph_cites_existing_sources(full):
    paragraphs = sections(full.stdout)["Summary"]
    assert len(paragraphs) >= 2
    for paragraph in paragraphs:
        refs = re.search(r"((?:\[\d+\])+)$", paragraph)
        assert refs, f"summary paragraph does not end with citations: {paragraph[:80]}"
        assert {int(n) for n in CITE.findall(refs.group(1))} <= {1, 2, 3, 4, 5}
    cited = {int(n) for p in paragraphs for n in CITE.findall(p)}
    assert cited == {1, 2, 3, 4, 5}, "the summary rests on every source"


def test_every_stance_row_cites_a_source_and_its_date(full):
    table = sources_table(full.stdout)
    date_of = dict(table.values())
    rows = [
        line
        for line in sections(full.stdout)["Who stands where"]
        if line.startswith("| ") and not line.startswith("| Holder")
    ]
    assert len(rows) >= 20
    for row in rows:
        match = re.search(r"\| \[(\d)\] (\d{4}-\d{2}-\d{2}) \|$", row)
        assert match, row
        assert date_of[int(match.group(1))] == match.group(2)


def _day(label: str) -> str:
    """The place in time: 'by 2025-12-22' (reported that day) and 'after 2025-07' sort just after that day or month."""
    for word in ("by ", "after "):
        if label.startswith(word):
            return label.removeprefix(word) + "~"
    return label


@pytest.mark.parametrize("view", ["first", "full"])
def test_the_timeline_is_in_date_order_with_undated_entries_at_the_day_they_were_reported(view, request):
    labels = [date for date, _, _ in timeline(request.getfixturevalue(view).stdout)]
    assert "undated" not in labels
    days = [_day(d) for d in labels]
    assert days == sorted(days)
    # the December article dates nothing after October: its news and its look back are 'by 2025-12-22', last
    assert days[0].startswith("2024") and labels[-1] == "by 2025-12-22"
    if view == "full":  # the brief tells the Dushanbe meeting under Key developments, not again here
        assert max(d for d in labels if not d.startswith(("by ", "after "))) == "2025-10-09"


def test_the_dushanbe_meeting_is_one_entry_citing_every_source_that_reports_it(full):
    # the entry counts its sources (their accounts beneath it); the brief tells it under Key developments
    refs = {f[:3]: ref for f, (ref, _) in sources_table(full.stdout).items()}
    meetings = [(d, text, r) for d, text, r in timeline(full.stdout) if re.search(r"\bmet\b.*\bDushanbe\b", text)]
    assert len(meetings) == 1, meetings
    date, text, cited = meetings[0]
    assert date == "2025-10-09"
    assert {refs["003"], refs["004"], refs["000"]} <= set(cited)
    assert "3 sources" in text


def test_the_same_facts_are_merged_across_sources(full):
    entries = timeline(full.stdout)
    by_text = {re.sub(r"^\*\([^)]*\)\* ", "", text).split(" [")[0]: refs for _, text, refs in entries}
    assert by_text["A Russian air-defence system shot down an Azerbaijani plane."] == [2, 4, 5]
    assert by_text["Aliyev and Putin held no bilateral meeting at the SCO summit in China."] == [1, 2]


def test_a_figure_only_one_source_gives_stays_with_that_source(full):
    lines = sections(full.stdout)["Timeline"]
    (i,) = [n for n, line in enumerate(lines) if "Yekaterinburg" in line and line.startswith("- **2025-06**")]
    assert "50" not in lines[i]  # the merged entry
    assert "about 50 people" in lines[i + 1] and lines[i + 1].startswith(
        "  - [1]"
    )  # the Ukrainian source's own account


def test_aliyev_is_one_actor_with_his_name_as_written_in_russian_ukrainian_and_latvian(full):
    actors = sections(full.stdout)["Actors"]
    (line,) = [a for a in actors if a.startswith("- **Ilham Aliyev**")]
    for name in ("Ильхам Алиев", "Ільхам Алієв", "Ilhams Alijevs"):
        assert name in line
    assert line.endswith("[1][2][3][4][5]")
    assert not [a for a in actors if re.match(r"- \*\*(Aliyev|Alijevs|Ilham Aliev)\*\*", a)]


# --------------------------------------------------------------------------- the brief: layers, each fact once

QUOTE = re.compile(r"“([^”]+)”")
BRIEF_SECTIONS = [
    "Bottom line",
    "Key developments",
    "Where sources disagree",
    "How each outlet frames it",
    "Timeline",
    "Sources",
    "Notes",
]


def test_the_default_briefing_is_a_brief_that_opens_with_the_bottom_line(first):
    out = first.stdout
    assert len(out.split()) <= 1200, f"{len(out.split())} words"
    assert list(sections(out)) == BRIEF_SECTIONS
    (bottom,) = sections(out)["Bottom line"]
    text, refs = re.fullmatch(r"(.*?) ((?:\[\d\])+)", bottom).groups()
    assert len(text.split()) <= 60 and "Aliyev" in text
    assert set(CITE.findall(refs)) <= {"1", "2", "3", "4", "5"}
    # the evidence is one level down, and the brief says where
    assert "`brief --detail full`" in out.splitlines()[4]
    for evidence in ("## Who stands where", "## Actors", "## Corroborated", "## Summary", "<details>"):
        assert evidence not in out


def test_key_developments_are_a_few_dated_cited_bullets(first):
    bullets = sections(first.stdout)["Key developments"]
    assert 3 <= len(bullets) <= 5
    for line in bullets:
        assert re.match(r"^- \*\*(by |after )?\d{4}(-\d\d){0,2}\*\*( \*\(inferred\)\*)? .+ (\[[1-5]\])+$", line), line


def test_each_divergence_is_one_line_with_every_side_and_its_date(first):
    lines = sections(first.stdout)["Where sources disagree"]
    assert len(lines) == 3 and all(line.startswith("- **") for line in lines)
    guilt, detained, apology = lines
    assert "Putin" in guilt and "(change over time; latest [4])" in guilt
    for side in (
        "[2] reported on 2025-09-03 (earliest):",
        "[4] 2025-10-09 (latest):",
        "[3] reported on 2025-10-10:",
        "[5] reported on 2025-12-22:",
    ):
        assert side in guilt
    assert "(accounts differ)" in detained and "about 50" in detained and "More than 10" in detained
    assert "“" not in guilt + detained + apology, "each side's quote is evidence (--detail full)"
    # a nuance is a divergence too: 004's observers say the missing apology was a formality, 000 that he apologised
    assert apology.startswith("- **Whether Putin apologised to Aliyev")
    assert "(accounts differ)" in apology and "[4] 2025-10 (inferred):" in apology and "only in form" in apology
    assert "[5] reported on 2025-12-22:" in apology and "(latest)" not in apology, (
        "an undated look back is never the latest"
    )


def test_each_outlet_frames_the_story_in_one_line_with_one_short_quote(first):
    lines = sections(first.stdout)["How each outlet frames it"]
    assert [re.search(r"\[(\d)\]", line).group(1) for line in lines] == ["1", "2", "3", "4", "5"]
    for line in lines:
        (quote,) = QUOTE.findall(line)
        assert len(quote.replace(" …", "").split()) <= 12
        assert re.search(r" — (critical|supportive|neutral|hostile|conciliatory|mixed)", line), line
    assert lines[1].startswith("- **moscowtimes.ru** [2] 2025-09-03 — ")


def test_outlets_and_holders_go_by_names_a_reader_knows_and_file_names_stay_in_the_sources_table(first, full):
    """The outlet when the article names it (002's '(moscowtimes.ru)'), else the language it is written in; never a file name."""
    names = [
        re.match(r"^- \*\*([^*]+)\*\* \[(\d)\]", line).group(1)
        for line in sections(first.stdout)["How each outlet frames it"]
    ]
    assert names == [
        "Ukrainian-language source",
        "moscowtimes.ru",
        "Russian-language source",
        "Russian-language source",
        "Latvian-language source",
    ]
    for view in (first.stdout, full.stdout):
        body = [line for title, lines in sections(view).items() if title not in ("Sources", "Notes") for line in lines]
        assert not [line for line in body if re.search(r"\d{3}\\?_[0-9a-f]{16}\.txt", line)]
    assert "| Latvian-language source *(the outlet itself)* | Kremlin | critical |" in full.stdout


def test_a_folder_named_like_a_domain_names_the_outlet(tmp_path: Path):
    folder = tmp_path / "news" / "day.az"
    folder.mkdir(parents=True)
    for f in SEEDS.glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    js = tmp_path / "b.json"
    result = CliRunner().invoke(app, [str(folder), "-q", "--json", str(js), "-o", str(tmp_path / "b.md")])
    assert result.exit_code == 2, "the outlets go into the summary's input, which no recording answers"
    outlets = {s["file"]: s["outlet"] for s in json.loads(js.read_text(encoding="utf-8"))["sources"]}
    assert set(outlets.values()) == {"day.az"}, (
        "the folder given on the command line names every one's, 002 too (its text names moscowtimes.ru): one rule, folder first (issue 23 item 6)"
    )


def test_the_brief_repeats_no_quote(first):
    quotes = QUOTE.findall(first.stdout)
    assert quotes and len(quotes) == len(set(quotes))


def test_the_timeline_counts_the_sources_of_each_entry_instead_of_repeating_them(first):
    lines = sections(first.stdout)["Timeline"]
    assert lines[0] == "*Besides the events under Key developments:*"
    lines = lines[1:]
    assert all(line.startswith("- **") for line in lines[:-1])
    assert re.fullmatch(r"\*\d+ more events?, each reported by one source: `--detail full`\.\*", lines[-1])
    for line in lines[:-1]:
        refs = CITE.findall(line)
        assert (f"· *{len(refs)} sources*" in line) == (len(refs) > 1), line


def test_detail_full_keeps_every_section_with_its_evidence(full):
    found = list(sections(full.stdout))
    assert found == [
        "Summary",
        "Sources",
        "Divergences",
        "Framing",
        "Corroborated",
        "Timeline",
        "Who stands where",
        "Actors",
        "Notes",
    ]
    assert len(QUOTE.findall(full.stdout)) > 100
    assert "<details><summary>Evidence for each stance</summary>" in full.stdout


def test_an_unknown_detail_level_is_refused_naming_the_choices():
    result = CliRunner().invoke(app, [str(SEEDS), "--detail", "medium"])
    assert result.exit_code != 0 and result.stdout == ""
    assert "'medium' is not one of 'brief', 'full'" in result.stderr


def test_the_notes_report_nothing_wrong_for_the_seeds(first):
    assert sections(first.stdout)["Notes"] == [
        "*Nothing to report: every article was summarized and every quote verified.*"
    ]


def test_a_second_run_makes_no_llm_request(seeds_runs):
    first, second, _ = seeds_runs
    assert second.exit_code == 0
    requests = int(re.search(r"0 LLM requests, (\d+) answers? replayed, 0 cached", first.stderr).group(1))
    assert requests >= 6
    assert f"0 LLM requests, {requests} cached" in second.stderr
    assert f"0 LLM requests, {requests} cached" in second.stdout.splitlines()[2]

    def drop_header(out):
        return out.splitlines()[3:]

    assert drop_header(second.stdout) == drop_header(first.stdout)


# --------------------------------------------------------------------------- files


def test_output_and_json_files_are_written_and_the_json_validates(tmp_path: Path, first):
    jsonschema = pytest.importorskip("jsonschema")
    md, js = tmp_path / "out" / "briefing.md", tmp_path / "out" / "briefing.json"
    md.parent.mkdir()  # brief does not create a missing folder for -o
    result = CliRunner().invoke(app, [str(SEEDS), "-o", str(md), "--json", str(js)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {md}, {js}." in result.stderr
    assert md.read_text(encoding="utf-8").splitlines()[3:] == first.stdout.splitlines()[3:]
    data = json.loads(js.read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "briefing.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert {s["file"]: s["date"] for s in data["sources"]} == SEED_DATES
    assert data["meta"]["items_verified"] == 67 and data["meta"]["items_unverified"] == 0
    assert not list(tmp_path.glob("out/.*.tmp")), "no temp files left behind"


def test_json_output_cannot_carry_html(tmp_path: Path):
    js = tmp_path / "b.json"
    assert CliRunner().invoke(app, [str(SEEDS), "-q", "-o", str(tmp_path / "b.md"), "--json", str(js)]).exit_code == 0
    assert "<" not in js.read_text(encoding="utf-8") and ">" not in js.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- errors and partial runs


def test_a_nonexistent_path_is_exit_1_naming_it(tmp_path: Path):
    missing = tmp_path / "no-such-folder"
    result = CliRunner().invoke(app, [str(missing)])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr
    assert str(missing) in result.stderr
    assert result.stdout == ""


def test_an_article_without_a_recording_is_exit_2_with_the_briefing_written_and_a_note(
    seeds_copy: Path, tmp_path: Path
):
    (seeds_copy / "zz_new.txt").write_text(
        " date 2025-11-02 Алиев и Путин провели телефонный разговор.\nСтороны обсудили транзит и энергетику.\n",
        encoding="utf-8",
    )
    out = tmp_path / "briefing.md"
    result = CliRunner().invoke(app, [str(seeds_copy), "-o", str(out)])
    assert result.exit_code == 2, result.output
    markdown = out.read_text(encoding="utf-8")
    assert len(sources_table(markdown)) == 5, "the five seeds are still briefed"
    failed = [line for line in notes(markdown) if "zz_new.txt" in line]
    assert failed, notes(markdown)
    assert "OPENAI_API_KEY" in failed[0]
    assert "--base-url" in failed[0]
    assert "failed: zz_new.txt" in result.stderr
    assert "1 failed" in result.stderr


def test_a_rejected_file_is_exit_2_and_named_in_the_notes(seeds_copy: Path, tmp_path: Path):
    (seeds_copy / "empty.txt").write_text("   \n\n", encoding="utf-8")
    out = tmp_path / "briefing.md"
    result = CliRunner().invoke(app, [str(seeds_copy), "-o", str(out)])
    assert result.exit_code == 2
    assert any("empty.txt" in line for line in notes(out.read_text(encoding="utf-8")))
    assert "rejected: empty.txt" in result.stderr


def test_quiet_prints_nothing_on_stderr():
    result = CliRunner().invoke(app, [str(SEEDS), "-q"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("# Briefing")


def test_brief_run_is_the_same_as_brief():
    plain = CliRunner().invoke(app, [str(SEEDS), "-q"])
    explicit = CliRunner().invoke(app, ["run", str(SEEDS), "-q"])
    assert explicit.exit_code == 0
    assert explicit.stdout.splitlines()[3:] == plain.stdout.splitlines()[3:]


# --------------------------------------------------------------------------- entry points and start-up cost


def _python(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEF_"))}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False
    )


def test_python_dash_m_summarizer_behaves_like_brief():
    result = _python("-m", "summarizer", "--help")
    assert result.returncode == 0, result.stderr
    assert "Turn multilingual news articles into a cited English briefing." in result.stdout
    assert "run" in result.stdout and "schemas" in result.stdout and "cache" in result.stdout


def test_python_dash_m_summarizer_runs_the_seeds(tmp_path: Path):
    env_cache = f"import os; os.environ['BRIEF_CACHE_DIR'] = {str(tmp_path)!r}; "
    result = _python(
        "-c",
        env_cache
        + "import runpy, sys; sys.argv = ['brief', 'seeds', '-q']; runpy.run_module('summarizer', run_name='__main__')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Briefing: 5 sources, 2025-09-03 to 2025-12-22")


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["schemas", "--help"], ["cache", "--help"]])
def test_help_does_not_import_openai_or_instructor(args: list[str]):
    script = (
        "import sys\n"
        "from summarizer.cli import app\n"
        f"try:\n    app({args!r}, prog_name='brief')\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "heavy = sorted(m for m in ('openai', 'instructor', 'tenacity', 'diskcache', 'rapidfuzz') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = _python("-c", script)
    assert result.returncode == 0, result.stderr
    assert "Usage: brief" in result.stdout
    assert result.stdout.strip().endswith("HEAVY="), result.stdout.splitlines()[-1]


# --------------------------------------------------------------------------- wording, time, names and quotes (issue 21)


def test_the_bottom_line_and_key_developments_come_from_the_one_summary_call(tmp_path: Path, first):
    js = tmp_path / "b.json"
    result = CliRunner().invoke(app, [str(SEEDS), "-q", "--no-cache", "-o", str(tmp_path / "b.md"), "--json", str(js)])
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["meta"]["replayed"] == 7, "five briefs, one summary, one comparison: no request added for the layers"
    assert len(data["bottom_line"]["text"].split()) <= 60 and data["bottom_line"]["sources"]
    shown = sections(first.stdout)["Key developments"]
    assert len(shown) == len(data["key_developments"]) >= 3
    for line, k in zip(shown, data["key_developments"]):
        assert k["text"] in line.replace("\\", "")
    # the summary's context does not repeat them: no key development is a sentence of the summary
    summary = " ".join(p["text"] for p in data["summary"])
    assert not [k for k in data["key_developments"] if k["text"] in summary]


def test_the_story_is_titled_by_its_latest_development(first):
    assert (
        "**Front page: 1 story.** *Aliyev declines to attend Putin-hosted informal CIS summit in Saint Petersburg*"
        in first.stdout
    )


def test_a_source_term_is_rendered_by_its_meaning_and_the_same_way_everywhere(full):
    text = full.stdout
    # «nevēlas spēlēt» is "does not want to play" in the stance and the framing, not "refusing to play"
    for literal in (
        "refusing to admit",
        "brusque",
        "reverse gear",
        'went without "direct apologies" only formally',
        "refusing to play",
    ):
        assert literal not in text, literal
    # «задний ход» is "backtrack" in the summary and in the framing
    assert "backtrack" in " ".join(sections(text)["Summary"]) and "backtrack" in " ".join(sections(text)["Framing"])
    assert "quickly shook Aliyev's hand" in text  # «швидко потиснув руку»
    # «не соглашаться на оккупацию» / «не погоджуватися на окупацію»: "agree to occupation" in every section
    assert "accept occupation" not in text and text.count("agree to occupation") >= 4


def test_coarse_dates_stay_after_what_their_source_tells_before_them(full):
    entries = timeline(full.stdout)
    labels = [date for date, _, _ in entries]
    socar = [i for i, (_, text, _) in enumerate(entries) if "SOCAR" in text]
    assert [labels[i] for i in socar] == ["after 2025-07"], "002 tells the strikes after Aliyev's July call"
    july = next(i for i, (d, text, _) in enumerate(entries) if d == "2025-07")
    raid = next(i for i, (d, text, _) in enumerate(entries) if d == "2025-06" and "Yekaterinburg" in text)
    assert raid < july < socar[0]
    z = next(d for d, text, _ in entries if "Z-channels" in text)
    assert z == "after 2025-10-09"


def test_the_brief_tells_each_event_once_a_key_development_is_not_told_again_in_the_timeline(first, full):
    keys = " ".join(sections(first.stdout)["Key developments"])
    shown = " ".join(sections(first.stdout)["Timeline"])
    for told in (
        "met in Dushanbe",
        "Pantsir",
        "no bilateral meeting",
        "Yekaterinburg",
        "declined to attend",
        "SOCAR",
        "arms supplies",
        "with understanding",
    ):
        assert told not in shown, told
    for told in ("met in Dushanbe", "no bilateral meeting", "Yekaterinburg", "declined to attend", "SOCAR"):
        assert told in keys, told
    # the full timeline still tells every event in its place
    chronology = " ".join(sections(full.stdout)["Timeline"])
    assert all(
        told in chronology
        for told in ("met in Dushanbe", "no bilateral meeting", "Yekaterinburg", "declined to attend", "SOCAR")
    )


def test_a_key_development_carries_its_timeline_date_and_the_timeline_order(first, full):
    """The SOCAR strikes are 'after 2025-07' in the timeline: the key development telling them says the same, not the answer's '2025'."""
    keys = [
        re.match(r"^- \*\*([^*]+)\*\*( \*\(inferred\)\*)? (.*)$", line).groups()
        for line in sections(first.stdout)["Key developments"]
    ]
    socar = [date + (" (inferred)" if inferred else "") for date, inferred, text in keys if "SOCAR" in text]
    assert socar == ["after 2025-07 (inferred)"], keys
    full_socar = [line for line in sections(full.stdout)["Timeline"] if "SOCAR" in line and line.startswith("- ")]
    assert full_socar and all(line.startswith("- **after 2025-07** *(inferred)*") for line in full_socar), full_socar
    no_meeting = [
        date + (" (inferred)" if inferred else "") for date, inferred, text in keys if "no bilateral meeting" in text
    ]
    assert no_meeting == ["2025-09-01 (inferred)"], "inferred in the timeline, inferred here"
    # newest first, by the timeline's order: 'after 2025-07' sorts after every day of July, before September
    assert [d for d, _, _ in keys] == ["by 2025-12-22", "2025-10-09", "2025-09-01", "after 2025-07", "2025-06"]


def test_a_quote_across_a_paragraph_break_marks_the_cut(full, tmp_path: Path):
    from summarizer.models import Briefing
    from summarizer.models.evidence import CUT, locate_quote, quote_in_source
    from summarizer.render.quotes import iter_quotes
    from summarizer.ingest.articles import load_articles

    assert 'Гордона. \\[…\\] "Ніколи не погоджуйтеся на окупацію!' in full.stdout
    js = tmp_path / "b.json"
    assert CliRunner().invoke(app, [str(SEEDS), "-q", "--json", str(js), "-o", str(tmp_path / "b.md")]).exit_code == 0
    b = Briefing.model_validate_json(js.read_text(encoding="utf-8"))
    texts = {a.path: a.text for a in load_articles([SEEDS]).articles}
    by_ref = {s.ref: texts[s.file] for s in b.sources}
    cut = 0
    for q in iter_quotes(b):
        assert quote_in_source(q.text, by_ref[q.source]), q.text
        start, end = locate_quote(q.text, by_ref[q.source])
        assert ("\n" in by_ref[q.source][start:end]) == (CUT in q.text), q.text
        cut += CUT in q.text
    assert cut >= 1
