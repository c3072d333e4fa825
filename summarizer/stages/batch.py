"""`--batch`: brief the articles through the OpenAI Batch API (about half price, within 24 hours).

1. Every article not yet cached becomes one line of a JSONL file: a POST /v1/chat/completions
   request with exactly the messages and tools (or response format) a live request carries,
   `custom_id` = the article's request subject (its content hash).
2. The file is uploaded (files.create, purpose=batch) and a batch created (batches.create). The
   batch id is written to the cache at once, per article, so a run that is stopped and started
   again picks the pending batch up (batches.retrieve) instead of paying for it twice.
3. brief polls until the batch ends, downloads the output file (files.content), maps
   each line back by `custom_id`, reads it leniently with `ArticleBrief` (as a live answer is read), checks its grounding and
   caches it, exactly as a live answer.
4. Articles the batch could not answer (an error line, an answer that fails validation, an
   expired batch) go through the live path afterwards, with its validation re-asks.

The Batch API needs a live OpenAI-style endpoint: recordings cannot answer it. The calls go
through the openai SDK under the client's one retry layer (llm/batch.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..cache import Cache
from ..config.settings import Settings
from ..llm.cost import Budget, Reservation, estimate_tokens
from ..errors import ConfigError
from ..llm.batch import BatchApi, BatchNotFound
from .quality import reviewed_result
from ..llm.modes import chat_request_body
from ..llm.prompts import short_hash
from ..models import Article, ArticleBrief
from ..models import BriefResult, CachedBrief
from ..models.results import StatusCallback
from .summarize import PreparedArticle, ProgressCallback, brief_articles, brief_messages, prepare_article

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from ..llm.client import LLMClient
    from ..llm.run import RunContext

__all__ = ["TERMINAL", "BatchOutcome", "batch_line", "check_batch_settings", "run_batch", "summarize_with_batch"]

log = logging.getLogger(__name__)

TERMINAL = ("completed", "failed", "expired", "cancelled")
MAX_REQUESTS_PER_BATCH = 50_000  # the Batch API's limit per input file
_PENDING = "batch-pending|"


def check_batch_settings(settings: Settings) -> None:
    """Raise ConfigError when `--batch` cannot work with these settings."""
    if settings.replay_dir is not None:
        raise ConfigError(
            "--batch needs a live OpenAI-style endpoint with the Batch API: set OPENAI_API_KEY (or pass --base-url and --api-key); "
            "recorded responses (--replay, or no endpoint configured) cannot answer batch requests"
        )
    if not settings.use_cache:
        raise ConfigError("--batch needs the cache (pending batch ids and results are kept there); drop --no-cache")


@dataclass
class BatchOutcome:
    """What the Batch API answered: results by article id, tokens used, batches seen."""

    results: dict[str, BriefResult] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)
    requests: int = 0  # chat requests answered through the Batch API
    batch_ids: list[str] = field(default_factory=list)
    leftovers: int = 0  # articles sent in a batch that came back without a valid answer

    def add_usage(self, usage: dict[str, int]) -> None:
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            if isinstance(usage.get(name), int):
                self.usage[name] = self.usage.get(name, 0) + usage[name]


def batch_line(article: Article, settings: Settings) -> dict[str, Any]:
    """The JSONL line for one article: the same chat request a live run sends, keyed by `custom_id`."""
    return _line(prepare_article(article, settings), settings)


def _line(prepared: PreparedArticle, settings: Settings) -> dict[str, Any]:
    """The line of an article as prepared: the text sent, under its brief's subject (a trimmed article's carries the hash of what is sent)."""
    body = chat_request_body(settings, ArticleBrief, brief_messages(prepared.sent))
    return {"custom_id": prepared.request_key.subject, "method": "POST", "url": "/v1/chat/completions", "body": body}


def _payload(body: dict[str, Any]) -> str | None:
    """The structured answer in a chat.completion body: tool call arguments, else the JSON in the content."""
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return None
    calls = message.get("tool_calls") or []
    if calls:
        return calls[0].get("function", {}).get("arguments")
    content = message.get("content") or ""
    start, end = content.find("{"), content.rfind("}")
    return content[start : end + 1] if start != -1 and end > start else None


async def run_batch(
    articles: Sequence[Article],
    settings: Settings,
    cache: Cache,
    *,
    budget: Budget | None = None,
    on_status: StatusCallback | None = None,
    on_result: ProgressCallback | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    client: LLMClient | None = None,
) -> BatchOutcome:
    """Brief uncached `articles` through the Batch API (resuming pending batches); cache and return the answers.

    `client` lends its retry policy (a new one is made from `settings` when None).
    """
    check_batch_settings(settings)
    say = on_status or (lambda message: log.info(message))
    outcome = BatchOutcome()
    todo: dict[str, PreparedArticle] = {}  # subject -> the article as sent, its keys
    pending: dict[str, list[str]] = {}  # batch id -> subjects
    for article in articles:
        prepared = prepare_article(article, settings)
        ckey, rkey = prepared.cache_key, prepared.request_key
        if rkey.subject in todo or cache.get(ckey, CachedBrief) is not None:
            continue
        todo[rkey.subject] = prepared
        batch_id = cache.get_text(_PENDING + ckey)
        if batch_id:
            pending.setdefault(batch_id, []).append(rkey.subject)
    if not todo:
        return outcome
    if client is None:
        from ..llm.client import LLMClient

        client = LLMClient(settings)
    api = BatchApi(client, transport=transport)
    try:
        active: dict[str, dict[str, Any]] = {}
        for batch_id in pending:
            try:
                batch = await api.retrieve(batch_id)
            except BatchNotFound:
                batch = {"status": "unknown to the endpoint"}
            if batch.get("status") not in (*TERMINAL, "validating", "in_progress", "finalizing", "cancelling") or (
                batch.get("status") in ("failed", "expired", "cancelled") and not batch.get("output_file_id")
            ):
                say(f"Batch {batch_id} is {batch.get('status')} with no answers; submitting its articles again.")
                _forget(cache, todo, pending[batch_id])
                continue
            say(
                f"Resuming batch {batch_id} ({batch.get('status')}): {len(pending[batch_id])} article(s) already submitted, not paying twice."
            )
            active[batch_id] = batch
        waiting = {s for b in active for s in pending[b]}
        fresh = [s for s in todo if s not in waiting]
        reservations: dict[str, Reservation | None] = {}
        if fresh and budget is not None:
            for subject in list(fresh):
                reservations[subject] = budget.reserve(
                    estimate_tokens(brief_messages(todo[subject].sent), ArticleBrief), batch=True
                )
            refused = [s for s in fresh if reservations[s] is None]
            fresh = [s for s in fresh if reservations[s] is not None]
            if refused:
                say(f"Budget: {len(refused)} article(s) not submitted ({budget.describe()}).")
        for start in range(0, len(fresh), MAX_REQUESTS_PER_BATCH):
            chunk = fresh[start : start + MAX_REQUESTS_PER_BATCH]
            batch = await _submit(api, [_line(todo[s], settings) for s in chunk], settings)
            for subject in chunk:
                cache.set_text(_PENDING + todo[subject].cache_key, batch["id"])
            pending[batch["id"]] = chunk
            active[batch["id"]] = batch
            say(
                f"Submitted batch {batch['id']} with {len(chunk)} request(s) to {settings.endpoint}; results within 24 h. "
                "Rerunning the same command resumes it."
            )
        outcome.batch_ids = list(active)
        for batch_id, batch in active.items():
            batch = await _wait(api, batch, settings, say)
            answered = await _collect(api, batch, pending[batch_id], todo, settings, cache, outcome, on_result)
            for subject in pending[batch_id]:
                if budget is not None:
                    budget.settle(
                        reservations.get(subject),
                        outcome.results[todo[subject].sent.id].usage if subject in answered else {},
                        batch=True,
                    )
            outcome.leftovers += len(pending[batch_id]) - len(answered)
            _forget(cache, todo, pending[batch_id])
    finally:
        await api.close()
    return outcome


def _forget(cache: Cache, todo: dict[str, PreparedArticle], subjects: Sequence[str]) -> None:
    for subject in subjects:
        cache.set_text(_PENDING + todo[subject].cache_key, "")


async def _submit(api: BatchApi, lines: list[dict[str, Any]], settings: Settings) -> dict[str, Any]:
    data = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines).encode("utf-8")
    name = f"brief-{short_hash(data, 12)}.jsonl"
    uploaded = await api.upload(name, data)
    return await api.create(
        uploaded["id"], {"created_by": "brief", "model": settings.model, "requests": str(len(lines))}
    )


async def _wait(api: BatchApi, batch: dict[str, Any], settings: Settings, say: StatusCallback) -> dict[str, Any]:
    """Poll until the batch reaches a terminal status, reporting progress when it changes."""
    last = None
    while batch.get("status") not in TERMINAL:
        counts = batch.get("request_counts") or {}
        state = (batch.get("status"), counts.get("completed"), counts.get("failed"))
        if state != last:
            say(
                f"Batch {batch['id']}: {batch.get('status')}, {counts.get('completed', 0)}/{counts.get('total', 0)} done, {counts.get('failed', 0)} failed."
            )
            last = state
        await asyncio.sleep(settings.batch_poll)
        batch = await api.retrieve(batch["id"])
    counts = batch.get("request_counts") or {}
    say(
        f"Batch {batch['id']}: {batch['status']}, {counts.get('completed', 0)}/{counts.get('total', 0)} done, {counts.get('failed', 0)} failed."
    )
    if batch["status"] == "failed" and not batch.get("output_file_id"):
        errors = "; ".join(e.get("message", "") for e in ((batch.get("errors") or {}).get("data") or []))[:400]
        log.warning("batch %s failed: %s", batch["id"], errors or "no reason given")
    return batch


async def _collect(
    api: BatchApi,
    batch: dict[str, Any],
    subjects: Sequence[str],
    todo: dict[str, PreparedArticle],
    settings: Settings,
    cache: Cache,
    outcome: BatchOutcome,
    on_result: ProgressCallback | None,
) -> set[str]:
    """Validate and cache each answer of a finished batch; return the subjects answered."""
    answered: set[str] = set()
    if not batch.get("output_file_id"):
        return answered
    text = await api.content(batch["output_file_id"])
    wanted = set(subjects)
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        subject = line.get("custom_id")
        if subject not in wanted or subject in answered:
            continue
        prepared = todo[subject]
        article, ckey = prepared.sent, prepared.cache_key
        response = line.get("response") or {}
        body = response.get("body") or {}
        usage = {
            k: v
            for k, v in (body.get("usage") or {}).items()
            if k in ("prompt_tokens", "completion_tokens", "total_tokens") and isinstance(v, int)
        }
        outcome.add_usage(usage)
        outcome.requests += 1
        payload = _payload(body) if response.get("status_code") == 200 and not line.get("error") else None
        try:
            if payload is None:
                raise ValueError("no answer")
            brief = ArticleBrief.model_validate_json(payload, context={"language": article.language})
        except (ValueError, ValidationError) as exc:
            log.info(
                "batch answer for %s not usable (%s); it will be asked live",
                article.path,
                " ".join(str(exc).split())[:200],
            )
            continue
        notes = [*brief.repairs.fixed, *brief.repairs.dropped]
        cache.set(
            ckey,
            CachedBrief(
                answer=brief,
                notes=notes,
                model=settings.model,
                prompt_hash=prepared.request_key.prompt_hash,
                schema_hash=prepared.request_key.schema_hash,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                grounded=True,
                usage=usage,
            ),
        )
        result = reviewed_result(article, brief, usage=usage, attempts=1, notes=notes)
        outcome.results[article.id] = result
        answered.add(subject)
        if on_result:
            on_result(result)
    return answered


async def summarize_with_batch(
    articles: Sequence[Article],
    run: RunContext,
    *,
    on_result: ProgressCallback | None = None,
    on_status: StatusCallback | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[list[BriefResult], BatchOutcome]:
    """Batch what is not cached, then the usual path for the rest (cache hits and leftovers); results in input order."""
    outcome = await run_batch(
        articles,
        run.settings,
        run.cache,
        budget=run.budget,
        on_status=on_status,
        on_result=on_result,
        transport=transport,
        client=run.client,
    )
    rest = [a for a in articles if a.id not in outcome.results]
    if outcome.leftovers:
        (on_status or log.info)(
            f"{outcome.leftovers} article(s) came back from the batch without a valid answer; asking them live."
        )
    live = await brief_articles(rest, run, on_result=on_result)
    by_id = {r.article.id: r for r in live} | outcome.results
    return [by_id[a.id] for a in articles], outcome
