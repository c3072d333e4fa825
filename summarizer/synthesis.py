"""The executive summary: one LLM call over the merged briefs (never the raw articles), cached.

The model sees only numbered, grounding-checked briefs and must cite their numbers. Citations
are checked twice: by the response model's validator (so the model is re-asked) and again
here, so a paragraph whose citations still do not resolve is dropped, never shown.
"""

from __future__ import annotations

from .cache import BriefCache, cache_key
from .config import Settings
from .errors import AuthError, LLMError, ModelNotFoundError
from .llm import LLMClient
from .prompts import load_prompt, schema_hash, short_hash
from .replay import RequestKey
from .schemas import Briefing, ExecutiveSummary, Note, SummaryParagraph

__all__ = ["summary_input", "write_summary"]


def summary_input(briefing: Briefing, brief_summaries: dict[int, str]) -> str:
    """The numbered briefs as the summary prompt shows them: only items that passed grounding."""
    blocks = []
    for src in briefing.sources:
        head = f"[{src.ref}] published {src.date or 'date unknown'} · language {src.language} · {src.headline}"
        body = [f"Summary: {brief_summaries[src.ref]}"] if src.ref in brief_summaries else []
        body += [f"Event ({a.date or 'undated'}): {a.description}" for e in briefing.timeline for a in e.accounts if a.source == src.ref]
        body += [f"Stance: {s.holder} on {s.target} ({s.position}): {s.gist}" for s in briefing.stances if s.source == src.ref]
        blocks.append("\n".join([head, *body]))
    return "\n\n".join(blocks)


async def write_summary(
    briefing: Briefing, brief_summaries: dict[int, str], settings: Settings, client: LLMClient, cache: BriefCache,
) -> tuple[list[SummaryParagraph], list[Note], dict[str, int], bool]:
    """(paragraphs, notes, usage, from_cache) for the briefing's executive summary."""
    if not briefing.sources:
        return [], [], {}, False
    refs = [s.ref for s in briefing.sources]
    prompt = load_prompt("summary")
    messages = prompt.render(briefs=summary_input(briefing, brief_summaries).replace("</briefs", "<\\/briefs"), source_numbers=", ".join(map(str, refs)))
    subject = short_hash(messages[1]["content"], 16)
    shash = schema_hash(ExecutiveSummary)
    ckey = cache_key("summary", namespace=settings.namespace, model=settings.model, prompt_hash=prompt.hash, schema_hash=shash, subject=subject)
    cached = cache.get(ckey, ExecutiveSummary)
    usage: dict[str, int] = {}
    if cached is not None:
        result, from_cache = cached, True
    else:
        key = RequestKey("summary", subject, settings.mode, prompt.hash, shash, label=f"summary-{subject[:8]}")
        try:
            done = await client.complete(ExecutiveSummary, messages, key=key, context={"valid_sources": refs})
        except (AuthError, ModelNotFoundError):
            raise
        except LLMError as exc:
            return [], [Note(kind="failed", message=f"executive summary not written: {exc}")], exc.usage, False
        result, usage, from_cache = done.value, done.usage, False
        cache.set(ckey, result)
    kept, notes = [], []
    for paragraph in result.paragraphs:
        bad = sorted(set(paragraph.sources) - set(refs))
        if bad or not paragraph.sources:
            notes.append(Note(kind="unverified", message=f"summary paragraph dropped, its citations {bad or '[]'} do not resolve: {paragraph.text[:120]}"))
        else:
            kept.append(paragraph)
    return kept, notes, usage, from_cache

