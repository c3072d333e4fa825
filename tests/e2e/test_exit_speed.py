"""What a finished run leaves to do on its way out: no costly repr of the result, no collections at exit."""

from __future__ import annotations

import gc

import pytest

from summarizer.util.aio import run_sync


class _Result:
    """A result whose repr is noted (a whole briefing's repr is slow)."""

    reprs = 0

    def __repr__(self) -> str:
        type(self).reprs += 1
        return "_Result()"


def test_run_sync_returns_the_coroutine_result_without_building_its_repr() -> None:
    async def work() -> _Result:
        return _Result()

    _Result.reprs = 0
    result = run_sync(work())
    assert isinstance(result, _Result)
    assert (
        _Result.reprs == 0
    )  # asyncio.run (3.11) builds the finished main task's repr, result included, on the way out


def test_run_sync_raises_what_the_coroutine_raises() -> None:
    async def boom() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        run_sync(boom())


def test_the_console_entry_point_freezes_the_heap_before_interpreter_shutdown(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer import cli

    monkeypatch.setattr("sys.argv", ["brief", "--help"])
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit):
            cli.main()
        assert gc.get_freeze_count() > 0  # shutdown's collections skip what is frozen
    finally:
        gc.unfreeze()


def test_the_heap_is_frozen_while_the_briefing_is_assembled_and_left_as_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The garbage collector's full passes skip what the article phase left (all still in use); the caller's heap is restored."""
    import summarizer.stages.merge as merge
    from summarizer import Settings, bundled_fixtures_dir
    from summarizer.pipeline import build_briefing

    from tests.conftest import SEEDS

    frozen_during: list[int] = []
    merge_all = merge.merge_briefs

    def watched(results, **kwargs):  # type: ignore[no-untyped-def]
        frozen_during.append(gc.get_freeze_count())
        return merge_all(results, **kwargs)

    monkeypatch.setattr(merge, "merge_briefs", watched)
    gc.unfreeze()
    build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    assert frozen_during and all(n > 0 for n in frozen_during)
    assert gc.get_freeze_count() == 0  # as it was

    gc.freeze()  # a caller that froze its heap (e.g. before forking workers) keeps it frozen
    try:
        build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_while_the_briefing_is_assembled_and_resumed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Merged stories and their renumbered sections live to the end of the run: the collector's passes over them are
    skipped while they are made (17 s of a warm 10,000-article run); it runs again once the run is done."""
    import summarizer.stages.merge as merge
    from summarizer import Settings, bundled_fixtures_dir
    from summarizer.pipeline import build_briefing

    from tests.conftest import SEEDS

    enabled_during: list[bool] = []
    merge_all = merge.merge_briefs

    def watched(results, **kwargs):  # type: ignore[no-untyped-def]
        enabled_during.append(gc.isenabled())
        return merge_all(results, **kwargs)

    monkeypatch.setattr(merge, "merge_briefs", watched)
    assert gc.isenabled()
    build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    assert enabled_during and not any(enabled_during)
    assert gc.isenabled()

    gc.disable()  # a caller that turned the collector off keeps it off
    try:
        build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_the_assembly_made_joins_the_oldest_generation_unscanned() -> None:
    """Left in the youngest generation, the millions of objects a paused 10,000-article assembly makes would all be
    walked by the collector's next pass, in the middle of rendering (~2 s): they join the oldest instead."""
    from summarizer import Settings, bundled_fixtures_dir
    from summarizer.pipeline import build_briefing

    from tests.conftest import SEEDS

    gc.collect()
    run = build_briefing([SEEDS], Settings(replay_dir=bundled_fixtures_dir(), use_cache=False))
    made = [run.briefing, run.briefing.timeline[0], run.briefing.stories[0]]
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in made)
    assert len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1)) < 5000


def test_only_a_paused_span_ages_its_objects_on_thawing() -> None:
    """The language worker's thaw leaves what was made meanwhile to the young collections (cyclic garbage of the
    requests then in flight among it: a cold 10,000-article run peaked 180 MB higher when it was aged too)."""
    from summarizer.util.speed import freeze_heap, thaw_heap

    gc.collect()
    for age in (False, True):
        frozen = freeze_heap()
        made = [[] for _ in range(50)]
        thaw_heap(frozen, age=age)
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        assert all((id(x) in oldest) == age for x in made), age
        assert gc.get_freeze_count() == 0
