"""A briefing of several stories as Markdown: a front page, then one section per story.

The front page lists the stories in the briefing's order (independent sources, then languages,
then the most recent), each with its lead, date range, number of sources and languages, and a
link to its section. Each story's section has the sections a one-story briefing has (summary,
divergences, framing, corroborated, timeline, who stands where, actors), scoped to its sources;
citations use the global numbers of the one Sources table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from ..models import Briefing, StoryBriefing
from .layers import chronological
from .sections import (
    cite,
    cross_source_sections,
    escape_md,
    header_lines,
    notes_sections,
    own_voices,
    plural,
    render_actors,
    render_stances,
    render_timeline_entry,
    sources_table,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..models import Digest

__all__ = ["render_stories_markdown", "front_page_line", "story_anchor", "story_facts", "story_section"]


def story_anchor(story: StoryBriefing) -> str:
    return f"story-{story.id}"


def _span(story: StoryBriefing) -> str:
    if story.first_date is None:
        return "undated"
    if story.first_date == story.last_date:
        return str(story.first_date)
    return f"{story.first_date} to {story.last_date}"


def story_facts(story: StoryBriefing) -> str:
    """'2025-09-03 to 2025-12-22 · 5 sources from 4 outlets · 3 languages (lv, ru, uk)'."""
    n = len(story.sources)
    outlets = f" from {plural(story.independent_sources, 'outlet')}" if story.independent_sources != n else ""
    languages = f"{plural(len(story.languages), 'language')} ({', '.join(escape_md(x) for x in story.languages)})"
    return f"{_span(story)} · {plural(n, 'source')}{outlets} · {languages}"


def front_page_line(b: Briefing, story: StoryBriefing) -> str:
    """The one-line front page of a one-story briefing."""
    return f"**Front page: 1 story.** *{escape_md(story.title)}* · {story_facts(story)}"


def _demote(lines: list[str]) -> list[str]:
    """Section headings one level down ('## Timeline' -> '### Timeline') inside a story."""
    return ["#" + line if line.startswith("## ") else line for line in lines]


def story_section(
    b: Briefing | Digest,
    number: int,
    story: StoryBriefing,
    *,
    status: str = "",
    news: Sequence[str] = (),
    marks: Mapping[int, str] | None = None,
    by_day: bool = False,
) -> list[str]:
    """One story's sections (Summary, cross-source ones, Timeline, Who stands where, Actors), citing `b`'s Sources.

    A digest passes the story's `status` (new or continuing), its 'new since the previous digest'
    lines (`news`) and a mark per timeline position (`marks`).
    """
    view = SimpleNamespace(
        sources=b.sources,
        source=b.source,
        summary=story.summary,
        timeline=story.timeline,
        actors=story.actors,
        stances=story.stances,
        divergences=story.divergences,
        framing=story.framing,
        stance_table=story.stance_table,
        corroborated=story.corroborated,
    )
    facts = f"{status} · " if status else ""
    out = [
        "",
        f'<a id="{story_anchor(story)}"></a>',
        "",
        f"## {number}. {escape_md(story.title)}",
        "",
        f"*{facts}{story_facts(story)} · sources {cite(story.sources)}*",
        "",
    ]
    if news:
        out += ["### New since the previous digest", "", *news, ""]
    out += ["### Summary", ""]
    if story.summary:
        for p in story.summary:
            out += [f"{escape_md(p.text)} {cite(p.sources)}", ""]
    else:
        out += [f"{escape_md(story.lead)} {cite(story.sources[:1])}", ""]
    body = cross_source_sections(view, story.sources)  # type: ignore[arg-type]  # a view of the story with the Briefing fields these sections read
    body += ["", "## Timeline", ""]
    if not story.timeline:
        body.append("*No verified events.*")
    published = {r: b.source(r).date for r in story.sources}
    for i in chronological(story.timeline, published) if by_day else range(len(story.timeline)):
        e = story.timeline[i]
        mark = f" · *{len(e.sources)} sources*" if len(e.sources) > 1 else ""
        body += render_timeline_entry(e, mark + (marks or {}).get(i, ""), published, by_day=by_day)
    body += render_stances(story.stances, published, own_voices([b.source(r) for r in story.sources]))
    body += render_actors(story.actors)
    return out + _demote(body)


def render_stories_markdown(b: Briefing) -> str:
    """Front page, the stories' sections, the Sources table, Not included and Notes."""
    out = header_lines(b)
    out += ["", f"## Front page: {len(b.stories)} stories", ""]
    for number, story in enumerate(b.stories, start=1):
        out.append(f"{number}. **[{escape_md(story.title)}](#{story_anchor(story)})** — {story_facts(story)}")
        out.append(f"   {escape_md(story.lead)} {cite(story.sources)}")
    for number, story in enumerate(b.stories, start=1):
        out += story_section(b, number, story, by_day=True)
    out += [""] + sources_table(b)
    out += notes_sections(b)
    return "\n".join(out).rstrip() + "\n"
