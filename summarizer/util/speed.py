"""brief's speed tricks, in one place: each says what it saves, with the figure that justifies it.

Figures are from bench/README.md (item 0 of `bench/run.py`: 200 articles, latency 0.5 s,
concurrency 16, whole process) unless marked otherwise; where they were taken is said there.

| trick | where it is used | what it saves |
|---|---|---|
| `pause_collector` | `brief run`, from start-up until every file is read | the cyclic collector's passes over objects that live for the whole run: 420 collections and 0.21 s of CPU before the first request without it, 67 and 0.014 s with it |
| `freeze_heap` around the language worker | `ingest/languages.py`, while the forked detector runs | copy-on-write faults in the shared pages: the SDK import was about 0.2 s slower without it |
| `freeze_heap` after the articles | `pipeline.build_briefing_async`, from the last brief to the result | one full collection over the ~200,000 objects a 200-article run holds took 0.15 s, and merging the stories set one off |
| `pause_collector` after the articles | `pipeline.build_briefing_async`, with the freeze above | the collector's passes over what assembling makes (stories merged and renumbered, all of it kept to the end): 17 s of a warm 10,000-article run's 58 s (`bench/growth.py`, giant shape, gc callbacks), 0.5-1 s at 1,000 |
| `thaw_heap(age=True)` moves the new objects to the oldest generation | `pipeline.build_briefing_async`, as the run ends (only there: see its docstring) | the first pass after the paused assembly walked everything it made, during rendering: about 2 s at 10,000 articles (the header's quote count took the blame under cProfile) |
| `freeze_at_exit` | `summarizer.cli.main`, after the command | interpreter shutdown's collections over everything still alive: about 0.5 s for 200 articles; the exit now takes about 50 ms |
| `import_later` | `pipeline`, once every file is read | the later stages load while answers are awaited, not before the first request: 0.14-0.20 s of imports (models.briefing, merge, synthesis, analysis, stories.briefings; measured at load average 10 with `python -c`, three runs) |
| `warming` | `pipeline`, on each brief as it arrives | each brief's story terms and names are worked out while the other answers are awaited: grouping after the last answer takes ~40-60 ms |
| `sdk_warmer` | `pipeline`, when the first language is detected | the SDK import (1.1-1.5 s, the floor of the first request) starts while the language worker loads its model on the other core, and never in a fully cached run |

Only the standard library is imported here; the stages are named, not imported, so this module
sits at the bottom of the package like the rest of util/.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

__all__ = [
    "LATER_STAGES",
    "freeze_at_exit",
    "freeze_heap",
    "import_later",
    "pause_collector",
    "sdk_warmer",
    "thaw_heap",
    "warming",
]

T = TypeVar("T")

# The modules a run needs only after the articles are briefed (relative to the package).
LATER_STAGES = ("models.briefing", "stages.merge", "stages.synthesis", "stages.analysis", "stories.briefings")
_PACKAGE = __name__.rsplit(".", 2)[0]  # "summarizer"


def pause_collector() -> Callable[[], None]:
    """Pause Python's cyclic garbage collector until the returned function is called (idempotent).

    Start-up (brief's modules, then openai and instructor) builds objects that live for the whole
    run; the collector would walk them again and again before the first request.
    """
    paused = gc.isenabled()
    gc.disable()

    def resume() -> None:
        nonlocal paused
        if paused:
            paused = False
            gc.enable()

    return resume


def freeze_heap() -> bool:
    """Move every object alive now out of the collector's view (`gc.freeze`), unless someone already has.

    Returns True when this call froze them: the caller then calls `thaw_heap(True)` when done. Left
    alone (False) when objects are frozen already, so an outer freeze (a caller's, before forking
    workers, or the pipeline's around a run) is never undone from inside.
    """
    if gc.get_freeze_count():
        return False
    gc.freeze()
    return True


def thaw_heap(frozen: bool, *, age: bool = False) -> None:
    """Undo `freeze_heap` if that call froze the heap (its result is `frozen`).

    `age`: what was made meanwhile joins the oldest generation with the rest, unscanned. For a span
    with the collector paused (`pause_collector`), whose objects are all still in use: left in the
    youngest, the collector's next pass would walk all of it (after a paused 10,000-article assembly,
    millions of objects: a pass of ~2 s in the middle of rendering). Not for a span where the collector
    ran: the cyclic garbage of requests then in flight would wait for a full pass (a cold 10,000-article
    run peaked 180 MB higher when the language worker's thaw did it).
    """
    if frozen:
        if age:
            gc.freeze()
        gc.unfreeze()


def freeze_at_exit() -> None:
    """The process exits next, its outputs written: keep shutdown's collections off every object still alive."""
    gc.freeze()


async def import_later(names: Sequence[str] = LATER_STAGES) -> None:
    """Import `names` (relative to the package) one module per turn of the event loop, so answers arriving meanwhile wait at most one import."""
    for name in names:
        await asyncio.sleep(0)
        importlib.import_module(f"{_PACKAGE}.{name}")


def warming(on_result: Callable[[T], None] | None) -> Callable[[T], None]:
    """`on_result`, after working out what grouping and merging need of that one result (`stories.briefings.warm`).

    Results that arrive before the later stages are imported (`import_later`) are left for later.
    """

    def each(result: T) -> None:
        stories = sys.modules.get(f"{_PACKAGE}.stories.briefings")
        if stories is not None and getattr(result, "ok", False):
            stories.warm(result)
        if on_result is not None:
            on_result(result)

    return each


class _Warmable(Protocol):
    def warm(self) -> None: ...


def sdk_warmer(client: _Warmable, cached: Callable[[Any], bool]) -> Callable[[Any], None]:
    """A language-detection callback that builds the SDK client unless the article's answer is `cached`.

    A language missing from the cache almost always means the brief is missing too; a fully
    cached run never loads the SDK.
    """

    def warm(article: Any) -> None:
        if not cached(article):
            client.warm()

    return warm
