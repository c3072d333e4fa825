"""Untrusted text (from articles or the model) made safe for inline Markdown: it cannot open HTML tags,
links, images, emphasis or tables, and otherwise reads as written."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["escape_md"]

_MD_SPECIAL = re.compile(r"([\\`*\[\]|~])")
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword underscores are never emphasis
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:(?=\S)")  # a scheme, not prose like "empty file: ..."
# a code span the text has (no pipe: it would split a table cell), or a URL (up to a space, pipe, backtick or angle bracket)
_CODE_OR_URL = re.compile(r"""(`[^`|]+`|(?i:\b(?:https?|ftp)://)[^\s|`<>\[\]]*[^\s|`<>\[\]).,;:!?'"])""")


@lru_cache(maxsize=1 << 13)
def escape_md(text: str) -> str:
    """Escape untrusted text for inline Markdown: no HTML, links, images, emphasis or table breaks.

    Only what would change the Markdown's meaning is escaped, so the text reads as written: an
    underscore inside a word (`OPENAI_BASE_URL`) is no emphasis and stays; a URL becomes a code span
    (shown, never clickable); a `code span` the text already has stays one. Remembered: a briefing
    repeats names, quotes and claims in several sections.
    """
    text = " ".join(text.split())
    out = []
    for n, part in enumerate(_CODE_OR_URL.split(text)):
        if n % 2 == 0:
            out.append(_escape_plain(part, at_start=n == 0))
        elif part.startswith("`"):
            out.append(part if not _SCHEME.search(part) else _escape_plain(part, at_start=False))
        else:
            out.append(f"`{part}`")
    return "".join(out)


def _escape_plain(text: str, *, at_start: bool) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _LOOSE_UNDERSCORE.sub(r"\\_", text)  # an underscore that could open or close emphasis
    if at_start and text.startswith("#"):
        text = "\\" + text
    if ":" in text:
        text = _SCHEME.sub(lambda m: f"{m.group(1)}&#58;", text)
    return text
