"""Text helpers of `brief fetch`: HTML fragments to plain text, page bytes to str, file-name slugs."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["html_to_text", "decode_page", "slugify"]

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article", "pre"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block (paragraph, heading, list item)."""
    if "<" not in fragment:
        return _entities(fragment).strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk; junk has no text worth keeping
        return ""
    for bad in root.xpath(".//script | .//style | .//noscript"):
        bad.drop_tree()
    text = "".join(_walk(root))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _walk(node) -> list[str]:
    out: list[str] = []
    if isinstance(node.tag, str) and node.tag in _BLOCKS:
        out.append("\n")
    if node.text:
        out.append(node.text)
    for child in node:
        if isinstance(child.tag, str):
            out.extend(_walk(child))
        if child.tail:
            out.append(child.tail)
    if isinstance(node.tag, str) and node.tag in _BLOCKS:
        out.append("\n")
    return out


def _entities(text: str) -> str:
    import html

    return html.unescape(text)


def decode_page(data: bytes, content_type: str = "") -> str:
    """Page bytes as text: the charset the server names, else the page's <meta charset>, else UTF-8, else a guess."""
    for match in (_HEADER_CHARSET.search(content_type), _META_CHARSET.search(data[:4096])):
        if match:
            found = match.group(1)  # text from the header, bytes from the page
            name = found if isinstance(found, str) else found.decode("ascii", "replace")
            try:
                return data.decode(name)
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def slugify(title: str, limit: int = 60) -> str:
    """A file-name-safe slug of a headline in any script: 'Київ: нова лінія метро' -> 'київ-нова-лінія-метро'."""
    text = unicodedata.normalize("NFC", title).casefold()
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0] or text[:limit]
    return text or "article"
