"""The model's comparison checked claim by claim: each divergence side, agreement side and framing row must
cite a source of the briefing and quote it verbatim; what does not resolve is dropped and listed in the notes,
never shown. The publication dates, never the model, decide what is later.
"""

from __future__ import annotations


from ..models.evidence import normalize, quote_in_source
from ..ingest.english import foreign_language, in_language as language_label
from .agreement import (
    actor_for,
    actor_index,
    make_divergence,
)
from .merge import reported_date
from ..models import (
    Account,
    Briefing,
    ClaimSide,
    Corroboration,
    CrossSourceAnalysis,
    Divergence,
    DivergenceClaim,
    DivergenceSide,
    FramingRow,
    Note,
    Quote,
    StanceRow,
)

__all__ = ["check_agreements", "check_analysis", "subsumed"]


def _overlap(a: str, b: str) -> bool:
    x, y = normalize(a), normalize(b)
    return x in y or y in x


def check_analysis(
    result: CrossSourceAnalysis, b: Briefing, source_texts: dict[int, str]
) -> tuple[list[Divergence], list[FramingRow], list[Note]]:
    """Keep only sides and framing rows whose source exists and whose quote is in that source's text."""
    refs = {s.ref for s in b.sources}
    notes: list[Note] = []

    def resolves(source: int, quote: str, what: str, english: str = "") -> bool:
        language = foreign_language(english)
        if language:
            notes.append(
                Note(
                    kind="unverified",
                    message=f"{what} dropped, it is {language_label(language)}, not English: {english[:120]!r}",
                )
            )
            return False
        if source not in refs or source not in source_texts:
            notes.append(
                Note(kind="unverified", message=f"{what} dropped, source [{source}] does not exist: {quote[:120]!r}")
            )
            return False
        if not quote_in_source(quote, source_texts[source]):
            notes.append(
                Note(
                    kind="unverified",
                    file=b.source(source).file,
                    message=f"{what} dropped, its quote is not in source [{source}]: {quote[:160]!r}",
                )
            )
            return False
        return True

    divergences = []
    for claim in result.divergences:
        fact_language = foreign_language(claim.fact)
        if fact_language:
            notes.append(
                Note(
                    kind="unverified",
                    message=f"divergence dropped, its fact is {language_label(fact_language)}, not English: {claim.fact[:120]!r}",
                )
            )
            continue
        sides = [
            _side(side, b, source_texts[side.source])
            for side in claim.sides
            if resolves(side.source, side.quote, f"divergence side ({claim.fact})", side.claim)
        ]
        if len({s.source for s in sides}) < 2:
            notes.append(
                Note(
                    kind="unverified",
                    message=f"divergence dropped, fewer than two of its sources resolve: {claim.fact}",
                )
            )
        elif _reports_both(claim, source_texts):
            notes.append(
                Note(
                    kind="info",
                    message=(
                        f"not a divergence, dropped: every source reports both positions, so the sources agree on a dispute "
                        f"between parties: {claim.fact} {''.join(f'[{s}]' for s in sorted({x.source for x in sides}))}"
                    ),
                )
            )
        else:
            divergences.append(make_divergence(claim.fact, sides, "analysis"))
    index = actor_index(b)
    framing = [
        FramingRow(
            source=f.source,
            actor=actor_for(f.actor, b, index) or f.actor,
            tone=f.tone,
            frame=f.frame,
            quote=Quote(source=f.source, text=f.quote, verified=True),
            voice=f.voice or "source",
            said_by=None if f.voice in (None, "source") else f.said_by,
        )
        for f in result.framing
        if resolves(f.source, f.quote, f"framing of {f.actor}", f.frame)
    ]
    framing.sort(key=lambda r: r.source)
    return divergences, framing, notes


def check_agreements(
    result: CrossSourceAnalysis, b: Briefing, source_texts: dict[int, str], found: list[Corroboration]
) -> tuple[list[Corroboration], list[Note]]:
    """The model's agreements as corroborations: each side in English and quoted from its own source (else dropped,
    with a note), dated and voiced by the stance or event it quotes; one that `found` already pairs is left out."""
    out: list[Corroboration] = []
    notes: list[Note] = []
    for claim in result.agreements:
        what = f"agreement ({claim.fact})"
        if language := foreign_language(claim.fact):
            notes.append(
                Note(kind="unverified", message=f"{what} dropped, it is {language_label(language)}, not English")
            )
            continue
        accounts = []
        for side in claim.sides:
            if language := foreign_language(side.account):
                notes.append(
                    Note(
                        kind="unverified",
                        message=f"{what}: side [{side.source}] dropped, it is {language_label(language)}, not English: {side.account[:120]!r}",
                    )
                )
            elif side.source not in source_texts or not quote_in_source(side.quote, source_texts[side.source]):
                notes.append(
                    Note(
                        kind="unverified",
                        message=f"{what}: side [{side.source}] dropped, its quote is not in that source: {side.quote[:160]!r}",
                    )
                )
            else:
                match = _quoted_item(side.source, side.quote, b)
                date, basis = (match.date, match.date_basis) if match is not None else (None, "publication")
                voice = side.voice or (match.voice if match is not None else "source")
                said_by = side.said_by if side.voice else (match.said_by if match is not None else None)
                accounts.append(
                    Account(
                        source=side.source,
                        date=date,
                        date_basis=basis,
                        description=side.account,
                        quote=Quote(source=side.source, text=side.quote, verified=True),
                        voice=voice,
                        said_by=None if voice == "source" else said_by,
                    )
                )
        sources = sorted({a.source for a in accounts})
        if len(sources) < 2:
            notes.append(Note(kind="unverified", message=f"{what} dropped, fewer than two of its sources check out"))
        elif not _paired_already(accounts, found + out):
            out.append(
                Corroboration(
                    date=None,
                    description=claim.fact,
                    sources=sources,
                    count=len(sources),
                    basis="analysis",
                    accounts=accounts,
                )
            )
    return out, notes


def _paired_already(accounts: list[Account], found: list[Corroboration]) -> bool:
    """True when one corroboration already quotes every account's source with an overlapping quote."""
    return any(
        all(any(o.source == a.source and _overlap(o.quote.text, a.quote.text) for o in c.accounts) for a in accounts)
        for c in found
    )


def _reports_both(claim: DivergenceClaim, source_texts: dict[int, str]) -> bool:
    """True when every side's source also reports the opposing statement (a verified quote of it)."""
    return all(
        side.also_reports_other_side is not None
        and side.source in source_texts
        and quote_in_source(side.also_reports_other_side, source_texts[side.source])
        for side in claim.sides
    )


def _side(side: ClaimSide, b: Briefing, text: str) -> DivergenceSide:
    """A checked side, dated and voiced by the model's answer; what the answer leaves out is taken from
    the source's own stance (else event) that the side quotes, and otherwise it is undated. `text`: the side's source."""
    published = b.source(side.source).date
    date, basis = reported_date(side.date, side.date_basis, text, published)
    voice, said_by = side.voice, side.said_by
    answered = side.model_fields_set
    if "date" not in answered or "voice" not in answered:
        match = _quoted_item(side.source, side.quote, b)
        if match is not None:
            if "date" not in answered:
                date, basis = match.date, match.date_basis
            if "voice" not in answered:
                voice, said_by = match.voice, match.said_by
    return DivergenceSide(
        source=side.source,
        published=published,
        claim=side.claim,
        date=date,
        date_basis=basis,
        voice=voice or "source",
        said_by=None if voice in (None, "source") else said_by,
        quote=Quote(source=side.source, text=side.quote, verified=True),
    )


def _quoted_item(source: int, quote: str, b: Briefing) -> Account | StanceRow | None:
    """The stance (else event account) of `source` whose quote is the side's quote or a part of it."""
    items: list[Account | StanceRow] = [s for s in b.stances if s.source == source]
    items += [a for e in b.timeline for a in e.accounts if a.source == source]
    return next((item for item in items if normalize(item.quote.text) in normalize(quote)), None)


def subsumed(d: Divergence, others: list[Divergence]) -> bool:
    """True when another divergence already quotes at least two of `d`'s sides."""
    for other in others:
        covered = sum(
            any(o.source == s.source and _overlap(o.quote.text, s.quote.text) for o in other.sides) for s in d.sides
        )
        if covered >= 2:
            return True
    return False
