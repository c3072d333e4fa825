"""An article as read from disk: the pipeline's input."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .base import StrictModel as _Model

__all__ = ["Article"]


class Article(_Model):
    """One source article as read from disk."""

    id: str = Field(description="Content hash (sha256 hex, first 16 chars) of the article text.")
    path: str = Field(description="Path relative to the folder given on the command line.")
    aliases: list[str] = Field(default_factory=list, description="Other files with identical content.")
    date: dt.date | None = Field(description="Publication date from the header, or null if unknown.")
    language: str = Field(description="Detected language (ISO 639-1), 'und' when undetermined.")
    text: str = Field(description="Article text; the header's headline/lead is its first line.")
    encoding: str = Field(default="utf-8", description="Encoding the file was decoded from.")
    notes: list[str] = Field(default_factory=list, description="Problems found while reading.")
    url: str | None = Field(
        default=None,
        description="The article's web page: an http(s) URL right after the header's date (as `brief fetch` writes it), else null.",
    )
    outlet: str | None = Field(
        default=None,
        description="The outlet its folder names (the nearest folder named like a domain, 'rbc.ru/', the folder given on "
        "the command line included) or the host of its URL; null when neither does.",
    )
