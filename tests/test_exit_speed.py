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
    assert _Result.reprs == 0  # asyncio.run (3.11) builds the finished main task's repr, result included, on the way out


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
