"""Who said it, and when it happened: the seed briefing read as a bilingual analyst reads it (issue 12).

Each test pins one correction to the recorded demo answers on the rendered briefing (Markdown as
printed by `brief seeds/`, and its --json): the outlet's own voice is not given to an outlet it
cites, reported speech is not a country's position, an undated look back is no later development,
a dispute both sources report is not a divergence, no date is shown that no source gives, and
inferred dates say so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models import Briefing

from tests.cli.test_cli import SEEDS, _isolate, sections, timeline

LATVIAN = "000_1a84d6854ee061ff.txt"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Briefing]:
    """(Markdown, Briefing from --json) of `brief seeds/` on the recordings."""
    home = tmp_path_factory.mktemp("attribution")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, home)
        result = CliRunner().invoke(app, [str(SEEDS), "--detail", "full", "--json", str(home / "b.json"), "--no-cache"])
    assert result.exit_code == 0, result.output
    return result.stdout, Briefing.model_validate_json((home / "b.json").read_text(encoding="utf-8"))


def ref(b: Briefing, stem: str) -> int:
    return next(s.ref for s in b.sources if Path(s.file).name.startswith(stem))


def rows(markdown: str, title: str = "Who stands where") -> list[str]:
    return [line for line in sections(markdown)[title] if line.startswith("| ")]


def stance(b: Briefing, fragment: str):
    (row,) = [s for s in b.stances if fragment in s.quote.text]
    return row


# --------------------------------------------------------------------------- voices


def test_the_outlets_own_commentary_is_its_own_not_the_outlet_it_cites(run):
    markdown, b = run
    for fragment in (
        "šis skaidrojums izklausās maz ticams",
        "Tas nav vienkārši pasākuma ignorēšana",
        "Šis gadījums būtiski iedragāja",
    ):
        row = stance(b, fragment)
        assert (row.holder, row.voice, row.said_by) == (LATVIAN, "source", None)
    assert not [s for s in b.stances if s.holder == "Dialog.ua"]
    own = [
        r for r in rows(markdown) if r.startswith("| Latvian-language source *(the outlet itself)* |")
    ]  # the JSON holder is the file; a reader sees a name
    assert len(own) == 4 and all(f"[{ref(b, '000')}] 2025-12-22 |" in r for r in own)
    assert "Dialog.ua" not in " ".join(r.split(" | ")[0] for r in rows(markdown))
    # what the outlet does report from Dialog.ua is said to be Dialog.ua's
    assert any(
        "*(per Dialog.ua (cited outlet))*" in line and "Sanktpēterburgā" in line
        for line in sections(markdown)["Timeline"]
    )


def test_remarks_on_state_television_are_not_azerbaijans_position(run):
    markdown, b = run
    row = stance(b, "На державному телебаченні Азербайджану")
    assert (row.holder, row.voice, row.position) == ("Azerbaijani state television", "unnamed", "hostile")
    assert not [s for s in b.stances if s.holder == "Azerbaijan" and s.position == "hostile"]
    table = "\n".join(rows(markdown, "Framing"))
    assert "Azerbaijan: hostile" not in table
    assert "Azerbaijani state television *(unnamed source: speakers the article does not name)*: hostile" in table
    assert any(
        r.startswith("| Azerbaijani state television *(unnamed source: ") and "| hostile |" in r for r in rows(markdown)
    )


def test_a_countrys_position_told_by_an_outlet_says_so(run):
    markdown, b = run
    row = stance(b, "Ключевые ожидания Баку")
    assert (row.holder, row.voice) == ("Azerbaijan", "source")
    assert any(r.startswith("| Azerbaijan *(per the outlet)* | Russia |") for r in rows(markdown))


def test_what_leading_world_media_recorded_is_attributed_to_them(run):
    markdown, b = run
    (row,) = [f for f in b.framing if "вынужденное признание" in f.quote.text]
    assert (row.source, row.voice, row.said_by) == (ref(b, "004"), "unnamed", "leading world media")
    (line,) = [r for r in rows(markdown, "Framing") if "вынужденное признание" in r]
    assert "*(unnamed source: leading world media)*" in line
    summary = " ".join(sections(markdown)["Summary"])
    assert 'calls it "Putin\'s backtrack"' in summary and "leading world media" not in summary, (
        "the piece's own words are its own"
    )


def test_whose_words_a_relayed_statement_is_is_shown(run):
    markdown, b = run
    row = stance(b, "будут выплачены компенсации")
    assert (row.holder, row.voice, row.said_by) == ("Vladimir Putin", "named", "Azer Garayev")
    assert any(r.startswith("| Vladimir Putin *(per Azer Garayev)* | Russia's guilt") for r in rows(markdown))
    assert any(r.startswith("| Dmitry Peskov | Aliyev's decision") for r in rows(markdown)), (
        "a speaker speaking for himself needs no label"
    )


# --------------------------------------------------------------------------- when it happened vs when it was reported


def test_an_undated_look_back_is_never_shown_as_the_latest_development(run):
    markdown, b = run
    (guilt,) = [d for d in b.divergences if "guilt" in d.topic]
    assert guilt.latest == [ref(b, "004")]
    side = next(s for s in guilt.sides if s.source == ref(b, "000"))
    assert (side.date, side.date_basis, side.published.isoformat()) == (None, "publication", "2025-12-22")
    text = "\n".join(sections(markdown)["Divergences"])
    assert f"change over time; latest: [{ref(b, '004')}] 2025-10-09" in text
    assert (
        f"- reported on 2025-12-22 [{ref(b, '000')}] (no date given: not a later development) Looking back, without a date"
        in text
    )
    (apology,) = [(d, t) for d, t, _ in timeline(markdown) if "apologise" in t]
    assert apology[0] == "by 2025-12-22" and apology[1].startswith("Looking back, without a date")


def test_the_summary_does_not_credit_the_december_article_with_what_it_does_not_give(run):
    markdown, _ = run
    summary = " ".join(sections(markdown)["Summary"])
    assert "from 17 October and 22 December, report that he acknowledged the cause" not in summary
    assert "The December article, looking back without a date, says he was forced to publicly admit" in summary
    assert "The October piece reports Putin's acknowledgement at Dushanbe" in summary


# --------------------------------------------------------------------------- divergence means the sources disagree


def test_a_dispute_that_both_sources_report_is_not_a_divergence(run):
    markdown, b = run
    assert [d.topic for d in b.divergences if "Safarov" in d.topic] == []
    assert "Safarov" not in "\n".join(sections(markdown)["Divergences"])
    assert "A dispute between parties that the sources report alike is not listed." in markdown


# --------------------------------------------------------------------------- dates no source gives


@pytest.mark.parametrize(
    ("fragment", "reported"),
    [
        ("autopsy showed they had been severely beaten", "2025-09-03"),
        ("quickly shook Aliyev's hand", "2025-09-03"),
        ("Aliyev declined to attend the informal CIS summit", "2025-12-22"),
    ],
)
def test_a_date_no_source_gives_is_not_shown(run, fragment: str, reported: str):
    markdown, _ = run
    (entry,) = [(d, t) for d, t, _ in timeline(markdown) if fragment in t]
    assert entry[0] == f"by {reported}" and not re.match(r"\*\(", entry[1])


def test_no_account_is_labelled_with_a_date_its_source_does_not_state(run):
    markdown, b = run
    lines = sections(markdown)["Timeline"]
    assert not [
        line
        for line in lines
        if "(2025-09 in this source)" in line or ("(2025-10 in this source)" in line and "[3]" in line)
    ]
    (sco,) = [
        i
        for i, line in enumerate(lines)
        if line.startswith("- **2025-09-01** *(inferred)* Aliyev and Putin held no bilateral meeting")
    ]
    assert lines[sco + 1].startswith(f"  - [{ref(b, '001')}] (undated in this source) ")


# --------------------------------------------------------------------------- inferred dates say so


def test_inferred_dates_are_marked_inferred_in_markdown_and_json(run):
    markdown, b = run
    (entry,) = [e for e in b.timeline if e.description.startswith("Aliyev and Putin held no bilateral meeting")]
    assert (entry.date, entry.date_basis) == ("2025-09-01", "inferred")
    lines = sections(markdown)["Timeline"]
    inferred = [e for e in b.timeline if e.date_basis == "inferred"]
    assert len(inferred) >= 5
    for e in inferred:  # every inferred entry is marked where it is shown
        label = f"- **after {e.after}** *(inferred)* " if e.after else f"- **{e.date}** *(inferred)* "
        assert any(line.startswith(label) and e.description in line.replace("\\", "") for line in lines), e.description
    assert any(line.startswith(f"  - [{ref(b, '004')}] (2024, inferred, in this source) ") for line in lines)
    assert any(line.startswith("- **2025-09-01** *(inferred)* ") for line in sections(markdown)["Corroborated"])
    # and nothing stated is marked inferred
    stated = next(e for e in b.timeline if e.description.startswith("Dmitry Peskov said he hoped"))
    assert (stated.date, stated.date_basis) == ("2025-08-31", "stated")
    assert any(re.match(r"^- \*\*2025-08-31\*\* Dmitry Peskov said he hoped", line) for line in lines)


def test_the_json_carries_voices_and_date_bases():
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "schemas" / "briefing.schema.json").read_text(encoding="utf-8")
    )
    defs = schema["$defs"]
    assert set(defs["Account"]["properties"]) >= {"date", "date_basis", "voice", "said_by"}
    assert set(defs["StanceRow"]["properties"]) >= {"voice", "said_by", "date", "date_basis"}
    assert set(defs["DivergenceSide"]["properties"]) >= {"date", "date_basis", "voice", "said_by"}
    assert defs["Account"]["properties"]["date_basis"]["enum"] == ["stated", "inferred", "publication"]


# --------------------------------------------------------------------------- a year the model worked out


def _dated(text: str, published: str, date: str, basis: str) -> Briefing:
    import datetime as dt

    from summarizer.models import Article, ArticleBrief, BriefingMeta, BriefResult
    from summarizer.stages.quality import verify_brief
    from summarizer.stages.merge import merge_briefs

    sentence = text.split(". ")[0] + "."
    answer = {
        "source_language": "en",
        "headline": "Crash inquiry",
        "summary": "The inquiry looks back at the crash.",
        "actors": [{"name": "Ilham Aliyev", "name_in_source": "Aliyev", "kind": "person", "role": "president"}],
        "stances": [],
        "events": [
            {
                "date": date,
                "date_basis": basis,
                "description": "Aliyev spoke of the crash.",
                "actors": ["Ilham Aliyev"],
                "evidence": sentence,
            }
        ],
    }
    brief = ArticleBrief.model_validate(answer)
    article = Article(
        id="0123456789abcdef", path="a.txt", date=dt.date.fromisoformat(published), language="en", text=text
    )
    meta = BriefingMeta(
        generated_at="2026-01-01 00:00 UTC",
        model="m",
        mode="tools",
        endpoint="test",
        prompt_hashes={},
        schema_hash="s",
        articles=1,
        briefs=1,
        items_verified=1,
        items_unverified=0,
    )
    return merge_briefs([BriefResult(article, brief, verify_brief(brief, text))], meta=meta)


@pytest.mark.parametrize(
    ("text", "published", "date", "basis"),
    [
        (
            "Aliyev spoke in December of the crash. The inquiry goes on.",
            "2025-01-10",
            "2024-12",
            "inferred",
        ),  # the year is worked out
        (
            "Aliyev spoke in December 2024 of the crash. The inquiry goes on.",
            "2025-01-10",
            "2024-12",
            "stated",
        ),  # the text writes it
        (
            "Aliyev spoke on 3 January of the crash. The inquiry goes on.",
            "2025-01-10",
            "2025-01-03",
            "stated",
        ),  # the dateline's year
    ],
)
def test_a_stated_date_in_a_year_the_article_never_writes_is_inferred(text: str, published: str, date: str, basis: str):
    (entry,) = _dated(text, published, date, "stated").timeline
    assert (entry.date, entry.date_basis, entry.accounts[0].date_basis) == (date, basis, basis)
