"""`brief fetch`: RSS, Atom and JSON feeds -> dated article files with their URLs, politely and safely.

sources (what FEED arguments name) -> http (the one HTTP path: limits, redirects, address checks
in `addresses`) -> feeds (entries) -> robots -> extract (the article in a page) -> dates -> store
(the output folder and what earlier runs saw); `run` ties them together.
"""

from __future__ import annotations

__all__ = ["FetchOptions", "FetchRun", "Problem", "fetch_feeds", "feed_urls"]


def __getattr__(name: str):
    if name in ("FetchOptions", "FetchRun", "Problem", "fetch_feeds"):
        from . import run

        return getattr(run, name)
    if name == "feed_urls":
        from .sources import feed_urls

        return feed_urls
    raise AttributeError(name)
