"""The building blocks of brief's Markdown: header, sources table, cross-source sections, timeline
entries, stances, actors and notes, shared by the briefing (`markdown`), its story sections
(`stories`) and the daily digests (`digest_markdown`), as pure functions.

Citations like [2][4] resolve through the Sources table to a file and its publication date. All
text that comes from articles or the model is escaped (`escaping.escape_md`): it cannot open HTML tags, links, images
or tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .escaping import escape_md
from .money import format_usd
from .quotes import iter_quotes, quote_counts
from ..models import Briefing, BriefingMeta, DigestMeta, MergedActor, Note, Source, StanceCell, StanceRow, TimelineEntry
from ..models.attribution import date_label, voice_label
from .labels import OwnVoice, outlet_name, verification

__all__ = [
    "source_headline",
    "cross_source_sections",
    "header_lines",
    "render_notes",
    "render_timeline_entry",
    "render_stances",
    "render_actors",
    "endpoint_label",
    "escape_md",
    "cite",
    "plural",
    "own_voices",
    "requests_label",
    "sources_table",
    "notes_sections",
    "iter_quotes",
    "quote_counts",
]

_NOT_INCLUDED = {"rejected": "rejected", "failed": "failed"}  # listed under "Not included", not "Notes"
_NOTE_TITLES = {
    "degraded": "Degraded (in the briefing, not verified)",
    "unverified": "Unverified (left out)",
    "duplicate": "Duplicates",
    "undated": "Undated",
    "info": "Other",
}


def source_headline(s: Source) -> str:
    """A Sources-table headline cell: linked to the article's page when its file names one (`[headline](<url>)`)."""
    text = escape_md(s.headline)
    if not s.url:
        return text
    return f"[{text}](<{s.url.replace('|', '%7C').replace('<', '%3C').replace('>', '%3E')}>)"


def plural(n: int, word: str) -> str:
    """'1 source', '2 sources'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def requests_label(requests: int, replayed: int, cache_hits: int, resent: int = 0, reasks: int = 0) -> str:
    """'7 LLM requests, 0 cached', '9 LLM requests (1 resent after a fault, 1 re-ask), 0 cached', or
    '0 LLM requests, 7 answers replayed, 0 cached' for recordings."""
    replay = f", {plural(replayed, 'answer')} replayed" if replayed else ""
    extra = [f"{resent} resent after a fault"] if resent else []
    extra += [plural(reasks, "re-ask")] if reasks else []
    of_which = f" ({', '.join(extra)})" if extra else ""
    return f"{plural(requests, 'LLM request')}{of_which}{replay}, {cache_hits} cached"


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


def header_lines(b: Briefing) -> list[str]:
    dates = sorted(s.date.isoformat() for s in b.sources if s.date)
    span = f"{dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "undated")
    m = b.meta
    endpoint = endpoint_label(m)
    verified, total = quote_counts(b)
    checked = (
        "" if m.items_unverified else f"{verification(verified, total, 0)} · "
    )  # else said in bold below, in one sentence with what was left out
    lines = [
        f"# Briefing: {len(b.sources)} source{'s' if len(b.sources) != 1 else ''}, {span}",
        "",
        f"*Generated {m.generated_at} · model `{m.model}` via {escape_md(endpoint)} · "
        f"{checked}"
        f"{requests_label(m.llm_requests, m.replayed, m.cache_hits, m.resent, m.reasks)}{_spend(m)} · "
        f"prompts {', '.join(f'{k} {v}' for k, v in sorted(m.prompt_hashes.items()))} · schema {m.schema_version} ({m.schema_hash})*",
    ]
    if m.quality_warning:
        lines += ["", f"**Warning: {escape_md(m.quality_warning)}.**"]
    degraded = [s.ref for s in b.sources if s.degraded]
    if degraded:
        lines += [
            "",
            f"**{plural(len(degraded), 'source')} not counted as briefed (degraded: not in English, or nothing verified): {cite(degraded)}; see Notes.**",
        ]
    if m.items_unverified:
        lines += ["", f"**{verification(verified, total, m.items_unverified)}.**"]
    return lines


def sources_table(b: Briefing) -> list[str]:
    """The 'Sources' section: number, file, date, language and headline of every source."""
    out = ["## Sources", "", "| # | File | Published | Lang | Headline |", "|---|---|---|---|---|"]
    for s in b.sources:
        files = escape_md(s.file) + "".join(f" (= {escape_md(a)})" for a in s.aliases)
        mark = " *(degraded)*" if s.degraded else ""
        out.append(
            f"| [{s.ref}] | {files} | {s.date or 'unknown'} | {escape_md(s.language)} | {source_headline(s)}{mark} |"
        )
    return out


def notes_sections(b: Briefing) -> list[str]:
    """'Not included' (rejected and failed files) and 'Notes'."""
    out: list[str] = []
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
    return out


def _file(n: Note) -> str:
    """A note's file as a code span (whitespace folded, so a hostile name cannot start a new line)."""
    return f"`{' '.join(n.file.split()).replace('`', '')}` " if n.file else ""


STANCE_TABLE_ACTORS = 6


def _dated(b: Briefing, ref: int) -> str:
    return f"{cite([ref])} {b.source(ref).date or 'date unknown'}"


def cross_source_sections(b: Briefing, refs: Sequence[int] | None = None) -> list[str]:
    """Divergences, Framing and Corroborated (of the sources `refs`, default all): only meaningful with two or more sources."""
    if len(b.sources if refs is None else refs) < 2:
        return []
    out = ["", "## Divergences", ""]
    out.append(
        "*Statements from different sources that differ on a fact, ordered by the date of what each reports, or, when "
        "its source gives none, by the day it was reported. When those dates differ it is a change over time and the latest "
        "is named; a statement its source gives no date for is never the latest. A dispute between parties that the sources "
        "report alike is not listed.*"
    )
    out.append("")
    if not b.divergences:
        out.append("*No conflicting statements found.*")
    for d in b.divergences:
        out += _divergence(b, d)
    out += ["", "## Framing", ""]
    if b.framing:
        out += ["| Source | Toward | Tone | Frame | Quote |", "|---|---|---|---|---|"]
        out += [
            f"| {_dated(b, f.source)} | {escape_md(f.actor)} | {f.tone} | {escape_md(f.frame)}{_voice(f.voice, f.said_by)} | “{escape_md(f.quote.text)}” |"
            for f in b.framing
        ]
    else:
        out.append("*No framing by source (see Notes).*")
    out += _stance_table(b, refs)

    out += ["", "## Corroborated", ""]
    out.append("*Facts reported by two or more sources, each in its own words.*")
    out.append("")
    if not b.corroborated:
        out.append("*No fact is reported by more than one source.*")
    published = (
        {x.ref: x.date for x in b.sources} if b.corroborated else {}
    )  # once, not per fact: a story's view holds every source of the run
    for c in b.corroborated:
        when = (
            _when(c.date, c.date_basis, _published(c.sources, published))
            if c.basis == "timeline"
            else _CORROBORATION_TAG[c.basis]
        )
        out.append(f"- {when} {escape_md(c.description)} — *corroborated by {c.count} sources* {cite(c.sources)}")
        for a in c.accounts:
            own = f"*{escape_md(a.description)}* " if a.description != c.description else ""
            out.append(
                f"  - {cite([a.source])} {own}{_voice(a.voice, a.said_by, lead=False)}“{escape_md(a.quote.text)}”"
            )
    return out


def _side_when(side, *, short: bool = False) -> str:
    """A side's place in time: its own date (inferred marked), else 'reported on <publication>'."""
    if side.date is not None and side.date_basis != "publication":
        return date_label(side.date, side.date_basis)
    return f"reported on {side.published}" if side.published else "date unknown"


def _divergence(b: Briefing, d) -> list[str]:
    """One divergence: how the sides relate in time, then each side with its date, voice and quote."""
    own_dated = any(s.date is not None and s.date_basis != "publication" for s in d.sides)
    if d.kind == "change_over_time":
        latest = ", ".join(f"{cite([s.source])} {_side_when(s)}" for s in d.sides if s.source in d.latest)
        how = f"change over time; latest: {latest}"
    else:
        undated = [s.source for s in d.sides if s.published is None and not (s.date and s.date_basis != "publication")]
        dates = sorted({str(s.published) for s in d.sides if s.published})
        if undated:
            how = f"accounts differ (neither is later: publication date unknown for {cite(undated)})"
        elif own_dated:
            how = "accounts differ (neither is later: their dates do not order them)"
        else:
            how = (
                f"accounts differ (neither is later: both published {dates[0]})"
                if len(dates) == 1
                else "accounts differ (neither is later)"
            )
    basis = " · *from opposite stances*" if d.basis == "stances" else ""
    out = [f"- **{escape_md(d.topic)}** — {how} {cite(d.sources)}{basis}"]
    for i, side in enumerate(d.sides):
        mark = ""
        if d.kind == "change_over_time":
            side_undated = side.date is None or side.date_basis == "publication"
            if side.source in d.latest:
                mark = " (latest)"
            elif i == 0:
                mark = " (earliest)"
            elif side_undated and own_dated:
                mark = " (no date given: not a later development)"
            else:
                mark = " (later)"
        out.append(
            f"  - {_side_when(side)} {cite([side.source])}{mark} {escape_md(side.claim)}{_voice(side.voice, side.said_by)} “{escape_md(side.quote.text)}”"
        )
    return out


def _stance_table(b: Briefing, refs: Sequence[int] | None = None) -> list[str]:
    """Source x actor (rows: the sources `refs`, default all): each holder's position toward the actor, as the source reports it."""
    if not b.stance_table:
        return []
    reach: dict[str, set[int]] = {}
    for cell in b.stance_table:
        reach.setdefault(cell.actor, set()).add(cell.source)
    actors = sorted(reach, key=lambda a: (-len(reach[a]), a))
    shown, rest = actors[:STANCE_TABLE_ACTORS], actors[STANCE_TABLE_ACTORS:]
    out = ["", "**Stances toward the main actors, by source** (holder: position, from *Who stands where*)", ""]
    out += ["| Source | " + " | ".join(escape_md(a) for a in shown) + " |", "|---" * (len(shown) + 1) + "|"]
    rows = b.sources if refs is None else [b.source(r) for r in refs]
    own = own_voices(rows)  # the table's sources only: a story's view holds every source of the run
    by_cell: dict[tuple[int, str], list[StanceCell]] = {}  # (source, actor) -> its cells, in table order
    for c in b.stance_table:
        by_cell.setdefault((c.source, c.actor), []).append(c)
    for src in rows:
        cells = [
            "; ".join(f"{_cell_holder(c, own)}: {c.position}" for c in by_cell.get((src.ref, actor), ())) or "–"
            for actor in shown
        ]
        out.append(f"| {_dated(b, src.ref)} | " + " | ".join(cells) + " |")
    if rest:
        out += ["", f"*Also targeted, see Who stands where: {', '.join(escape_md(a) for a in rest)}.*"]
    return out


def _voice(voice: str, said_by: str | None, holder: str | None = None, *, lead: bool = True) -> str:
    """' (per X)' after a statement (or 'per X: ' before a quote) when someone other than the outlet says it."""
    label = "" if voice == "source" else voice_label(voice, said_by, holder)
    if not label:
        return ""
    return f" *({escape_md(label)})*" if lead else f"*({escape_md(label)})* "


def _when(date: str | None, basis: str | None, published: dt.date | None = None) -> str:
    """'**2025-03-04**', '**2025-03** *(inferred)*', or '**undated** *(reported on 2025-03-09)*': the date stays one bold token."""
    if date is None or basis == "publication":
        return f"**undated** *(reported on {published})*" if published else "**undated**"
    return f"**{date}** *(inferred)*" if basis == "inferred" else f"**{date}**"


def _published(refs: Sequence[int], published: dict[int, dt.date | None] | None) -> dt.date | None:
    dates = [d for r in refs if (d := (published or {}).get(r)) is not None]
    return min(dates) if dates else None


def render_timeline_entry(
    e: TimelineEntry, mark: str = "", published: dict[int, dt.date | None] | None = None, *, by_day: bool = False
) -> list[str]:
    """One timeline entry and, beneath it, each source's own account (date, wording, voice, quote).

    Inferred dates say so; an event no source dates reads 'undated; reported on <first publication>',
    or with `by_day` (a briefing's chronology, where it sits at that day) 'by <first publication>'.
    """
    day = _published(e.sources, published)
    if e.after:
        when = f"**after {e.after}**" + (" *(inferred)*" if e.date_basis == "inferred" else "")
    elif by_day and day and (e.date is None or e.date_basis == "publication"):
        when = f"**by {day}**"
    else:
        when = _when(e.date, e.date_basis, day)
    out = [f"- {when} {escape_md(e.description)} {cite(e.sources)}{mark}"]
    for a in e.accounts:
        differs = (a.date, a.date_basis) != (e.date, e.date_basis) and len(e.accounts) > 1
        dated = (
            f"({date_label(a.date, a.date_basis).replace(' (inferred)', ', inferred,')} in this source) "
            if differs
            else ""
        )
        own = f"*{escape_md(a.description)}* " if a.description != e.description else ""
        out.append(
            f"  - {cite([a.source])} {dated}{own}{_voice(a.voice, a.said_by, lead=False)}“{escape_md(a.quote.text)}”"
        )
    return out


_CORROBORATION_TAG = {
    "stances": "**stance**",
    "analysis": "**comparison**",
}  # one holder's same position; paired by the model's comparison


def own_voices(sources: Sequence[Source]) -> dict[int, str]:
    """Source number -> the holder name its own-voice stances carry (the outlet's name, else the file's name),
    which shows as a name a reader knows (`labels.outlet_name`: the outlet, else '<Language>-language source')."""
    return {s.ref: OwnVoice(s.outlet or s.file.replace("\\", "/").rsplit("/", 1)[-1], outlet_name(s)) for s in sources}


def _holder(s: StanceRow | StanceCell, own: dict[int, str]) -> str:
    """The holder cell: '<outlet or file> (the outlet itself)', or the holder and who says it ('per the outlet' when it is the outlet)."""
    if s.voice == "source":
        mine = own.get(s.source)
        return (
            f"{escape_md(getattr(mine, 'shown', s.holder))} *(the outlet itself)*"
            if mine == s.holder
            else f"{escape_md(s.holder)} *(per the outlet)*"
        )
    return escape_md(s.holder) + _voice(s.voice, s.said_by, s.holder)


def _cell_holder(c: StanceCell, own: dict[int, str]) -> str:
    """A holder in the source x actor table: 'the outlet itself', or the holder and who says it."""
    return "*the outlet itself*" if c.voice == "source" and own.get(c.source) == c.holder else _holder(c, own)


def render_stances(
    stances: Sequence[StanceRow], dates: dict[int, dt.date | None] | None = None, own: dict[int, str] | None = None
) -> list[str]:
    """The 'Who stands where' section: a table (holder and who says it), then the evidence quote of each row."""
    out = ["", "## Who stands where", ""]
    if not stances:
        return out + ["*No verified stances.*"]
    own = own or {}
    out += ["| Holder | Toward | Position | Gist | Source |", "|---|---|---|---|---|"]
    for s in stances:
        when = f" {(dates or {}).get(s.source) or ''}".rstrip()
        said = (
            f" *(said {date_label(s.date, s.date_basis)})*"
            if s.date is not None and s.date_basis != "publication"
            else ""
        )
        out.append(
            f"| {_holder(s, own)} | {escape_md(s.target)} | {s.position} | {escape_md(s.gist)}{said} | {cite([s.source])}{when} |"
        )
    out += ["", "<details><summary>Evidence for each stance</summary>", ""]
    out += [
        f"- {_holder(s, own)} → {escape_md(s.target)}: “{escape_md(s.quote.text)}” {cite([s.source])}" for s in stances
    ]
    return out + ["", "</details>"]


def render_actors(actors: Sequence[MergedActor]) -> list[str]:
    """The 'Actors' section: merged names, kinds, roles and the names as each source writes them."""
    out = ["", "## Actors", ""]
    for a in actors:
        names = ", ".join(escape_md(n) for n in a.names_in_sources)
        roles = "; ".join(escape_md(r) for r in a.roles[:3])
        out.append(
            f"- **{escape_md(a.name)}** ({a.kind}{', ' + roles if roles else ''}) — as written: {names} {cite(a.sources)}"
        )
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


def endpoint_label(meta: BriefingMeta | DigestMeta) -> str:
    """Where the answers came from, for a header line: an endpoint URL or the recordings used."""
    if meta.endpoint.startswith("replay:"):
        return "recorded responses (" + meta.endpoint.removeprefix("replay:") + ")"
    if getattr(meta, "cache_hits", 0) and not getattr(meta, "llm_requests", 1) and not getattr(meta, "replayed", 0):
        return f"the cache (every answer from an earlier run; nothing sent to {meta.endpoint})"
    return meta.endpoint
