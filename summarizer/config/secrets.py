"""Keys as they may be shown: masked ('sk-…7890'), and blanked out of any text a server echoes them in."""

from __future__ import annotations

import re

from pydantic import SecretStr

__all__ = ["mask_secret", "redact_key"]


def mask_secret(value: str | SecretStr | None) -> str:
    """'sk-proj-abcd…7890' -> 'sk-…7890'; short values become '********'; None -> '(none)'."""
    if value is None:
        return "(none)"
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    return f"{raw[:3]}…{raw[-4:]}" if len(raw) >= 16 else "********"


_KEYLIKE = re.compile(r"[A-Za-z0-9_\-*.]{8,}")


def redact_key(text: str, key: str | SecretStr | None, replacement: str | None = None) -> str:
    """`text` with the key replaced (by `mask_secret(key)` unless `replacement` is given), whether a
    server echoes it whole or half-masked as OpenAI does ('sk-proj-abc*********wxyz')."""
    raw = key.get_secret_value() if isinstance(key, SecretStr) else key
    if not raw or len(raw) < 6:
        return text
    shown = mask_secret(raw) if replacement is None else replacement

    def hide(match: re.Match[str]) -> str:
        token = match.group(0).rstrip(".")
        if raw in token:
            return match.group(0).replace(raw, shown)
        if "*" in token:
            head, tail = token.split("*", 1)[0], token.rsplit("*", 1)[1]
            if len(head) + len(tail) >= 4 and raw.startswith(head) and raw.endswith(tail):
                return shown + match.group(0)[len(token) :]
        return match.group(0)

    return _KEYLIKE.sub(hide, text.replace(raw, shown))
