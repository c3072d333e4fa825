"""The quotes a briefing shows, found however deep they sit (stories included), and counted once each."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import get_args

from pydantic import BaseModel

from ..models import Briefing, Quote
from ..models.evidence import normalize

__all__ = ["iter_quotes", "quote_counts"]


def _reaches_quote(annotation: object, seen: frozenset[type] = frozenset()) -> bool:
    """A value of this type can hold a Quote (itself, in a list, or in a model's fields however deep)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return issubclass(annotation, Quote) or (
            annotation not in seen and bool(_quote_fields(annotation, seen | {annotation}))
        )
    return any(_reaches_quote(arg, seen) for arg in get_args(annotation))


@cache
def _quote_fields(cls: type[BaseModel], seen: frozenset[type] = frozenset()) -> tuple[str, ...]:
    """The fields of `cls` whose values can hold a Quote: the only ones worth a look (text, numbers, dates never do)."""
    return tuple(name for name, info in cls.model_fields.items() if _reaches_quote(info.annotation, seen | {cls}))


def _collect_quotes(value: object, out: list[Quote]) -> None:
    if isinstance(value, Quote):
        out.append(value)
    elif isinstance(value, BaseModel):
        for name in _quote_fields(type(value)):
            _collect_quotes(getattr(value, name), out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, (str, int)):
                _collect_quotes(item, out)


def iter_quotes(value: object) -> Iterator[Quote]:
    """Every Quote in a model, however deep (stories included)."""
    out: list[Quote] = []
    _collect_quotes(value, out)
    return iter(out)


def quote_counts(b: Briefing) -> tuple[int, int]:
    """(verified, all): the distinct evidence quotes the briefing holds (a quote shown in several sections counts once)."""
    seen: dict[tuple[int, str], bool] = {}
    normalized: dict[str, str] = {}  # a quote is shown in several sections: normalised once
    for q in iter_quotes(b):
        text = normalized.get(q.text)
        if text is None:
            text = normalized[q.text] = normalize(q.text)
        key = (q.source, text)
        seen[key] = seen.get(key, False) or q.verified
    return sum(seen.values()), len(seen)
