"""The contract: pydantic models for articles, the model's answers, briefings and digests.

Docstrings and field descriptions of the response models (`ArticleBrief`, `ExecutiveSummary`,
`CrossSourceAnalysis`) are sent to the model as instructions. JSON Schema files in `schemas/`
are generated from these classes (`brief schemas export`), never edited by hand.

- `article`: an article as read from disk (the input)
- `evidence`: what counts as a verbatim quote of a source
- `brief`, `responses`, `comparison`: what the model answers (per article; the summary across articles; the comparison)
- `briefing`, `digest`: what brief writes
- `results`: what a run records per article (outcome, cache entry, tallies)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..util.lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .article import Article
    from .base import SCHEMA_VERSION, VALIDATION_CONTEXT, validation_context
    from .brief import Actor, ArticleBrief, Event, Stance
    from .briefing import (
        Account,
        Briefing,
        BriefingMeta,
        Corroboration,
        Divergence,
        DivergenceSide,
        FramingRow,
        MergedActor,
        Note,
        Quote,
        Source,
        StoryBriefing,
        StanceCell,
        StanceRow,
        TimelineEntry,
    )
    from .digest import DIGEST_VERSION, Digest, DigestMeta, DigestStory, EarlierEvent, NewEvent, StanceShift
    from .comparison import ClaimSide, CrossSourceAnalysis, DivergenceClaim, FramingClaim
    from .responses import ExecutiveSummary, KeyDevelopment, SummaryParagraph
    from .results import BriefResult, CachedAnswer, CachedBrief, GroundingReport, Outcome, RunStats

__all__ = [
    "SCHEMA_VERSION",
    "VALIDATION_CONTEXT",
    "validation_context",
    "Article",
    "Actor",
    "Stance",
    "Event",
    "ArticleBrief",
    "SummaryParagraph",
    "KeyDevelopment",
    "ExecutiveSummary",
    "ClaimSide",
    "DivergenceClaim",
    "FramingClaim",
    "CrossSourceAnalysis",
    "Source",
    "Quote",
    "Account",
    "TimelineEntry",
    "MergedActor",
    "StanceRow",
    "Note",
    "DivergenceSide",
    "Divergence",
    "FramingRow",
    "StanceCell",
    "Corroboration",
    "BriefingMeta",
    "StoryBriefing",
    "Briefing",
    "DIGEST_VERSION",
    "NewEvent",
    "EarlierEvent",
    "StanceShift",
    "DigestMeta",
    "DigestStory",
    "Digest",
    "BriefResult",
    "CachedAnswer",
    "CachedBrief",
    "GroundingReport",
    "Outcome",
    "RunStats",
]

# Names are loaded from their module on first use: a run imports the briefing and digest models
# only when it gets to them, not before its first request.
_HOME = {
    **dict.fromkeys(["Article"], "article"),
    **dict.fromkeys(["SCHEMA_VERSION", "VALIDATION_CONTEXT", "validation_context"], "base"),
    **dict.fromkeys(["Actor", "ArticleBrief", "Event", "Stance"], "brief"),
    **dict.fromkeys(
        [
            "Account",
            "Briefing",
            "BriefingMeta",
            "Corroboration",
            "Divergence",
            "DivergenceSide",
            "FramingRow",
            "MergedActor",
            "Note",
            "Quote",
            "Source",
            "StoryBriefing",
            "StanceCell",
            "StanceRow",
            "TimelineEntry",
        ],
        "briefing",
    ),
    **dict.fromkeys(
        ["DIGEST_VERSION", "Digest", "DigestMeta", "DigestStory", "EarlierEvent", "NewEvent", "StanceShift"], "digest"
    ),
    **dict.fromkeys(["ClaimSide", "CrossSourceAnalysis", "DivergenceClaim", "FramingClaim"], "comparison"),
    **dict.fromkeys(["ExecutiveSummary", "KeyDevelopment", "SummaryParagraph"], "responses"),
    **dict.fromkeys(
        ["BriefResult", "CachedAnswer", "CachedBrief", "GroundingReport", "Outcome", "RunStats"], "results"
    ),
}


__getattr__, __dir__ = lazy_exports(__name__, _HOME, __all__)
