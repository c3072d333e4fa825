"""Cross-source analysis: where the sources agree, where they conflict, and how each frames the actors.

The deterministic parts come first (`agreement`: corroborations, stance divergences, the stance
table; they rest only on what merge already verified). Then one LLM call (cached and recorded like the executive summary) over the numbered briefs
finds divergences on facts and each source's framing. Its answer is validated against the
response model with the source texts as context (so the model is re-asked), and checked again
here: a side or framing row whose source number or quote does not resolve is dropped and listed
in the notes, never shown. The publication dates, never the model, decide what is later.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..cache import cache_key
from ..config.settings import Settings
from ..llm.context import context_window, input_room, prompt_tokens
from ..errors import LLMError, ReplayMissError
from ..models.attribution import voice_note, when_note
from ..llm.ask import Question, ask
from ..llm.packing import Asker
from ..llm.run import RunContext
from ..llm.prompts import escape_closing_tag
from .claims import check_agreements, check_analysis, subsumed
from .agreement import (
    build_stance_table,
    find_corroborations,
    find_stance_divergences,
)
from ..llm.prompts import load_prompt, schema_hash, short_hash
from ..llm.replay import RequestKey
from ..models import (
    Briefing,
    Corroboration,
    CrossSourceAnalysis,
    Divergence,
    FramingRow,
    Note,
    StanceCell,
)

__all__ = [
    "AnalysisResult",
    "analysis_input",
    "analysis_key",
    "analysis_messages",
    "analyze_briefing",
    "analyze_deterministic",
    "article_lead",
    "check_agreements",
    "check_analysis",
]


COMPARISON = "model comparison (divergences on facts, framing by source)"


@dataclass
class AnalysisResult:
    """What the analysis adds to a briefing, plus what the LLM call cost."""

    divergences: list[Divergence] = field(default_factory=list)
    framing: list[FramingRow] = field(default_factory=list)
    stance_table: list[StanceCell] = field(default_factory=list)
    corroborated: list[Corroboration] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    from_cache: bool = False
    not_written: list[str] = field(default_factory=list)  # parts that could not be written (also a "failed" note)

    def failed(self, why: str) -> AnalysisResult:
        self.not_written.append(COMPARISON)
        self.notes.append(Note(kind="failed", message=f"{COMPARISON} not written: {why}"))
        return self

    def apply(self, briefing: Briefing) -> Briefing:
        """The briefing with the analysis sections filled in and its notes appended."""
        return briefing.model_copy(
            update={
                "divergences": self.divergences,
                "framing": self.framing,
                "stance_table": self.stance_table,
                "corroborated": self.corroborated,
                "notes": briefing.notes + self.notes,
            }
        )


def analyze_deterministic(b: Briefing) -> AnalysisResult:
    """Corroboration, stance changes and the stance table: no LLM involved."""
    if len(b.sources) < 2:
        return AnalysisResult()
    return AnalysisResult(
        divergences=find_stance_divergences(b), stance_table=build_stance_table(b), corroborated=find_corroborations(b)
    )


# --------------------------------------------------------------------------- the LLM part


LEAD_CHARS = 600


def article_lead(text: str, limit: int = LEAD_CHARS) -> str:
    """The article's opening (headline line and first paragraphs), verbatim, cut at a sentence end."""
    lead = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if line and len(lead) < limit // 2:
            lead = f"{lead} {line}".strip()
    if len(lead) <= limit:
        return lead
    cut = lead[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "), cut.rfind(".\u201d "), cut.rfind(".» "))
    return cut[: end + 1] if end >= limit // 3 else cut.rsplit(" ", 1)[0]


def analysis_input(b: Briefing, brief_summaries: dict[int, str], source_texts: dict[int, str] | None = None) -> str:
    """The numbered briefs with dates, each article's verbatim lead and every verified quote."""
    blocks = []
    by_source: dict[int, list] = defaultdict(list)  # one pass over the timeline, not one per source
    for e in b.timeline:
        for a in e.accounts:
            by_source[a.source].append(a)
    stances_of: dict[int, list] = defaultdict(list)
    for s in b.stances:
        stances_of[s.source].append(s)
    for src in b.sources:
        lines = [f"[{src.ref}] published {src.date or 'date unknown'} · language {src.language} · {src.headline}"]
        if source_texts and src.ref in source_texts:
            lines.append(f"Lead (verbatim): {article_lead(source_texts[src.ref])}")
        if src.ref in brief_summaries:
            lines.append(f"Summary: {brief_summaries[src.ref]}")
        accounts = sorted(by_source[src.ref], key=lambda a: (a.date is None, a.date or ""))
        for a in accounts:
            lines += [
                f"Event ({when_note(a.date, a.date_basis)}{voice_note(a.voice, a.said_by)}): {a.description}",
                f"  Quote: {a.quote.text}",
            ]
        for s in stances_of[src.ref]:
            if s.source == src.ref:
                lines += [
                    f"Stance: {s.holder} on {s.target} ({s.position}{voice_note(s.voice, s.said_by, s.holder)}): {s.gist}",
                    f"  Quote: {s.quote.text}",
                ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def analysis_messages(
    b: Briefing, brief_summaries: dict[int, str], source_texts: dict[int, str] | None = None
) -> list[dict[str, str]]:
    """The chat messages of the analysis call (briefs fenced as data)."""
    return load_prompt("analysis").render(
        briefs=escape_closing_tag(analysis_input(b, brief_summaries, source_texts), "briefs"),
        source_numbers=", ".join(str(s.ref) for s in b.sources),
    )


def analysis_key(messages: list[dict[str, str]], settings: Settings, label: str = "") -> tuple[str, RequestKey]:
    """(cache key, request key) of the analysis call: prompt hash + schema hash + input hash."""
    subject = short_hash(messages[1]["content"], 16)
    prompt, shash = load_prompt("analysis").hash, schema_hash(CrossSourceAnalysis)
    ckey = cache_key(
        "analysis",
        namespace=settings.namespace,
        model=settings.model,
        prompt_hash=prompt,
        schema_hash=shash,
        subject=subject,
    )
    return ckey, RequestKey("analysis", subject, settings.mode, prompt, shash, label=label or f"analysis-{subject[:8]}")


async def analyze_briefing(
    b: Briefing,
    source_texts: dict[int, str],
    brief_summaries: dict[int, str],
    run: RunContext,
    *,
    use_llm: bool = True,
    asker: Asker | None = None,
    written: Callable[[], Awaitable[None]] | None = None,
) -> AnalysisResult:
    """The deterministic analysis plus, for two or more sources, the checked LLM comparison (asked through `asker` if given,
    e.g. a `Packer`'s, which packs several stories' comparisons; then `written` waits until its requests are written).

    The request goes out first; the deterministic parts are worked out while it is on its way, once
    the requests started alongside it (other stories, the summary) have gone out too.
    """
    if len(b.sources) < 2 or not use_llm:
        return analyze_deterministic(b)
    settings, client, budget = run.settings, run.client, run.budget
    messages = analysis_messages(b, brief_summaries, source_texts)
    tokens, room = prompt_tokens(messages, CrossSourceAnalysis), input_room(settings)
    if tokens > room:
        await client.requests_written()
        out = analyze_deterministic(b)
        out.notes.append(
            Note(
                kind="info",
                message=(
                    f"model comparison skipped (divergences on facts, framing by source): the briefs of {len(b.sources)} sources "
                    f"(about {tokens:,} tokens) exceed what one call to {settings.model} may hold (about {room:,} of its "
                    f"{context_window(settings):,}-token context window); brief fewer articles at a time (e.g. per day with `brief digest`), "
                    "or set --context-window if the model reads more. Corroborated facts, stance changes and the stance table are shown."
                ),
            )
        )
        return out
    ckey, key = analysis_key(messages, settings)
    refs = [s.ref for s in b.sources]
    question = Question(
        CrossSourceAnalysis,
        messages,
        ckey,
        key,
        what="model comparison",
        context={"valid_sources": refs, "source_texts": source_texts},
    )
    asking = asyncio.ensure_future(asker(question) if asker is not None else ask(question, run))
    try:
        await (written() if written is not None else client.requests_written())
        out = analyze_deterministic(b)
        answer = await asking
    finally:
        asking.cancel()  # nothing when done; when this was cancelled or raised, the request too
    out.from_cache, out.usage = answer.from_cache, answer.usage
    if answer.refused is not None:
        return out.failed(
            f"the budget ({budget.describe() if budget else ''}) would be exceeded; rerun with a larger budget"
        )
    if answer.value is None:
        assert answer.error is not None
        return _not_written(out, answer.error)
    result = answer.value
    out.notes += [
        Note(kind="unverified" if " left out: " in text else "info", message=f"model comparison: {text}")
        for text in answer.notes
    ]
    divergences, out.framing, notes = check_analysis(result, b, source_texts)
    out.divergences = divergences + [d for d in out.divergences if not subsumed(d, divergences)]
    agreements, agreement_notes = check_agreements(result, b, source_texts, out.corroborated)
    out.corroborated += agreements
    out.notes += notes + agreement_notes
    return out


def _not_written(out: AnalysisResult, exc: LLMError) -> AnalysisResult:
    """The deterministic result with a note on why the model comparison is missing."""
    if isinstance(exc, ReplayMissError):
        out.notes.append(
            Note(
                kind="info",
                message=f"model comparison skipped (divergences on facts, framing by source): {str(exc).rstrip('.')}. Corroborated facts, stance changes and the stance table are shown.",
            )
        )
    else:
        out.usage = exc.usage
        out.failed(str(exc))
    return out
