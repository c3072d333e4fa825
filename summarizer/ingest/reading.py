"""Reading the articles for a run: all at once, or streamed to the summarize stage as they are read.

A streamed run sends its first article while the rest are still being read: `ArticleStream`
yields each new article as soon as it is read and its language known (from the cache, else
detected, see ingest/languages.py), with the same rejections and duplicates as `load_articles`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from ..cache import Cache
from ..cache.base import LANGUAGE_PREFIX
from ..models import Article
from .articles import ArticleReader, ArticleSet, detect_language, load_articles, undetected
from .languages import Languages

__all__ = ["ArticleStream", "read_articles"]


def _language_key(article_id: str) -> str:
    return f"{LANGUAGE_PREFIX}{article_id}"


def read_articles(
    paths: Sequence[str | Path], cache: Cache, *, detect: Callable[[str], bool] | None = None
) -> ArticleSet:
    """Load articles, remembering detected languages in the cache (the detector is slow to load).

    With `detect`, only articles whose id it accepts get their language detected (the others 'und').
    """

    def language_of(article_id: str, text: str) -> str:
        if detect is not None and not detect(article_id):
            return "und"
        key = _language_key(article_id)
        known = cache.get_text(key)
        if known is None:
            known = detect_language(text)
            cache.set_text(key, known)
        return known

    return load_articles(paths, language_of=language_of)


class ArticleStream:
    """The new articles under `paths`, as an async iterator: each one as soon as it is read.

    Bad arguments raise ArticleError here, before anything is read or sent. Only articles that
    `wanted` accepts are yielded and get a language (the others stay 'und', as with
    `read_articles(detect=...)`); `loaded` holds every article read and every rejection, complete
    once the iteration has ended, when `on_read` is called. `on_detect(article)` is called once,
    just before the first language that is not in the cache is detected: the detector then loads
    its model (in a child process where possible) while the caller loads what the first request needs.
    """

    def __init__(
        self,
        paths: Sequence[str | Path],
        cache: Cache,
        *,
        wanted: Callable[[Article], bool] | None = None,
        on_detect: Callable[[Article], None] | None = None,
        on_read: Callable[[], None] | None = None,
        fork: bool | None = None,
    ) -> None:
        self._reader = ArticleReader(paths)
        self.loaded = self._reader.loaded
        self.articles: list[Article] = []  # the ones yielded, in order
        self.cache, self.wanted, self.on_detect, self.on_read, self.fork = cache, wanted, on_detect, on_read, fork

    async def __aiter__(self) -> AsyncIterator[Article]:
        languages: Languages | None = None
        files = self._reader.files
        try:
            for index, (path, display) in enumerate(files):
                article = self._reader.read(path, display, language_of=undetected)
                if article is None or (self.wanted is not None and not self.wanted(article)):
                    continue
                key = _language_key(article.id)
                language = self.cache.get_text(key)
                if language is None:
                    if languages is None:
                        languages = await Languages.start(files[index:], self.wanted, fork=self.fork)
                        if self.on_detect is not None:
                            self.on_detect(article)
                    language = await languages.of(article)
                    self.cache.set_text(key, language)
                article.language = language
                self.articles.append(article)
                yield article
                await asyncio.sleep(0)  # the consumer starts on it before the next file is read
        finally:
            if languages is not None:
                languages.close()
        if self.on_read is not None:
            self.on_read()
