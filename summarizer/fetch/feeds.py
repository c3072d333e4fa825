"""A feed document -> its entries: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed with json.

What is not a usable feed raises FetchFailed with a reason naming the fix: an HTML page (with
the feed link it advertises, if any), XML too broken to yield an entry, a JSON document that is
not a JSON Feed. Malformed XML that still yields entries is read, with a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import FetchFailed
from .text import html_to_text

__all__ = ["Entry", "Feed", "parse_feed", "parse_time", "FULL_TEXT_CHARS"]

FULL_TEXT_CHARS = 300  # an entry whose content (not its summary) has this much text carries the article: no page fetch


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    published: dt.datetime | None = None  # with the offset the feed gave, when it gave one
    full_text: str = ""  # the article, when the feed carries it whole
    language: str = ""


@dataclass
class Feed:
    title: str
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)


def parse_time(raw: str | None) -> dt.datetime | None:
    """An RFC 822 or ISO 8601 time, keeping its UTC offset (naive times are taken as UTC); None if unreadable."""
    if not raw:
        return None
    raw = raw.strip()
    value: dt.datetime | None = None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        try:
            value = dt.datetime.fromisoformat(raw.replace("z", "Z"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def parse_feed(data: bytes, content_type: str = "") -> Feed:
    """The entries of a feed document."""
    head = data[:512].lstrip()
    if head.startswith(b"{") or "json" in content_type.lower():
        return _json_feed(data)
    return _xml_feed(data, content_type)


def _xml_feed(data: bytes, content_type: str) -> Feed:
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-type": content_type or "application/xml"})
    looks_html = re.search(rb"<html[\s>]", data[:4096], re.IGNORECASE) is not None
    if not parsed.entries and (looks_html and not parsed.version):
        alternate = re.search(rb"""<link[^>]+type=["']application/(?:rss|atom)\+xml["'][^>]*>""", data, re.IGNORECASE)
        href = re.search(rb"""href=["']([^"']+)""", alternate.group(0)) if alternate else None
        hint = (
            f"the page names its feed: {href.group(1).decode('utf-8', 'replace')}"
            if href
            else "find the feed's own URL (often /rss or /feed)"
        )
        raise FetchFailed(f"an HTML page, not a feed; {hint}")
    language = str(parsed.feed.get("language") or "")
    entries = [e for e in (_xml_entry(e, language) for e in parsed.entries) if e.link or e.full_text]
    problem = getattr(parsed, "bozo_exception", None)
    if parsed.bozo and not entries:
        if parsed.version:
            raise FetchFailed(
                f"malformed XML ({problem}) with no readable entry; the outlet's feed is broken, try again later"
            )
        raise FetchFailed(f"not a feed: malformed XML or not XML at all ({problem}); check the feed URL")
    warnings = []
    if parsed.bozo:
        warnings.append(f"malformed XML ({problem}); read the {len(entries)} entries before the break")
    return Feed(str(parsed.feed.get("title") or ""), entries, warnings)


def _xml_entry(e: Any, language: str) -> Entry:
    link = str(e.get("link") or "")
    guid = str(e.get("id") or e.get("guid") or link)
    published = parse_time(e.get("published") or e.get("updated") or e.get("created"))
    if published is None:
        for key in ("published_parsed", "updated_parsed"):
            if e.get(key):
                published = dt.datetime(*e[key][:6], tzinfo=dt.UTC)  # type: ignore[misc]  # a struct_time's first six fields: year to second
                break
    full = ""
    for content in e.get("content") or []:
        text = html_to_text(str(content.get("value") or ""))
        if len(text) >= FULL_TEXT_CHARS and len(text) > len(full):
            full = text
    return Entry(
        guid=guid, link=link, title=_clean_title(e.get("title")), published=published, full_text=full, language=language
    )


def _json_feed(data: bytes) -> Feed:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchFailed(f"not a feed: broken JSON ({exc}); check the feed URL") from None
    if (
        not isinstance(doc, dict)
        or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/")
        or not isinstance(doc.get("items"), list)
    ):
        raise FetchFailed(
            "JSON, but not a JSON Feed (no 'version': 'https://jsonfeed.org/version/...' and 'items'); check the feed URL"
        )
    language = str(doc.get("language") or "")
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        text = str(item.get("content_text") or "") or html_to_text(str(item.get("content_html") or ""))
        entries.append(
            Entry(
                guid=str(item.get("id") or link),
                link=link,
                title=_clean_title(item.get("title")),
                published=parse_time(item.get("date_published") or item.get("date_modified")),
                full_text=text.strip() if len(text.strip()) >= FULL_TEXT_CHARS else "",
                language=str(item.get("language") or language),
            )
        )
    return Feed(str(doc.get("title") or ""), [e for e in entries if e.link or e.full_text])


def _clean_title(title: object) -> str:
    return " ".join(html_to_text(str(title or "")).split())
