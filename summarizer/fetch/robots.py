"""robots.txt, read once per site and run: which article pages brief may fetch.

The rules for the user agent `brief` apply (else those for `*`), and its Crawl-delay (at most
30 s) when longer than `--delay`. As RFC 9309 says: a robots.txt
that is missing (4xx) allows everything; one that cannot be fetched (5xx, timeout) disallows the
site for this run. A refusal names the rule that made it.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote, unquote, urlsplit
from urllib.robotparser import RobotFileParser

from ..errors import BriefError
from .http import Fetcher, host_key

__all__ = ["Robots", "AGENT"]

AGENT = "brief"
MAX_ROBOTS_BYTES = 500_000  # RFC 9309: at least 500 KiB must be parsed
MAX_CRAWL_DELAY = 30.0  # a longer Crawl-delay is taken as this many seconds


class Robots:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._sites: dict[str, asyncio.Task[RobotFileParser | str]] = {}

    async def disallowed(self, url: str) -> str | None:
        """Why robots.txt forbids fetching `url` (the rule, in one line), or None when it allows it."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._sites:
            self._sites[site] = asyncio.ensure_future(self._load(site))
        rules = await self._sites[site]
        if isinstance(rules, str):
            return rules
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        if rules.can_fetch(AGENT, url):
            return None
        return f"{site}/robots.txt disallows it ({_rule(rules, quote(unquote(path)))}); brief does not fetch pages a site asks robots to leave alone"

    async def _load(self, site: str) -> RobotFileParser | str:
        parser = RobotFileParser(f"{site}/robots.txt")
        try:
            response = await self.fetcher.get(f"{site}/robots.txt", max_bytes=MAX_ROBOTS_BYTES)
        except BriefError as exc:
            return f"{site}/robots.txt could not be read ({exc}), so the site is left alone this run; rerun later"
        if response.status >= 500:
            return f"{site}/robots.txt answered HTTP {response.status}, so the site is left alone this run; rerun later"
        if response.status >= 400:
            parser.allow_all = True  # type: ignore[attr-defined]  # RobotFileParser's own flag, missing from typeshed
            return parser
        parser.parse(response.content.decode("utf-8", errors="replace").splitlines())
        asked = parser.crawl_delay(AGENT)
        if asked:
            key = host_key(site)
            self.fetcher.host_delay[key] = max(self.fetcher.delay, min(float(asked), MAX_CRAWL_DELAY))
        return parser


def _rule(parser: RobotFileParser, path: str) -> str:
    """The Disallow line that matches `path` for brief's agent, as written in robots.txt."""
    if parser.disallow_all:  # type: ignore[attr-defined]  # RobotFileParser's own flag, missing from typeshed
        return "it disallows everything"
    entries = [e for e in parser.entries if e.applies_to(AGENT)] or (  # type: ignore[attr-defined]  # parsed rules, missing from typeshed
        [parser.default_entry] if parser.default_entry else []  # type: ignore[attr-defined]  # parsed rules, missing from typeshed
    )
    for entry in entries:
        for line in entry.rulelines:
            if not line.allowance and line.applies_to(path):
                return f"Disallow: {line.path}"
    return "a Disallow rule"
