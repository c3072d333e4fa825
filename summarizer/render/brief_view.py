"""The default briefing as Markdown: a brief, read in two minutes, with the evidence one level down.

Bottom line, key developments, where sources disagree (one line each), how each outlet frames it
(one line each, one short quote), and the timeline (one line per event, with the number of
sources that report it). Quotes, accounts, stances and actors are the detail level
(`--detail full`: `render.markdown.render_markdown(b, detail="full")`), the HTML page's folded
sections and the JSON. The view stays bounded however large the folder: a few lines per section,
the first stories in full and the rest on the front page, and a Sources table of what it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..models import Briefing, Source, StoryBriefing
from . import layers
from .sections import cite, escape_md, header_lines, notes_sections, plural, source_headline
from .stories import front_page_line, story_anchor, story_facts

__all__ = ["render_brief_markdown", "TIMELINE_LINES", "STORY_BRIEFS", "FRONT_PAGE_STORIES", "OUTLET_LINES", "MORE"]

TIMELINE_LINES = 10  # per story: the events most sources report (then the latest), in date order
OUTLET_LINES = 12  # per story
DISAGREEMENT_LINES = 8  # per story
STORY_BRIEFS = 8  # stories briefed in full on a front page of several; the rest are front-page lines
FRONT_PAGE_STORIES = 40
MORE = "*The evidence (quotes, each source's account, who stands where, actors, full summary): `brief --detail full`, `--html` (folded) or `--json`.*"
_CITED = re.compile(r"(?<!\\)\[(\d+)\]")
MAX_CITES = 4  # per line; the rest are counted ("+12"), so the Sources table of a large folder stays bounded


def _cite(refs: Sequence[int]) -> str:
    """Citation marks for a line: up to MAX_CITES sources (the earliest numbers), the rest counted."""
    refs = sorted(set(refs))
    return cite(refs[:MAX_CITES]) + (f" +{len(refs) - MAX_CITES}" if len(refs) > MAX_CITES else "")


def _when(text: str) -> str:
    """'**2025-10-09**', '**by 2025-12-22**', or '**2025-10** *(inferred)*', as the full view writes dates."""
    if text.endswith(" (inferred)"):
        return f"**{escape_md(text.removesuffix(' (inferred)'))}** *(inferred)*"
    return f"**{escape_md(text)}**"


def _section(title: str, level: int) -> list[str]:
    return ["", f"{'#' * level} {title}", ""]


def _bottom_line(part: Any, level: int) -> list[str]:
    found = layers.bottom_line(part)
    out = _section("Bottom line", level)
    return out + ([f"{escape_md(found[0])} {_cite(found[1])}"] if found else ["*No executive summary (see Notes).*"])


def _key_developments(part: Any, published: Mapping[int, dt.date | None], level: int) -> list[str]:
    lines = layers.key_developments(part, published)
    if not lines:
        return []
    return _section("Key developments", level) + [
        f"- {_when(k.when)} {escape_md(k.text)} {_cite(k.sources)}" for k in lines
    ]


def _disagreements(part: Any, level: int) -> list[str]:
    found = layers.disagreements(part)
    out = _section("Where sources disagree", level)
    if not found:
        return out + ["*No conflicting statements found.*"]
    for d in found[:DISAGREEMENT_LINES]:
        sides = " · ".join(
            f"{_cite([s.source])} {escape_md(s.when)}{' (' + s.mark + ')' if s.mark in ('latest', 'earliest') else ''}: "
            f"{escape_md(s.claim)}{' *(' + escape_md(s.voice) + ')*' if s.voice else ''}"
            for s in d.sides
        )
        out.append(f"- **{escape_md(d.topic)}** ({d.how}) — {sides}")
    if len(found) > DISAGREEMENT_LINES:
        out.append(f"- *{len(found) - DISAGREEMENT_LINES} more in `--detail full`.*")
    return out


def _outlets(part: Any, sources: Sequence[Source], level: int) -> list[str]:
    found = layers.outlet_frames(part, sources)
    out = _section("How each outlet frames it", level)
    if not found:
        return out + ["*No framing by source (see Notes).*"]
    date = {s.ref: s.date for s in sources}
    for f in found[:OUTLET_LINES]:
        voice = f" *({escape_md(f.voice)})*" if f.voice else ""
        out.append(
            f"- **{escape_md(f.name)}** {_cite([f.source])} {date.get(f.source) or 'date unknown'} — {escape_md(f.slant)}: "
            f"{escape_md(f.frame)}{voice} “{escape_md(f.short)}”"
        )
    if len(found) > OUTLET_LINES:
        out.append(f"- *{len(found) - OUTLET_LINES} more outlets in `--detail full`.*")
    return out


def _timeline(part: Any, published: Mapping[int, dt.date | None], level: int) -> list[str]:
    timeline = list(getattr(part, "timeline", []))
    out = _section("Timeline", level)
    if not timeline:
        return out + ["*No verified events.*"]
    told = {i for k in layers.key_developments(part, published) for i in k.entries}  # each fact once: not again here
    ranked = sorted(
        range(len(timeline)),
        key=lambda i: (len(timeline[i].sources), layers.sort_day(timeline[i], published)),
        reverse=True,
    )
    shown = set(ranked[:TIMELINE_LINES]) - told
    if told and len(told) == len(timeline):
        return out + ["*Every event is told under Key developments; each source's account: `--detail full`.*"]
    if told:
        out.append("*Besides the events under Key developments:*")
        out.append("")
    for i in layers.chronological(timeline, published):
        if i in shown:
            e = timeline[i]
            count = f" · *{len(e.sources)} sources*" if len(e.sources) > 1 else ""
            out.append(
                f"- {_when(layers.entry_when(e, published))} {escape_md(e.description)} {_cite(e.sources)}{count}"
            )
    if len(timeline) > len(shown) + len(told):
        hidden = [timeline[i] for i in range(len(timeline)) if i not in shown and i not in told]
        which = ", each reported by one source" if all(len(e.sources) == 1 for e in hidden) else ""
        out.append(f"*{plural(len(hidden), 'more event')}{which}: `--detail full`.*")
    return out


def _brief(part: Any, sources: Sequence[Source], level: int) -> list[str]:
    """One story's layers: bottom line, key developments, disagreements and framing (with two or more sources), timeline."""
    published = {s.ref: s.date for s in sources}
    out = _bottom_line(part, level) + _key_developments(part, published, level)
    if len(sources) >= 2:
        out += _disagreements(part, level) + _outlets(part, sources, level)
    return out + _timeline(part, published, level)


def _cited_sources(b: Briefing, body: list[str]) -> list[str]:
    """The Sources table of the sources the view cites (every [n] resolves through it); the rest are counted."""
    cited = {int(n) for line in body for n in _CITED.findall(line)}
    rows = [s for s in b.sources if s.ref in cited]
    out = ["", "## Sources", "", "| # | File | Published | Lang | Headline | Outlet |", "|---|---|---|---|---|---|"]
    for s in rows:
        files = escape_md(s.file) + "".join(f" (= {escape_md(a)})" for a in s.aliases)
        mark = " *(degraded)*" if s.degraded else ""
        out.append(
            f"| [{s.ref}] | {files} | {s.date or 'unknown'} | {escape_md(s.language)} | {source_headline(s)}{mark} | {escape_md(s.outlet or '–')} |"
        )
    if len(rows) < len(b.sources):
        out += ["", f"*{plural(len(b.sources) - len(rows), 'more source')} not cited above: `--detail full`.*"]
    return out


def _story_sources(b: Briefing, story: StoryBriefing) -> list[Source]:
    return [b.source(r) for r in story.sources]


def render_brief_markdown(b: Briefing) -> str:
    """The default briefing: header, front page, each story's layers, the Sources it cites, Not included and Notes."""
    out = header_lines(b) + ["", MORE]
    body: list[str] = []
    if len(b.stories) > 1:
        body += ["", f"## Front page: {len(b.stories)} stories", ""]
        for number, story in enumerate(b.stories[:FRONT_PAGE_STORIES], start=1):
            link = (
                f"[{escape_md(story.title)}](#{story_anchor(story)})"
                if number <= STORY_BRIEFS
                else escape_md(story.title)
            )
            body.append(f"{number}. **{link}** — {story_facts(story)}")
            body.append(f"   {escape_md(story.lead)} {_cite(story.sources)}")
        if len(b.stories) > FRONT_PAGE_STORIES:
            body += ["", f"*{len(b.stories) - FRONT_PAGE_STORIES} more stories: `--detail full`.*"]
        for number, story in enumerate(b.stories[:STORY_BRIEFS], start=1):
            body += [
                "",
                f'<a id="{story_anchor(story)}"></a>',
                "",
                f"## {number}. {escape_md(story.title)}",
                "",
                f"*{story_facts(story)}*",
            ]
            body += _brief(story, _story_sources(b, story), 3)
        if len(b.stories) > STORY_BRIEFS:
            body += ["", f"*Stories {STORY_BRIEFS + 1} to {len(b.stories)} are briefed in `--detail full`.*"]
    else:
        if b.stories:
            body += ["", front_page_line(b, b.stories[0])]
        body += _brief(b, b.sources, 2)
    out += body
    out += _cited_sources(b, body)
    out += notes_sections(b)
    return "\n".join(out).rstrip() + "\n"
