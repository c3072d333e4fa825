"""Several stories' summary (or comparison) questions in one request, when there are more than the run sends at once.

After the last article every story with two or more sources asks for its executive summary and
its comparison. A run of many small stories asks more questions than `--concurrency` lets out at
once, so they would go out in waves, a round of latency each. The `Packer` holds the stories'
questions until every story has asked or finished without asking; then, if they are more than
the run's concurrency, it packs the small questions of one kind (same prompt, same response model;
each at most the input room over `pack_limit`) into as few requests as needed, each within the
model's input room and with at most `pack_limit` stories, so that each story's answer has about a
thousand tokens of the output limit. A larger question (a long story's) is asked on its own.

A packed request is the kind's own instructions and each story's own user message, fenced in
`<story n="...">` tags; its answer has one part per story. Each part is read on its own, with
its own story's validation context, exactly as a single answer would be: a part that is missing,
unreadable or loses more than `REASK_SHARE` of its items fails only its story, which then asks its
own question (its own request, its own cache key). A pack of one is the question itself. The packed
request is cached under a key of its own content (the pack prompt's hash, the packed schema and a
hash of the messages), and each good part under its story's own key, as if asked alone; a question
already answered in the cache is answered from there, so a rerun that packs differently (another
`--concurrency`, fewer questions left) pays for nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated, Any, TypeVar, cast

from pydantic import Field, ValidationError, WithJsonSchema, create_model

from ..cache import cache_key
from ..cache.base import Claim
from ..models.base import ResponseModel
from .ask import Answer, Question, ask, envelope_of, needs_reask, remember
from .context import input_room, prompt_tokens
from .cost import sum_usage
from .prompts import escape_closing_tag, load_prompt, schema_hash, short_hash
from .replay import RequestKey
from .run import RunContext

__all__ = ["Asker", "Packer", "pack_limit", "packed_model"]

T = TypeVar("T")
Asker = Callable[[Question[Any]], Awaitable[Answer[Any]]]
ANSWER_TOKENS = (
    1000  # output tokens a packed story's answer may take (a small story's summary or comparison takes less)
)


def pack_limit(max_output_tokens: int) -> int:
    """Stories per packed request: as many answers as fit the output limit, at about `ANSWER_TOKENS` each."""
    return max(1, max_output_tokens // ANSWER_TOKENS)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every `#/$defs/...` reference replaced by its definition (so it can sit inside another schema)."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


@cache
def packed_model(inner: type[ResponseModel]) -> type[ResponseModel]:
    """The answer to a packed request: one part per story, each an answer `inner` reads on its own (so held as JSON here)."""
    part = create_model(
        f"Packed{inner.__name__}Part",
        __base__=ResponseModel,
        __doc__=f"One story's answer: {inner.__doc__}",
        story=(int, Field(description="The number of the story's <story> tag.")),
        answer=(
            Annotated[dict[str, Any], WithJsonSchema(_inlined(inner.model_json_schema()))],
            Field(
                description="The story's answer, written only from its own briefs and citing only its own source numbers."
            ),
        ),
    )
    return create_model(
        f"Packed{inner.__name__}",
        __base__=ResponseModel,
        __doc__=f"Answers to several separate stories, one per story. {inner.__doc__}",
        stories=(list[part], Field(description="One answer per story, in the order of the stories.", min_length=1)),  # type: ignore[valid-type]  # a class made above
    )


class Packer:
    """Holds the questions of `members` stories until each has asked or finished, then sends them packed if they are many."""

    def __init__(self, run: RunContext, members: int, kinds: tuple[str, ...] = ("summary", "analysis")) -> None:
        self.run = run
        self._open = {
            (m, k) for m in range(members) for k in kinds
        }  # (story, kind) that has neither asked nor finished
        self._queue: list[tuple[Question[Any], asyncio.Future[Answer[Any]]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.flushed = asyncio.Event()
        self.packed_requests = 0  # packed questions asked (sent, or answered from the cache)
        if not self._open:
            self.flushed.set()

    async def written(self) -> None:
        """Return once every story has asked and the requests are written out (CPU work that can wait is done after this)."""
        await self.flushed.wait()
        await self.run.client.requests_written()

    def asker(self, member: int, kind: str) -> Asker:
        """How story `member` asks its `kind` question: held until every story has asked, then answered alone or packed."""

        async def held(question: Question[Any]) -> Answer[Any]:
            if self.flushed.is_set():  # a later question (a long story's next level): on its own
                return await ask(question, self.run)
            future: asyncio.Future[Answer[Any]] = asyncio.get_running_loop().create_future()
            self._queue.append((question, future))
            self.settle(member, kind)
            return await future

        return held

    async def tracked(self, member: int, kind: str, awaitable: Awaitable[T]) -> T:
        """`awaitable` (story `member`'s `kind` step); once it is done the packer waits no more for its question."""
        try:
            return await awaitable
        finally:
            self.settle(member, kind)

    def settle(self, member: int, kind: str) -> None:
        self._open.discard((member, kind))
        if not self._open and not self.flushed.is_set():
            self.flushed.set()
            self._flush()

    def _flush(self) -> None:
        queue, self._queue = self._queue, []
        cached: list[tuple[Question[Any], asyncio.Future[Answer[Any]], Claim]] = []  # answered already: read once, here
        rest: list[tuple[Question[Any], asyncio.Future[Answer[Any]]]] = []
        for q, f in queue:
            entry = self.run.cache.get(q.cache_key, envelope_of(q))
            if entry is None:
                rest.append((q, f))
            else:
                cached.append((q, f, Claim(value=entry)))
        slots = self.run.settings.concurrency
        batches: list[list[tuple[Question[Any], asyncio.Future[Answer[Any]]]]] = []
        if len(rest) <= slots:
            batches += [[item] for item in rest]
        else:
            size = min(pack_limit(self.run.settings.max_output_tokens), -(-len(rest) // slots))
            room = input_room(self.run.settings)
            by_kind: dict[tuple[str, type[Any], str], list[tuple[Question[Any], asyncio.Future[Answer[Any]]]]] = {}
            for q, f in rest:
                if (
                    prompt_tokens(q.messages, q.model) > room // size
                ):  # a large story's question: on its own, never crowded out by small ones
                    batches.append([(q, f)])
                else:
                    by_kind.setdefault((q.request_key.kind, q.model, q.messages[0]["content"]), []).append((q, f))
            for items in by_kind.values():
                batch: list[tuple[Question[Any], asyncio.Future[Answer[Any]]]] = []
                used = 0
                for q, f in items:
                    tokens = prompt_tokens(q.messages[1:], q.model)  # the system prompt and schema count once per pack
                    if batch and (len(batch) >= size or used + tokens > room):
                        batches.append(batch)
                        batch, used = [], 0
                    batch.append((q, f))
                    used += tokens + (prompt_tokens(q.messages[:1], q.model) if len(batch) == 1 else 0)
                if batch:
                    batches.append(batch)
        self._tasks = [asyncio.ensure_future(self._answer([(q, f)], found)) for q, f, found in cached]
        self._tasks += [asyncio.ensure_future(self._answer(batch)) for batch in batches]

    async def _answer(
        self, batch: list[tuple[Question[Any], asyncio.Future[Answer[Any]]]], found: Claim | None = None
    ) -> None:
        """Answer `batch`: one question alone (from `found`, its cache entry, when the flush read it), or packed."""
        futures = [f for _, f in batch]
        try:
            if len(batch) == 1:
                answers = [await ask(batch[0][0], self.run, found=found)]
            else:
                answers = await self._packed([q for q, _ in batch])
        except BaseException as exc:
            for f in futures:
                if not f.done():
                    f.set_exception(exc) if not isinstance(exc, asyncio.CancelledError) else f.cancel()
            if not isinstance(exc, Exception):
                raise
            return
        for f, answer in zip(futures, answers):
            if not f.done():
                f.set_result(answer)

    async def _packed(self, questions: list[Question[Any]]) -> list[Answer[Any]]:
        """One request for `questions` (one kind); each story whose part fails asks its own question."""
        run, first = self.run, questions[0]
        model = packed_model(cast(type[ResponseModel], first.model))
        prompt = load_prompt("pack")
        stories = "\n\n".join(
            f'<story n="{n}">\n{escape_closing_tag(q.messages[1]["content"], "story")}\n</story>'
            for n, q in enumerate(questions, 1)
        )
        messages = prompt.render(
            instructions=first.messages[0]["content"],
            count=len(questions),
            stories=stories,
            numbers=", ".join(map(str, range(1, len(questions) + 1))),
        )
        kind, shash = f"pack-{first.request_key.kind}", schema_hash(model)
        subject = short_hash(messages[0]["content"] + "\x00" + messages[1]["content"], 16)
        settings = run.settings
        ckey = cache_key(
            kind,
            namespace=settings.namespace,
            model=settings.model,
            prompt_hash=prompt.hash,
            schema_hash=shash,
            subject=subject,
        )
        key = RequestKey(kind, subject, settings.mode, prompt.hash, shash, label=f"{kind}-{subject[:8]}")
        self.packed_requests += 1
        packed = await ask(Question(model, messages, ckey, key, what=f"{first.what} of {len(questions)} stories"), run)
        parts: dict[int, dict[str, Any]] = {}
        for part in cast(Any, packed.value).stories if packed.value is not None else []:
            parts.setdefault(part.story, part.answer)
        if packed.refused is not None:  # the budget refused the pack: each story hears it as its own refusal
            return [Answer(refused=packed.refused) for _ in questions]
        read = [self._read(q, parts.get(n), packed) for n, q in enumerate(questions, 1)]
        for q, a in zip(questions, read):
            if a is not None:  # also under the story's own key: a rerun may pack differently (or not at all)
                remember(q, run, a.value, notes=a.notes, grounded=a.grounded, usage={})
        own = iter(await asyncio.gather(*(ask(q, run) for q, a in zip(questions, read) if a is None)))
        answers = [a if a is not None else next(own) for a in read]
        answers[0].usage = sum_usage(answers[0].usage, packed.usage)  # the packed request's cost, counted once
        return answers

    def _read(self, question: Question[Any], part: dict[str, Any] | None, packed: Answer[Any]) -> Answer[Any] | None:
        """The story's part read as its own answer would be, or None when it fails (then the story asks on its own)."""
        if part is None:
            return None
        try:
            value = question.model.model_validate(part, context=question.context)
        except ValidationError:
            return None
        if needs_reask(question, value, self.run.settings.max_reasks):
            return None  # as a single answer this would be asked again: ask it on its own
        notes = [*value.repairs.fixed, *value.repairs.dropped]
        return Answer(
            value, notes=notes, attempts=packed.attempts, from_cache=packed.from_cache, grounded=packed.grounded
        )
