"""`fetch_feeds`: feeds -> new entries -> pages -> article files, one library call for the CLI.

Each feed is fetched with a conditional GET; each entry not seen before (by GUID or URL) is
read from the feed when it carries the whole text, else its page is fetched (robots.txt
permitting) and its article extracted. A text already stored under another URL is recorded
under that URL too, not written again. Every failure is one `Problem` naming the feed or URL
and why; the run goes on. A feed's ETag is kept only once all its entries are in, so entries
that failed are tried again by the next run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BriefError, FetchFailed
from ..models.results import Outcome
from ..ingest.articles import FETCH_DATED, content_id
from .addresses import AddressPolicy
from .dates import article_day
from .feeds import Entry, parse_feed
from .http import Fetcher
from .robots import Robots
from .store import Store
from .text import slugify

__all__ = ["FetchOptions", "FetchRun", "Problem", "fetch_feeds", "article_text"]

EventCallback = Callable[[str], None]


@dataclass
class FetchOptions:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    per_host: int = 2
    delay: float = 1.0
    allow_networks: tuple = ()  # ipaddress networks allowed although not public
    tz: dt.tzinfo | None = None
    tasks: int = 16  # entries in progress at once, across hosts


@dataclass(frozen=True)
class Problem:
    where: str  # the feed or page URL
    reason: str


@dataclass
class FetchRun:
    written: list[Path] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (URL, the file already holding its text)
    problems: list[Problem] = field(default_factory=list)  # failures: exit 2
    skipped: list[Problem] = field(default_factory=list)  # left alone on purpose (robots.txt, refused address)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # feeds answering 304
    seen: int = 0  # entries already handled by earlier runs
    pages: int = 0  # article pages downloaded
    requests: int = 0

    @property
    def outcome(self) -> Outcome:
        return Outcome.PARTIAL if self.problems else Outcome.COMPLETE


def article_text(day: dt.date, url: str, title: str, body: str, *, fetch_dated: bool = False) -> str:
    """An article file as brief reads it: ' date YYYY-MM-DD URL headline', a blank line, the text.

    `fetch_dated`: the date is only the day of the fetch, marked `[date: fetched]` after the URL
    (brief notes it with the source)."""
    headline = " ".join(title.split())
    mark = f" {FETCH_DATED}" if fetch_dated else ""
    return f" date {day.isoformat()} {url}{mark} {headline}".rstrip() + "\n\n" + body.strip() + "\n"


def fetch_feeds(
    feeds: Sequence[str], out: Path, options: FetchOptions | None = None, *, on_event: EventCallback | None = None
) -> FetchRun:
    """Fetch every feed in `feeds` into `out`; see the module docstring."""
    return asyncio.run(_fetch(list(feeds), Path(out), options or FetchOptions(), on_event or (lambda _: None)))


async def _fetch(feeds: list[str], out: Path, options: FetchOptions, on_event: EventCallback) -> FetchRun:
    store = Store(out)
    fetcher = Fetcher(
        AddressPolicy(options.allow_networks),
        timeout=options.timeout,
        max_bytes=options.max_bytes,
        max_redirects=options.max_redirects,
        per_host=options.per_host,
        delay=options.delay,
    )
    job = _Job(store, fetcher, Robots(fetcher), options, on_event)
    try:
        await asyncio.gather(*(job.feed(url) for url in feeds))
    finally:
        job.run.requests = fetcher.requests
        await fetcher.aclose()
        store.save_feeds()
        store.close()
    return job.run


class _Job:
    def __init__(
        self, store: Store, fetcher: Fetcher, robots: Robots, options: FetchOptions, on_event: EventCallback
    ) -> None:
        self.store, self.fetcher, self.robots, self.options, self.say = store, fetcher, robots, options, on_event
        self.run = FetchRun()
        self.slots = asyncio.Semaphore(options.tasks)
        self.now = dt.datetime.now(dt.UTC)

    async def feed(self, url: str) -> None:
        state = self.store.feeds.get(url, {})
        headers = {
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
        }
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        try:
            response = await self.fetcher.get(url, headers=headers)
            if response.status == 304:
                self.run.unchanged.append(url)
                self.say(f"{url}: not modified since the last fetch")
                return
            if response.status != 200:
                raise FetchFailed(_http_reason(response.status, "feed"))
            parsed = await asyncio.to_thread(parse_feed, response.content, response.headers.get("content-type", ""))
        except BriefError as exc:
            self.run.problems.append(Problem(url, str(exc)))
            return
        for warning in parsed.warnings:
            self.run.warnings.append(Problem(url, warning))
        if not parsed.entries:
            self.run.warnings.append(Problem(url, "empty feed: no entries with a link or text; nothing to fetch"))
        new = [e for e in parsed.entries if not self.store.seen(e.guid, e.link)]
        self.run.seen += len(parsed.entries) - len(new)
        self.say(f"{url}: {len(parsed.entries)} entries, {len(new)} new")
        results = await asyncio.gather(*(self.entry(url, e) for e in new))
        self.store.feeds[url] = (
            {
                k: v
                for k, v in (
                    ("etag", response.headers.get("etag")),
                    ("last_modified", response.headers.get("last-modified")),
                )
                if v
            }
            if all(results)
            else {}
        )

    async def entry(self, feed: str, entry: Entry) -> bool:
        """Handle one new entry; True when it is done for good (written, a duplicate, or left alone on purpose)."""
        async with self.slots:
            where = entry.link or f"{feed} (entry {entry.guid})"
            try:
                return await self._entry(feed, entry)
            except BriefError as exc:
                from ..errors import FetchRefused

                if isinstance(exc, FetchRefused):
                    self.run.skipped.append(Problem(where, str(exc)))
                    return True
                self.run.problems.append(Problem(where, str(exc)))
                return False

    async def _entry(self, feed: str, entry: Entry) -> bool:
        page_date = None
        if entry.full_text:
            text, title, canonical = entry.full_text, entry.title, entry.link or feed
        else:
            refusal = await self.robots.disallowed(entry.link)
            if refusal is not None:
                self.run.skipped.append(Problem(entry.link, refusal))
                return True
            response = await self.fetcher.get(
                entry.link, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
            )
            if response.status != 200:
                raise FetchFailed(_http_reason(response.status, "page"))
            kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
            if kind and "html" not in kind and not kind.startswith("text/"):
                raise FetchFailed(f"not a web page ({kind}); brief reads HTML articles only")
            self.run.pages += 1
            from .extract import extract_page

            page = await asyncio.to_thread(
                extract_page, response.content, response.url, response.headers.get("content-type", "")
            )
            text, title, canonical, page_date = page.text, entry.title or page.title, page.canonical, page.date
        record = {"guid": entry.guid, "url": entry.link, "canonical": canonical, "feed": feed}
        if canonical != entry.link and canonical in self.store.urls:
            self._duplicate(record, self.store.urls[canonical])
            return True
        digest = content_id(text)
        record["hash"] = digest
        if digest in self.store.hashes:
            self._duplicate(record, self.store.hashes[digest])
            return True
        dated = article_day(entry.published, page_date, self.now, self.options.tz)
        domain = _outlet(canonical) or _outlet(feed) or "unknown"
        path = self.store.write_article(
            domain,
            dated.day.isoformat(),
            slugify(title or text[:80]),
            article_text(dated.day, canonical, title, text, fetch_dated=dated.source == "fetched"),
        )
        self.store.remember(
            {
                **record,
                "path": path.as_posix(),
                "day": dated.day.isoformat(),
                "dated_by": dated.source,
                **({"date_note": dated.note} if dated.note else {}),
                "fetched": self.now.isoformat(timespec="seconds"),
            }
        )
        self.run.written.append(path)
        if dated.note:
            self.run.warnings.append(Problem(canonical, dated.note))
        self.say(f"wrote {path.as_posix()}")
        return True

    def _duplicate(self, record: dict, path: str) -> None:
        self.store.remember(
            {**record, "path": path, "duplicate": True, "fetched": self.now.isoformat(timespec="seconds")}
        )
        self.run.duplicates.append((record["url"] or record["canonical"], path))
        self.say(f"{record['url']}: same article as {path}; stored once, listed under both URLs")


def _outlet(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _http_reason(status: int, what: str) -> str:
    if status == 404:
        return f"HTTP 404 not found; the {what} moved or was removed, check the URL"
    if status in (401, 403):
        return f"HTTP {status}: the server refuses brief (login or bot block); skip this {what}"
    if status == 429:
        return "HTTP 429 too many requests; rerun later (raise --delay)"
    if status >= 500:
        return f"HTTP {status} server error; the outlet's server is failing, rerun later"
    return f"HTTP {status}; expected 200, check the URL"
