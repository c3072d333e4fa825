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

from typing import TYPE_CHECKING

from .util.lazy import lazy_exports

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
    "render_html",
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
    "load_articles": "ingest.articles",
    "ArticleSet": "ingest.articles",
    "Rejection": "ingest.articles",
    "summarize_articles": "stages.summarize",
    "summarize_articles_async": "stages.summarize",
    "BriefResult": "models",
    "merge_briefs": "stages.merge",
    "render_markdown": "render.markdown",
    "render_json": "render.markdown",
    "render_html": "render.html",
    "Settings": "config.settings",
    "resolve_settings": "config.settings",
    "bundled_fixtures_dir": "config.settings",
    "PROVIDERS": "config.providers",
    "check_endpoint": "llm.check",
    "SCHEMA_VERSION": "models",
    "Article": "models",
    "ArticleBrief": "models",
    "Briefing": "models",
    "BriefingMeta": "models",
    "TimelineEntry": "models",
    "MergedActor": "models",
    "StanceRow": "models",
    "Source": "models",
    "Note": "models",
    **{name: "errors" for name in __all__ if name.endswith("Error")},
}

if TYPE_CHECKING:  # pragma: no cover
    from .ingest.articles import ArticleSet, Rejection, load_articles
    from .llm.check import check_endpoint
    from .config.settings import Settings, bundled_fixtures_dir, resolve_settings
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
    from .stages.merge import merge_briefs
    from .pipeline import BriefingRun, build_briefing, build_briefing_async
    from .config.providers import PROVIDERS
    from .render.html import render_html
    from .render.markdown import render_json, render_markdown
    from .models import (
        SCHEMA_VERSION,
        Article,
        ArticleBrief,
        Briefing,
        BriefingMeta,
        BriefResult,
        MergedActor,
        Note,
        Source,
        StanceRow,
        TimelineEntry,
    )
    from .stages.summarize import summarize_articles, summarize_articles_async


__getattr__, __dir__ = lazy_exports(__name__, _HOME, __all__)
