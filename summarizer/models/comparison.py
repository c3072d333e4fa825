"""The model's comparison of several briefs: divergences, agreements and framing, each side checked in its source.

Docstrings and field descriptions are sent to the model as instructions, so they are written to it.
"""

from __future__ import annotations

from typing import Any

from .attribution import (
    DATE_BASIS_HELP,
    SAID_BY_HELP,
    VOICE_HELP,
    DateBasis,
    Voice,
    normalize_date_basis,
    normalize_voice,
)
from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .base import Position, ResponseModel as _Model, asked_for, validation_context
from .brief import POSITION_SYNONYMS
from .evidence import MIN_QUOTE_CHARS, quote_in_source
from .lenient import Repairs, cap, enum_value, keep_valid, unwrap_quote

from .responses import MAX_AGREEMENTS, MAX_DIVERGENCES, MAX_FRAMING, MAX_SIDES, _read, _source_number

__all__ = ["ClaimSide", "DivergenceClaim", "AgreementSide", "AgreementClaim", "FramingClaim", "CrossSourceAnalysis"]


def _check_cited_quote(source: int, quote: str, info: ValidationInfo, what: str) -> None:
    """Context `valid_sources` and `source_texts` ({number: article text}) make this a real check."""
    context = validation_context(info)
    valid, texts = context.get("valid_sources"), context.get("source_texts")
    if valid is not None and source not in valid:
        raise ValueError(f"{what}: source {source} does not exist; cite only numbers from {sorted(valid)}")
    if texts is not None and source in texts and not quote_in_source(quote, texts[source]):
        raise ValueError(
            f"{what}: this quote does not occur in source {source}. Copy the lead or one of the evidence "
            f"quotes shown for source {source} (or a contiguous part) character for character, in its "
            "original language; never translate, paraphrase or quote one source under another's number."
        )


class ClaimSide(_Model):
    """What one source states about the disputed fact, shown by a quote from that source."""

    source: int = Field(description="Number of the source making this statement.")

    @field_validator("source", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _source_number(value)

    claim: str = Field(
        description="What this source states about the fact, one plain English sentence, attributed as the source attributes it."
    )
    quote: str = Field(
        description="Verbatim quote that shows this statement: from the lead or one of the evidence quotes given for "
        "THIS source number (whole or a contiguous part), copied character for character in its original language.",
        min_length=MIN_QUOTE_CHARS,
    )
    voice: Voice | None = Field(default=None, description=VOICE_HELP)
    said_by: str | None = Field(default=None, description=SAID_BY_HELP)
    date: str | None = Field(
        default=None,
        description="When the stated thing happened (not when the source was published), "
        "YYYY-MM-DD, YYYY-MM or YYYY, as the brief's event or stance dates it; null when the source gives no date.",
    )
    date_basis: DateBasis | None = Field(default=None, description=DATE_BASIS_HELP)
    also_reports_other_side: str | None = Field(
        default=None,
        description="If THIS source also reports the opposing statement (e.g. it relays both an official version and its "
        "rebuttal), a verbatim quote of that from this source; else null. When every side has one, the sources agree: "
        "they report a dispute between parties, which is not a divergence.",
    )

    _voice = field_validator("voice", mode="before")(classmethod(lambda cls, v: normalize_voice(v)))
    _basis = field_validator("date_basis", mode="before")(classmethod(lambda cls, v: normalize_date_basis(v)))
    _unwrap = field_validator("quote", mode="before")(
        classmethod(lambda cls, v: unwrap_quote(v) if isinstance(v, str) else v)
    )

    @model_validator(mode="after")
    def _resolves(self, info: ValidationInfo) -> ClaimSide:
        _check_cited_quote(self.source, self.quote, info, "divergence side")
        return self


class DivergenceClaim(_Model):
    """A fact on which the SOURCES disagree: who did what, when, how many, whether something happened.
    Sources that report the same dispute between two parties (one side's claim and the other's
    denial) agree with each other: that is not a divergence. Different emphasis or extra detail is
    not one either; a statement that one source makes and another flatly contradicts (or updates) is."""

    fact: str = Field(
        description="The fact the sources disagree on, a short English phrase, e.g. 'How many ferries were cancelled on Monday'."
    )
    sides: list[ClaimSide] = Field(
        description="Each source's statement on the fact, one side per source, at least two different sources. "
        "Do not order or judge them: brief orders them by the dates of what they report.",
        min_length=2,
        max_length=MAX_SIDES,
    )

    @model_validator(mode="after")
    def _two_sources(self) -> DivergenceClaim:
        if len({side.source for side in self.sides}) < 2:
            raise ValueError("a divergence needs sides from at least two different sources")
        return self


class AgreementSide(_Model):
    """How one source reports a fact that other sources report too, shown by a quote from that source."""

    source: int = Field(description="Number of the source.")

    @field_validator("source", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _source_number(value)

    account: str = Field(
        description="What this source says about the fact, one plain English sentence, attributed as the source attributes it."
    )
    quote: str = Field(
        description="Verbatim quote that shows it: from the lead or one of the evidence quotes given for THIS source number "
        "(whole or a contiguous part), copied character for character in its original language.",
        min_length=MIN_QUOTE_CHARS,
    )
    voice: Voice | None = Field(default=None, description=VOICE_HELP)
    said_by: str | None = Field(default=None, description=SAID_BY_HELP)

    _voice = field_validator("voice", mode="before")(classmethod(lambda cls, v: normalize_voice(v)))
    _unwrap = field_validator("quote", mode="before")(
        classmethod(lambda cls, v: unwrap_quote(v) if isinstance(v, str) else v)
    )

    @model_validator(mode="after")
    def _resolves(self, info: ValidationInfo) -> AgreementSide:
        _check_cited_quote(self.source, self.quote, info, "agreement side")
        return self


class AgreementClaim(_Model):
    """A fact two or more sources report in different forms (an event in one brief, a stance or only the lead in
    another), so that their items would not be matched with each other."""

    fact: str = Field(
        description="The fact the sources agree on, one short English sentence, e.g. 'The minister had said talks were likely'."
    )
    sides: list[AgreementSide] = Field(
        description="Each source's account, one side per source, at least two different sources.",
        min_length=2,
        max_length=MAX_SIDES,
    )

    @model_validator(mode="after")
    def _two_sources(self) -> AgreementClaim:
        if len({side.source for side in self.sides}) < 2:
            raise ValueError("an agreement needs sides from at least two different sources")
        return self


class FramingClaim(_Model):
    """How one source frames one of the main actors: its tone and the frame it uses, shown by a quote."""

    source: int = Field(description="Number of the source whose framing this is.")
    actor: str = Field(
        description="Canonical English name of the main actor (or the relationship) the tone is toward, e.g. 'Maria Lindqvist', 'Norway', 'Norway–Sweden relations'."
    )
    tone: Position = Field(description="The source's tone toward that actor.")
    frame: str = Field(
        description="The frame the source uses, a short English phrase faithful to it, e.g. 'a long-overdue reset of "
        "trade ties' or 'the minister's humiliating climb-down'. A frame the source only relays (from a cited outlet, "
        "an analyst, 'observers') is attributed to them in the phrase and in `voice`."
    )
    quote: str = Field(
        description="Verbatim quote from THIS source that shows the frame: from its lead or one of its evidence quotes (whole or a contiguous "
        "part), copied character for character in the original language.",
        min_length=MIN_QUOTE_CHARS,
    )
    voice: Voice | None = Field(default=None, description=VOICE_HELP)
    said_by: str | None = Field(default=None, description=SAID_BY_HELP)

    _voice = field_validator("voice", mode="before")(classmethod(lambda cls, v: normalize_voice(v)))
    _unwrap = field_validator("quote", mode="before")(
        classmethod(lambda cls, v: unwrap_quote(v) if isinstance(v, str) else v)
    )

    @field_validator("source", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _source_number(value)

    @field_validator("tone", mode="before")
    @classmethod
    def _tone(cls, value: Any) -> Any:
        return enum_value(value, Position, POSITION_SYNONYMS)

    @model_validator(mode="after")
    def _resolves(self, info: ValidationInfo) -> FramingClaim:
        _check_cited_quote(self.source, self.quote, info, "framing")
        return self


class CrossSourceAnalysis(_Model):
    """A comparison of the numbered source briefs: where the sources conflict on facts, and how each
    source frames the main actors. Work only from the briefs given and invent nothing. Every quote is
    copied from the evidence quotes shown for the same source number."""

    model_config = ConfigDict(json_schema_extra=asked_for("divergences", "agreements", "framing"))

    divergences: list[DivergenceClaim] = Field(
        default_factory=list,
        description="Facts on which the sources disagree with each other (not disputes they all report), most important first (at most 8). Empty if none.",
        max_length=MAX_DIVERGENCES,
    )
    agreements: list[AgreementClaim] = Field(
        default_factory=list,
        description="Facts two or more sources report in different forms "
        "(an event in one brief, a stance or only the lead in another), at most 6. Empty if none.",
        max_length=MAX_AGREEMENTS,
    )
    framing: list[FramingClaim] = Field(
        default_factory=list,
        description="For each source, its tone toward the main actors and its frame, one or two rows per source (at most 15).",
        max_length=MAX_FRAMING,
    )

    @model_validator(mode="wrap")
    @classmethod
    def _read_leniently(cls, data: Any, handler: Any, info: ValidationInfo) -> CrossSourceAnalysis:
        return _read(cls, data, handler, info, _prepare_analysis)


def _prepare_analysis(data: dict[str, Any], repairs: Repairs, context: dict[str, Any]) -> dict[str, Any]:
    """Each divergence keeps the sides that check out (source exists, quote in THAT source); one left with fewer than two sources is dropped."""
    divergences = data.get("divergences")
    if divergences is None:
        divergences = []
    if isinstance(divergences, list):
        kept = []
        for number, claim in enumerate(divergences, 1):
            if not isinstance(claim, dict):
                repairs.received += 1
                repairs.drop(f"divergence {number} left out: not an object")
                continue
            fact = " ".join(str(claim.get("fact", "?")).split())[:100]
            sides = keep_valid(
                claim.get("sides"),
                ClaimSide,
                lambda n, side: (
                    f"divergence side {n} of ({fact}) from source {side.get('source', '?') if isinstance(side, dict) else '?'}"  # noqa: B023  (keep_valid calls it now, in this iteration)
                ),
                repairs,
                context=context,
            )
            if isinstance(sides, list):
                sides = cap(sides, MAX_SIDES, f"sides of divergence ({fact})", repairs)
            claim = {**claim, "sides": sides}
            if isinstance(sides, list) and len({side.get("source") for side in sides}) < 2:
                repairs.received += 1
                repairs.drop(f"divergence ({fact}) left out: fewer than two sources left with a side that checks out")
                continue
            kept.extend(
                keep_valid([claim], DivergenceClaim, lambda n, c: f"divergence ({fact})", repairs, context=context)  # noqa: B023  (keep_valid calls it now, in this iteration)
            )
        divergences = cap(kept, MAX_DIVERGENCES, "divergences", repairs)
    data["divergences"] = divergences
    agreements = data.get("agreements")
    if isinstance(agreements, list):
        kept = []
        for number, claim in enumerate(agreements, 1):
            if not isinstance(claim, dict):
                repairs.received += 1
                repairs.drop(f"agreement {number} left out: not an object")
                continue
            fact = " ".join(str(claim.get("fact", "?")).split())[:100]
            sides = keep_valid(
                claim.get("sides"),
                AgreementSide,
                lambda n, side: (
                    f"agreement side {n} of ({fact}) from source {side.get('source', '?') if isinstance(side, dict) else '?'}"  # noqa: B023  (keep_valid calls it now, in this iteration)
                ),
                repairs,
                context=context,
            )
            if isinstance(sides, list):
                sides = cap(sides, MAX_SIDES, f"sides of agreement ({fact})", repairs)
            if isinstance(sides, list) and len({side.get("source") for side in sides}) < 2:
                repairs.received += 1
                repairs.drop(f"agreement ({fact}) left out: fewer than two sources left with a side that checks out")
                continue
            kept.extend(
                keep_valid(
                    [{**claim, "sides": sides}],
                    AgreementClaim,
                    lambda n, c: f"agreement ({fact})",  # noqa: B023  (keep_valid calls it now, in this iteration)
                    repairs,
                    context=context,
                )
            )
        agreements = cap(kept, MAX_AGREEMENTS, "agreements", repairs)
    data["agreements"] = [] if agreements is None else agreements
    framing = data.get("framing")
    framing = [] if framing is None else framing
    data["framing"] = cap(
        keep_valid(
            framing,
            FramingClaim,
            lambda n, f: (
                f"framing row {n} ({f.get('actor', '?') if isinstance(f, dict) else '?'}, source {f.get('source', '?') if isinstance(f, dict) else '?'})"
            ),
            repairs,
            context=context,
        ),
        MAX_FRAMING,
        "framing rows",
        repairs,
    )
    return data
