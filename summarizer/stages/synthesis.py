"""The executive summary: written from the merged briefs (never the raw articles), cached.

The model sees only numbered, grounding-checked briefs and must cite their numbers. Citations
are checked twice: by the response model's validator (so the model is re-asked) and again
here, so a paragraph whose citations still do not resolve is dropped, never shown.

Up to `CHUNK_SIZE` sources it is one call. Beyond that the context per call stays bounded: the
sources are summarised in groups of `CHUNK_SIZE` (concurrently), then the groups' paragraphs,
each led by the source numbers it cites, are summarised again, `CHUNK_SIZE` groups per call,
until one call remains. Every level may cite only source numbers its input cites, so the final
citations still resolve to real sources.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..util.aio import gather_or_cancel
from ..cache import Cache, cache_key
from ..config.settings import Settings
from ..llm.cost import Budget
from .ask import Question, ask
from ..llm.client import LLMClient
from ..llm.prompts import load_prompt, schema_hash, short_hash
from ..llm.replay import RequestKey
from ..models import Briefing, ExecutiveSummary, Note, SummaryParagraph
from .matching import escape_closing_tag
from ..models.attribution import voice_note, when_note

__all__ = ["CHUNK_SIZE", "SummaryOutcome", "summary_input", "summary_messages", "write_summary"]

CHUNK_SIZE = 25  # sources (or group summaries) per summary call



_Index = tuple[dict[int, list[str]], dict[int, list[str]]]


def _index(briefing: Briefing) -> _Index:
    """Each source's event and stance lines, in one pass over the timeline and the stances."""
    events: dict[int, list[str]] = defaultdict(list)
    for e in briefing.timeline:
        for a in e.accounts:
            events[a.source].append(f"Event ({when_note(a.date, a.date_basis)}{voice_note(a.voice, a.said_by)}): {a.description}")
    stances: dict[int, list[str]] = defaultdict(list)
    for s in briefing.stances:
        stances[s.source].append(f"Stance: {s.holder} on {s.target} ({s.position}{voice_note(s.voice, s.said_by, s.holder)}): {s.gist}")
    return events, stances


def summary_input(briefing: Briefing, brief_summaries: dict[int, str], refs: Sequence[int] | None = None, *, index: _Index | None = None) -> str:
    """The numbered briefs (all, or those in `refs`) as the summary prompt shows them: only items that passed grounding."""
    events, stances = index or _index(briefing)
    wanted = None if refs is None else set(refs)
    blocks = []
    for src in briefing.sources:
        if wanted is not None and src.ref not in wanted:
            continue
        head = f"[{src.ref}] published {src.date or 'date unknown'} · language {src.language} · {src.headline}"
        body = [f"Summary: {brief_summaries[src.ref]}"] if src.ref in brief_summaries else []
        blocks.append("\n".join([head, *body, *events[src.ref], *stances[src.ref]]))
    return "\n\n".join(blocks)


def _fence(text: str) -> str:
    return escape_closing_tag(text, "briefs")


def summary_messages(
    briefing: Briefing, brief_summaries: dict[int, str], refs: Sequence[int] | None = None, *, index: _Index | None = None,
) -> list[dict[str, str]]:
    """The chat messages of a summary call over all sources (or `refs`); brief text cannot close the <briefs> fence (any case)."""
    numbers = [s.ref for s in briefing.sources] if refs is None else list(refs)
    text = summary_input(briefing, brief_summaries, refs, index=index)
    return load_prompt("summary").render(briefs=_fence(text), source_numbers=", ".join(map(str, numbers)))


def _span(numbers: Sequence[int]) -> str:
    """'1-25, 27, 30-31' for a list of source numbers."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


@dataclass
class _Part:
    """The summary of a group of sources: its paragraphs, each citing real source numbers."""

    refs: list[int]
    dates: tuple[str, str] | None
    paragraphs: list[SummaryParagraph]


def _parts_messages(parts: Sequence[_Part]) -> tuple[list[dict[str, str]], list[int]]:
    """Messages summarising group summaries: each paragraph is led by the source numbers it cites."""
    blocks, cited = [], set()
    for part in parts:
        when = f", published {part.dates[0]} to {part.dates[1]}" if part.dates else ""
        lines = [f"Sources {_span(part.refs)}{when}, summarised:"]
        for p in part.paragraphs:
            lines.append("".join(f"[{n}]" for n in p.sources) + " " + " ".join(p.text.split()))
            cited.update(p.sources)
        blocks.append("\n".join(lines))
    valid = sorted(cited)
    return load_prompt("summary").render(briefs=_fence("\n\n".join(blocks)), source_numbers=", ".join(map(str, valid))), valid


@dataclass
class _Tally:
    notes: list[Note] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    not_written: list[str] = field(default_factory=list)  # parts that could not be written, each also a "failed" note

    def failed(self, what: str, why: str) -> None:
        self.not_written.append(what)
        self.notes.append(Note(kind="failed", message=f"{what} not written: {why}"))

    def outcome(self, paragraphs: list[SummaryParagraph] | None) -> SummaryOutcome:
        return SummaryOutcome(paragraphs or [], self.notes, self.usage, self.cached, self.not_written)


class SummaryOutcome(NamedTuple):
    """The executive summary and what writing it took."""

    paragraphs: list[SummaryParagraph]
    notes: list[Note]
    usage: dict[str, int]
    cached: int  # calls answered from the cache
    not_written: list[str] = []  # parts that could not be written (also in `notes` as "failed")


async def _ask(
    messages: list[dict[str, str]], valid: list[int], what: str, settings: Settings, client: LLMClient, cache: Cache,
    budget: Budget | None, tally: _Tally,
) -> list[SummaryParagraph] | None:
    """One summary call (cached): its paragraphs whose citations resolve, or None when it could not be written."""
    prompt = load_prompt("summary")
    subject = short_hash(messages[1]["content"], 16)
    shash = schema_hash(ExecutiveSummary)
    ckey = cache_key("summary", namespace=settings.namespace, model=settings.model, prompt_hash=prompt.hash, schema_hash=shash, subject=subject)
    key = RequestKey("summary", subject, settings.mode, prompt.hash, shash, label=f"summary-{subject[:8]}")
    answer = await ask(Question(ExecutiveSummary, messages, ckey, key, what=what, context={"valid_sources": valid}), settings, client, cache, budget)
    _add(tally.usage, answer.usage)
    tally.cached += answer.from_cache
    if answer.refused is not None:
        tally.failed(what, f"the budget ({budget.describe() if budget else ''}) would be exceeded; rerun with a larger budget")
        return None
    if answer.value is None:
        tally.failed(what, str(answer.error))
        return None
    tally.notes += [Note(kind="unverified" if " left out: " in text else "info", message=f"{what}: {text}") for text in answer.notes]
    kept = []
    for paragraph in answer.value.paragraphs:  # checked again: the cache may hold an answer read without the context
        bad = sorted(set(paragraph.sources) - set(valid))
        if bad or not paragraph.sources:
            tally.notes.append(Note(kind="unverified", message=f"summary paragraph dropped, its citations {bad or '[]'} do not resolve: {paragraph.text[:120]}"))
        else:
            kept.append(paragraph)
    return kept


def _add(total: dict[str, int], usage: dict[str, int]) -> None:
    for name, value in usage.items():
        total[name] = total.get(name, 0) + value


async def write_summary(
    briefing: Briefing, brief_summaries: dict[int, str], settings: Settings, client: LLMClient, cache: Cache,
    *, budget: Budget | None = None, chunk_size: int = CHUNK_SIZE,
) -> SummaryOutcome:
    """The briefing's executive summary: paragraphs, notes, usage, calls answered from the cache, parts not written."""
    if not briefing.sources:
        return SummaryOutcome([], [], {}, 0)
    if len(briefing.sources) == 1:  # nothing to synthesise: the one grounded brief is the summary
        ref = briefing.sources[0].ref
        return SummaryOutcome([SummaryParagraph(text=brief_summaries[ref], sources=[ref])] if ref in brief_summaries else [], [], {}, 0)
    tally = _Tally()
    refs = [s.ref for s in briefing.sources]
    chunk_size = max(2, chunk_size)  # each round must shrink the number of parts
    if len(refs) <= chunk_size:
        kept = await _ask(summary_messages(briefing, brief_summaries), refs, "executive summary", settings, client, cache, budget, tally)
        return tally.outcome(kept)
    gate = asyncio.Semaphore(settings.concurrency)
    dates = {s.ref: s.date.isoformat() for s in briefing.sources if s.date}

    async def part(group: list[int], messages: list[dict[str, str]], valid: list[int], what: str) -> _Part | None:
        async with gate:
            kept = await _ask(messages, valid, what, settings, client, cache, budget, tally)
        known = sorted(dates[r] for r in group if r in dates)
        return _Part(group, (known[0], known[-1]) if known else None, kept) if kept else None

    groups = [refs[i : i + chunk_size] for i in range(0, len(refs), chunk_size)]
    index = _index(briefing)
    parts = await gather_or_cancel([part(g, summary_messages(briefing, brief_summaries, g, index=index), g, f"executive summary of sources {_span(g)}") for g in groups])
    parts = [p for p in parts if p is not None]
    while len(parts) > chunk_size:
        batches = [parts[i : i + chunk_size] for i in range(0, len(parts), chunk_size)]
        calls = []
        for batch in batches:
            messages, valid = _parts_messages(batch)
            group = [r for p in batch for r in p.refs]
            calls.append(part(group, messages, valid, f"executive summary of sources {_span(group)}"))
        parts = [p for p in await gather_or_cancel(calls) if p is not None]
    if not parts:
        return tally.outcome(None)
    messages, valid = _parts_messages(parts)
    kept = await _ask(messages, valid, "executive summary", settings, client, cache, budget, tally)
    return tally.outcome(kept)
