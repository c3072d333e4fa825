"""The model's answer over several briefs: the executive summary (the comparison's answer is `comparison.py`).

Docstrings and field descriptions are sent to the model as instructions, so they are written to it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from .base import ResponseModel as _Model, validation_context
from .lenient import Repairs, cap, keep_valid

__all__ = [
    "SummaryParagraph",
    "KeyDevelopment",
    "ExecutiveSummary",
]

MAX_PARAGRAPHS, MAX_DIVERGENCES, MAX_FRAMING, MAX_SIDES, MAX_KEY_DEVELOPMENTS = (
    6,
    10,
    20,
    6,
    6,
)  # longer lists are cut to these, with a note
MAX_AGREEMENTS = 6


def _source_number(value: Any) -> Any:
    """'[2]', '2', 'source 2', 2.0 -> 2; anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(?:sources?\s*)?\[?\s*(\d+)\s*\]?\s*", value, flags=re.IGNORECASE)
        if match:
            return int(match.group(1))
    return value


def _plain(value: Any) -> Any:
    """Models given as values (when built in code) as the dicts an answer would hold."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read(cls: type[_Model], data: Any, handler: Any, info: ValidationInfo, prepare: Any) -> Any:
    """Validate `data` after `prepare` normalized it and dropped failing items; keep the repairs on the result."""
    if not isinstance(data, dict):
        return handler(data)
    data = {k: _plain(v) for k, v in data.items()}
    repairs = Repairs()
    value = handler(prepare(dict(data), repairs, validation_context(info)))
    value._repairs = repairs
    return value


class SummaryParagraph(_Model):
    """One paragraph of the executive summary and the sources it rests on."""

    text: str = Field(
        description="A short English paragraph (2-4 sentences) synthesising the briefs. Only state what the cited briefs say."
    )
    sources: list[int] = Field(
        description="Numbers of the sources this paragraph rests on, e.g. [1, 3]. At least one.", min_length=1
    )

    @field_validator("sources", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        if isinstance(value, (int, str)):
            value = [value]
        return [_source_number(v) for v in value] if isinstance(value, list) else value

    @field_validator("sources")
    @classmethod
    def _sources_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        valid = validation_context(info).get("valid_sources")
        if valid is not None:
            bad = sorted(set(value) - set(valid))
            if bad:
                raise ValueError(f"sources {bad} do not exist; cite only numbers from {sorted(valid)}")
        return sorted(set(value))


_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


class KeyDevelopment(SummaryParagraph):
    """One key development: what happened, when, and the sources that report it."""

    text: str = Field(
        description="One plain sentence, at most 25 words: what happened (who did what). Only what the cited briefs say."
    )
    date: str | None = Field(
        default=None,
        description="When it happened, as the cited briefs date it: 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'; null when no brief dates it (never the publication date).",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        """A date in another shape is no date: null (the reader sees the day it was reported)."""
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            return value.strip()
        return None


class ExecutiveSummary(_Model):
    """An executive summary for an analyst, from the numbered source briefs given only: bottom line, key developments, context; each fact once."""

    bottom_line: SummaryParagraph | None = Field(
        default=None,
        description="The bottom line, at most 60 words in one to three sentences: what happened, what changed and why it matters. Cite its sources.",
    )
    key_developments: list[KeyDevelopment] = Field(
        default_factory=list,
        description="3 to 5 key developments, most important first, each one dated sentence with its sources.",
        max_length=MAX_KEY_DEVELOPMENTS,
    )
    paragraphs: list[SummaryParagraph] = Field(
        description="2 to 5 paragraphs of context, most important first: background, what each outlet stresses, what is contested. Do not repeat the key developments.",
        min_length=1,
        max_length=MAX_PARAGRAPHS,
    )

    @model_validator(mode="wrap")
    @classmethod
    def _read_leniently(cls, data: Any, handler: Any, info: ValidationInfo) -> ExecutiveSummary:
        return _read(cls, data, handler, info, _prepare_summary)


def _prepare_summary(data: dict[str, Any], repairs: Repairs, context: dict[str, Any]) -> dict[str, Any]:
    def describe(number: int, item: Any) -> str:
        text = " ".join(str(item.get("text", "")).split())[:100] if isinstance(item, dict) else ""
        return f"summary paragraph {number} ({text})" if text else f"summary paragraph {number}"

    paragraphs = keep_valid(data.get("paragraphs"), SummaryParagraph, describe, repairs, context=context)
    if paragraphs == [] and repairs.dropped:  # nothing left to keep: the answer is re-asked, naming each failure
        raise ValueError("no paragraph checks out: " + "; ".join(repairs.dropped))
    data["paragraphs"] = cap(paragraphs, MAX_PARAGRAPHS, "summary paragraphs", repairs)
    if data.get("bottom_line") is not None:
        (kept,) = keep_valid(
            [data["bottom_line"]], SummaryParagraph, lambda n, item: "the bottom line", repairs, context=context
        ) or [None]
        data["bottom_line"] = kept
    if data.get("key_developments") is not None:

        def development(number: int, item: Any) -> str:
            text = " ".join(str(item.get("text", "")).split())[:100] if isinstance(item, dict) else ""
            return f"key development {number} ({text})" if text else f"key development {number}"

        kept_keys = keep_valid(data["key_developments"], KeyDevelopment, development, repairs, context=context)
        data["key_developments"] = cap(kept_keys, MAX_KEY_DEVELOPMENTS, "key developments", repairs)
    return data


# --------------------------------------------------------------------------- LLM response: cross-source analysis
