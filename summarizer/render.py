"""Briefing -> Markdown or JSON, as pure functions.

Every summary paragraph, timeline entry and stance carries citations like [2][4] that resolve
through the Sources table to a file and its publication date. All text that comes from
articles or the model is escaped: it cannot open HTML tags, links, images or tables.
"""

from __future__ import annotations

import re

from .schemas import Briefing, Note

__all__ = ["render_markdown", "render_json", "escape_md", "cite"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~#])")
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")
_NOTE_TITLES = {
    "failed": "Failed",
    "rejected": "Rejected",
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


def cite(refs: list[int]) -> str:
    """Citation markers for source numbers: [1][3]."""
    return "".join(f"[{r}]" for r in sorted(set(refs)))


def _header(b: Briefing) -> list[str]:
    dates = sorted(s.date.isoformat() for s in b.sources if s.date)
    span = f"{dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "undated")
    m = b.meta
    endpoint = "recorded responses (" + m.endpoint.removeprefix("replay:") + ")" if m.endpoint.startswith("replay:") else m.endpoint
    total = m.items_verified + m.items_unverified
    lines = [
        f"# Briefing: {len(b.sources)} source{'s' if len(b.sources) != 1 else ''}, {span}",
        "",
        f"*Generated {m.generated_at} · model `{m.model}` via {escape_md(endpoint)} · "
        f"{m.items_verified} of {total} evidence quotes verified against their sources · "
        f"{m.llm_requests} LLM request{'s' if m.llm_requests != 1 else ''}, {m.cache_hits} cached · "
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

    out += ["", "## Timeline", ""]
    if not b.timeline:
        out.append("*No verified events.*")
    for e in b.timeline:
        when = e.date or "undated"
        corroborated = f" · *{len(e.sources)} sources*" if len(e.sources) > 1 else ""
        out.append(f"- **{when}** {escape_md(e.description)} {cite(e.sources)}{corroborated}")
        for a in e.accounts:
            own = f"*{escape_md(a.description)}* " if a.description != e.description else ""
            out.append(f"  - {cite([a.source])} {own}“{escape_md(a.quote.text)}”")

    out += ["", "## Who stands where", ""]
    if b.stances:
        out += ["| Holder | Toward | Position | Gist | Source |", "|---|---|---|---|---|"]
        for s in b.stances:
            src = b.source(s.source)
            out.append(f"| {escape_md(s.holder)} | {escape_md(s.target)} | {s.position} | {escape_md(s.gist)} | {cite([s.source])} {src.date or ''} |")
        out += ["", "<details><summary>Evidence for each stance</summary>", ""]
        out += [f"- {escape_md(s.holder)} → {escape_md(s.target)}: “{escape_md(s.quote.text)}” {cite([s.source])}" for s in b.stances]
        out += ["", "</details>"]
    else:
        out.append("*No verified stances.*")

    out += ["", "## Actors", ""]
    for a in b.actors:
        names = ", ".join(escape_md(n) for n in a.names_in_sources)
        roles = "; ".join(escape_md(r) for r in a.roles[:3])
        out.append(f"- **{escape_md(a.name)}** ({a.kind}{', ' + roles if roles else ''}) — as written: {names} {cite(a.sources)}")

    out += ["", "## Notes", ""]
    out += _notes(b.notes) or ["*Nothing to report: every article was summarized and every quote verified.*"]
    return "\n".join(out).rstrip() + "\n"


def _notes(notes: list[Note]) -> list[str]:
    lines: list[str] = []
    for kind, title in _NOTE_TITLES.items():
        group = [n for n in notes if n.kind == kind]
        if group:
            lines.append(f"**{title}**")
            lines += [f"- {'`' + n.file.replace('`', '') + '`: ' if n.file else ''}{escape_md(n.message)}" for n in group]
            lines.append("")
    return lines


def render_json(b: Briefing) -> str:
    """The briefing as JSON valid against schemas/briefing.schema.json; '<' and '>' escaped as \\u003c/\\u003e."""
    return b.model_dump_json(indent=2).replace("<", "\\u003c").replace(">", "\\u003e") + "\n"
