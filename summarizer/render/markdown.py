"""Briefing -> Markdown or JSON, as pure functions.

Every summary paragraph, timeline entry and stance carries citations like [2][4] that resolve
through the Sources table to a file and its publication date. All text that comes from
articles or the model is escaped: it cannot open HTML tags, links, images or tables. The
sections are built in `render.sections`; a briefing of several stories is a front page and one
section per story (`render.stories`).
"""

from __future__ import annotations

from ..models import Briefing
from .sections import (
    cite,
    cross_source_sections,
    escape_md,
    header_lines,
    notes_sections,
    own_voices,
    render_actors,
    render_stances,
    render_timeline_entry,
    sources_table,
)
from .layers import chronological
from .stories import front_page_line, render_stories_markdown

__all__ = ["DETAILS", "render_json", "render_markdown"]


DETAILS = ("brief", "full")


def render_markdown(b: Briefing, detail: str = "brief") -> str:
    """The briefing as Markdown.

    `detail="brief"` (the default): the layers a reader takes in at a glance, evidence one level
    down (see `render.brief_view`). `detail="full"`: every section with its evidence: summary,
    sources, divergences, framing, corroborated, timeline with each source's account, who stands
    where, actors, notes; with several stories a front page, then one full section per story
    (see `render.stories`).
    """
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail!r}")
    if detail == "brief":
        from .brief_view import render_brief_markdown

        return render_brief_markdown(b)
    if len(b.stories) > 1:
        return render_stories_markdown(b)
    out = header_lines(b)
    if b.stories:
        out += ["", front_page_line(b, b.stories[0])]
    out += ["", "## Summary", ""]
    if b.summary:
        for p in b.summary:
            out += [f"{escape_md(p.text)} {cite(p.sources)}", ""]
    else:
        out += ["*No executive summary (see Notes).*", ""]

    out += sources_table(b)
    out += cross_source_sections(b)

    out += ["", "## Timeline", ""]
    if not b.timeline:
        out.append("*No verified events.*")
    published = {src.ref: src.date for src in b.sources}
    for i in chronological(b.timeline, published):
        e = b.timeline[i]
        out += render_timeline_entry(
            e, f" · *{len(e.sources)} sources*" if len(e.sources) > 1 else "", published, by_day=True
        )

    out += render_stances(b.stances, published, own_voices(b.sources))
    out += render_actors(b.actors)
    out += notes_sections(b)
    return "\n".join(out).rstrip() + "\n"


def render_json(b: Briefing) -> str:
    """The briefing as JSON valid against schemas/briefing.schema.json; '<' and '>' escaped as \\u003c/\\u003e."""
    return b.model_dump_json(indent=2).replace("<", "\\u003c").replace(">", "\\u003e") + "\n"
