"""`brief check`'s quality step: one short invented article with a known answer, briefed as a run would.

Transport checks say a model answers; this says whether its answers are good enough for brief.
The article is made up for the check (never a seed: a model must not have seen its answer in
brief's prompts or recordings), short, and in Russian, so the answer must be translated: a model
that answers in Russian, invents its quotes, leaves out the actors or the events, or takes minutes
for a few sentences shows it here, before a long run.

Verdict:
- usable: every English field in English, at least `min_verified_share` of the quotes found in
  the article, actors, stances and events present, and both people named;
- weak: it answered, but fails one of those (a run would be degraded; see stages.quality);
- unusable: no usable answer at all (not JSON, cut off, refused).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config.model import SCHEMA_MODES
from ..config.settings import Settings
from ..errors import LLMError
from ..llm.client import LLMClient
from ..llm.prompts import load_prompt, schema_hash
from ..llm.replay import RequestKey
from ..models import Article, ArticleBrief
from .quality import english_problems, is_no_evidence, verify_brief
from .summarize import brief_messages

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = ["TRIAL_ARTICLE", "Trial", "trial_model", "trial_model_async"]

# Invented for this check: no such mayor, union or terminal was ever reported.
TRIAL_ARTICLE = (
    "В Тромсё открылся новый паромный терминал\n"
    "Мэр Тромсё Ингрид Хансен в среду открыла новый паромный терминал в северной гавани города. "
    "«Терминал сократит летние очереди на паромы вдвое», — заявила Хансен журналистам на церемонии открытия.\n"
    "Профсоюз портовых рабочих раскритиковал проект. По словам председателя профсоюза Улофа Берга, "
    "строительство обошлось на 40 миллионов крон дороже плана, а новые рабочие места так и не появились."
)
TRIAL_DATE = dt.date(2024, 3, 14)
TRIAL_PEOPLE = ("Hansen", "Berg")  # the two people the answer must name (Ingrid Hansen, Olof Berg)


@dataclass
class Trial:
    """How the model briefed the trial article: what it got right, the verdict and the fix."""

    verdict: str  # usable | weak | unusable
    seconds: float
    findings: list[str] = field(default_factory=list)  # what is wrong, one line each
    summary: str = ""  # what was measured, one line
    fix: str = ""


def _fix(settings: Settings) -> str:
    fix = "use a larger model (7B or more)"
    if settings.mode not in SCHEMA_MODES:
        fix += "; or a mode that sends the schema so the server decodes only valid answers (--mode json_schema, or --provider llamacpp|ollama|vllm|lmstudio)"
    return fix + "; or expect degraded articles (see `min_verified_share`)"


def judge(brief: ArticleBrief, settings: Settings, seconds: float) -> Trial:
    """The verdict on the model's brief of the trial article."""
    vital, items = english_problems(brief)
    report = verify_brief(brief, TRIAL_ARTICLE)
    empty_quotes = sum(
        is_no_evidence(q, TRIAL_ARTICLE)
        for q in [s.evidence for s in brief.stances] + [e.evidence for e in brief.events]
    )
    names = " ".join(a.name for a in brief.actors).casefold()
    people = [p for p in TRIAL_PEOPLE if p.casefold() in names]
    missing = [name for name in ("actors", "stances", "events") if not getattr(brief, name)]
    share = report.verified / report.total if report.total else 0.0
    findings = [*vital, *items]
    if report.total and share < settings.min_verified_share:
        findings.append(f"only {report.verified} of {report.total} quotes found in the article")
    if empty_quotes:
        findings.append(f"{empty_quotes} quote(s) say there is no evidence instead of quoting")
    if missing:
        findings.append(f"no {', no '.join(missing)} (the article has two people, a statement and an event)")
    if len(people) < len(TRIAL_PEOPLE):
        findings.append(f"named {len(people)} of the {len(TRIAL_PEOPLE)} people in the article")
    english = 2 - len(vital)
    summary = (
        f"{english} of 2 main fields and {len(brief.stances) + len(brief.events) - len(items)} of {len(brief.stances) + len(brief.events)} "
        f"items in English; {report.verified} of {report.total} quotes verified; actors {len(brief.actors)}, stances {len(brief.stances)}, "
        f"events {len(brief.events)}; {seconds:.1f} s per answer"
    )
    unusable = bool(vital) and report.verified == 0
    verdict = "unusable" if unusable else "weak" if findings else "usable"
    return Trial(verdict, seconds, findings, summary, "" if verdict == "usable" else _fix(settings))


async def trial_model_async(settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> Trial:
    """Brief the trial article once (no cache, no re-ask) and judge the answer."""
    s = settings.with_(max_attempts=1, max_reasks=0, use_cache=False, record_dir=None)
    prompt = load_prompt("brief")
    article = Article(id="trial", path="brief-check-trial.txt", date=TRIAL_DATE, language="ru", text=TRIAL_ARTICLE)
    key = RequestKey("brief", "check-trial", s.mode, prompt.hash, schema_hash(ArticleBrief), label="check-trial")
    client = LLMClient(s, transport=transport)
    started = time.monotonic()
    try:
        done = await client.complete(ArticleBrief, brief_messages(article, prompt), key=key, context={"language": "ru"})
    except LLMError as exc:
        seconds = time.monotonic() - started
        return Trial("unusable", seconds, [str(exc)[:300]], f"no usable answer after {seconds:.1f} s", _fix(s))
    finally:
        await client.aclose()
    return judge(done.value, s, time.monotonic() - started)


def trial_model(settings: Settings, **kwargs: Any) -> Trial:
    """Synchronous `trial_model_async`."""
    return asyncio.run(trial_model_async(settings, **kwargs))
