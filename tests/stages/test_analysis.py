"""Cross-source analysis: divergences (a change over time vs a contradiction), framing, corroboration.

The seed run replays the hand-authored comparison in fixtures/authored/analysis.json (wrapped into
fixtures/ by `python fixtures/authored/build.py`). Nothing the model says is shown unless its
source number exists and its quote is in that source's article.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.stages.agreement import make_divergence
from summarizer.stages.analysis import analyze_deterministic, check_agreements, check_analysis
from summarizer.cli import app
from summarizer.config.settings import resolve_settings
from summarizer.models.evidence import quote_in_source
from summarizer.pipeline import BriefingRun, build_briefing
from summarizer.render.markdown import render_markdown
from summarizer.models import Briefing, CrossSourceAnalysis, DivergenceSide, Quote

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="module")
def seed_run() -> BriefingRun:
    return build_briefing([SEEDS], resolve_settings({"use_cache": False}, env={}))


def ref(b: Briefing, stem: str) -> int:
    """Citation number of the seed whose file name starts with `stem` (e.g. '002')."""
    return next(s.ref for s in b.sources if s.file.startswith(stem))


def texts(run: BriefingRun) -> dict[int, str]:
    return {s.ref: r.article.text for s in run.briefing.sources for r in run.results if r.article.id == s.article_id}


def divergence(b: Briefing, stems: set[str], term: str):
    wanted = {ref(b, s) for s in stems}
    found = [d for d in b.divergences if wanted <= set(d.sources) and term.casefold() in d.topic.casefold()]
    assert len(found) == 1, [d.topic for d in b.divergences]
    return found[0]


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end]


def replay_dir(tmp_path: Path, *, analysis: bool = True) -> Path:
    """A private copy of the recordings, with or without the analysis recording."""
    target = tmp_path / "fixtures"
    target.mkdir()
    for path in FIXTURES.glob("*.json"):
        if analysis or not path.name.startswith("analysis."):
            shutil.copy(path, target / path.name)
    return target


# --------------------------------------------------------------------------- divergences on the seeds


def test_putins_guilt_is_a_change_over_time_ordered_by_the_dates_of_what_each_source_reports(seed_run: BriefingRun):
    b = seed_run.briefing
    d = divergence(b, {"002", "004", "000"}, "guilt")
    assert (d.kind, d.basis) == ("change_over_time", "analysis")
    first = d.sides[0]
    assert (first.source, first.published, first.date, first.date_basis) == (
        ref(b, "002"),
        dt.date(2025, 9, 3),
        None,
        "publication",
    )
    assert "не признал вину" in first.quote.text
    order = [s.source for s in d.sides]
    assert order.index(ref(b, "002")) < order.index(ref(b, "004")) < order.index(ref(b, "000"))
    dushanbe = d.sides[order.index(ref(b, "004"))]
    assert (dushanbe.date, dushanbe.date_basis) == ("2025-10-09", "stated")
    # the December article's line is an undated look back: it is ordered by its publication, never the latest
    assert d.latest == [ref(b, "004")]
    text = section(render_markdown(b, detail="full"), "Divergences")
    assert f"change over time; latest: [{ref(b, '004')}] 2025-10-09" in text
    assert f"reported on 2025-09-03 [{ref(b, '002')}] (earliest) The outlet states that Putin did not admit" in text
    assert f"2025-10-09 [{ref(b, '004')}] (latest) " in text
    assert f"reported on 2025-12-22 [{ref(b, '000')}] (no date given: not a later development) Looking back" in text
    assert f"[{ref(b, '000')}] (latest)" not in text and "latest: [5]" not in text


def test_different_figures_published_the_same_day_are_a_contradiction(seed_run: BriefingRun):
    b = seed_run.briefing
    d = divergence(b, {"001", "002"}, "detained")
    assert (d.kind, d.latest, d.sources) == ("contradiction", [], sorted([ref(b, "001"), ref(b, "002")]))
    assert {s.published for s in d.sides} == {dt.date(2025, 9, 3)}
    quotes = {s.source: s.quote.text for s in d.sides}
    assert "близько 50" in quotes[ref(b, "001")] and "более 10" in quotes[ref(b, "002")]
    # the June raid (dated by 002) and 001's undated account of it: the dates do not make one later
    text = section(render_markdown(b, detail="full"), "Divergences")
    assert "accounts differ (neither is later: their dates do not order them)" in text
    assert f"reported on 2025-09-03 [{ref(b, '001')}] According to official information" in text
    assert "*(unnamed source: official information)*" in text


def test_every_quote_of_the_comparison_is_verbatim_from_the_outlet_it_is_attributed_to(seed_run: BriefingRun):
    b, articles = seed_run.briefing, texts(seed_run)
    assert b.framing and b.divergences
    assert {f.source for f in b.framing} == {s.ref for s in b.sources}, "every outlet's framing is shown"
    for row in b.framing:
        assert quote_in_source(row.quote.text, articles[row.source]), (row.source, row.quote.text)
    for d in b.divergences:
        for side in d.sides:
            assert quote_in_source(side.quote.text, articles[side.source]), (side.source, side.quote.text)


@pytest.mark.parametrize(
    ("stem", "fragment", "tone"),
    [
        ("003", "новую, более зрелую и основанную на взаимном доверии фазу", "supportive"),
        ("004", "задний ход Путина", "critical"),
        ("000", "Kremlis spiests taisnoties", "critical"),
    ],
)
def test_each_outlets_frame_is_shown_with_its_own_words(seed_run: BriefingRun, stem: str, fragment: str, tone: str):
    b = seed_run.briefing
    rows = [f for f in b.framing if fragment in f.quote.text]
    assert [(f.source, f.tone) for f in rows] == [(ref(b, stem), tone)]
    assert fragment in section(render_markdown(b, detail="full"), "Framing")


def test_the_source_by_actor_table_takes_its_positions_from_the_stance_rows(seed_run: BriefingRun):
    b = seed_run.briefing
    rows = {(s.source, s.holder, s.position) for s in b.stances}
    assert b.stance_table
    assert all((c.source, c.holder, c.position) in rows for c in b.stance_table)
    assert any(
        (c.source, c.actor, c.holder, c.position) == (ref(b, "004"), "Kremlin", "Sergei Danilov", "critical")
        for c in b.stance_table
    )
    text = section(render_markdown(b, detail="full"), "Framing")
    assert "| Source | Russia | Vladimir Putin | Kremlin |" in text
    assert "Sergei Danilov: critical" in text


# --------------------------------------------------------------------------- corroboration


def test_the_dushanbe_meeting_is_corroborated_by_the_sources_that_report_it(seed_run: BriefingRun):
    b, articles = seed_run.briefing, texts(seed_run)
    [c] = [
        c for c in b.corroborated if c.basis == "timeline" and "Dushanbe" in c.description and "met" in c.description
    ]
    assert c.count == len(c.sources) >= 2
    assert {ref(b, "003"), ref(b, "004")} <= set(c.sources)
    assert c.date == "2025-10-09"
    for account in c.accounts:
        assert quote_in_source(account.quote.text, articles[account.source])
    assert f"Ilham Aliyev and Vladimir Putin met in Dushanbe. — *corroborated by {c.count} sources*" in section(
        render_markdown(b, detail="full"), "Corroborated"
    )


def test_only_events_reported_by_two_or_more_sources_are_corroborated(seed_run: BriefingRun):
    b = seed_run.briefing
    single = [e.description for e in b.timeline if len(e.sources) == 1]
    assert all(c.count >= 2 for c in b.corroborated)
    assert not {c.description for c in b.corroborated} & set(single)


def test_a_fact_told_as_a_stance_in_one_source_and_an_event_or_lead_in_another_is_corroborated_by_the_comparison(
    seed_run: BriefingRun,
):
    """001 has Peskov's earlier 'possible, even expected' as a stance, 002 his 31 August hope as an event; 001 has the
    handshake video as an event, 002 only in its lead. Merge cannot pair them; the comparison does, each quote checked."""
    b, articles = seed_run.briefing, texts(seed_run)
    found = {c.description: c for c in b.corroborated if c.basis == "analysis"}
    assert len(found) == 2, list(found)
    peskov = next(c for d, c in found.items() if "Peskov" in d)
    video = next(c for d, c in found.items() if "video" in d)
    for c in (peskov, video):
        assert c.sources == [ref(b, "001"), ref(b, "002")] and c.count == 2
        assert all(quote_in_source(a.quote.text, articles[a.source]) for a in c.accounts)
    # each side is dated and voiced by the stance or event it quotes: 002's hope was voiced on 31 August
    assert [(a.date, a.date_basis, a.voice, a.said_by) for a in peskov.accounts] == [
        (None, "publication", "named", "Dmitry Peskov"),
        ("2025-08-31", "stated", "named", "Dmitry Peskov"),
    ]
    full = section(render_markdown(b, detail="full"), "Corroborated")
    assert "- **comparison** A video posted online shows Putin entering the room" in full


@pytest.mark.parametrize(
    ("sides", "kept", "note"),
    [
        # a quote not in its source: that side goes, and one source is no agreement
        (
            [
                {
                    "source": 1,
                    "account": "Peskov had said a meeting was possible.",
                    "quote": "Пєсков сказав, що зустріч неминуча",
                },
                {
                    "source": 2,
                    "account": "Peskov said he hoped they would meet.",
                    "quote": "Мы надеемся, что все-таки они будут иметь возможность",
                },
            ],
            0,
            "its quote is not in that source",
        ),
        # an account not in English
        (
            [
                {
                    "source": 1,
                    "account": "Раніше Пєсков запевняв, що така зустріч можлива.",
                    "quote": "Раніше Пєсков запевняв",
                },
                {
                    "source": 2,
                    "account": "Peskov said he hoped they would meet.",
                    "quote": "Мы надеемся, что все-таки они будут иметь возможность",
                },
            ],
            0,
            "not English",
        ),
        # what merge already pairs (the Dushanbe meeting) is not told twice
        (
            [
                {
                    "source": 4,
                    "account": "They met in Dushanbe.",
                    "quote": "Встреча Ильхама Алиева и Владимира Путина 9 октября в Душанбе",
                },
                {"source": 5, "account": "They met in Dushanbe.", "quote": "kur viņš tikās ar Putinu"},
            ],
            0,
            None,
        ),
    ],
    ids=["fabricated-quote", "not-english", "already-paired"],
)
def test_an_agreement_that_does_not_check_out_or_is_already_paired_is_not_shown(
    seed_run: BriefingRun, sides: list, kept: int, note: str | None
):
    b = seed_run.briefing
    sides = [{**side, "source": ref(b, {1: "001", 2: "002", 4: "004", 5: "000"}[side["source"]])} for side in sides]
    result = CrossSourceAnalysis.model_validate(
        {"divergences": [], "agreements": [{"fact": "A fact", "sides": sides}], "framing": []}
    )
    deterministic = analyze_deterministic(b).corroborated
    found, notes = check_agreements(result, b, texts(seed_run), deterministic)
    assert len(found) == kept
    assert (note is None) == (notes == []) and all(note in n.message for n in notes[:1] if note)


# --------------------------------------------------------------------------- checking the model's answer


GOOD_SIDE_2 = {"source": 2, "claim": "Putin did not admit guilt.", "quote": "Путин не признал вину страны за инцидент"}
GOOD_SIDE_5 = {
    "source": 5,
    "claim": "Putin admitted guilt.",
    "quote": "Putins bija spiests publiski atzīt Krievijas vainu",
}


@pytest.mark.parametrize(
    ("answer", "kept_divergences", "kept_framing", "dropped"),
    [
        ({"divergences": [{"fact": "Guilt", "sides": [GOOD_SIDE_2, GOOD_SIDE_5]}], "framing": []}, 1, 0, 0),
        # a citation to a source that does not exist: that side goes, the rest stands
        (
            {
                "divergences": [{"fact": "Guilt", "sides": [GOOD_SIDE_2, GOOD_SIDE_5, {**GOOD_SIDE_2, "source": 9}]}],
                "framing": [],
            },
            1,
            0,
            1,
        ),
        # a fabricated quote leaves one side: the whole divergence goes
        (
            {
                "divergences": [
                    {
                        "fact": "Apology",
                        "sides": [
                            {**GOOD_SIDE_2, "quote": "Путин лично извинился перед Алиевым по телефону"},
                            GOOD_SIDE_5,
                        ],
                    }
                ],
                "framing": [],
            },
            0,
            0,
            2,
        ),
        # a real quote filed under the wrong outlet (it is from [4], not [3])
        (
            {
                "divergences": [],
                "framing": [
                    {
                        "source": 3,
                        "actor": "Vladimir Putin",
                        "tone": "critical",
                        "frame": "backtrack",
                        "quote": "задний ход Путина",
                    }
                ],
            },
            0,
            0,
            1,
        ),
        (
            {
                "divergences": [],
                "framing": [
                    {
                        "source": 4,
                        "actor": "Vladimir Putin",
                        "tone": "critical",
                        "frame": "backtrack",
                        "quote": "задний ход Путина",
                    }
                ],
            },
            0,
            1,
            0,
        ),
    ],
    ids=["all-resolve", "unknown-source", "fabricated-quote", "misattributed-quote", "framing-ok"],
)
def test_claims_whose_citation_or_quote_does_not_resolve_are_dropped_and_noted(
    seed_run: BriefingRun,
    answer: dict,
    kept_divergences: int,
    kept_framing: int,
    dropped: int,
):
    result = CrossSourceAnalysis.model_validate(answer)  # no context: as after the last re-ask
    divergences, framing, notes = check_analysis(result, seed_run.briefing, texts(seed_run))
    assert (len(divergences), len(framing), len(notes)) == (kept_divergences, kept_framing, dropped)
    assert all(n.kind == "unverified" and "dropped" in n.message for n in notes)
    assert all(s.source in (2, 5) for d in divergences for s in d.sides)


@pytest.mark.parametrize(
    "side",
    [
        {"source": 9, "claim": "x", "quote": "Путин не признал вину страны за инцидент"},
        {"source": 2, "claim": "x", "quote": "Путин лично извинился перед Алиевым по телефону"},
    ],
    ids=["unknown-source", "fabricated-quote"],
)
def test_the_response_model_drops_an_unresolved_side_and_a_divergence_left_with_one_side(
    seed_run: BriefingRun, side: dict
):
    context = {"valid_sources": [s.ref for s in seed_run.briefing.sources], "source_texts": texts(seed_run)}
    read = CrossSourceAnalysis.model_validate(
        {"divergences": [{"fact": "f", "sides": [GOOD_SIDE_5, side]}], "framing": []}, context=context
    )
    assert read.divergences == []
    side_note, divergence_note = read.repairs.dropped
    assert side_note.startswith(f"divergence side 2 of (f) from source {side['source']} left out: ")
    assert "does not exist" in side_note or "does not occur in source" in side_note
    assert divergence_note == "divergence (f) left out: fewer than two sources left with a side that checks out"


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"source": 9, "quote": "задний ход Путина"}, "framing: source 9 does not exist"),
        (
            {"source": 3, "quote": "задний ход Путина"},
            "framing: this quote does not occur in source 3",
        ),  # it is from [4]
    ],
    ids=["unknown-source", "misattributed-quote"],
)
def test_the_response_model_drops_an_unresolved_framing_row_and_keeps_the_good_one(
    seed_run: BriefingRun, row: dict, error: str
):
    b = seed_run.briefing
    context = {"valid_sources": [s.ref for s in b.sources], "source_texts": texts(seed_run)}
    good = {
        "source": ref(b, "004"),
        "actor": "Vladimir Putin",
        "tone": "critical",
        "frame": "backtrack",
        "quote": "задний ход Путина",
    }
    read = CrossSourceAnalysis.model_validate({"divergences": [], "framing": [good, {**good, **row}]}, context=context)
    assert [f.source for f in read.framing] == [ref(b, "004")]
    [note] = read.repairs.dropped
    assert note.startswith(f"framing row 2 (Vladimir Putin, source {row['source']}) left out: {error}")


def test_a_fabricated_answer_from_the_endpoint_is_never_shown(tmp_path: Path):
    fixtures = replay_dir(tmp_path)
    [recording] = fixtures.glob("analysis.*.json")
    data = json.loads(recording.read_text(encoding="utf-8"))
    call = data["response"]["choices"][0]["message"]["tool_calls"][0]["function"]
    answer = json.loads(call["arguments"])
    answer["framing"].append(
        {
            "source": 3,
            "actor": "Vladimir Putin",
            "tone": "hostile",
            "frame": "invented",
            "quote": "Путин публично унизил Алиева на саммите",
        }
    )
    answer["divergences"][0]["sides"].append(
        {"source": 9, "claim": "A source that does not exist.", "quote": "Путин не признал вину страны за инцидент"}
    )
    call["arguments"] = json.dumps(answer, ensure_ascii=False)
    recording.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    run = build_briefing([SEEDS], resolve_settings({"replay_dir": fixtures, "use_cache": False}, env={}))
    b = run.briefing
    assert all(f.frame != "invented" for f in b.framing)
    assert all(9 not in d.sources for d in b.divergences)
    assert divergence(b, {"002", "004", "000"}, "guilt").kind == "change_over_time", "the rest of the answer stands"
    dropped = [n.message for n in b.notes if n.kind == "unverified" and "left out" in n.message]
    assert len(dropped) == 2 and all(m.startswith("model comparison: ") for m in dropped)
    assert run.briefing.meta.replayed == 7, "a structurally valid answer costs one request, however many items fail"
    markdown = render_markdown(b, detail="full")
    assert "invented" not in section(markdown, "Framing") and "[9]" not in section(markdown, "Divergences")


# --------------------------------------------------------------------------- without the model


def test_without_a_recording_for_the_comparison_the_deterministic_parts_still_render(tmp_path: Path):
    fixtures = replay_dir(tmp_path, analysis=False)
    out = tmp_path / "briefing.md"
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(SEEDS),
            "--replay",
            str(fixtures),
            "--no-cache",
            "--detail",
            "full",
            "-q",
            "-o",
            str(out),
            "--json",
            str(tmp_path / "b.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    b = Briefing.model_validate_json((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert b.framing == [] and b.corroborated
    [d] = b.divergences
    assert (d.basis, d.kind, d.topic) == (
        "stances",
        "change_over_time",
        "Vladimir Putin's position on Russia's guilt for the Azerbaijani plane crash",
    )
    assert d.sides[0].source == ref(b, "002") and d.sides[0].claim.startswith("Critical:")
    assert d.latest == [ref(b, "004")]
    markdown = out.read_text(encoding="utf-8")
    assert "*from opposite stances*" in section(markdown, "Divergences")
    assert "corroborated by 3 sources" in section(markdown, "Corroborated")
    assert "*No framing by source (see Notes).*" in section(markdown, "Framing")
    assert [n.kind for n in b.notes if "model comparison skipped" in n.message] == ["info"]


def test_a_single_source_gets_no_comparison_and_no_extra_request(tmp_path: Path, fake_openai):
    article = tmp_path / "one.txt"
    article.write_text(
        " date 2025-10-10 Aliyev met Putin in Dushanbe.\nThe two presidents met in Dushanbe on Thursday and talked for an hour.\n",
        encoding="utf-8",
    )
    settings = resolve_settings(
        {"base_url": fake_openai.base_url, "api_key": "sk-test-0123456789", "use_cache": False}, env={}
    )
    run = build_briefing([article], settings)
    kinds = [r["headers"].get("X-Brief-Key", "").split("/")[0] for r in fake_openai.requests]
    assert kinds == ["brief"]  # one source: its own brief is the summary, and there is nothing to compare
    assert (run.briefing.divergences, run.briefing.corroborated, run.briefing.framing) == ([], [], [])
    assert "## Divergences" not in render_markdown(run.briefing, detail="full")


def test_the_comparison_is_cached_like_the_summary(tmp_path: Path):
    settings = resolve_settings({"cache_dir": tmp_path / "cache"}, env={})
    first = build_briefing([SEEDS], settings)
    second = build_briefing([SEEDS], settings)
    assert (second.briefing.meta.replayed, second.briefing.meta.llm_requests) == (0, 0)
    assert (
        second.briefing.framing == first.briefing.framing and second.briefing.divergences == first.briefing.divergences
    )
    assert "analysis" in first.briefing.meta.prompt_hashes


# --------------------------------------------------------------------------- building blocks


def _side(source: int, published: dt.date | None) -> DivergenceSide:
    return DivergenceSide(
        source=source,
        published=published,
        claim=f"claim {source}",
        quote=Quote(source=source, text="q" * 12, verified=True),
    )


SEP3, OCT17, DEC22 = dt.date(2025, 9, 3), dt.date(2025, 10, 17), dt.date(2025, 12, 22)


@pytest.mark.parametrize(
    ("dates", "kind", "order", "latest"),
    [
        ({1: SEP3, 2: SEP3}, "contradiction", [1, 2], []),
        ({1: OCT17, 2: SEP3}, "change_over_time", [2, 1], [1]),
        ({1: OCT17, 2: SEP3, 3: DEC22}, "change_over_time", [2, 1, 3], [3]),
        ({1: SEP3, 2: SEP3, 3: OCT17}, "change_over_time", [1, 2, 3], [3]),
        ({1: None, 2: SEP3}, "contradiction", [2, 1], []),
        ({1: DEC22, 2: SEP3, 3: DEC22}, "change_over_time", [2, 1, 3], [1, 3]),
    ],
)
def test_publication_dates_decide_change_over_time_and_which_source_is_latest(dates, kind, order, latest):
    d = make_divergence("topic", [_side(s, day) for s, day in dates.items()], "analysis")
    assert (d.kind, [s.source for s in d.sides], d.latest) == (kind, order, latest)


def _dated_side(source: int, published: dt.date, date: str | None = None, basis: str = "publication") -> DivergenceSide:
    return DivergenceSide(
        source=source,
        published=published,
        claim=f"claim {source}",
        quote=Quote(source=source, text="q" * 12, verified=True),
        date=date,
        date_basis=basis,
    )


@pytest.mark.parametrize(
    ("sides", "kind", "order", "latest"),
    [
        # the date of the reported thing orders the sides, not when they were published
        ([(1, DEC22, "2025-01", "stated"), (2, SEP3, "2025-06", "stated")], "change_over_time", [1, 2], [2]),
        # an undated look back published last is never the latest: the dated statement is
        (
            [(1, SEP3, None, "publication"), (2, OCT17, "2025-10-09", "stated"), (3, DEC22, None, "publication")],
            "change_over_time",
            [1, 2, 3],
            [2],
        ),
        # an undated account of a dated event published later does not make a change over time
        ([(1, SEP3, None, "publication"), (2, SEP3, "2025-06", "stated")], "contradiction", [2, 1], []),
        ([(1, OCT17, "2025-10", "inferred"), (2, OCT17, "2025-10-09", "stated")], "contradiction", [1, 2], []),
        # an inferred date orders like a stated one
        ([(1, OCT17, "2024", "inferred"), (2, SEP3, "2025-06", "stated")], "change_over_time", [1, 2], [2]),
        # no side with a date of its own: the publication dates decide ("reported on")
        ([(1, OCT17, None, "publication"), (2, SEP3, None, "publication")], "change_over_time", [2, 1], [1]),
    ],
    ids=[
        "own-dates-decide",
        "undated-look-back-not-latest",
        "undated-report-of-dated-event",
        "month-and-day-in-it",
        "inferred",
        "publication-fallback",
    ],
)
def test_change_over_time_uses_the_date_of_what_is_reported(sides, kind, order, latest):
    d = make_divergence("topic", [_dated_side(*side) for side in sides], "analysis")
    assert (d.kind, [s.source for s in d.sides], d.latest) == (kind, order, latest)


SAFAROV_OFFICIAL = "За офіційною версією, причина — погіршення стану здоров’я."
SAFAROV_REBUTTAL_UK = "Міністерство закордонних справ Азербайджану рішуче засудило дії російських силовиків"
SAFAROV_BEATEN = "Тела Сафаровых вернули на родину, вскрытие показало, что братьев жестоко избили"
SAFAROV_OFFICIAL_RU = "солгали про «сердечный приступ»"


@pytest.mark.parametrize(
    ("other_1", "other_2", "kept"),
    [
        (
            SAFAROV_REBUTTAL_UK,
            SAFAROV_OFFICIAL_RU,
            0,
        ),  # each source reports both positions: a dispute they report alike
        (None, SAFAROV_OFFICIAL_RU, 1),  # only one does: the sources may still disagree
        (
            "Міністерство закордонних справ Азербайджану вибачилося перед Москвою",
            SAFAROV_OFFICIAL_RU,
            1,
        ),  # an unverifiable quote proves nothing
    ],
    ids=["both-report-both", "one-reports-both", "invented-quote"],
)
def test_a_dispute_between_parties_that_every_source_reports_is_not_a_divergence(
    seed_run: BriefingRun, other_1, other_2, kept
):
    b = seed_run.briefing
    answer = {
        "divergences": [
            {
                "fact": "What caused the Safarov brothers' deaths",
                "sides": [
                    {
                        "source": ref(b, "001"),
                        "claim": "Officially, deteriorating health.",
                        "quote": SAFAROV_OFFICIAL,
                        "also_reports_other_side": other_1,
                    },
                    {
                        "source": ref(b, "002"),
                        "claim": "An autopsy showed a severe beating.",
                        "quote": SAFAROV_BEATEN,
                        "also_reports_other_side": other_2,
                    },
                ],
            }
        ],
        "framing": [],
    }
    divergences, _, notes = check_analysis(CrossSourceAnalysis.model_validate(answer), b, texts(seed_run))
    assert len(divergences) == kept
    if not kept:
        (note,) = notes
        assert note.kind == "info" and note.message.startswith(
            "not a divergence, dropped: every source reports both positions"
        )
        assert "Safarov" in note.message and "[1][2]" in note.message


def test_a_side_without_a_date_or_voice_takes_them_from_the_stance_it_quotes(seed_run: BriefingRun):
    b = seed_run.briefing
    quote = (
        "В июле Алиев призвал Украину «не соглашаться на оккупацию»"  # 002's stance, dated July, in Aliyev's own voice
    )
    answer = {
        "divergences": [
            {
                "fact": "f",
                "sides": [
                    {"source": ref(b, "002"), "claim": "x", "quote": quote},
                    {
                        "source": ref(b, "004"),
                        "claim": "y",
                        "quote": "Правитель России Путин признал",
                        "date": None,
                        "voice": "source",
                    },
                ],
            }
        ],
        "framing": [],
    }
    (d,), _, _ = check_analysis(CrossSourceAnalysis.model_validate(answer), b, texts(seed_run))
    sides = {s.source: s for s in d.sides}
    assert (sides[ref(b, "002")].date, sides[ref(b, "002")].date_basis, sides[ref(b, "002")].voice) == (
        "2025-07",
        "stated",
        "named",
    )
    # what the answer states, even a null date, is not overridden by the event it quotes
    assert (sides[ref(b, "004")].date, sides[ref(b, "004")].date_basis) == (None, "publication")


def test_a_briefing_written_before_the_analysis_existed_still_validates(seed_run: BriefingRun):
    data = json.loads(seed_run.briefing.model_dump_json())
    for name in ("divergences", "framing", "stance_table", "corroborated"):
        del data[name]
    old = Briefing.model_validate(data)
    assert (old.divergences, old.framing, old.stance_table, old.corroborated) == ([], [], [], [])


def test_the_deterministic_analysis_needs_no_model(seed_run: BriefingRun):
    bare = seed_run.briefing.model_copy(
        update={"divergences": [], "framing": [], "stance_table": [], "corroborated": []}
    )
    result = analyze_deterministic(bare)
    assert result.corroborated == [c for c in seed_run.briefing.corroborated if c.basis != "analysis"], (
        "the comparison's agreements come on top"
    )
    assert result.stance_table == seed_run.briefing.stance_table
    assert [d.basis for d in result.divergences] == ["stances"]


# --------------------------------------------------------------------------- the evaluation script


def _eval_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_analysis", ROOT / "bench" / "eval_analysis.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_analysis"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


LABELS = ROOT / "bench" / "labels" / "seeds.json"


def test_the_evaluation_finds_every_labelled_divergence_in_the_right_order(seed_run: BriefingRun):
    report = _eval_module().score(seed_run.briefing, json.loads(LABELS.read_text(encoding="utf-8")))
    div, cor = report["divergences"], report["corroborations"]
    assert (div["recall"], div["precision"]) == (1.0, 1.0)
    assert all(row["kind_ok"] and row["latest_ok"] for row in div["rows"])
    assert (
        _eval_module().score_all(seed_run.briefing, json.loads(LABELS.read_text(encoding="utf-8")))["divergences"][
            "disputes_shown"
        ]
        == []
    )
    assert cor["precision"] == 1.0 and cor["recall"] >= 0.8
    assert {r["id"] for r in cor["rows"] if r["found"]} >= {
        "dushanbe-meeting",
        "plane-downed",
        "yekaterinburg-detentions",
    }


def test_the_evaluation_scores_a_briefing_that_found_nothing_as_zero_recall(seed_run: BriefingRun):
    empty = seed_run.briefing.model_copy(update={"divergences": [], "corroborated": []})
    report = _eval_module().score(empty, json.loads(LABELS.read_text(encoding="utf-8")))
    assert [(r["recall"], r["precision"], r["found"]) for r in report.values()] == [(0.0, 1.0, 0), (0.0, 1.0, 0)]


def test_the_evaluation_counts_a_country_given_reported_speech_and_a_made_up_date_as_wrong(seed_run: BriefingRun):
    b = seed_run.briefing
    stances = [
        s.model_copy(update={"holder": "Azerbaijan", "voice": "named", "said_by": None})
        if "державному телебаченні" in s.quote.text
        else s
        for s in b.stances
    ]
    timeline = [
        e.model_copy(
            update={
                "accounts": [
                    a.model_copy(update={"date": "2025-06", "date_basis": "stated"})
                    if "вскрытие" in a.quote.text
                    else a
                    for a in e.accounts
                ]
            }
        )
        for e in b.timeline
    ]
    wrong = b.model_copy(update={"stances": stances, "timeline": timeline})
    report = _eval_module().score_all(wrong, json.loads(LABELS.read_text(encoding="utf-8")))
    holders, dates = report["holders"], report["dates"]
    assert (holders["right"], holders["checked"]) == (21, 22) and holders["precision"] < 1.0
    assert [r["holder"] for r in holders["rows"] if not r["ok"]] == ["Azerbaijan"]
    assert (dates["right"], dates["checked"]) == (18, 19)
    assert [(r["date"], r["want"]) for r in dates["rows"] if not r["ok"]] == [("2025-06", None)]


def test_the_evaluation_script_runs_offline_on_the_seeds(capsys: pytest.CaptureFixture[str]):
    code = _eval_module().main([str(SEEDS), str(LABELS), "--min-recall", "0.8", "--min-precision", "1.0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("divergences: recall 1.00 (3/3), precision 1.00 (3/3)\n")
    assert "ok   putin-guilt: " in out and "[kind ok, latest ok]" in out
    assert "\nholders: precision 1.00 (22/22 labelled items right), 17/17 labels found\n" in out
    assert "\ndates: precision 1.00 (19/19 labelled items right), 16/16 labels found\n" in out


def test_a_comparison_too_large_for_one_call_is_skipped_with_a_note(monkeypatch: pytest.MonkeyPatch):
    from summarizer.stages import analysis

    monkeypatch.setattr(analysis, "input_room", lambda settings: 1_000)  # as if the model read 1,000 tokens per call
    run = build_briefing([SEEDS], resolve_settings({"use_cache": False}, env={}))
    b = run.briefing
    assert b.framing == [] and b.corroborated and [d.basis for d in b.divergences] == ["stances"]
    [note] = [n for n in b.notes if n.message.startswith("model comparison skipped")]
    assert (
        note.kind == "info"
        and "exceed what one call to gpt-4o-mini may hold (about 1,000 of its 128,000-token context window)"
        in note.message
    )
    assert "set --context-window if the model reads more" in note.message
    assert run.briefing.meta.replayed == 6, "five briefs and the summary; no comparison call"


def test_the_comparison_is_not_sent_past_the_runs_budget(seed_run: BriefingRun):
    import asyncio

    from summarizer.stages.analysis import analyze_briefing
    from summarizer.cache.disk import BriefCache
    from summarizer.llm.cost import Budget
    from summarizer.llm.client import LLMClient
    from summarizer.llm.run import RunContext

    settings = resolve_settings({"use_cache": False}, env={})
    client = LLMClient(settings)
    bare = seed_run.briefing.model_copy(update={"divergences": [], "framing": [], "notes": []})
    summaries = {s.ref: "" for s in bare.sources}
    run = RunContext(settings, client, BriefCache(None), Budget(max_tokens=100))
    out = asyncio.run(analyze_briefing(bare, texts(seed_run), summaries, run))
    assert client.requests == 0
    assert out.framing == [] and out.corroborated
    assert [n.kind for n in out.notes] == ["failed"] and "--max-tokens 100" in out.notes[0].message


def test_a_conflict_with_an_undated_source_is_not_called_same_day(seed_run: BriefingRun):
    b = seed_run.briefing
    undated = b.model_copy(
        update={
            "sources": [s.model_copy(update={"date": None}) if s.ref == 1 else s for s in b.sources],
            "divergences": [make_divergence("Detained", [_side(1, None), _side(2, SEP3)], "analysis")],
        }
    )
    text = section(render_markdown(undated, detail="full"), "Divergences")
    assert "accounts differ (neither is later: publication date unknown for [1])" in text
    assert "same day" not in text
