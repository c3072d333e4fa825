"""Asyncio helpers shared by the pipeline stages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

__all__ = ["gather_or_cancel", "gather_streamed", "run_sync", "settled"]

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)`, with the result handed out past the event loop, not as the main task's result.

    On the way out `asyncio.run` calls `signal.getsignal(SIGINT)` (Python 3.11), which builds the
    repr of its handler, a partial holding the finished main task, and so of the task's result: for
    a whole briefing that repr took a quarter of a second, twice, after the work was done.
    """
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]


async def gather_or_cancel(awaitables: Iterable[Awaitable[Any]]) -> list[Any]:
    """Run awaitables concurrently (an asyncio.TaskGroup); if one raises (auth, unknown model), the rest are
    cancelled and awaited, then its error is re-raised as itself (not wrapped in an ExceptionGroup); results in order."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(a)) for a in awaitables]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable  # a task of the group even when given a future (cancelling it cancels the future)


def _first(group: BaseException) -> BaseException:
    """The first error a task group collected (the first to fail), unwrapped."""
    while isinstance(group, BaseExceptionGroup):
        group = group.exceptions[0]
    return group


async def _cancel_all(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel `tasks` and wait until each has finished (the caller re-raises what stopped them)."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def gather_streamed(items: AsyncIterable[T], start: Callable[[T], Awaitable[Any]]) -> list[Any]:
    """`gather_or_cancel` over `start(item)` for items that arrive over time: each runs as soon as it
    arrives; the first error stops the iteration, cancels the rest and is re-raised; results in item order.

    Not a TaskGroup: a failing task would cancel this loop wherever it waits, i.e. in the middle of
    reading the next file; this stops between files, so the reader (and its language worker) closes
    as after a normal run.
    """
    tasks: list[asyncio.Future[Any]] = []
    failed: list[asyncio.Future[Any]] = []

    def check(task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            failed.append(task)

    try:
        stream = aiter(items)
        try:
            async for item in stream:
                if failed:
                    break
                task = asyncio.ensure_future(start(item))
                task.add_done_callback(check)
                tasks.append(task)
        finally:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()  # an async generator's cleanup (e.g. the language detector) runs now, not at shutdown
        if failed:
            failed[0].result()
        return list(await asyncio.gather(*tasks))
    except BaseException:
        await _cancel_all(tasks)
        raise


async def settled(
    probe: Callable[[], object], *, until: Callable[[], bool] = lambda: True, turns: int = 3, most: int = 1000
) -> None:
    """Yield to the event loop until `until()` holds and `probe()` has stayed the same for `turns` turns (at most `most` turns).

    With `probe` counting requests in flight and `until` saying none is still being written:
    tasks started just before have sent what they were about to send, so CPU work done next (a
    merge, the deterministic analysis) does not hold their requests back; it is done while the
    answers are on their way. A turn with nothing else to run costs microseconds.
    """
    seen, still = probe(), 0
    for _ in range(most):
        await asyncio.sleep(0)
        now = probe()
        still = still + 1 if now == seen else 0
        seen = now
        if still >= turns and until():
            return
