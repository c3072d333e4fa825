"""Each day's digest carries, per story, a briefing story's sections, the cross-source ones included.

Two days of a ferry-strike story (invented, not from the seeds), two outlets a day, briefed and
compared by the fake server on 127.0.0.1: its comparison answer quotes each source's lead, so the
divergence and framing rows pass brief's quote check. A rerun asks nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from summarizer import Settings, bundled_fixtures_dir
from summarizer.digest.build import build_digests
from summarizer.models import Digest

from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI

MAR2, MAR3 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
ARTICLES = {  # path -> (date, lead, number of cancelled crossings)
    "harbourpost.example/strike-1.txt": (
        MAR2,
        "Ferry crews in Tallinn walked out on Monday and Nordline cancelled twelve crossings to Helsinki.",
        "twelve",
    ),
    "baltwire.example/strike-1.txt": (
        MAR2,
        "Nordline cancelled eight crossings between Tallinn and Helsinki on Monday as ferry crews walked out.",
        "eight",
    ),
    "harbourpost.example/strike-2.txt": (
        MAR3,
        "The Tallinn ferry strike went into a second day on Tuesday and Nordline cancelled all crossings to Helsinki.",
        "all",
    ),
    "baltwire.example/strike-2.txt": (
        MAR3,
        "Nordline kept two crossings between Tallinn and Helsinki running on Tuesday despite the ferry strike.",
        "most",
    ),
}


def ferry_brief(day: dt.date, lead: str, how_many: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "headline": f"Ferry strike: {how_many} Nordline crossings cancelled",
        "summary": lead,
        "actors": [
            {"name": "Nordline", "name_in_source": "Nordline", "kind": "organization", "role": "ferry operator"},
            {"name": "Tallinn ferry crews", "name_in_source": "ferry crews", "kind": "group", "role": "strikers"},
        ],
        "stances": [],
        "events": [
            {
                "date": str(day),
                "precision": "day",
                "description": f"Nordline cancelled {how_many} Tallinn–Helsinki ferry crossings during the crews' strike.",
                "actors": ["Nordline", "Tallinn ferry crews"],
                "evidence": lead,
            }
        ],
    }


class ComparingFake(FakeOpenAI):
    """Answers each comparison with one divergence between its first two sources and a framing row per source, quoting their leads."""

    def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        if not (key or "").startswith("analysis/"):
            return super().answer_for(body, key)
        text = "\n".join(m.get("content") or "" for m in body["messages"] if m.get("role") == "user")
        leads = {
            int(n): lead.strip()
            for n, lead in re.findall(r"^\[(\d+)\] published.*?\nLead \(verbatim\): (.*?)$", text, flags=re.M | re.S)
        }
        refs = sorted(leads)
        return {
            "divergences": [
                {
                    "fact": "How many Nordline crossings were cancelled",
                    "sides": [
                        {
                            "source": n,
                            "claim": f"Source {n} gives its own count of cancelled crossings.",
                            "quote": leads[n],
                        }
                        for n in refs[:2]
                    ],
                }
            ],
            "framing": [
                {
                    "source": n,
                    "actor": "Nordline",
                    "tone": "critical",
                    "frame": "a ferry operator crippled by a strike",
                    "quote": leads[n],
                }
                for n in refs
            ],
        }


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ferry")
    briefs = {}
    for path, (day, lead, how_many) in ARTICLES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(
            f" date {day} {lead}\nThe company said talks with the union would resume later in the week.\n",
            encoding="utf-8",
        )
        briefs[lead] = ferry_brief(day, lead, how_many)
    out = root / "digests"
    with ComparingFake(recordings=None, briefs=briefs) as server:  # type: ignore[arg-type]
        settings = Settings(base_url=server.base_url, api_key=SecretStr("sk-test"), cache_dir=root / "cache")
        first = build_digests([root], out, settings, days=[MAR2, MAR3])
        asked = server.count
        rerun = build_digests([root], out, settings, days=[MAR2, MAR3])
        yield out, first, rerun, asked, server.count


def test_each_day_has_the_story_with_its_own_cross_source_sections(two_days):
    out, _first, _, asked, _ = two_days
    assert asked == 6  # four briefs, one comparison per day's story, no executive summary
    for day in (MAR2, MAR3):
        digest = Digest.model_validate_json((out / f"{day}.json").read_text(encoding="utf-8"))
        (story,) = digest.stories
        assert story.divergences and story.framing and story.summary and story.timeline and story.actors
        assert {side.source for d in story.divergences for side in d.sides} == set(story.sources)
        assert {f.source for f in story.framing} == set(story.sources)
        for f in story.framing:  # every quote is in the file its global number resolves to
            assert f.quote.text in " ".join(
                (out.parent / digest.source(f.source).file).read_text(encoding="utf-8").split()
            )
        assert [p.sources for p in story.summary] == [[r] for r in story.sources]  # each source's own brief
        md = (out / f"{day}.md").read_text(encoding="utf-8")
        section = md.split(f'<a id="story-{story.id}"></a>')[1].split("\n## Summary\n")[0]
        for heading in (
            "### New since the previous digest",
            "### Summary",
            "### Divergences",
            "### Framing",
            "### Corroborated",
            "### Timeline",
            "### Who stands where",
            "### Actors",
        ):
            assert heading in section, heading
        assert (
            "How many Nordline crossings were cancelled" in section
            and "a ferry operator crippled by a strike" in section
        )
        page = (out / f"{day}.json").read_text(encoding="utf-8")
        assert json.loads(page)["stories"][0]["framing"][0]["frame"] == "a ferry operator crippled by a strike"


def test_the_second_day_continues_the_story_and_says_what_is_new_in_it(two_days):
    out = two_days[0]
    day1, day2 = (Digest.model_validate_json((out / f"{d}.json").read_text(encoding="utf-8")) for d in (MAR2, MAR3))
    assert day1.stories[0].new and not day2.stories[0].new
    assert (day2.stories[0].id, day2.stories[0].first_reported) == (day1.stories[0].id, MAR2)
    assert day2.stories[0].new_events  # Tuesday's cancellations were in no earlier digest
    md = (out / f"{MAR3}.md").read_text(encoding="utf-8")
    assert f"continuing since {MAR2}" in md and f"*Continuing since the {MAR2} digest.*" in md
    assert "*No earlier digest in this folder: everything in this story is new.*" in (out / f"{MAR2}.md").read_text(
        encoding="utf-8"
    )


def test_a_rerun_asks_nothing_and_writes_the_same_sections(two_days):
    _, first, rerun, asked, total = two_days
    assert total == asked and rerun.requests == 0
    for a, b in zip(first.days, rerun.days):
        assert a.digest is not None and b.digest is not None
        (one,), (two,) = a.digest.stories, b.digest.stories
        assert (two.id, two.sources, two.summary, two.timeline, two.framing) == (
            one.id,
            one.sources,
            one.summary,
            one.timeline,
            one.framing,
        )
        assert (
            two.divergences == one.divergences
        )  # sides dated and voiced alike: the cache keeps what the model left out unset


def test_the_html_page_renders_each_story_with_the_briefing_macros(two_days, tmp_path: Path):
    from summarizer.render.html import render_digest_html

    out = two_days[0]
    digest = Digest.model_validate_json((out / f"{MAR3}.json").read_text(encoding="utf-8"))
    page = render_digest_html(digest)
    story = digest.stories[0]
    assert f'id="story-{story.id}"' in page and f"continuing since {MAR2}" in page
    for part in ("summary", "divergences", "framing", "corroborated", "timeline", "stances", "actors"):
        assert f'id="story-{story.id}-{part}"' in page, part
    assert "a ferry operator crippled by a strike" in page


def test_with_recordings_a_days_comparison_is_skipped_with_a_note(tmp_path: Path):
    day = dt.date(2025, 9, 3)  # two seeds: the whole-folder comparison is recorded, this day's is not
    run = build_digests([SEEDS], tmp_path, Settings(replay_dir=bundled_fixtures_dir(), use_cache=False), days=[day])
    digest = run.days[0].digest
    assert digest is not None and run.requests == 0
    (story,) = digest.stories
    assert len(story.sources) == 2 and not story.framing
    assert any(n.message.startswith("model comparison skipped") for n in digest.notes)
    assert "### Corroborated" in (tmp_path / f"{day}.md").read_text(encoding="utf-8")
