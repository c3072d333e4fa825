"""Briefing -> Markdown or JSON, as pure functions.

Every summary paragraph, timeline entry and stance carries citations like [2][4] that resolve
through the Sources table to a file and its publication date. All text that comes from
articles or the model is escaped: it cannot open HTML tags, links, images or tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..llm.cost import format_usd
from ..models import Briefing, BriefingMeta, MergedActor, Note, StanceRow, TimelineEntry

__all__ = ["render_markdown", "render_json", "render_notes", "render_timeline_entry", "render_stances", "render_actors", "endpoint_label", "escape_md", "cite", "plural"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~#])")
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:(?=\S)")  # a scheme, not prose like "empty file: ..."
_NOT_INCLUDED = {"rejected": "rejected", "failed": "failed"}  # listed under "Not included", not "Notes"
_NOTE_TITLES = {
    "unverified": "Unverified (left out)",
    "duplicate": "Duplicates",
    "undated": "Undated",
    "info": "Other",
}


def escape_md(text: str) -> str:
    """Escape untrusted text for inline Markdown: no HTML, links, images, emphasis or table breaks."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _SCHEME.sub(lambda m: f"{m.group(1)}&#58;", text)
    # Bare URLs would autolink; break the scheme so nothing becomes clickable.
    return re.sub(r"(?i)\b(https?|ftp)://", lambda m: f"{m.group(1)}&#58;//", text)


def plural(n: int, word: str) -> str:
    """'1 source', '2 sources'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def cite(refs: list[int]) -> str:
    """Citation markers for source numbers: [1][3]."""
    return "".join(f"[{r}]" for r in sorted(set(refs)))


def _spend(m: BriefingMeta) -> str:
    """' · 1,234 tokens ≈ $0.0012 (estimate)' when this run used tokens; batch requests named."""
    tokens = m.usage.get("total_tokens", 0)
    if not tokens and not m.batch_requests:
        return ""
    batch = f", {m.batch_requests} via the Batch API" if m.batch_requests else ""
    cost = f" ≈ {format_usd(m.cost_usd)} (estimate)" if m.cost_usd is not None else ""
    return f"{batch} · {tokens:,} tokens{cost}"


def _header(b: Briefing) -> list[str]:
    dates = sorted(s.date.isoformat() for s in b.sources if s.date)
    span = f"{dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "undated")
    m = b.meta
    endpoint = endpoint_label(m)
    total = m.items_verified + m.items_unverified
    lines = [
        f"# Briefing: {len(b.sources)} source{'s' if len(b.sources) != 1 else ''}, {span}",
        "",
        f"*Generated {m.generated_at} · model `{m.model}` via {escape_md(endpoint)} · "
        f"{m.items_verified} of {total} evidence quotes verified against their sources · "
        f"{m.llm_requests} LLM request{'s' if m.llm_requests != 1 else ''}, {m.cache_hits} cached{_spend(m)} · "
        f"prompts {', '.join(f'{k} {v}' for k, v in sorted(m.prompt_hashes.items()))} · schema {m.schema_version} ({m.schema_hash})*",
    ]
    if m.items_unverified:
        lines += ["", f"**{m.items_unverified} item(s) had a quote not found in their source and are left out; see Notes.**"]
    return lines


def render_markdown(b: Briefing) -> str:
    """The briefing as Markdown that reads at a glance: summary, timeline, sources, actors, stances, notes."""
    out = _header(b)
    out += ["", "## Summary", ""]
    if b.summary:
        for p in b.summary:
            out += [f"{escape_md(p.text)} {cite(p.sources)}", ""]
    else:
        out += ["*No executive summary (see Notes).*", ""]

    out += ["## Sources", "", "| # | File | Published | Lang | Headline |", "|---|---|---|---|---|"]
    for s in b.sources:
        files = escape_md(s.file) + "".join(f" (= {escape_md(a)})" for a in s.aliases)
        out.append(f"| [{s.ref}] | {files} | {s.date or 'unknown'} | {escape_md(s.language)} | {escape_md(s.headline)} |")

    out += _cross_source(b)

    out += ["", "## Timeline", ""]
    if not b.timeline:
        out.append("*No verified events.*")
    for e in b.timeline:
        out += render_timeline_entry(e, f" · *{len(e.sources)} sources*" if len(e.sources) > 1 else "")

    out += render_stances(b.stances, {src.ref: src.date for src in b.sources})
    out += render_actors(b.actors)

    missing = [n for n in b.notes if n.kind in _NOT_INCLUDED]
    if missing:
        out += ["", "## Not included", ""]
        out += [f"- {_file(n)}{_NOT_INCLUDED[n.kind]}: {escape_md(n.message)}" for n in missing]
    out += ["", "## Notes", ""]
    if not b.sources:
        nothing = "*No article made it into this briefing; see Not included.*" if missing else "*No articles.*"
    elif missing:
        nothing = "*Nothing else to report: every other article was summarized and every quote verified.*"
    else:
        nothing = "*Nothing to report: every article was summarized and every quote verified.*"
    out += render_notes(b.notes) or [nothing]
    return "\n".join(out).rstrip() + "\n"


def _file(n: Note) -> str:
    """A note's file as a code span (whitespace folded, so a hostile name cannot start a new line)."""
    return f"`{' '.join(n.file.split()).replace('`', '')}` " if n.file else ""


STANCE_TABLE_ACTORS = 6


def _dated(b: Briefing, ref: int) -> str:
    return f"{cite([ref])} {b.source(ref).date or 'date unknown'}"


def _cross_source(b: Briefing) -> list[str]:
    """Divergences, Framing and Corroborated: only meaningful with two or more sources."""
    if len(b.sources) < 2:
        return []
    out = ["", "## Divergences", ""]
    out.append("*Statements from different sources that differ on a fact, earliest publication first. "
               "When the publication dates differ it is a change over time and the latest source is named.*")
    out.append("")
    if not b.divergences:
        out.append("*No conflicting statements found.*")
    for d in b.divergences:
        if d.kind == "change_over_time":
            latest = ", ".join(_dated(b, r) for r in d.latest)
            how = f"change over time; latest: {latest}"
        else:
            undated = [s.source for s in d.sides if s.published is None]
            dates = sorted({str(s.published) for s in d.sides if s.published})
            how = f"accounts differ (neither is later: publication date unknown for {cite(undated)})" if undated else f"accounts differ (neither is later: both published {dates[0]})"
        basis = " · *from opposite stances*" if d.basis == "stances" else ""
        out.append(f"- **{escape_md(d.topic)}** — {how} {cite(d.sources)}{basis}")
        first = d.sides[0].published
        for side in d.sides:
            mark = ""
            if d.kind == "change_over_time" and side.published:
                mark = " (latest)" if side.source in d.latest else (" (later)" if side.published != first else " (earliest)")
            out.append(f"  - {side.published or 'date unknown'} {cite([side.source])}{mark} {escape_md(side.claim)} “{escape_md(side.quote.text)}”")

    out += ["", "## Framing", ""]
    if b.framing:
        out += ["| Source | Toward | Tone | Frame | Quote |", "|---|---|---|---|---|"]
        out += [f"| {_dated(b, f.source)} | {escape_md(f.actor)} | {f.tone} | {escape_md(f.frame)} | “{escape_md(f.quote.text)}” |" for f in b.framing]
    else:
        out.append("*No framing by source (see Notes).*")
    out += _stance_table(b)

    out += ["", "## Corroborated", ""]
    out.append("*Facts reported by two or more sources, each in its own words.*")
    out.append("")
    if not b.corroborated:
        out.append("*No fact is reported by more than one source.*")
    for c in b.corroborated:
        when = (c.date or "undated") if c.basis == "timeline" else "stance"
        out.append(f"- **{when}** {escape_md(c.description)} — *corroborated by {c.count} sources* {cite(c.sources)}")
        for a in c.accounts:
            own = f"*{escape_md(a.description)}* " if a.description != c.description else ""
            out.append(f"  - {cite([a.source])} {own}“{escape_md(a.quote.text)}”")
    return out


def _stance_table(b: Briefing) -> list[str]:
    """Source x actor: each holder's position toward the actor, as the source reports it."""
    if not b.stance_table:
        return []
    reach: dict[str, set[int]] = {}
    for cell in b.stance_table:
        reach.setdefault(cell.actor, set()).add(cell.source)
    actors = sorted(reach, key=lambda a: (-len(reach[a]), a))
    shown, rest = actors[:STANCE_TABLE_ACTORS], actors[STANCE_TABLE_ACTORS:]
    out = ["", "**Stances toward the main actors, by source** (holder: position, from *Who stands where*)", ""]
    out += ["| Source | " + " | ".join(escape_md(a) for a in shown) + " |", "|---" * (len(shown) + 1) + "|"]
    for src in b.sources:
        cells = ["; ".join(f"{escape_md(c.holder)}: {c.position}" for c in b.stance_table if c.source == src.ref and c.actor == actor) or "–" for actor in shown]
        out.append(f"| {_dated(b, src.ref)} | " + " | ".join(cells) + " |")
    if rest:
        out += ["", f"*Also targeted, see Who stands where: {', '.join(escape_md(a) for a in rest)}.*"]
    return out


def render_timeline_entry(e: TimelineEntry, mark: str = "") -> list[str]:
    """One timeline entry and, beneath it, each source's own account (date, wording, quote)."""
    out = [f"- **{e.date or 'undated'}** {escape_md(e.description)} {cite(e.sources)}{mark}"]
    for a in e.accounts:
        dated = f"({a.date or 'undated'} in this source) " if a.date != e.date and len(e.accounts) > 1 else ""
        own = f"*{escape_md(a.description)}* " if a.description != e.description else ""
        out.append(f"  - {cite([a.source])} {dated}{own}“{escape_md(a.quote.text)}”")
    return out


def render_stances(stances: Sequence[StanceRow], dates: dict[int, dt.date | None] | None = None) -> list[str]:
    """The 'Who stands where' section: a table, then the evidence quote of each row."""
    out = ["", "## Who stands where", ""]
    if not stances:
        return out + ["*No verified stances.*"]
    out += ["| Holder | Toward | Position | Gist | Source |", "|---|---|---|---|---|"]
    for s in stances:
        when = f" {(dates or {}).get(s.source) or ''}".rstrip()
        out.append(f"| {escape_md(s.holder)} | {escape_md(s.target)} | {s.position} | {escape_md(s.gist)} | {cite([s.source])}{when} |")
    out += ["", "<details><summary>Evidence for each stance</summary>", ""]
    out += [f"- {escape_md(s.holder)} → {escape_md(s.target)}: “{escape_md(s.quote.text)}” {cite([s.source])}" for s in stances]
    return out + ["", "</details>"]


def render_actors(actors: Sequence[MergedActor]) -> list[str]:
    """The 'Actors' section: merged names, kinds, roles and the names as each source writes them."""
    out = ["", "## Actors", ""]
    for a in actors:
        names = ", ".join(escape_md(n) for n in a.names_in_sources)
        roles = "; ".join(escape_md(r) for r in a.roles[:3])
        out.append(f"- **{escape_md(a.name)}** ({a.kind}{', ' + roles if roles else ''}) — as written: {names} {cite(a.sources)}")
    return out


def render_notes(notes: Sequence[Note], titles: dict[str, str] = _NOTE_TITLES) -> list[str]:
    """Notes grouped under a bold title per kind, in the order of `titles`."""
    lines: list[str] = []
    for kind, title in titles.items():
        group = [n for n in notes if n.kind == kind]
        if group:
            lines.append(f"**{title}**")
            lines += [f"- {_file(n).rstrip() + ': ' if n.file else ''}{escape_md(n.message)}" for n in group]
            lines.append("")
    return lines


def endpoint_label(meta: BriefingMeta) -> str:
    """Where the answers came from, for a header line: an endpoint URL or the recordings used."""
    if meta.endpoint.startswith("replay:"):
        return "recorded responses (" + meta.endpoint.removeprefix("replay:") + ")"
    return meta.endpoint


def render_json(b: Briefing) -> str:
    """The briefing as JSON valid against schemas/briefing.schema.json; '<' and '>' escaped as \\u003c/\\u003e."""
    return b.model_dump_json(indent=2).replace("<", "\\u003c").replace(">", "\\u003e") + "\n"
