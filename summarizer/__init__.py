"""brief as a library: summarize articles in-process and use the same pydantic models.

    from summarizer import Settings, build_briefing, bundled_fixtures_dir

    briefing = build_briefing(["seeds/"], Settings(replay_dir=bundled_fixtures_dir())).briefing
    for entry in briefing.timeline:
        print(entry.date, entry.description, entry.sources)

Names are loaded on first use, so `import summarizer` stays cheap: openai and instructor are
imported only when a request is actually made. The models carry `SCHEMA_VERSION` (major.minor):
a minor bump only adds optional fields; a major bump renames, removes or retypes one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    # the pipeline
    "build_briefing",
    "build_briefing_async",
    "BriefingRun",
    "load_articles",
    "ArticleSet",
    "Rejection",
    "summarize_articles",
    "summarize_articles_async",
    "BriefResult",
    "merge_briefs",
    "render_markdown",
    "render_json",
    # settings
    "Settings",
    "resolve_settings",
    "bundled_fixtures_dir",
    "PROVIDERS",
    "check_endpoint",
    # models (schemas/*.schema.json are generated from these)
    "SCHEMA_VERSION",
    "Article",
    "ArticleBrief",
    "Briefing",
    "BriefingMeta",
    "TimelineEntry",
    "MergedActor",
    "StanceRow",
    "Source",
    "Note",
    # errors
    "BriefError",
    "ConfigError",
    "ArticleError",
    "PromptError",
    "LLMError",
    "AuthError",
    "ModelNotFoundError",
    "ReplayMissError",
    "CacheError",
]

_HOME = {
    "build_briefing": "pipeline",
    "build_briefing_async": "pipeline",
    "BriefingRun": "pipeline",
    "load_articles": "articles",
    "ArticleSet": "articles",
    "Rejection": "articles",
    "summarize_articles": "summarize",
    "summarize_articles_async": "summarize",
    "BriefResult": "summarize",
    "merge_briefs": "merge",
    "render_markdown": "render",
    "render_json": "render",
    "Settings": "config",
    "resolve_settings": "config",
    "bundled_fixtures_dir": "config",
    "PROVIDERS": "providers",
    "check_endpoint": "check",
    "SCHEMA_VERSION": "schemas",
    "Article": "schemas",
    "ArticleBrief": "schemas",
    "Briefing": "schemas",
    "BriefingMeta": "schemas",
    "TimelineEntry": "schemas",
    "MergedActor": "schemas",
    "StanceRow": "schemas",
    "Source": "schemas",
    "Note": "schemas",
    **{name: "errors" for name in __all__ if name.endswith("Error")},
}

if TYPE_CHECKING:  # pragma: no cover
    from .articles import ArticleSet, Rejection, load_articles
    from .check import check_endpoint
    from .config import Settings, bundled_fixtures_dir, resolve_settings
    from .errors import (
        ArticleError,
        AuthError,
        BriefError,
        CacheError,
        ConfigError,
        LLMError,
        ModelNotFoundError,
        PromptError,
        ReplayMissError,
    )
    from .merge import merge_briefs
    from .pipeline import BriefingRun, build_briefing, build_briefing_async
    from .providers import PROVIDERS
    from .render import render_json, render_markdown
    from .schemas import (
        SCHEMA_VERSION,
        Article,
        ArticleBrief,
        Briefing,
        BriefingMeta,
        MergedActor,
        Note,
        Source,
        StanceRow,
        TimelineEntry,
    )
    from .summarize import BriefResult, summarize_articles, summarize_articles_async


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
