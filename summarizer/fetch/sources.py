"""What `brief fetch FEED...` was given, as feed URLs: a URL, a text file of URLs, or an OPML export.

A text file holds one URL a line; blank lines and lines starting with '#' are skipped. An OPML file
(any feed reader's export) is read for every `<outline xmlUrl=...>`. Anything else is a usage
error naming the argument and the fix (FetchError): nothing has been fetched yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import FetchError

__all__ = ["feed_urls", "is_url"]

SCHEMES = ("http", "https")


def is_url(text: str) -> bool:
    """True for an http(s) URL with a host."""
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def feed_urls(args: Sequence[str]) -> list[str]:
    """The feed URLs named by `args` (URLs, URL lists, OPML files), each once, in order."""
    found: list[str] = []
    for arg in args:
        found.extend(_urls_of(arg))
    if not found:
        raise FetchError("no feed URLs given; pass a feed URL, a text file with one URL a line, or an OPML export")
    return list(dict.fromkeys(found))


def _urls_of(arg: str) -> list[str]:
    if is_url(arg):
        return [arg.strip()]
    if "://" in arg:
        scheme = arg.split("://", 1)[0]
        raise FetchError(
            f"{arg}: only http:// and https:// feeds can be fetched, not {scheme}://; give the feed's web address"
        )
    path = Path(arg)
    if not path.is_file():
        raise FetchError(
            f"{arg}: neither a feed URL nor a file; give an http(s) URL, a text file of URLs or an OPML file"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{arg}: cannot read ({exc.strerror or exc}); check the file's permissions") from None
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<opml")) or b"<opml" in head:
        return _opml_urls(arg, data)
    return _list_urls(arg, data)


def _opml_urls(arg: str, data: bytes) -> list[str]:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise FetchError(
            f"{arg}: not a readable OPML file ({exc}); export the subscriptions from your feed reader again"
        ) from None
    urls = [u.strip() for u in root.xpath("//outline/@xmlUrl | //outline/@xmlurl") if isinstance(u, str)]
    good = [u for u in urls if is_url(u)]
    if not good:
        raise FetchError(
            f'{arg}: an OPML file with no <outline xmlUrl="http..."> feeds; export the subscriptions from your feed reader again'
        )
    return good


def _list_urls(arg: str, data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(f"{arg}: not a UTF-8 text file of feed URLs; save it as UTF-8 with one URL a line") from None
    urls = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise FetchError(
                f"{arg}, line {number}: {line[:80]!r} is not an http(s) URL; one feed URL a line ('#' starts a comment)"
            )
        urls.append(line)
    if not urls:
        raise FetchError(f"{arg}: no feed URLs in this file; write one http(s) feed URL a line")
    return urls
