"""The executive summary: written from the merged briefs (never the raw articles), cached.

The model sees only numbered, grounding-checked briefs and must cite their numbers. Citations
are checked twice: by the response model's validator (so the model is re-asked) and again
here, so a paragraph whose citations still do not resolve is dropped, never shown.

When every brief fits the model's input room (`llm.context.input_room`: its context window less
the output limit) it is one call. Beyond that the context per call stays bounded: the sources are
summarised in groups that fit (concurrently, groups of about equal size, in source order), then
the groups' paragraphs, each led by the source numbers it cites, are summarised again, as many
groups per call as fit, until one call remains. Every level may cite only source numbers its
input cites, so the final citations still resolve to real sources.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate
from dataclasses import dataclass, field
from typing import NamedTuple

from ..util.aio import gather_or_cancel
from ..cache import cache_key
from ..llm.context import input_room, prompt_tokens, text_tokens
from ..ingest.english import foreign_language, in_language
from ..llm.ask import Question, ask
from ..llm.packing import Asker
from ..llm.run import RunContext
from ..llm.prompts import load_prompt, schema_hash, short_hash
from ..llm.replay import RequestKey
from ..models import Briefing, ExecutiveSummary, KeyDevelopment, Note, Source, SummaryParagraph
from ..llm.prompts import escape_closing_tag
from ..models.attribution import voice_note, when_note

__all__ = ["SummaryOutcome", "summary_input", "summary_messages", "write_summary"]

_Index = tuple[dict[int, list[str]], dict[int, list[str]]]


def _index(briefing: Briefing) -> _Index:
    """Each source's event and stance lines, in one pass over the timeline and the stances."""
    events: dict[int, list[str]] = defaultdict(list)
    for e in briefing.timeline:
        for a in e.accounts:
            events[a.source].append(
                f"Event ({when_note(a.date, a.date_basis)}{voice_note(a.voice, a.said_by)}): {a.description}"
            )
    stances: dict[int, list[str]] = defaultdict(list)
    for s in briefing.stances:
        stances[s.source].append(
            f"Stance: {s.holder} on {s.target} ({s.position}{voice_note(s.voice, s.said_by, s.holder)}): {s.gist}"
        )
    return events, stances


def _source_block(src: Source, brief_summaries: dict[int, str], index: _Index) -> str:
    """One source as the summary prompt shows it: header, brief summary, grounded events and stances."""
    events, stances = index
    head = f"[{src.ref}] published {src.date or 'date unknown'} · language {src.language} · {src.headline}"
    body = [f"Summary: {brief_summaries[src.ref]}"] if src.ref in brief_summaries else []
    return "\n".join([head, *body, *events[src.ref], *stances[src.ref]])


def summary_input(
    briefing: Briefing,
    brief_summaries: dict[int, str],
    refs: Sequence[int] | None = None,
    *,
    index: _Index | None = None,
) -> str:
    """The numbered briefs (all, or those in `refs`) as the summary prompt shows them: only items that passed grounding."""
    index = index or _index(briefing)
    wanted = None if refs is None else set(refs)
    return "\n\n".join(
        _source_block(src, brief_summaries, index) for src in briefing.sources if wanted is None or src.ref in wanted
    )


def _fence(text: str) -> str:
    return escape_closing_tag(text, "briefs")


def summary_messages(
    briefing: Briefing,
    brief_summaries: dict[int, str],
    refs: Sequence[int] | None = None,
    *,
    index: _Index | None = None,
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
    answer: _Answer | None = None


def _part_block(part: _Part) -> str:
    """A group summary as the next level reads it: each paragraph led by the source numbers it cites."""
    when = f", published {part.dates[0]} to {part.dates[1]}" if part.dates else ""
    lines = [f"Sources {_span(part.refs)}{when}, summarised:"]
    lines += ["".join(f"[{n}]" for n in p.sources) + " " + " ".join(p.text.split()) for p in part.paragraphs]
    if part.answer is not None:
        lines += [
            "Key development "
            + "".join(f"[{n}]" for n in k.sources)
            + f" ({k.date or 'no date given'}) "
            + " ".join(k.text.split())
            for k in part.answer.key_developments
        ]
    return "\n".join(lines)


def _parts_messages(parts: Sequence[_Part]) -> tuple[list[dict[str, str]], list[int]]:
    """Messages summarising group summaries, and the source numbers they may cite."""
    valid = sorted(
        {n for part in parts for p in part.paragraphs for n in p.sources}
        | {n for part in parts if part.answer for k in part.answer.key_developments for n in k.sources}
    )
    text = "\n\n".join(_part_block(part) for part in parts)
    return load_prompt("summary").render(briefs=_fence(text), source_numbers=", ".join(map(str, valid))), valid


def _fixed_tokens() -> int:
    """Estimated tokens of a summary call without its briefs: the prompt's text and the answer's schema."""
    return prompt_tokens(load_prompt("summary").render(briefs="", source_numbers=""), ExecutiveSummary)


def _numbers_tokens(numbers: Sequence[int]) -> int:
    return text_tokens("".join(f"{n}, " for n in numbers))


def _groups(sizes: Sequence[int], room: int, *, at_least: int = 1) -> list[range]:
    """The fewest consecutive groups of items of about equal size, each within `room` tokens (unless it holds only `at_least` items)."""
    n, total = len(sizes), sum(sizes)
    prefix = [0, *accumulate(sizes)]
    for count in range(max(1, -(-total // room)), n // at_least + 1):
        cuts = [0]
        for j in range(1, count):  # cut where the running total is nearest j/count of the whole
            goal = total * j / count
            i = bisect_left(prefix, goal)
            if i > 0 and goal - prefix[i - 1] <= prefix[min(i, n)] - goal:
                i -= 1
            cuts.append(min(max(i, cuts[-1] + at_least), n - at_least * (count - j)))
        cuts.append(n)
        groups = [range(a, b) for a, b in zip(cuts, cuts[1:])]
        if all(len(g) <= at_least or prefix[g.stop] - prefix[g.start] <= room for g in groups):
            return groups
    groups = [
        range(i, min(i + at_least, n)) for i in range(0, n, at_least)
    ]  # as small as allowed; a short last group joins the one before
    if len(groups) > 1 and len(groups[-1]) < at_least:
        groups[-2:] = [range(groups[-2].start, n)]
    return groups


@dataclass
class _Tally:
    notes: list[Note] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    not_written: list[str] = field(default_factory=list)  # parts that could not be written, each also a "failed" note

    def failed(self, what: str, why: str) -> None:
        self.not_written.append(what)
        self.notes.append(Note(kind="failed", message=f"{what} not written: {why}"))

    def outcome(self, answer: _Answer | None) -> SummaryOutcome:
        if answer is None:
            return SummaryOutcome([], self.notes, self.usage, self.cached, self.not_written)
        return SummaryOutcome(
            answer.paragraphs,
            self.notes,
            self.usage,
            self.cached,
            self.not_written,
            answer.bottom_line,
            answer.key_developments,
        )


class _Answer(NamedTuple):
    """A summary call's parts whose citations resolve."""

    paragraphs: list[SummaryParagraph]
    bottom_line: SummaryParagraph | None = None
    key_developments: list[KeyDevelopment] = []


class SummaryOutcome(NamedTuple):
    """The executive summary and what writing it took."""

    paragraphs: list[SummaryParagraph]
    notes: list[Note]
    usage: dict[str, int]
    cached: int  # calls answered from the cache
    not_written: list[str] = []  # parts that could not be written (also in `notes` as "failed")
    bottom_line: SummaryParagraph | None = None  # the final call's bottom line
    key_developments: list[KeyDevelopment] = []  # the final call's key developments


async def _ask(
    messages: list[dict[str, str]],
    valid: list[int],
    what: str,
    run: RunContext,
    tally: _Tally,
    asker: Asker | None = None,
) -> _Answer | None:
    """One summary call (cached; through `asker` if given, e.g. a `Packer`'s): its parts whose citations resolve, or None when it could not be written."""
    settings, budget = run.settings, run.budget
    prompt = load_prompt("summary")
    subject = short_hash(messages[1]["content"], 16)
    shash = schema_hash(ExecutiveSummary)
    ckey = cache_key(
        "summary",
        namespace=settings.namespace,
        model=settings.model,
        prompt_hash=prompt.hash,
        schema_hash=shash,
        subject=subject,
    )
    key = RequestKey("summary", subject, settings.mode, prompt.hash, shash, label=f"summary-{subject[:8]}")
    question = Question(ExecutiveSummary, messages, ckey, key, what=what, context={"valid_sources": valid})
    answer = await (asker(question) if asker is not None else ask(question, run))
    _add(tally.usage, answer.usage)
    tally.cached += answer.from_cache
    if answer.refused is not None:
        tally.failed(
            what, f"the budget ({budget.describe() if budget else ''}) would be exceeded; rerun with a larger budget"
        )
        return None
    if answer.value is None:
        tally.failed(what, str(answer.error))
        return None
    tally.notes += [
        Note(kind="unverified" if " left out: " in text else "info", message=f"{what}: {text}") for text in answer.notes
    ]

    def resolves(
        item: SummaryParagraph, what: str
    ) -> bool:  # checked again: the cache may hold an answer read without the context
        bad = sorted(set(item.sources) - set(valid))
        language = foreign_language(item.text)
        if bad or not item.sources:
            tally.notes.append(
                Note(
                    kind="unverified",
                    message=f"{what} dropped, its citations {bad or '[]'} do not resolve: {item.text[:120]}",
                )
            )
            return False
        if language:
            tally.notes.append(
                Note(
                    kind="unverified",
                    message=f"{what} dropped, it is {in_language(language)}, not English: {item.text[:120]}",
                )
            )
            return False
        return True

    value = answer.value
    bottom = value.bottom_line if value.bottom_line is not None and resolves(value.bottom_line, "bottom line") else None
    keys = [k for k in value.key_developments if resolves(k, "key development")]
    return _Answer([p for p in value.paragraphs if resolves(p, "summary paragraph")], bottom, keys)


def _add(total: dict[str, int], usage: dict[str, int]) -> None:
    for name, value in usage.items():
        total[name] = total.get(name, 0) + value


async def write_summary(
    briefing: Briefing,
    brief_summaries: dict[int, str],
    run: RunContext,
    *,
    room: int | None = None,
    asker: Asker | None = None,
) -> SummaryOutcome:
    """The briefing's executive summary: paragraphs, notes, usage, calls answered from the cache, parts not written.

    `room`: estimated prompt tokens one call may hold (default: the model's, `llm.context.input_room`).
    `asker`: how its calls are asked (default `llm.ask.ask`; a `Packer`'s packs several stories' calls).
    """
    if not briefing.sources:
        return SummaryOutcome([], [], {}, 0)
    if len(briefing.sources) == 1:  # nothing to synthesise: the one grounded brief is the summary
        ref = briefing.sources[0].ref
        return SummaryOutcome(
            [SummaryParagraph(text=brief_summaries[ref], sources=[ref])] if ref in brief_summaries else [], [], {}, 0
        )
    tally = _Tally()
    index = _index(briefing)
    sources = briefing.sources
    space = max(
        1, (room if room is not None else input_room(run.settings)) - _fixed_tokens()
    )  # for the briefs and their numbers
    sizes = [
        text_tokens(_source_block(src, brief_summaries, index)) + _numbers_tokens([src.ref]) + 1 for src in sources
    ]
    if sum(sizes) <= space:
        kept = await _ask(
            summary_messages(briefing, brief_summaries, index=index),
            [s.ref for s in sources],
            "executive summary",
            run,
            tally,
            asker,
        )
        return tally.outcome(kept)
    gate = asyncio.Semaphore(run.settings.concurrency)
    dates = {s.ref: s.date.isoformat() for s in sources if s.date}

    async def part(group: list[int], messages: list[dict[str, str]], valid: list[int], what: str) -> _Part | None:
        async with gate:
            kept = await _ask(messages, valid, what, run, tally, asker)
        known = sorted(dates[r] for r in group if r in dates)
        return (
            _Part(group, (known[0], known[-1]) if known else None, kept.paragraphs, kept)
            if kept and kept.paragraphs
            else None
        )

    groups = [[sources[i].ref for i in g] for g in _groups(sizes, space)]
    parts = await gather_or_cancel(
        [
            part(
                g,
                summary_messages(briefing, brief_summaries, g, index=index),
                g,
                f"executive summary of sources {_span(g)}",
            )
            for g in groups
        ]
    )
    parts = [p for p in parts if p is not None]
    while True:
        sizes = [
            text_tokens(_part_block(p)) + _numbers_tokens(sorted({n for q in p.paragraphs for n in q.sources})) + 1
            for p in parts
        ]
        if len(parts) <= 1 or sum(sizes) <= space:
            break
        calls = []
        for g in _groups(sizes, space, at_least=2):  # two or more per call: every level has fewer parts
            batch = [parts[i] for i in g]
            messages, valid = _parts_messages(batch)
            group = [r for p in batch for r in p.refs]
            calls.append(part(group, messages, valid, f"executive summary of sources {_span(group)}"))
        parts = [p for p in await gather_or_cancel(calls) if p is not None]
    if not parts:
        return tally.outcome(None)
    if len(parts) == 1:  # one summary over every group already: asking again would only reword it
        return tally.outcome(parts[0].answer)
    messages, valid = _parts_messages(parts)
    kept = await _ask(messages, valid, "executive summary", run, tally, asker)
    return tally.outcome(kept)
