"""Answers a reader cannot trust as they are: quotes not in their article, text that is not English,
"quotes" that are no quotes, articles with nothing verified, and a run whose model looks too weak for brief.

`verify_brief` checks every evidence quote of a brief against the article it came from (the
grounding report every later step rests on).

Each article's brief is reviewed after it is read (`review_brief`), the same way whether it came
from the model, the cache or a batch:

- every field the schema calls English (headline, summary, actor roles, stance gists, event
  descriptions) is checked by `ingest.english.foreign_language`. A stance or event whose text is not in
  English is left out with a note; a role is blanked; a headline or summary that is not is kept
  but marked "[untranslated, Latvian]" and the article is degraded. (Before that, `english_problems`
  lets `llm.ask` re-ask the model once, naming the fields.)
- a "quote" that says there is no evidence ("The article does not provide evidence for this
  stance.") and is not in the article is no quote: its item is left out with a note.

An article is briefed only with English text and at least one verified item; any other is
*degraded* (`BriefResult.degraded` names why): it stays in the briefing, its summary is not given to
the executive summary, and the run ends partial. `run_verdict` says when the run's verified share
is below `min_verified_share`, naming the likely cause (the model) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Article, ArticleBrief, BriefResult, GroundingReport
from ..models.evidence import normalize, quote_in_source
from ..ingest.english import Detections, foreign_language, in_language as _in, language_name

__all__ = [
    "UNTRANSLATED",
    "english_problems",
    "verify_brief",
    "is_no_evidence",
    "review_brief",
    "reviewed_result",
    "run_verdict",
    "verified_share",
]

UNTRANSLATED = "[untranslated, {language}] "  # the mark on a headline or summary the model left in another language
_NO_EVIDENCE = re.compile(
    r"\b(no|not|n't|without|lacks?|absent)\b[^.]{0,60}\b(evidence|quote|quotation|mention|support|statement|information)\b"
    r"|\b(evidence|quote)\b[^.]{0,40}\b(not (provided|available|found|given)|none|unavailable|missing)\b"
    r"|^\W*(n/?a|none|null|no quote|no evidence|not applicable|unknown)\W*$",
    re.I,
)
_META = re.compile(r"\b(article|text|source|report|stance|event|passage)\b", re.I)


def verify_brief(brief: ArticleBrief, source: str) -> GroundingReport:
    """Check every stance and event quote of `brief` against the article text."""
    haystack = normalize(source)
    return GroundingReport(
        stances=tuple(quote_in_source(s.evidence, source, normalized_source=haystack) for s in brief.stances),
        events=tuple(quote_in_source(e.evidence, source, normalized_source=haystack) for e in brief.events),
    )


def is_no_evidence(quote: str, source: str, *, normalized_source: str | None = None) -> bool:
    """True when `quote` is the model saying it has no evidence ('The article does not provide evidence for this
    stance.', 'N/A'), not a span of `source` (a verbatim span that happens to say so is a real quote).

    `normalized_source`: `evidence.normalize(source)`, when the caller checks several quotes of one source."""
    text = " ".join(quote.split())
    if quote_in_source(text, source, normalized_source=normalized_source):
        return False
    if re.fullmatch(r"\W*(n/?a|none|null|no quote|no evidence|not applicable|unknown)\W*", text, re.I):
        return True
    return bool(_NO_EVIDENCE.search(text) and _META.search(text))


def english_problems(brief: ArticleBrief, detected: Detections | None = None) -> tuple[list[str], list[str]]:
    """(headline/summary problems, item problems): each English field the model wrote in another language, named.

    For the re-ask policy: the first kind alone is worth a re-ask; the second counts among the failing items.
    `detected`: the language detector's remembered verdicts (`english.Detections`), used and added to."""
    vital = [
        f"{name} is {_in(lang)}, not English: write it in English"
        for name in ("headline", "summary")
        if (lang := foreign_language(getattr(brief, name), detected))
    ]
    items = [
        f"stance {i} ({s.holder} on {s.target}): its gist is {_in(lang)}, not English"
        for i, s in enumerate(brief.stances, 1)
        if (lang := foreign_language(s.gist, detected))
    ]
    items += [
        f"event {i}: its description is {_in(lang)}, not English"
        for i, e in enumerate(brief.events, 1)
        if (lang := foreign_language(e.description, detected))
    ]
    return vital, items


def review_brief(
    brief: ArticleBrief, source: str, detected: Detections | None = None
) -> tuple[ArticleBrief, list[str], list[str]]:
    """(the brief as it may be shown, notes on what was changed or left out, the untranslated fields with their language).

    Names and quotes are never language-checked; a quote's grounding is `verify_brief`'s. `detected`: the language
    detector's remembered verdicts (`english.Detections`), used and added to."""
    notes: list[str] = []
    untranslated: list[str] = []
    update: dict[str, object] = {}
    for name in ("headline", "summary"):
        text = getattr(brief, name)
        language = foreign_language(text, detected)
        if language:
            label = language_name(language)
            update[name] = UNTRANSLATED.format(language=label) + text
            untranslated.append(f"{name} {_in(language)}")
            notes.append(
                f"{name} is {_in(language)}, not English: shown marked untranslated; its summary is not used for the executive summary"
            )
    haystack = normalize(source) if brief.stances or brief.events else ""  # once for every quote, not once per quote
    stances = []
    for i, s in enumerate(brief.stances, 1):
        what = f"stance {i} ({s.holder} on {s.target})"
        if is_no_evidence(s.evidence, source, normalized_source=haystack):
            notes.append(
                f"{what} left out: its quote says there is no evidence ({' '.join(s.evidence.split())[:80]!r}), so it has none"
            )
        elif language := foreign_language(s.gist, detected):
            notes.append(f"{what} left out: its gist is {_in(language)}, not English")
        else:
            stances.append(s)
    events = []
    for i, e in enumerate(brief.events, 1):
        what = f"event {i}"
        if is_no_evidence(e.evidence, source, normalized_source=haystack):
            notes.append(
                f"{what} left out: its quote says there is no evidence ({' '.join(e.evidence.split())[:80]!r}), so it has none"
            )
        elif language := foreign_language(e.description, detected):
            notes.append(
                f"{what} ({' '.join(e.description.split())[:60]}) left out: its description is {_in(language)}, not English"
            )
        else:
            events.append(e)
    actors = []
    for a in brief.actors:
        if a.role and (language := foreign_language(a.role, detected)):
            notes.append(f"role of {a.name} is {_in(language)}, not English: left out")
            a = a.model_copy(update={"role": ""})
        actors.append(a)
    if len(stances) < len(brief.stances) or len(events) < len(brief.events) or actors != brief.actors:
        update.update(stances=stances, events=events, actors=actors)
    if not update:
        return brief, notes, untranslated
    reviewed = brief.model_copy(update=update)
    reviewed._repairs = brief._repairs
    return reviewed, notes, untranslated


def degraded_reason(untranslated: Sequence[str], report: GroundingReport) -> str | None:
    """Why an article is not counted as briefed (its text is not English, or none of its items checks out), else None."""
    reasons = []
    if untranslated:
        reasons.append(f"the model did not write it in English ({', '.join(untranslated)})")
    if report.verified == 0:
        reasons.append(
            "no stance or event with a quote found in the article"
            if report.total
            else "no stance or event with a quote"
        )
    return "; ".join(reasons) or None


def reviewed_result(
    article: Article,
    brief: ArticleBrief,
    report: GroundingReport | None = None,
    *,
    detected: Detections | None = None,
    **kwargs,
) -> BriefResult:
    """The article's result from its brief as read: reviewed (see the module docstring), grounded, degraded if it must be.

    `report`: the brief's grounding, if checked already (used when the review changed nothing); `detected`: the
    language detector's remembered verdicts (`english.Detections`), used and added to."""
    shown, notes, untranslated = review_brief(brief, article.text, detected)
    if report is None or shown is not brief:
        report = verify_brief(shown, article.text)
    dropped = len(brief.stances) + len(brief.events) - len(shown.stances) - len(shown.events)
    kwargs["notes"] = [*kwargs.get("notes", []), *notes]
    return BriefResult(
        article, shown, report, degraded=degraded_reason(untranslated, report), dropped=dropped, **kwargs
    )


def verified_share(results: Sequence[BriefResult]) -> tuple[int, int]:
    """(items verified, items the model gave) over the briefed articles; items left out for having no quote or no English count as not verified."""
    done = [r for r in results if r.ok and r.grounding is not None]
    verified = sum(r.grounding.verified for r in done if r.grounding)
    return verified, sum(r.grounding.total + r.dropped for r in done if r.grounding)


def run_verdict(results: Sequence[BriefResult], minimum: float, model: str, mode: str = "json_schema") -> str | None:
    """One line when the run's answers look too weak to trust (verified share below `minimum`, or most articles degraded), else None."""
    from ..config.model import SCHEMA_MODES

    done = [r for r in results if r.ok]
    if not done or minimum <= 0:
        return None
    verified, total = verified_share(done)
    degraded = [r for r in done if r.degraded]
    share = verified / total if total else 0.0
    found = []
    if share < minimum:
        found.append(
            f"only {verified} of {total} evidence quotes were found in their sources ({share:.0%}, below min_verified_share {minimum:.0%})"
        )
    if len(degraded) * 2 > len(done):
        untranslated = sum("English" in (r.degraded or "") for r in degraded)
        found.append(
            f"{len(degraded)} of {len(done)} articles are degraded"
            + (f" ({untranslated} not answered in English)" if untranslated else "")
        )
    if not found:
        return None
    if mode in SCHEMA_MODES:
        cause, fix = (
            f"{model} is too small for the task (its answers already fit the schema)",
            "use a larger model (7B or more)",
        )
    else:
        cause = f"{model} is too small for the task, or its answers are not constrained to the schema (--mode {mode})"
        fix = "use a larger model (7B or more), or a --provider preset that sends the schema (llamacpp, ollama, vllm, lmstudio)"
    return f"the model looks too weak for brief: {'; '.join(found)}. Likely cause: {cause}; fix: {fix}, and run `brief check` before a long run"
