"""A real model's slips cost only the slipped items, never an article or a section, and never a second request.

The fake server answers every request with the seed recordings plus one kind of slip (or all of
them): wrong enum case, a language tag, 'N/A' and datetime dates, extra keys, a wrong precision,
too many actors, a holder spelled as a bare surname, a made-up quote, a divergence side quoting
the wrong source, a divergence left with one side, a citation of a source that does not exist.
"""

from __future__ import annotations

import pytest

from summarizer.pipeline import build_briefing
from summarizer.render.markdown import render_markdown
from tests.conftest import SEEDS
from tests.fake_openai import SLIPS, FakeOpenAI
from tests.llm.test_faults import fast_settings

REQUESTS = 7  # five briefs, the executive summary, the cross-source comparison


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    with FakeOpenAI() as server:
        return build_briefing([SEEDS], fast_settings(server, tmp_path_factory.mktemp("clean")))


def _run(slip, tmp_path):
    # a slip that costs items changes what the summary and comparison see: answer them as recorded anyway
    with FakeOpenAI(default=f"sloppy:{slip}", loose_keys=True) as server:
        run = build_briefing([SEEDS], fast_settings(server, tmp_path))
        return run, server.count


@pytest.mark.parametrize("slip", [*SLIPS, "all"])
def test_every_article_is_briefed_with_one_request_and_only_slipped_items_left_out(slip, tmp_path, clean):
    run, requests = _run(slip, tmp_path)
    b = run.briefing
    assert run.exit_code == 0, [n.message for n in b.notes if n.kind == "failed"]
    assert all(r.ok for r in run.results) and len(b.sources) == 5
    assert requests == REQUESTS, "a structurally valid answer costs exactly one request"
    assert b.summary and b.framing and b.divergences, "the cross-source sections are written"
    assert all(q.verified for s in b.stances for q in [s.quote]), "only quotes found in their source are shown"
    kept = b.meta.items_verified
    lost = clean.briefing.meta.items_verified - kept
    expected_lost = {"bad_quote": 5, "all": 5}.get(slip, 0)  # one made-up stance quote per article
    assert lost == expected_lost
    assert [r.brief.events[i].precision for r in run.results for i in range(len(r.brief.events))] == [
        r.brief.events[i].precision for r in clean.results for i in range(len(r.brief.events))
    ], "precision is derived, never taken"
    notes = [n.message for n in b.notes]
    if slip in ("one_sided", "all"):
        assert any("fewer than two sources left with a side that checks out" in m for m in notes)
    if slip in ("wrong_source", "all"):
        assert any(
            m.startswith("model comparison: divergence side 1 of (") and "does not occur in source" in m for m in notes
        )
    if slip in ("unknown_source", "all"):
        assert any("summary paragraph" in m and "sources [99] do not exist" in m for m in notes)
        assert any("framing row" in m and "source 99 does not exist" in m for m in notes)
        assert "[99]" not in render_markdown(b, detail="full")
    if slip in ("over_cap", "all"):
        assert any("actors in the answer, more than the 12 allowed" in m for m in notes)
    if slip == "missing_actor":
        assert [s.holder for s in b.stances] == [s.holder for s in clean.briefing.stances], (
            "a bare surname is the listed person"
        )
    if slip in ("enum_case", "language", "dates", "extra_keys", "precision", "missing_actor"):
        assert b.stances == clean.briefing.stances and b.timeline == clean.briefing.timeline, (
            "slips with one right reading cost nothing"
        )


def test_notes_are_one_readable_line_without_pydantic_boilerplate(tmp_path):
    run, _ = _run("all", tmp_path)
    for note in run.briefing.notes:
        assert (
            "\n" not in note.message and "input_value" not in note.message and "errors.pydantic.dev" not in note.message
        )
