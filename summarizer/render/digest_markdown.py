"""Digest -> Markdown or JSON, and the digests' index, as pure functions.

Citations work as in the briefing: [n] resolves through the Sources table to a file and its
publication date. All text from articles or the model goes through `escape_md`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .labels import verification
from .stories import story_anchor, story_section
from .sections import (
    cite,
    plural,
    endpoint_label,
    escape_md,
    own_voices,
    render_actors,
    render_notes,
    render_stances,
    render_timeline_entry,
    source_headline,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..models.digest import Digest

__all__ = ["render_digest_markdown", "render_digest_json", "render_index", "index_line"]

_NOTE_TITLES = {
    "failed": "Failed",
    "rejected": "Rejected",
    "degraded": "Degraded (in the briefing, not verified)",
    "unverified": "Unverified (left out)",
    "duplicate": "Duplicates",
    "undated": "Undated (in no daily digest)",
    "info": "Other",
}


def _nothing(d: Digest) -> str:
    """What a digest without sources says: no articles that day, or articles none of which could be briefed."""
    return f"{plural(d.meta.articles, 'article')}, none briefed" if d.meta.articles else "no articles"


def _header(d: Digest) -> list[str]:
    m = d.meta
    endpoint = endpoint_label(m)
    title = (
        f"# Digest {m.date}: {plural(len(d.sources), 'source')}" if d.sources else f"# Digest {m.date}: {_nothing(d)}"
    )
    facts = [f"Articles published {m.date}", f"generated {m.generated_at}"]
    if d.sources:
        total = m.items_verified + m.items_unverified
        checked = (
            [] if m.items_unverified else [verification(m.items_verified, total, 0)]
        )  # else in bold below, with what was left out
        facts += [
            f"model `{m.model}` via {escape_md(endpoint)}",
            *checked,
            f"prompt brief {m.prompt_hash}",
            f"schema {m.schema_hash}",
        ]
    facts.append(f"digest {m.digest_version}")
    lines = [title, "", "*" + " · ".join(facts) + "*"]
    if m.items_unverified:
        lines += ["", f"**{verification(m.items_verified, m.items_verified, m.items_unverified)}.**"]
    return lines


def _new_since(d: Digest) -> list[str]:
    m = d.meta
    out = ["## New since the previous digest", ""]
    if m.previous_digest is None:
        out += ["*No earlier digest in this folder: everything below is new.*", ""]
    else:
        out += [
            f"*Compared with {plural(m.earlier_digests, 'earlier digest')} in this folder (latest: {m.previous_digest}).*",
            "",
        ]
    if not d.new_events and not d.stance_shifts:
        out += ["*Nothing new: every event was in an earlier digest and no stance changed.*", ""]
        return out
    if d.new_events:
        out += ["**First reported**", ""]
        out += [f"- {_new_when(e)} {escape_md(e.description)} {cite(e.sources)}" for e in d.new_events]
        out.append("")
    if d.stance_shifts:
        out += ["**Stance shifts**", ""]
        for s in d.stance_shifts:
            was = f" (then: {escape_md(s.previous_target)})" if s.previous_target != s.target else ""
            out.append(
                f"- **{escape_md(s.holder)}** → {escape_md(s.target)}: now **{s.position}** {cite([s.source])}, "
                f"was **{s.previous_position}** in the {s.previous_digest} digest, citing {escape_md(s.previous_file)}{was}. {escape_md(s.gist)}"
            )
        out.append("")
    return out


def _new_when(e) -> str:
    """A first-reported event's date: inferred marked; undated ones may look back, so they are not called news."""
    if e.date is None or e.date_basis == "publication":
        return "**undated** *(no date given: not necessarily new)*"
    return f"**{e.date}** *(inferred)*" if e.date_basis == "inferred" else f"**{e.date}**"


def _stories(d: Digest) -> list[str]:
    """'Stories': the list of the day's stories (new or continuing, with id and first day), each linked to its section.

    Each story's section (after the Sources table) has a briefing story's sections
    (`render.stories.story_section`) and, first, what is new in it since the previous digest.
    """
    if not d.stories:
        return []
    out = [f"## Stories ({len(d.stories)})", ""]
    for number, story in enumerate(d.stories, start=1):
        news = plural(len(story.new_events), "new event") if story.new_events else "no new events"
        out.append(
            f"{number}. **[{escape_md(story.title)}](#{story_anchor(story)})** — {_status(story)} · story `{story.id}` · "
            f"{plural(len(story.sources), 'source')} {cite(story.sources)} · {news}"
        )
    return out + [""]


def _story_sections(d: Digest) -> list[str]:
    out: list[str] = []
    for number, story in enumerate(d.stories, start=1):
        out += story_section(
            d, number, story, status=_status(story), news=_story_news(d, story), marks=_story_marks(story)
        )
    return out + [""] if out else []


def _status(story) -> str:
    return "**new**" if story.new else f"continuing since {story.first_reported}"


def _story_news(d: Digest, story) -> list[str]:
    """A story's 'new since the previous digest' lines: its first-reported events and stance shifts."""
    if story.new and d.meta.previous_digest is None:
        lead = "*No earlier digest in this folder: everything in this story is new.*"
    elif story.new:
        lead = "*A new story: no earlier digest has it.*"
    else:
        lead = f"*Continuing since the {story.first_reported} digest.*"
    lines = [lead, ""]
    if not story.new_events and not story.stance_shifts:
        return lines + ["*Nothing new: every event was in an earlier digest and no stance changed.*"]
    lines += [f"- {_new_when(e)} {escape_md(e.description)} {cite(e.sources)}" for e in story.new_events]
    lines += [
        f"- **{escape_md(s.holder)}** → {escape_md(s.target)}: now **{s.position}** {cite([s.source])}, "
        f"was **{s.previous_position}** in the {s.previous_digest} digest"
        for s in story.stance_shifts
    ]
    return lines


def _story_marks(story) -> dict[int, str]:
    """A story's timeline marks: new events marked new; an undated one first reported here may look back, so it is not called new."""
    return {
        e.timeline_index: " · *first reported here, with no date: not necessarily new*"
        if e.date is None
        else " · **new**"
        for e in story.new_events
    }


def render_digest_markdown(d: Digest) -> str:
    """The digest as Markdown: what is new, sources with their summaries, timeline, stances, actors, notes."""
    out = _header(d) + [""]
    if not d.sources:
        if d.meta.articles:
            out += [
                f"None of the {plural(d.meta.articles, 'article')} dated {d.meta.date} could be briefed; Notes says why. "
                "Rerun `brief digest` for this day to retry (what was briefed is cached).",
                "",
            ]
        else:
            out += [f"No articles dated {d.meta.date} were found. Undated articles are in no daily digest.", ""]
        if d.notes:
            out += ["## Notes", "", *render_notes(d.notes, _NOTE_TITLES)]
        return "\n".join(out).rstrip() + "\n"

    out += _stories(d)
    out += _new_since(d)
    out += ["## Sources", "", "| # | File | Published | Lang | Headline |", "|---|---|---|---|---|"]
    for s in d.sources:
        files = escape_md(s.file) + "".join(f" (= {escape_md(a)})" for a in s.aliases)
        out.append(f"| [{s.ref}] | {files} | {s.date or 'unknown'} | {escape_md(s.language)} | {source_headline(s)} |")
    out += _story_sections(d)

    out += ["", "## Summary", "", "*Each source's own brief, not a synthesis across sources.*", ""]
    for p in d.summary:
        headline = d.sources[p.sources[0] - 1].headline
        out += [f"**{escape_md(headline)}.** {escape_md(p.text)} {cite(p.sources)}", ""]

    out += ["## Timeline", ""]
    if not d.timeline:
        out.append("*No verified events.*")
    new = {e.timeline_index for e in d.new_events}
    earlier = {e.timeline_index: e.first_reported for e in d.earlier_events}
    published = {s.ref: s.date for s in d.sources}
    for i, e in enumerate(d.timeline):
        if i in new and e.date is None:  # an undated look back is no new development
            mark = " · *first reported here, with no date: not necessarily new*"
        else:
            mark = " · **new**" if i in new else (f" · *in the {earlier[i]} digest*" if i in earlier else "")
        out += render_timeline_entry(e, mark, published)

    out += render_stances(d.stances, own=own_voices(d.sources))
    out += render_actors(d.actors)

    out += ["", "## Notes", ""]
    out += render_notes(d.notes, _NOTE_TITLES) or [
        "*Nothing to report: every article of the day was summarized and every quote verified.*"
    ]
    return "\n".join(out).rstrip() + "\n"


def render_digest_json(d: Digest) -> str:
    """The digest as JSON; '<' and '>' escaped as \\u003c/\\u003e like the briefing's."""
    return d.model_dump_json(indent=2).replace("<", "\\u003c").replace(">", "\\u003e") + "\n"


def index_line(d: Digest) -> str:
    """One index line: date (linked), number of sources, lead headline, what is new."""
    link = f"[{d.date}]({d.date}.md)"
    if not d.sources:
        return f"- {link} · {_nothing(d)}"
    news = [plural(len(d.new_events), "new event")] if d.new_events else []
    news += [plural(len(d.stance_shifts), "stance shift")] if d.stance_shifts else []
    line = f"- {link} · {plural(len(d.sources), 'source')} · {escape_md(d.lead_headline() or '')} · {', '.join(news) or 'nothing new'}"
    stories = [f"{escape_md(s.title)} ({'new' if s.new else 'continuing'})" for s in d.stories]
    return line + (f"\n  - stories: {'; '.join(stories)}" if stories else "")


def render_index(digests: Sequence[Digest]) -> str:
    """`index.md`: one line per digest, in the order given (newest first)."""
    lines = [
        "# Daily digests",
        "",
        "Newest first: date, number of sources, headline of the lead source, what is new since the earlier digests.",
        "Regenerated by `brief digest`; do not edit.",
        "",
    ]
    lines += _index_lines(digests) or ["*No digests yet.*"]
    return "\n".join(lines) + "\n"


def _index_lines(digests: Sequence[Digest]) -> list[str]:
    """One line per digest, except that a run of days without articles is one line (a long backfill stays readable)."""
    out: list[str] = []
    empty: list[Digest] = []

    def flush() -> None:
        if len(empty) == 1:
            out.append(index_line(empty[0]))
        elif empty:
            newest, oldest = empty[0].date, empty[-1].date
            out.append(
                f"- {oldest} to {newest} · {len(empty)} digests, no articles on any of their days ([{oldest}]({oldest}.md) … [{newest}]({newest}.md))"
            )
        empty.clear()

    for d in digests:
        if not d.sources and not d.meta.articles:
            empty.append(d)
            continue
        flush()
        out.append(index_line(d))
    flush()
    return out
