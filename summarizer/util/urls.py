"""Redis URLs as settings and cache both need them: recognised, masked for display, their password found for redaction.

Plain string functions with no dependency, so `config` can check a URL without importing the cache.
"""

from __future__ import annotations

__all__ = ["SCHEMES", "is_redis_url", "masked_url", "url_password"]

SCHEMES = ("redis://", "rediss://", "unix://")


def is_redis_url(value: str) -> bool:
    return value.strip().lower().startswith(SCHEMES)


def masked_url(url: str) -> str:
    """`redis://user:secret@host:6379/0` -> `redis://user:****@host:6379/0` (also a `?password=` query)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, sep, _ = userinfo.partition(":")
        netloc = f"{user}:****@{host}" if sep else f"****@{host}"
    query = urlencode(
        [(k, "****" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def url_password(url: str) -> str | None:
    """The password in a Redis URL (userinfo or `?password=`), for redaction."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.password:
        return unquote(parts.password)
    if "@" in parts.netloc and ":" not in parts.netloc.rsplit("@", 1)[0]:
        return unquote(parts.netloc.rsplit("@", 1)[0]) or None  # redis://secret@host: the userinfo is the password
    found = parse_qs(parts.query).get("password")
    return found[0] if found else None
