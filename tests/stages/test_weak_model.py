"""A model too weak for brief is named as such: English checked, degenerate answers cut, an honest outcome.

The fake server answers like a 1.5B model on llama.cpp did (tests/fake_openai.py `weak`): headlines
and summaries in the article's language, a summary saying one sentence three times, stances whose
"quote" says there is no evidence, quotes wrapped in the prompt's <article> tags, invented quotes.
Nothing of it may be shown as English or verified, every degraded article is named with its reason,
and a run whose verified share is below `min_verified_share` says the model looks too weak and exits 2.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models.lenient import cut_repeats, unwrap_quote
from summarizer.pipeline import build_briefing
from summarizer.ingest.english import foreign_language
from summarizer.stages.quality import UNTRANSLATED, is_no_evidence
from tests.conftest import SEEDS
from tests.fake_openai import WEAK, FakeOpenAI
from tests.llm.test_faults import KEY, fast_config, fast_settings

WEAK_LINE = "the model looks too weak for brief"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Aliyev apologises to Putin over the downed airliner", None),
        ("Putin and Aliyev meet in Dushanbe", None),
        ("Aliyev snubs Putin's CIS summit", None),  # no function words, names: the detector is not sure, so English
        ("Finance Minister of Norway", None),
        ("Ilham Aliyev", None),  # a name is never judged
        ("Azerbaijan–Russia relations enter mature phase, says Day.Az", None),
        ("Putins atvainojas Alijevam par lidmašīnas notriekšanu", "lv"),
        ("Ilhams Alijevs demonstratīvi atteicies no Maskavai svarīga piedāvājuma", "lv"),
        ("Президенты Азербайджана и России не проводили двустороннюю встречу", "ru"),
        ("Президент Азербайджану підтримав Україну та закликав не погоджуватися", "uk"),
        ("президент", "Cyrillic"),  # a few letters of another script are enough
        ("Alijevs tiekas", None),  # a few Latin letters are not: detector noise
    ],
)
def test_english_fields_are_judged_by_script_then_by_a_confident_detector(text, language):
    assert foreign_language(text) == language


def test_repeated_sentences_and_looping_words_are_cut():
    assert cut_repeats("Aliyev met Putin. Aliyev met Putin. They talked. Aliyev met Putin.") == (
        "Aliyev met Putin. They talked.",
        2,
    )
    assert cut_repeats("The talks and the and the and the end were long.") == ("The talks and the end were long.", 1)
    assert cut_repeats("Very, very good. It is fine.") == ("Very, very good. It is fine.", 0)


def test_a_fenced_or_quoted_quote_is_unwrapped_but_still_checked_strictly():
    assert unwrap_quote("<article>Президенты Азербайджана и России</article>") == "Президенты Азербайджана и России"
    assert unwrap_quote("«Президенты Азербайджана и России»") == "Президенты Азербайджана и России"
    assert unwrap_quote('"he said "yes" today"') == '"he said "yes" today"', "not one pair around the whole: left alone"


def test_a_quote_saying_there_is_no_evidence_is_no_quote_unless_the_article_says_it():
    article = "Police said there was no evidence of foul play in the article's case."
    assert is_no_evidence("The article does not provide evidence for this stance.", article)
    assert is_no_evidence("N/A", article)
    assert not is_no_evidence("there was no evidence of foul play", article), "a verbatim span is a real quote"


def _run(kind, tmp_path, **changes):
    with FakeOpenAI(default=f"weak:{kind}", loose_keys=True) as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path, **changes))
        return run, server


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    with FakeOpenAI() as server:
        return build_briefing([SEEDS], fast_settings(server, tmp_path_factory.mktemp("clean")))


def _shown_as_english(briefing) -> list[str]:
    """Every headline, summary, gist and description the briefing presents as English that is not."""
    texts = (
        [s.headline for s in briefing.sources] + [p.text for p in briefing.summary] + [s.gist for s in briefing.stances]
    )
    texts += [e.description for e in briefing.timeline] + [a.description for e in briefing.timeline for a in e.accounts]
    texts += [s.title for s in briefing.stories] + [s.lead for s in briefing.stories]
    return [t for t in texts if not t.startswith("[untranslated, ") and foreign_language(t)]


@pytest.mark.parametrize("kind", [*WEAK, "all"])
def test_each_weak_answer_is_caught_and_nothing_foreign_is_shown_as_english(kind, tmp_path, clean):
    run, server = _run(kind, tmp_path)
    b = run.briefing
    assert _shown_as_english(b) == []
    assert all(q.verified for s in b.stances for q in [s.quote]) and all(
        a.quote.verified for e in b.timeline for a in e.accounts
    )
    notes = [n.message for n in b.notes]
    degraded = {s.file: s.degraded for s in b.sources if s.degraded}
    share = b.meta.items_verified / (b.meta.items_verified + b.meta.items_unverified)
    assert (b.meta.quality_warning is not None) == (share < 0.5 or len(degraded) * 2 > len(b.sources))
    assert run.exit_code == (2 if degraded or b.meta.quality_warning else 0)
    if kind in ("foreign", "all"):
        assert len(degraded) == 5 and all(
            "the model did not write it in English (headline in " in r for r in degraded.values()
        )
        assert all(s.headline.startswith("[untranslated, ") for s in b.sources)
        assert server.count >= 10, "a headline or summary not in English is re-asked once"
        assert b.summary == [] and any(n.startswith("no executive summary or comparison of sources") for n in notes), (
            "no established fact to summarise"
        )
        assert WEAK_LINE in b.meta.quality_warning
    if kind == "repeat":
        assert not degraded and run.exit_code == 0 and server.count == 7, (
            "a loop is cut, not re-asked, and costs nothing else"
        )
        assert sum("summary: the model repeated itself (2 repeat(s)" in m for m in notes) == 5
    if kind == "no_evidence":
        assert b.stances == [] and sum("its quote says there is no evidence" in m for m in notes) == len(
            clean.briefing.stances
        )
        assert b.timeline == clean.briefing.timeline, "the events it quoted stand"
    if kind == "fenced":
        assert not degraded and b.meta.items_verified == clean.briefing.meta.items_verified, (
            "unwrapped, every quote checks out as before"
        )
        assert b.stances == clean.briefing.stances
    if kind == "invented":
        assert not degraded, "one verified event each: briefed"
        assert b.meta.items_verified == 5 and WEAK_LINE in b.meta.quality_warning
    if kind == "foreign_summary":
        assert not degraded and run.exit_code == 0, (
            "the briefs are fine: only the comparison's and summary's foreign text is left out"
        )
        assert (
            len(b.summary) == len(clean.briefing.summary) - 1
            and b.framing == []
            and b.divergences == [d for d in b.divergences if d.basis == "stances"]
        )
        assert sum(
            "not English" in m and m.startswith(("framing of", "divergence side", "summary paragraph dropped"))
            for m in notes
        ) >= len(clean.briefing.framing)
    if kind == "all":
        assert b.meta.items_verified == 5


def test_the_cli_names_every_degraded_article_exits_2_and_says_the_model_looks_too_weak(tmp_path, monkeypatch):
    with FakeOpenAI(default="weak:all", loose_keys=True) as server:
        monkeypatch.setenv("BRIEF_API_KEY", KEY)
        result = CliRunner().invoke(
            app,
            [
                str(SEEDS),
                "--base-url",
                server.base_url,
                "--config",
                str(fast_config(tmp_path)),
                "-o",
                str(tmp_path / "b.md"),
            ],
        )
    assert result.exit_code == 2, result.output
    err = result.stderr
    assert "0 of 5 articles briefed; 5 degraded;" in err and "5/67 article quotes verified" in err
    for path in sorted(p.name for p in SEEDS.glob("*.txt")):
        assert f"  degraded: {path}: the model did not write it in English (headline in " in err
    warning = [line for line in err.splitlines() if WEAK_LINE in line]
    assert len(warning) == 1 and "below min_verified_share 50%" in warning[0] and "use a larger model" in warning[0]
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert f"**Warning: {WEAK_LINE}" in md and "5 sources not counted as briefed" in md
    assert UNTRANSLATED.format(language="Latvian").replace("[", "\\[").replace("]", "\\]") in md


def test_min_verified_share_zero_turns_the_verdict_off(tmp_path):
    run, _ = _run("invented", tmp_path, min_verified_share=0)
    assert run.briefing.meta.quality_warning is None and run.exit_code == 0


def test_a_replayed_seed_run_is_complete_and_says_nothing_of_weakness():
    from typer.testing import CliRunner as Runner

    result = Runner().invoke(app, [str(SEEDS), "-q"])
    assert result.exit_code == 0 and WEAK_LINE not in result.output and "degraded" not in result.output


def test_a_digest_names_its_degraded_articles_and_exits_2(tmp_path, monkeypatch):
    with FakeOpenAI(default="weak:foreign", loose_keys=True) as server:
        monkeypatch.setenv("BRIEF_API_KEY", KEY)
        result = CliRunner().invoke(
            app,
            [
                "digest",
                str(SEEDS),
                "--date",
                "2025-09-03",
                "--out",
                str(tmp_path / "digests"),
                "--base-url",
                server.base_url,
                "--config",
                str(fast_config(tmp_path)),
            ],
        )
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.count("2025-09-03: degraded: ") == 2
        and "the model did not write it in English (headline in " in result.stderr
    )
    digest = (tmp_path / "digests" / "2025-09-03.md").read_text(encoding="utf-8")
    assert "[untranslated, " in digest.replace("\\[", "[").replace("\\]", "]")


def test_the_html_page_carries_the_warning_and_marks_degraded_sources(tmp_path):
    from summarizer.render.html import render_html

    run, _ = _run("all", tmp_path)
    page = render_html(run.briefing, run.source_texts())
    assert f"Warning: {WEAK_LINE}" in page
    assert page.count('<span class="tag differ" title="the model did not write it in English') == 5


def test_a_rerun_over_cached_answers_remembers_what_the_language_detector_said(tmp_path, monkeypatch):
    """The detector's verdicts on an answer's fields are kept beside its cache entry: a rerun judges every field
    as the first run did (a Latvian or Russian headline marked so) without loading the detector (issue 26)."""
    import summarizer.ingest.english as english

    first, _ = _run("foreign", tmp_path)
    headlines = [s.headline for s in first.briefing.sources]
    assert all(h.startswith("[untranslated, ") for h in headlines) and any(
        h.startswith("[untranslated, Latvian] ") for h in headlines
    )

    def no_detector():  # type: ignore[no-untyped-def]
        raise AssertionError("the language detector was loaded for answers it had judged before")

    monkeypatch.setattr(english, "_identifier", no_detector)
    again, server = _run("foreign", tmp_path)
    assert server.count == 0 and again.stats.cache_hits >= 5
    assert again.briefing.model_dump(exclude={"meta"}) == first.briefing.model_dump(exclude={"meta"})
    assert [r.degraded for r in again.results] == [r.degraded for r in first.results]

    import shutil

    shutil.rmtree(tmp_path / "cache")  # nothing remembered: the detector is needed again
    with pytest.raises(AssertionError, match="language detector was loaded"):
        _run("foreign", tmp_path)


def test_a_run_that_left_items_out_never_reads_as_verified_in_the_header(tmp_path):
    """'34 of 34 verified' on one line and '31 items left out' on another reads as a verified run: one sentence says both, the left-out first."""
    from summarizer.render.html import render_html
    from summarizer.render.markdown import render_markdown

    run, _ = _run("no_evidence", tmp_path)
    b = run.briefing
    left_out = b.meta.items_unverified
    assert left_out > 0
    md = render_markdown(b)
    head = md.split("## ", 1)[0]
    facts = head.splitlines()[2]
    assert "verified against their sources" not in facts, "the italic facts line does not call the run verified"
    (sentence,) = [line for line in head.splitlines() if "verified against their sources" in line]
    assert (
        sentence.startswith(f"**Incomplete: {left_out} items left out (")
        and "; the " in sentence
        and "evidence quotes shown are verified" in sentence
    )
    page = render_html(b, run.source_texts())
    assert f"Incomplete: {left_out} items left out (" in page
