"""An article page -> its main text, headline, date, language and canonical URL (trafilatura).

A page with too little text (a paywall teaser, a page built by script) raises FetchFailed naming
it, rather than becoming an article of menus and cookie notices.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from typing import Any

from ..errors import FetchFailed
from .text import decode_page

__all__ = ["Page", "extract_page", "MIN_TEXT_CHARS"]

MIN_TEXT_CHARS = 200  # less main text than this is not an article (paywall, script-only page)
_LANG = re.compile(r"""<html[^>]*\slang=["']?([A-Za-z]{2,3})""", re.IGNORECASE)
_CANONICAL = re.compile(r"""<link[^>]+rel=["']canonical["'][^>]*>""", re.IGNORECASE)
_HREF = re.compile(r"""href=["']([^"']+)""", re.IGNORECASE)


@dataclass
class Page:
    text: str
    title: str
    date: dt.date | None
    language: str
    canonical: str


def extract_page(data: bytes, url: str, content_type: str = "") -> Page:
    """Extract the article in an HTML page fetched from `url`."""
    import trafilatura

    html = decode_page(data, content_type)
    doc: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )  # a Document (a dict only with as_dict=True)
    text = (doc.text or "") if doc is not None else ""
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise FetchFailed(
            f"no article text found on the page ({len(text.strip())} characters of main text: a paywall, "
            "or a page built by script); open it in a browser, or skip it"
        )
    title = " ".join((doc.title or "").split())
    lines = text.strip().split("\n")
    if title and lines and " ".join(lines[0].split()) == title:  # trafilatura repeats the headline as the first line
        lines = lines[1:]
    date = None
    if doc.date:
        try:
            date = dt.date.fromisoformat(doc.date[:10])
        except ValueError:
            date = None
    lang = _LANG.search(html[:4096])
    return Page(
        text="\n".join(lines).strip(),
        title=title,
        date=date,
        language=(lang.group(1).lower() if lang else (doc.language or "")),
        canonical=_canonical(html, url),
    )


def _canonical(html: str, url: str) -> str:
    """The page's <link rel=canonical> made absolute, else the URL it was fetched from.

    Only a canonical URL on the page's own site counts (www., m. and amp. aside): a page cannot
    make its article pass for another outlet's.
    """
    tag = _CANONICAL.search(html[:200_000])
    href = _HREF.search(tag.group(0)) if tag else None
    if href:
        absolute = urljoin(url, href.group(1).strip())
        if absolute.lower().startswith(("http://", "https://")) and _site(absolute) == _site(url):
            return absolute
    return url


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host
