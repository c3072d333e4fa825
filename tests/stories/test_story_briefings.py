"""A briefing per story: a folder mixing the seeds with another story gives a front page and one
section per story; a folder of one story (the seeds) reads as before under a one-line front page."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from pydantic import SecretStr

from summarizer import Settings, bundled_fixtures_dir
from summarizer.models import Account, Note, Quote, StoryBriefing, SummaryParagraph, TimelineEntry
from summarizer.pipeline import build_briefing
from summarizer.render.markdown import render_json, render_markdown
from summarizer.stories.briefings import rank_stories, remap_refs
from summarizer.stories.clustering import story_id

from tests.conftest import SEEDS

# Three outlets, three languages, one event (invented): a drone strike on a Kharkiv tram depot.
DEPOT = {
    "delfi.lv/tramvaji.txt": (
        "2025-06-03",
        "lv",
        "Krievijas droni trāpīja Harkivas tramvaju depo, četri bojāgājušie.",
        "Russian drones hit Kharkiv tram depot, four dead",
        "A Russian drone attack on a tram depot in Kharkiv killed four people and injured eleven, mayor Ihor Terekhov said.",
    ),
    "meduza.io/depo.txt": (
        "2025-06-02",
        "ru",
        "Беспилотники атаковали трамвайное депо в Харькове, погибли четыре человека.",
        "Four killed as drones strike Kharkiv tram depot",
        "Drones attacked the tram depot in Kharkiv overnight; four people died and 11 were wounded, according to Terekhov.",
    ),
    "ukrinform.ua/depo.txt": (
        "2025-06-02",
        "uk",
        "Внаслідок удару по трамвайному депо в Харкові загинули четверо людей.",
        "Terekhov: strike on Kharkiv depot destroyed a third of the trams",
        "Kharkiv lost about a third of its trams in the overnight strike on the tram depot that killed four, Terekhov said.",
    ),
}


def depot_brief(language: str, quote: str, headline: str, summary: str) -> dict:
    return {
        "source_language": language,
        "headline": headline,
        "summary": summary,
        "actors": [
            {"name": "Ihor Terekhov", "name_in_source": "Terekhov", "kind": "person", "role": "Mayor of Kharkiv"},
            {"name": "Russia", "name_in_source": "Russia", "kind": "state", "role": "state"},
        ],
        "stances": [],
        "events": [
            {
                "date": "2025-06-02",
                "precision": "day",
                "description": "A drone strike on the Kharkiv tram depot killed four people.",
                "actors": ["Ihor Terekhov"],
                "evidence": quote,
            }
        ],
    }


def write_mixed_folder(root: Path) -> dict:
    """The seeds and the three depot articles under `root`; returns the fake server's answers for the depot ones."""
    shutil.copytree(SEEDS, root / "seeds")
    briefs = {}
    for path, (date, language, quote, headline, summary) in DEPOT.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f" date {date} {quote}\n{summary}\n", encoding="utf-8")
        briefs[quote] = depot_brief(language, quote, headline, summary)
    return briefs


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The seeds plus the three depot articles, briefed through the fake server (seeds from their recordings)."""
    from tests.fake_openai import FakeOpenAI

    root = tmp_path_factory.mktemp("mixed")
    briefs = write_mixed_folder(root)
    with FakeOpenAI(briefs=briefs) as server:
        settings = Settings(base_url=server.base_url, api_key=SecretStr("sk-test"), use_cache=False)
        run = build_briefing([root], settings)
        yield run, server


def test_a_folder_of_two_stories_gives_two_stories_with_the_seeds_in_one(mixed):
    run, _ = mixed
    b = run.briefing
    assert len(b.sources) == 8 and len(b.stories) == 2
    by_file = {s.ref: s.file for s in b.sources}
    groups = [{Path(by_file[r]).parent.name for r in story.sources} for story in b.stories]
    assert {"seeds"} in groups
    assert {"delfi.lv", "meduza.io", "ukrinform.ua"} in groups


def test_every_citation_in_a_story_is_one_of_its_own_sources_in_global_numbers(mixed):
    b = mixed[0].briefing
    assert sorted(r for s in b.stories for r in s.sources) == [s.ref for s in b.sources]
    for story in b.stories:
        cited = set()
        for part in (story.summary, story.timeline, story.actors, story.corroborated, story.divergences):
            for item in part:
                cited |= set(item.sources)
        cited |= (
            {f.source for f in story.framing}
            | {s.source for s in story.stances}
            | {c.source for c in story.stance_table}
        )
        assert cited and cited <= set(story.sources)


def test_the_seed_story_gets_its_cross_source_analysis_from_the_recordings_renumbered(mixed):
    b = mixed[0].briefing
    seeds = next(s for s in b.stories if len(s.sources) == 5)
    assert seeds.divergences and seeds.framing and seeds.summary
    # the recorded analysis quotes each seed by its own number; renumbered, the quote is still in that source's file
    for d in seeds.divergences:
        for side in d.sides:
            text = (SEEDS / Path(b.source(side.source).file).name).read_text(encoding="utf-8")
            assert side.quote.text.split()[0] in text
    assert seeds.id == story_id(
        min((b.source(r) for r in seeds.sources), key=lambda s: (s.date, s.article_id)).article_id
    )
    assert seeds.languages == ["lv", "ru", "uk"]


def test_no_prompt_holds_more_than_one_story(mixed):
    run, server = mixed
    sizes = sorted(len(s.sources) for s in run.briefing.stories)
    for request in server.requests:
        text = "\n".join(m.get("content") or "" for m in request.get("messages", []) if m.get("role") == "user")
        numbered = set(re.findall(r"^\[(\d+)\] published", text, flags=re.M))
        assert len(numbered) <= max(sizes)


def test_the_front_page_ranks_stories_and_links_to_their_sections(mixed):
    b = mixed[0].briefing
    md = render_markdown(b, detail="full")
    assert "## Front page: 2 stories" in md
    # the depot story has 3 outlets in 3 languages; the seeds 5 sources of unknown outlet: 5 independent ones, first
    assert [len(s.sources) for s in b.stories] == [5, 3]
    for number, story in enumerate(b.stories, start=1):
        assert f'<a id="story-{story.id}"></a>' in md
        assert f"(#story-{story.id})" in md
        assert f"## {number}. " in md
    assert md.index("## Front page") < md.index("## 1. ") < md.index("## 2. ") < md.index("## Sources")
    assert "### Timeline" in md and "### Divergences" in md
    assert "3 sources from 3 outlets" not in md and "3 sources · 3 languages (lv, ru, uk)" in md


def test_the_json_carries_the_stories(mixed):
    data = json.loads(render_json(mixed[0].briefing))
    assert [
        set(s)
        >= {"id", "title", "sources", "lead", "first_date", "last_date", "languages", "independent_sources", "timeline"}
        for s in data["stories"]
    ] == [True, True]
    assert tuple(map(int, data["meta"]["schema_version"].split("."))) >= (1, 3), "stories came with schema 1.3"


def test_one_story_reads_as_before_under_a_one_line_front_page():
    b = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    assert len(b.stories) == 1
    story = b.stories[0]
    assert story.sources == [1, 2, 3, 4, 5]
    assert story.summary == b.summary and story.timeline == b.timeline and story.divergences == b.divergences
    md = render_markdown(b, detail="full")
    before = render_markdown(b.model_copy(update={"stories": []}), detail="full")
    lines = md.splitlines()
    front = [line for line in lines if line.startswith("**Front page: 1 story.**")]
    assert len(front) == 1 and "5 sources" in front[0] and "3 languages" in front[0]
    assert md.replace("\n\n" + front[0], "", 1) == before


LIFTED = ("summary", "bottom_line", "key_developments", "divergences", "framing", "stance_table", "corroborated")


def test_one_story_and_several_take_the_same_assembly_path_and_one_storys_parts_are_the_briefings(mixed, monkeypatch):
    """No special case for one story: the seeds go through the per-story path the mixed folder takes,
    and the top level of their briefing is their one story's sections (with the same recorded requests)."""
    import summarizer.assembly as assembly

    assembled: list[int] = []
    general = assembly.story_briefings

    async def counting(results, rejected, groups, *args, **kwargs):
        assembled.append(len(groups))
        return await general(results, rejected, groups, *args, **kwargs)

    monkeypatch.setattr(assembly, "story_briefings", counting)
    run = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    b = run.briefing
    assert assembled == [1] and len(b.stories) == 1
    story = b.stories[0]
    assert b.bottom_line is not None and b.key_developments and b.divergences and b.corroborated
    assert {name: getattr(b, name) for name in LIFTED} == {name: getattr(story, name) for name in LIFTED}
    assert (b.meta.replayed, run.not_written) == (
        7,
        [],
    )  # five briefs, the summary and the comparison: the story's prompts are the recorded run's
    several, _ = mixed
    assert (
        len(several.briefing.stories) == 2
        and several.briefing.bottom_line is None
        and not several.briefing.key_developments
    )
    assert several.briefing.summary == [p for s in several.briefing.stories for p in s.summary]


def test_the_seeds_kept_in_one_outlets_folder_as_the_readme_advises_are_still_one_story(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "day.az")
    b = build_briefing([tmp_path], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    assert [s.sources for s in b.stories] == [[1, 2, 3, 4, 5]]


def test_the_outlet_is_the_folder_first_in_the_json_and_in_story_counting_alike(tmp_path):
    """README: the nearest folder named like a domain, else a URL on the first line, else what the text names."""
    shutil.copytree(SEEDS, tmp_path / "day.az")
    b = build_briefing([tmp_path], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    assert [s.outlet for s in b.sources] == ["day.az"] * 5
    assert [s.independent_sources for s in b.stories] == [1]
    plain = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    named = {r.article.id: (r.brief.outlet or "").strip() or None for r in plain.results}
    assert [s.outlet for s in plain.briefing.sources] == [named[s.article_id] for s in plain.briefing.sources], (
        "no folder or URL: as the text names it"
    )
    assert any(s.outlet == "moscowtimes.ru" for s in plain.briefing.sources)


def test_front_page_order_is_independent_sources_then_languages_then_recency():
    def story(id: str, outlets: int, languages: list[str], last: str) -> StoryBriefing:
        return StoryBriefing(
            id=id,
            title=id,
            lead="",
            sources=[1],
            first_date=None,
            last_date=dt.date.fromisoformat(last),
            languages=languages,
            independent_sources=outlets,
        )

    ranked = rank_stories(
        [
            story("a", 2, ["lv"], "2025-01-05"),
            story("b", 3, ["lv"], "2025-01-01"),
            story("c", 2, ["lv", "ru"], "2025-01-01"),
            story("d", 2, ["lv"], "2025-01-06"),
        ]
    )
    assert [s.id for s in ranked] == ["b", "c", "d", "a"]


def test_remapping_renumbers_every_citation_in_nested_items():
    quote = Quote(source=2, text="a verbatim quote", verified=True)
    entry = TimelineEntry(
        date="2025-01-01",
        precision="day",
        description="x",
        actors=[],
        sources=[1, 2],
        accounts=[Account(source=2, date=None, description="x", quote=quote)],
    )
    (moved,) = remap_refs([entry], {1: 7, 2: 4})
    assert moved.sources == [4, 7] and moved.accounts[0].source == 4 and moved.accounts[0].quote.source == 4
    (paragraph,) = remap_refs([SummaryParagraph(text="t", sources=[1])], {1: 3})
    assert paragraph.sources == [3]


def _renumbered(value, mapping):
    """The reference: a dumped model with every source number mapped (fields source, ref, sources, latest), by walking plain data."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("source", "ref") and isinstance(item, int):
                out[key] = mapping[item]
            elif key in ("sources", "latest") and isinstance(item, list) and all(isinstance(x, int) for x in item):
                out[key] = sorted(mapping[x] for x in item)
            else:
                out[key] = _renumbered(item, mapping)
        return out
    if isinstance(value, list):
        return [_renumbered(item, mapping) for item in value]
    return value


def test_renumbering_a_story_changes_its_source_numbers_and_nothing_else():
    b = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False)).briefing
    mapping = {
        s.ref: 100 + 7 * (len(b.sources) - s.ref) for s in b.sources
    }  # reverses the order: lists must be re-sorted
    sections = (
        "timeline",
        "actors",
        "stances",
        "divergences",
        "framing",
        "stance_table",
        "corroborated",
        "summary",
        "key_developments",
    )
    for name in sections:
        items = getattr(b, name)
        assert items, f"the seeds' briefing has no {name}: the check below would be empty"
        moved = remap_refs(items, mapping)
        assert [m.model_dump() for m in moved] == [_renumbered(i.model_dump(), mapping) for i in items], name
        for old, new in zip(items, moved):
            assert type(new) is type(old) and new.model_fields_set == old.model_fields_set
            assert getattr(new, "__pydantic_private__", None) == getattr(
                old, "__pydantic_private__", None
            )  # e.g. what reading the answer repaired
    actor = b.actors[0]
    (moved_actor,) = remap_refs([actor], mapping)
    assert (
        moved_actor.roles is actor.roles and moved_actor.names_in_sources is actor.names_in_sources
    )  # shared, not copied
    untouched = Note(kind="info", message="no source number here")
    assert remap_refs([untouched], mapping)[0] is untouched


def test_a_storys_accounts_and_stances_are_the_whole_runs_objects_not_equal_copies(tmp_path, monkeypatch):
    """Renumbered, a story's timeline accounts, quotes and stance rows equal the whole run's: it holds those very
    objects (issue 26: about 80 MB less at 10,000 articles), and the briefing is the one equal copies made."""
    import summarizer.stories.briefings as briefings
    from tests.fake_openai import FakeOpenAI

    briefs = write_mixed_folder(tmp_path / "news")

    def run():  # type: ignore[no-untyped-def]
        with FakeOpenAI(briefs=briefs) as server:
            return build_briefing(
                [tmp_path / "news"], Settings(base_url=server.base_url, api_key=SecretStr("sk-test"), use_cache=False)
            ).briefing

    b = run()
    whole = {id(a) for e in b.timeline for a in e.accounts} | {id(a.quote) for e in b.timeline for a in e.accounts}
    whole |= {id(s) for s in b.stances} | {id(s.quote) for s in b.stances}
    mine = [a for story in b.stories for e in story.timeline for a in e.accounts] + [
        s for story in b.stories for s in story.stances
    ]
    assert len(b.stories) == 2 and len(mine) > 20
    assert all(id(x) in whole and id(x.quote) in whole for x in mine)

    monkeypatch.setattr(briefings, "shared_values", lambda briefing: {})
    copied = run()
    assert not any(
        id(a) in {id(x) for x in copied.timeline[0].accounts}
        for story in copied.stories
        for e in story.timeline
        for a in e.accounts
    )
    dump: dict = {"exclude": {"meta"}}  # the time and the fake server's port differ
    assert b.model_dump_json(**dump) == copied.model_dump_json(**dump)
