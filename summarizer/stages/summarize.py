"""Article -> brief: prompt, cache, LLM and grounding, for many articles concurrently.

Each article's outcome is recorded on its own `BriefResult`: one failing article never sinks
the others. A result is cached the moment it arrives, so a run killed half-way pays only for
what it had not finished. Only an auth or unknown-model error stops the whole run at once.
An article longer than `max_article_chars`, or than the model's context window leaves room for
(`llm.context`), is trimmed before it is sent, with a note saying what was left out and which
limit cut it; its quotes are checked against the text actually sent.

Workers sharing a cache (several processes, shards on several hosts over Redis) never pay twice
for an article: before sending, a worker takes the article's lease (cache.base); a worker that
finds it taken gives its concurrency slot back and waits for the holder's entry.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterable, Callable, Iterable
from dataclasses import dataclass
from functools import cache

from ..ingest.articles import content_id
from ..util.aio import gather_or_cancel, gather_streamed
from ..cache import Cache, cache_key
from ..cache.base import LANGUAGE_PREFIX, Claim, try_claim, wait_for_claim
from ..config.settings import Settings
from ..errors import ConfigError
from ..llm.context import context_window, input_room, prompt_tokens, window_source
from ..llm.cost import Budget
from ..llm.ask import Question, ask
from ..ingest.english import DETECTOR, Detections
from .quality import english_problems, reviewed_result, verify_brief
from ..llm.prompts import escape_closing_tag
from ..llm.client import LLMClient
from ..llm.faults import EndpointError, EndpointUnreachableError
from ..llm.prompts import Prompt, load_prompt, schema_hash
from ..llm.replay import RequestKey
from ..llm.run import RunContext, open_run
from ..models import Article, ArticleBrief, BriefResult, CachedBrief, GroundingReport, RunStats
from ..models.results import ProgressCallback

__all__ = [
    "PreparedArticle",
    "ProgressCallback",
    "brief_articles",
    "brief_messages",
    "brief_key",
    "fit_article",
    "prepare_article",
    "sent_article",
    "summarize_articles",
    "summarize_articles_async",
]

BREAKER_MIN = 3  # consecutive articles the endpoint must fail before the rest are not sent
_SENTENCE_END = re.compile(r"[.!?\u3002\u2026][\"'\u00bb\u201d)]*\s")


def brief_messages(article: Article, prompt: Prompt | None = None) -> list[dict[str, str]]:
    """The chat messages for one article (article text fenced, so it stays data); `prompt`: the brief prompt, if loaded already."""
    text = escape_closing_tag(article.text, "article")
    return (prompt or load_prompt("brief")).render(
        publication_date=article.date.isoformat() if article.date else "unknown",
        language=article.language,
        article_text=text,
    )


def fit_article(article: Article, max_chars: int, *, limit: str | None = None, fix: str | None = None) -> Article:
    """The article trimmed to `max_chars` (at a paragraph or sentence end) with a note, or unchanged.

    `limit` names what set `max_chars` in the note (default: --max-article-chars) and `fix` what to change to send more."""
    text = article.text
    if len(text) <= max_chars:
        return article
    cut = text[:max_chars]
    floor = int(max_chars * 0.6)  # never throw away more than 40% of the allowance to find a clean break
    end = cut.rfind("\n", floor)
    if end == -1:
        end = max((m.end() for m in _SENTENCE_END.finditer(cut, floor)), default=-1)
    if end == -1:
        end = cut.rfind(" ", floor)
    kept = text[: end if end > 0 else max_chars].rstrip()
    rest = text[len(kept) :].strip()
    note = (
        f"too long: only the first {len(kept):,} of {len(text):,} characters were summarized ({limit or f'--max-article-chars {max_chars:,}'}); "
        f"the last {len(text) - len(kept):,} characters, from \u201c{' '.join(rest[:60].split())}\u2026\u201d, were left out. "
        + (fix or "Raise --max-article-chars if the model's context allows")
    )
    return article.model_copy(update={"text": kept, "notes": [*article.notes, note]})


MIN_ARTICLE_TOKENS = 500  # a window leaving less than this for the article is refused, not used to send fragments


@cache
def _prompt_overhead(prompt: Prompt) -> int:
    """Estimated tokens of a brief request without its article: the prompt's text and the answer's schema."""
    return prompt_tokens(prompt.render(publication_date="unknown", language="und", article_text=""), ArticleBrief)


def _article_room(settings: Settings, prompt: Prompt) -> int:
    """Estimated tokens of article text one request may carry: the model's input room less the prompt and the answer's schema."""
    overhead = _prompt_overhead(prompt)
    room = input_room(settings) - overhead
    if room < MIN_ARTICLE_TOKENS:
        raise ConfigError(
            f"the model's context window ({context_window(settings):,} tokens, {window_source(settings)}) leaves room for about {max(room, 0):,} "
            f"tokens of article after the prompt (about {overhead:,}) and the output-token limit ({settings.max_output_tokens:,}); "
            "raise --context-window to what the server loads, or lower --max-output-tokens"
        )
    return room


def sent_article(article: Article, settings: Settings, prompt: Prompt | None = None) -> Article:
    """The article as it will be sent: within --max-article-chars and within what the model's context window leaves for it."""
    room = 4 * _article_room(settings, prompt or load_prompt("brief"))  # in UTF-8 bytes: tokens ~ bytes / 4
    text = article.text
    fits = (
        len(text) if 4 * len(text) <= room else len(text.encode("utf-8")[:room].decode("utf-8", "ignore"))
    )  # no char is over 4 bytes
    if fits < min(settings.max_article_chars, len(text)):
        return fit_article(
            article,
            fits,
            limit=f"what the model's {context_window(settings):,}-token context window leaves after the prompt and --max-output-tokens",
            fix="Raise --context-window if the server loads a longer context, or lower --max-output-tokens",
        )
    return fit_article(article, settings.max_article_chars)


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready to be asked about, worked out once: the text sent and the keys of its brief."""

    article: Article  # as read
    sent: (
        Article  # as sent: within --max-article-chars and the context window (its quotes are checked against this text)
    )
    cache_key: str
    request_key: RequestKey


def prepare_article(article: Article, settings: Settings, prompt: Prompt | None = None) -> PreparedArticle:
    """The article as sent and its brief's keys under these settings (a trimmed article keys on what is sent);
    `prompt`: the brief prompt, if loaded already."""
    prompt = prompt or load_prompt("brief")
    sent = sent_article(article, settings, prompt)
    subject = article.id if sent is article else f"{article.id}-{content_id(sent.text)[:8]}"
    prompt_hash, schema = prompt.hash, schema_hash(ArticleBrief)
    ckey = cache_key(
        "brief",
        namespace=settings.namespace,
        model=settings.model,
        prompt_hash=prompt_hash,
        schema_hash=schema,
        subject=subject,
    )
    return PreparedArticle(
        article, sent, ckey, RequestKey("brief", subject, settings.mode, prompt_hash, schema, label=article.path)
    )


def brief_key(article: Article, settings: Settings, prompt: Prompt | None = None) -> tuple[str, RequestKey]:
    """(cache key, request key) for an article's brief under these settings (see `prepare_article`)."""
    prepared = prepare_article(article, settings, prompt)
    return prepared.cache_key, prepared.request_key


def _ungrounded(brief: ArticleBrief, report: GroundingReport) -> list[str]:
    """The stances and events whose quote is not in the article (they count against the answer, and merge leaves them out)."""
    return [
        f"stance {i} ({s.holder} on {s.target}): its evidence quote does not occur in the article"
        for i, (s, ok) in enumerate(zip(brief.stances, report.stances), 1)
        if not ok
    ] + [
        f"event {i} ({e.description[:80]}): its evidence quote does not occur in the article"
        for i, (e, ok) in enumerate(zip(brief.events, report.events), 1)
        if not ok
    ]


async def _summarize_one(
    prepared: PreparedArticle,
    run: RunContext,
    prompt: Prompt,
    *,
    on_response: Callable[[], None] | None = None,
    found: Claim | None = None,
) -> BriefResult:
    """One article's brief: from the cache, or paid for under the article's lease (`found`: the claim already made)."""
    article, cache, ckey = (
        prepared.sent,
        run.cache,
        prepared.cache_key,
    )  # grounding checks quotes against the text actually sent
    checked: list[tuple[ArticleBrief, GroundingReport]] = []
    detected = _remembered_detections(cache, ckey)
    remembered = len(detected)

    def check(brief: ArticleBrief) -> list[str]:
        checked.append((brief, verify_brief(brief, article.text)))
        return _ungrounded(brief, checked[-1][1]) + english_problems(brief, detected)[1]

    question = Question(
        ArticleBrief,
        brief_messages(article, prompt),
        prepared.cache_key,
        prepared.request_key,
        what=f"brief of {article.path}",
        context={"language": article.language},
        check=check,
        vital=lambda brief: english_problems(brief, detected)[0],
        envelope=CachedBrief,
    )
    answer = await ask(question, run, on_response=on_response, found=found)
    run.stats.add_usage(answer.usage)
    run.stats.cache_hits += answer.from_cache
    if answer.refused is not None:
        return BriefResult(article, error=answer.refused, budget_stop=True)
    if answer.value is None:
        exc = answer.error
        return BriefResult(
            article,
            error=str(exc),
            usage=answer.usage,
            attempts=answer.attempts,
            endpoint_down=isinstance(exc, EndpointError),
            unreachable=isinstance(exc, EndpointUnreachableError),
        )
    report = next((r for brief, r in checked if brief is answer.value), None)  # the kept answer was checked already
    result = reviewed_result(
        article,
        answer.value,
        report,
        detected=detected,
        from_cache=answer.from_cache,
        usage=answer.usage,
        attempts=answer.attempts,
        notes=answer.notes,
    )
    if len(detected) > remembered:
        cache.set_text(_detections_key(ckey), json.dumps(detected, ensure_ascii=False))
    return result


def _detections_key(ckey: str) -> str:
    """Where the language detector's verdicts on the English fields of the answer under `ckey` are remembered."""
    return f"{LANGUAGE_PREFIX}english|{DETECTOR}|{ckey}"


def _remembered_detections(cache: Cache, ckey: str) -> Detections:
    """The detector's remembered verdicts on the answer's texts (`english.Detections`): a rerun over a cached answer then
    loads no detector (~0.5 s). An entry that does not read as verdicts is no entry."""
    try:
        raw = json.loads(cache.get_text(_detections_key(ckey)) or "{}")
        return {str(text): (str(language), float(confidence)) for text, (language, confidence) in raw.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


@dataclass
class _Breaker:
    """Stops sending once the endpoint has failed `limit` articles in a row (each after its full retry policy),
    or at once when it could not be connected to and has never answered (server not started, wrong --base-url)."""

    limit: int
    failures: int = 0
    last_error: str = ""
    unreachable: bool = False

    def record(self, result: BriefResult) -> None:
        if result.ok:
            self.failures = 0
        elif result.unreachable:
            self.failures, self.unreachable, self.last_error = self.limit, True, result.error or ""
        elif result.endpoint_down:
            self.failures += 1
            self.last_error = result.error or ""

    @property
    def open(self) -> bool:
        return self.failures >= self.limit

    def skip(self, article: Article) -> BriefResult:
        if self.unreachable:
            return BriefResult(article, error=f"not sent: {self.last_error}", endpoint_down=True, unreachable=True)
        return BriefResult(
            article,
            error=(
                f"not sent: the endpoint failed the last {self.failures} articles in a row (last error: {self.last_error}); "
                "rerun later, articles already briefed are cached"
            ),
            endpoint_down=True,
        )


async def summarize_articles_async(
    articles: Iterable[Article] | AsyncIterable[Article],
    settings: Settings,
    *,
    client: LLMClient | None = None,
    cache: Cache | None = None,
    stats: RunStats | None = None,
    on_result: ProgressCallback | None = None,
    budget: Budget | None = None,
) -> list[BriefResult]:
    """Summarize articles concurrently (at most `settings.concurrency` requests in flight), in input order.

    A run of its own (`llm.run.open_run`) unless `client`, `cache`, `stats` or `budget` are lent; see `brief_articles`.
    """
    prompt = load_prompt("brief")  # once per run: every article of the run is asked with the same prompt
    _article_room(settings, prompt)  # a context window with no room for an article is refused before anything starts
    async with open_run(settings, client=client, cache=cache, budget=budget, stats=stats) as run:
        return await brief_articles(articles, run, on_result=on_result, prompt=prompt)


async def brief_articles(
    articles: Iterable[Article] | AsyncIterable[Article],
    run: RunContext,
    *,
    on_result: ProgressCallback | None = None,
    prompt: Prompt | None = None,
) -> list[BriefResult]:
    """Brief articles within `run`, concurrently (at most `concurrency` requests in flight), in input order.

    `articles` may be an async iterable (e.g. an ArticleStream): each article is started as soon
    as it arrives, while the rest are still being read.

    An article that fails is reported on its result; once the endpoint has failed
    max(3, concurrency) articles in a row, the rest are reported failed without being sent (at
    once, when it could not be connected to and has not answered once this run).
    An auth or unknown-model error cancels everything and is raised.
    """
    settings, cache = run.settings, run.cache
    if prompt is None:
        prompt = load_prompt("brief")
        _article_room(settings, prompt)
    gate = asyncio.Semaphore(settings.concurrency)
    breaker = _Breaker(limit=max(BREAKER_MIN, settings.concurrency))

    async def turn(ckey: str) -> Claim | None:
        """Take a slot, then the article's entry (cache key `ckey`) or lease; while another worker holds it, wait without a slot.

        Returns None when the breaker opened meanwhile (the slot is held in every case)."""
        while True:
            await gate.acquire()
            if breaker.open:
                return None
            found = try_claim(cache, ckey, CachedBrief)
            if not found.busy:
                return found
            gate.release()
            found = await wait_for_claim(cache, ckey, CachedBrief)
            if found.value is not None:
                await gate.acquire()
                return found
            if found.lease is not None:  # always, once no value came: the holder gave up (failed or died)
                found.lease.release()  # take a slot before claiming it again

    async def one(article: Article) -> BriefResult:
        # The slot is freed as soon as an answer arrives, so the next article is sent while this
        # one is parsed and checked (the client bounds requests in flight to `concurrency` too).
        prepared = prepare_article(article, settings, prompt)
        found = await turn(prepared.cache_key)
        held = [True]

        def free() -> None:
            if held[0]:
                held[0] = False
                gate.release()

        try:
            if found is None:
                result = breaker.skip(prepared.sent)
            else:
                result = await _summarize_one(prepared, run, prompt, on_response=free, found=found)
                breaker.record(result)
        finally:
            free()
        if on_result:
            on_result(result)
        return result

    sent: list[Article] = []

    def start(article: Article):
        sent.append(article)
        return one(article)

    if isinstance(articles, AsyncIterable):
        results = await gather_streamed(articles, start)
    else:
        results = await gather_or_cancel(start(a) for a in articles)
    for result, article in zip(results, sent):
        if (
            result.article is not article
        ):  # trimmed when sent: copy it again, with what reading found later (a duplicate's alias and note)
            result.article = sent_article(article, settings, prompt)
    return results


def summarize_articles(articles: Iterable[Article], settings: Settings, **kwargs) -> list[BriefResult]:
    """Synchronous wrapper of `summarize_articles_async`."""
    return asyncio.run(summarize_articles_async(articles, settings, **kwargs))
