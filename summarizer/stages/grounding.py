"""Check every evidence quote of a brief against the article it came from."""

from __future__ import annotations

from ..models import ArticleBrief, GroundingReport
from ..models.evidence import normalize, quote_in_source

__all__ = ["GroundingReport", "verify_brief"]


def verify_brief(brief: ArticleBrief, source: str) -> GroundingReport:
    """Check every stance and event quote of `brief` against the article text."""
    haystack = normalize(source)
    return GroundingReport(
        stances=tuple(quote_in_source(s.evidence, source, normalized_source=haystack) for s in brief.stances),
        events=tuple(quote_in_source(e.evidence, source, normalized_source=haystack) for e in brief.events),
    )
