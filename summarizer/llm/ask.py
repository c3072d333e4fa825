"""The one way a stage asks the model: cache, budget, request, per-item checks, re-ask policy, cache write.

Validate each item, not the answer. The response models read an answer leniently
(`models.lenient`): what has one right reading is normalized, an item that fails on its own is
dropped with a note, and the rest of the answer stands. Structural failures (not JSON, required
top-level content missing, cut off by the output limit) are re-asked by the client, since they
leave nothing to keep. Beyond that a structurally valid answer costs exactly one request, unless
more than `REASK_SHARE` of its items fail: then the model is asked once more, naming only the
failing items, and the better of the two answers is kept (the one with more items that check out).

Nothing here decides that a quote is verified: grounding (`verify_brief`) and the analysis check
stay authoritative; the `check` a stage passes only counts failures for the re-ask policy.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..cache.base import Claim, keep_alive, wait_for_claim
from ..errors import AuthError, LLMError, ModelNotFoundError
from .cost import estimate_tokens
from .replay import RequestKey
from .run import RunContext
from ..models import CachedAnswer
from ..models.base import ResponseModel

__all__ = ["REASK_SHARE", "Answer", "Question", "ask", "envelope_of", "item_reask", "needs_reask", "remember"]

T = TypeVar("T", bound=ResponseModel)
log = logging.getLogger(__name__)

REASK_SHARE = 0.5  # re-ask a structurally valid answer only when more than this share of its items fail


@dataclass
class Question(Generic[T]):
    """One request to the model and how to cache and check its answer."""

    model: type[T]
    messages: list[dict[str, str]]
    cache_key: str
    request_key: RequestKey
    what: str  # names the answer in notes and logs, e.g. "executive summary"
    context: dict[str, Any] = field(
        default_factory=dict
    )  # validation context (valid source numbers, source texts, language)
    check: Callable[[T], list[str]] | None = (
        None  # failing items the models do not drop themselves (e.g. quotes not in the article)
    )
    vital: Callable[[T], list[str]] | None = (
        None  # problems that alone are worth one re-ask (e.g. the headline is not in English)
    )
    envelope: type[CachedAnswer[Any]] | None = None  # cache entry type; default CachedAnswer[model]


@dataclass
class Answer(Generic[T]):
    """The answer (or why there is none), the notes on what reading it fixed or left out, and its cost."""

    value: T | None = None
    notes: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 0  # HTTP requests sent, failed ones included
    from_cache: bool = False
    grounded: bool = True
    error: LLMError | None = None
    refused: str | None = None  # not sent: the budget would be exceeded (the refusal, naming the fix)


def item_reask(failures: list[str], received: int, vital: list[str] | None = None) -> str:
    """The re-ask message: the vital problems (a field not in English), then only the failing items, each named, and what to do about them."""
    head = "".join(f"Your {v}.\n" for v in vital or [])
    if not failures:
        return head + (
            "Answer again in full, with every field the schema describes as English written in English; keep names in "
            "`name_in_source` and the evidence quotes exactly as the article writes them."
        )
    lines = "\n".join(f"- {f}" for f in failures[:20])
    more = f"\n- and {len(failures) - 20} more" if len(failures) > 20 else ""
    return head + (
        f"{len(failures)} of the {received} items in your answer failed their checks and would be left out:\n{lines}{more}\n"
        "Answer again in full: fix these items (copy every quote character for character from the text it cites, cite only the "
        "numbers given, name only listed actors, write the English fields in English) or leave them out. Keep the items that were fine as they were."
    )


def _failures(value: ResponseModel, check: Callable[[Any], list[str]] | None) -> tuple[list[str], int]:
    failures = list(value.repairs.dropped) + (check(value) if check else [])
    return failures, max(value.repairs.received, 1)


def _reask_due(max_reasks: int, failures: list[str], received: int, vital: list[str]) -> bool:
    """The re-ask policy: a vital problem, or more than `REASK_SHARE` of the items failing their checks."""
    return max_reasks > 0 and (bool(vital) or len(failures) > REASK_SHARE * received)


def needs_reask(question: Question[Any], value: ResponseModel, max_reasks: int) -> bool:
    """Whether `value`, read as the answer to `question`, would be asked again under the re-ask policy."""
    failures, received = _failures(value, question.check)
    return _reask_due(max_reasks, failures, received, question.vital(value) if question.vital else [])


def _add(total: dict[str, int], usage: dict[str, int]) -> None:
    for name, number in usage.items():
        total[name] = total.get(name, 0) + number


def envelope_of(question: Question[Any]) -> type[CachedAnswer[Any]]:
    """The type of the question's cache entry."""
    return question.envelope or CachedAnswer[question.model]  # type: ignore[name-defined]  # a generic parametrized at run time by the question's model


async def ask(
    question: Question[T],
    run: RunContext,
    *,
    on_response: Callable[[], None] | None = None,
    found: Claim | None = None,
) -> Answer[T]:
    """Answer `question` from the cache, else from the model (one request for a valid answer), and cache it.

    Paid for under the cache key's lease (`found`: the claim already made), so workers sharing a
    cache never pay twice. Auth and unknown-model errors are raised; every other failure is
    returned on the Answer.
    """
    envelope, cache = envelope_of(question), run.cache
    if found is None:
        found = await wait_for_claim(
            cache, question.cache_key, envelope
        )  # another worker writing it: wait for its answer
    if found.value is not None:
        cached: CachedAnswer[Any] = found.value  # type: ignore[assignment]  # the claim holds what the question's envelope validated
        return Answer(cached.answer, notes=list(cached.notes), from_cache=True, grounded=cached.grounded)
    async with keep_alive(found.lease, cache.lease_seconds):  # released when done: the entry is written by then
        return await _from_model(question, run, on_response)


async def _from_model(question: Question[T], run: RunContext, on_response: Callable[[], None] | None) -> Answer[T]:
    settings, client, budget = run.settings, run.client, run.budget
    ticket = None
    if budget is not None and budget.limited:
        ticket = await budget.reserve_when_room(estimate_tokens(question.messages, question.model))
        if ticket is None:
            return Answer(refused=budget.refusal())
    usage: dict[str, int] = {}

    def settle() -> None:
        if budget is not None:
            budget.settle(ticket, usage)

    key = question.request_key
    try:
        done = await client.complete(
            question.model, question.messages, key=key, context=question.context, on_response=on_response
        )
    except (AuthError, ModelNotFoundError):
        raise
    except LLMError as exc:
        _add(usage, exc.usage)
        settle()
        return Answer(error=exc, usage=usage, attempts=exc.attempts)
    _add(usage, done.usage)
    value, attempts, grounded = done.value, done.attempts, done.grounded
    failures, received = _failures(value, question.check)
    vital = question.vital(value) if question.vital else []
    if _reask_due(settings.max_reasks, failures, received, vital):
        log.info(
            "%s: %d of %d items failed their checks%s; asking once more",
            question.what,
            len(failures),
            received,
            f", and {'; '.join(vital)}" if vital else "",
        )
        previous = done.raw or value.model_dump_json()
        reask = item_reask(failures if len(failures) > REASK_SHARE * received else [], received, vital)
        messages = [*question.messages, {"role": "assistant", "content": previous}, {"role": "user", "content": reask}]
        try:
            again = await client.complete(
                question.model, messages, key=key, context=question.context, on_response=on_response, reask=True
            )
        except (AuthError, ModelNotFoundError):
            raise
        except LLMError as exc:
            _add(usage, exc.usage)
            attempts += exc.attempts
            log.info("%s: the re-ask failed (%s); keeping the first answer", question.what, exc)
        else:
            _add(usage, again.usage)
            attempts += again.attempts
            second, received2 = _failures(again.value, question.check)
            vital2 = question.vital(again.value) if question.vital else []
            if (len(vital2), -(received2 - len(second))) < (
                len(vital),
                -(received - len(failures)),
            ):  # fewer vital problems, then more good items
                value, grounded = again.value, again.grounded
    settle()
    notes = [*value.repairs.fixed, *value.repairs.dropped]
    remember(question, run, value, notes=notes, grounded=grounded, usage=usage)
    return Answer(value, notes=notes, usage=usage, attempts=attempts, grounded=grounded)


def remember(
    question: Question[Any], run: RunContext, value: Any, *, notes: list[str], grounded: bool, usage: dict[str, int]
) -> None:
    """Cache `value` as the answer to `question`, under the question's own key."""
    key = question.request_key
    run.cache.set(
        question.cache_key,
        envelope_of(question)(
            answer=value,
            notes=notes,
            model=run.settings.model,
            prompt_hash=key.prompt_hash,
            schema_hash=key.schema_hash,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            grounded=grounded,
            usage=usage,
        ),
    )
