"""Daily digests: one cited digest per publication date, what is new since earlier digests, an index.

A digest for day D covers the articles whose header date is D (undated articles are in no
daily digest; each digest's notes name them). It is built by the same engine as the briefing
(`pipeline` -> `merge` -> per-story sections), without the executive-summary LLM call: its summary,
and each story's, is each source's own brief summary, cited. Each story of two or more sources
gets the briefing's cross-source analysis (divergences, framing, corroborated, stance table),
its LLM comparison asked through the same path and cache as a briefing's, so a digest costs the
briefs of articles not yet in the cache plus one comparison per multi-source story not yet
compared; a rerun costs nothing. With recordings (replay) a day's comparison is usually not
recorded: it is skipped with a note and the deterministic sections are shown.

"New since the previous digest" is worked out in `compare` against the earlier digests' JSON.

Writes are atomic, the whole run holds a lock on the out folder, and `index.md` is
regenerated from the digests' JSON, newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..ingest.articles import Rejection
from ..cache import open_cache
from ..config.settings import Settings
from ..errors import BriefError, ConfigError
from ..util.aio import run_sync
from ..util.files import write_atomic
from .compare import compare_with_earlier, digest_content, load_digests
from .day import DigestDay, build_day
from ..pipeline import read_articles
from ..llm.cost import budget_for
from ..render.digest_markdown import render_digest_json, render_digest_markdown, render_index
from ..models import (
    DIGEST_VERSION,
    Digest,
    DigestMeta,
    EarlierEvent,
    NewEvent,
    StanceShift,
)
from ..models import Outcome

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = [
    "DIGEST_VERSION",
    "EXIT_LOCKED",
    "LOCK_NAME",
    "Digest",
    "DigestMeta",
    "NewEvent",
    "EarlierEvent",
    "StanceShift",
    "DigestDay",
    "DigestRun",
    "DigestLockedError",
    "build_digests",
    "build_digests_async",
    "days_between",
    "parse_day",
    "load_digests",
    "compare_with_earlier",
]

EXIT_OK, EXIT_PARTIAL, EXIT_LOCKED = 0, 2, 75  # 75 = EX_TEMPFAIL (sysexits.h): try again later
LOCK_NAME = ".brief-digest.lock"
INDEX_NAME = "index.md"
HTML_INDEX_NAME = "index.html"


class DigestLockedError(BriefError):
    """Another `brief digest` holds the lock on the out folder."""

    exit_code = EXIT_LOCKED


@dataclass
class DigestRun:
    days: list[DigestDay]
    index_path: Path | None
    rejected: list[Rejection]
    undated: list[str]
    warnings: list[str] = field(default_factory=list)
    html_index_path: Path | None = None
    rejected_before: int = 0  # rejected files last changed on another day: that day's digest names them, this run's outcome does not count them

    @property
    def requests(self) -> int:
        return sum(d.requests for d in self.days)

    @property
    def resent(self) -> int:
        return sum(d.resent for d in self.days)

    @property
    def reasks(self) -> int:
        return sum(d.reasks for d in self.days)

    @property
    def replayed(self) -> int:
        return sum(d.replayed for d in self.days)

    @property
    def cache_hits(self) -> int:
        return sum(d.cache_hits for d in self.days)

    @property
    def outcome(self) -> Outcome:
        """COMPLETE when every article of the digested days was briefed; PARTIAL when some failed or were degraded, or files changed on those days were rejected."""
        return Outcome.PARTIAL if self.rejected or any(d.failed or d.degraded for d in self.days) else Outcome.COMPLETE

    @property
    def exit_code(self) -> int:
        """The conventional process status for `outcome` (0 complete, 2 partial), for scripts using the API."""
        return EXIT_PARTIAL if self.outcome is Outcome.PARTIAL else EXIT_OK


def parse_day(value: str, flag: str, *, today: dt.date) -> dt.date:
    """A day given on the command line: YYYY-MM-DD, 'today' or 'yesterday' (local time)."""
    relative = {"today": today, "yesterday": today - dt.timedelta(days=1)}
    if value.strip().lower() in relative:
        return relative[value.strip().lower()]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{flag} {value!r} is not a date; write it as YYYY-MM-DD (or today, yesterday), e.g. {flag} 2025-10-10"
        ) from None


def days_between(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every date from `since` to `until`, inclusive, ascending."""
    if since > until:
        raise ConfigError(f"--since {since} is after --until {until}; give an earlier --since or a later --until")
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


# --------------------------------------------------------------------------- one day


async def build_digests_async(
    paths: Sequence[str | Path],
    out_dir: Path,
    settings: Settings,
    *,
    days: Sequence[dt.date],
    skip_empty: bool = False,
    wait: float = 60.0,
    transport: httpx.AsyncBaseTransport | None = None,
    on_day=None,
    html: bool = False,
    on_result=None,
    on_loaded=None,
) -> DigestRun:
    """Write the digest of each of `days` (ascending) into `out_dir`, then regenerate its index.

    With `html`, each day is also written as a self-contained page YYYY-MM-DD.html (a day that
    already has a page gets it rewritten even without `html`, so no page is left stale); `index.html`
    is regenerated whenever this run writes pages or the folder already has one.

    Holds `out_dir/.brief-digest.lock` for the whole run; raises DigestLockedError if another run
    holds it for longer than `wait` seconds. `on_day(DigestDay)` is called after each day is written.
    """
    from filelock import FileLock, Timeout

    out_dir = Path(out_dir)
    budget = budget_for(
        settings
    )  # one --max-cost / --max-tokens for all the days; a cost budget without a price fails here
    cache = open_cache(settings)
    try:  # read-only, so before the lock: a bad path fails without touching --out
        loaded = read_articles(paths, cache)
    finally:
        cache.close()
    if on_loaded:
        on_loaded(loaded)
    created = not out_dir.exists()
    if created and not out_dir.parent.is_dir():
        raise ConfigError(
            f"--out {out_dir}: its folder {out_dir.parent} does not exist (brief creates only the --out folder itself); "
            f"create it first (mkdir -p {out_dir.parent}) or fix --out"
        )
    try:
        out_dir.mkdir(exist_ok=True)
        lock = FileLock(out_dir / LOCK_NAME)
        lock.acquire(timeout=max(wait, 0.0))
    except Timeout:
        raise DigestLockedError(
            f"another `brief digest` is writing to {out_dir} (lock {out_dir / LOCK_NAME} held); gave up after waiting {wait:g} s. "
            "Nothing was written: try again later, or raise --wait"
        ) from None
    except OSError as exc:
        _undo_out_dir(out_dir, created)
        raise ConfigError(
            f"--out {out_dir}: cannot write there ({exc.strerror or exc}); pass a writable --out"
        ) from exc
    undated = [a.path for a in loaded.articles if a.date is None]
    wanted = set(days)
    run = DigestRun(
        days=[],
        index_path=None,
        rejected=[r for r in loaded.rejected if r.changed is None or r.changed in wanted],
        undated=undated,
        rejected_before=sum(r.changed is not None and r.changed not in wanted for r in loaded.rejected),
    )
    try:
        history, run.warnings = load_digests(out_dir)
        todo = sorted(set(days))
        later = sorted(
            d for d in history if d > todo[-1] and history[d].sources
        )  # later digests with articles, compared without what changes now
        changed: list[dt.date] = []
        finished = False
        try:
            for day in todo:
                earlier = [history[d] for d in sorted(history) if d < day]
                result = await build_day(day, loaded, undated, earlier, settings, transport, on_result, budget)
                previous = history.get(day)
                if (
                    result.digest is not None
                    and not result.digest.sources
                    and result.failed
                    and previous is not None
                    and previous.sources
                ):
                    # nothing briefed this time (endpoint down?): the earlier digest of this day stays
                    run.warnings.append(
                        f"{out_dir / f'{day}.md'} kept as it was: none of the day's {len(result.failed)} article(s) could be briefed this time; "
                        "rerun later to update it"
                    )
                    result.digest, result.kept = previous, True
                elif result.digest is not None and (result.digest.sources or not skip_empty):
                    result.markdown_path = write_atomic(out_dir / f"{day}.md", render_digest_markdown(result.digest))
                    result.json_path = write_atomic(out_dir / f"{day}.json", render_digest_json(result.digest))
                    if (
                        html or (out_dir / f"{day}.html").exists()
                    ):  # a page written before is rewritten, never left stale
                        from ..render.html import render_digest_html

                        result.html_path = write_atomic(
                            out_dir / f"{day}.html", render_digest_html(result.digest, result.texts)
                        )
                    if later and digest_content(previous) != digest_content(result.digest):
                        changed.append(day)
                    history[day] = result.digest
                else:
                    result.digest = None
                run.days.append(result)
                if on_day:
                    on_day(result)
            finished = True
        finally:
            if changed:  # one line for the whole backfill, not one per day
                what = (
                    f"{out_dir / f'{changed[0]}.md'} changed"
                    if len(changed) == 1
                    else f"{len(changed)} digests in {out_dir} ({changed[0]} to {changed[-1]}) changed"
                )
                stale = f"digest {later[0]} was" if len(later) == 1 else f"digests {later[0]} to {later[-1]} were"
                run.warnings.append(
                    f"{what}, but the later {stale} compared without {'it' if len(changed) == 1 else 'them'}; "
                    f"refresh their 'new since' part with --since {changed[0]} --until {later[-1]}"
                )
            if finished or any(d.markdown_path for d in run.days):  # a run refused at once (exit 1) writes nothing
                newest_first = [history[d] for d in sorted(history, reverse=True)]
                run.index_path = write_atomic(out_dir / INDEX_NAME, render_index(newest_first))
                if html or (out_dir / HTML_INDEX_NAME).exists():
                    from ..render.html import render_index_html

                    pages = {
                        d.date: f"{d.date}.html" if (out_dir / f"{d.date}.html").exists() else f"{d.date}.md"
                        for d in newest_first
                    }
                    run.html_index_path = write_atomic(
                        out_dir / HTML_INDEX_NAME, render_index_html(newest_first, pages)
                    )
        return run
    finally:
        lock.release()
        if run.index_path is None and not any(d.markdown_path for d in run.days):
            _undo_out_dir(out_dir, created)


def _undo_out_dir(out_dir: Path, created: bool) -> None:
    """Remove the lock file and, if this run created it, the empty --out folder: exit 1 leaves nothing behind."""
    if not created:
        return
    (out_dir / LOCK_NAME).unlink(missing_ok=True)
    try:
        out_dir.rmdir()
    except OSError:
        pass


def build_digests(paths: Sequence[str | Path], out_dir: Path, settings: Settings, **kwargs) -> DigestRun:
    """Synchronous `build_digests_async`."""
    return run_sync(build_digests_async(paths, out_dir, settings, **kwargs))
