"""`brief digest PATH... --out DIR`: one cited digest per publication date, ready for cron.

Exit codes: 0 every digest written and every article of its day briefed; 1 usage or
configuration error; 2 digests written but some articles failed or files were rejected (see
each digest's Notes); 75 another `brief digest` holds the lock on --out (nothing written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config.settings import Settings
    from ..ingest.articles import ArticleSet

from ..errors import BriefError, ConfigError
from .run import _Progress
from .logs import configure as configure_logging
from ._common import (
    announce_replay,
    app,
    err,
    exit_code_for,
    EXIT_USAGE,
    interrupted,
    report_shard,
    say,
    settings_from,
    ShardOpt,
    VerboseOpt,
)
from .options import ALL, ArticlePaths, SettingFlags, settings_options


@app.command("digest")
@settings_options(*(name for name in ALL if name != "batch"))  # a day's digest is written now, not within 24 h
def digest(
    paths: ArticlePaths,
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder for the digests (YYYY-MM-DD.md and .json, with --html also .html) and index.md."
        ),
    ] = Path("digests"),
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Digest of the articles published on this day: YYYY-MM-DD, today or yesterday (local time). Default: today.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Backfill: one digest per day from this day (YYYY-MM-DD, or yesterday) to --until, oldest first.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="Last day of a --since backfill (YYYY-MM-DD). Default: today.", show_default=False
        ),
    ] = None,
    skip_empty: Annotated[
        bool,
        typer.Option(
            "--skip-empty", help="Write nothing for days without articles (default: a short digest saying so)."
        ),
    ] = False,
    html: Annotated[
        bool,
        typer.Option(
            "--html",
            help="Also write each day as one self-contained HTML page (YYYY-MM-DD.html, citations open the sources) and index.html.",
        ),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", help="Seconds to wait for another brief digest on the same --out to finish; then exit 75."
        ),
    ] = 60.0,
    *,
    flags: SettingFlags,  # the settings options (cli/options.py)
    shard: ShardOpt = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="For cron: nothing on stdout; only errors (failed articles, rejected files, a held lock) on stderr.",
        ),
    ] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Write one cited digest per publication date, with what is new since the earlier digests.

    Exit codes: 0 ok; 1 usage or configuration error; 2 digests written but some articles failed
    or files were rejected; 75 another brief digest held the lock on --out (see --wait).
    """
    from ..digest import build as lib

    configure_logging(verbose=verbose, quiet=quiet)
    settings, briefed = None, _Briefed()
    try:
        today = dt.date.today()
        day, first, last = (
            None if v is None else lib.parse_day(v, flag, today=today)
            for v, flag in ((date, "--date"), (since, "--since"), (until, "--until"))
        )
        if day is not None and first is not None:
            raise ConfigError(
                "--date and --since do not go together: --date writes one day, --since backfills a range (end it with --until)"
            )
        if last is not None and first is None:
            raise ConfigError("--until needs --since (the first day of the backfill)")
        days = lib.days_between(first, last or today) if first is not None else [day or today]
        settings = settings_from(**flags)
        configure_logging(verbose=verbose, quiet=quiet, secrets=settings.secrets)
        if shard is not None:
            from .. import pipeline
            from ..stages.shard import parse_shard

            wanted = set(days)
            done = pipeline.brief_shard(
                paths,
                settings,
                parse_shard(shard),
                select=lambda a: a.date in wanted,
                on_result=briefed,
                on_loaded=None if quiet else lambda _: announce_replay(settings),
            )
            report_shard(done, quiet, "the same `brief digest` without --shard")
            raise typer.Exit(exit_code_for(done.outcome))
        run = lib.build_digests(
            paths,
            out,
            settings,
            days=days,
            skip_empty=skip_empty,
            wait=wait,
            html=html,
            on_day=briefed.day_done(quiet),
            on_result=briefed,
            on_loaded=briefed.watch(quiet, days, settings),
        )
    except KeyboardInterrupt:
        exit_ = interrupted(briefed.count if settings is None or settings.use_cache else None)
        if briefed.written:  # finished days are kept: they are whole, and the index lists exactly them
            first, last = briefed.written[0], briefed.written[-1]
            span = str(first) if first == last else f"{first} to {last}"
            err(
                f"kept the {len(briefed.written)} digest(s) finished before the interrupt ({span}) in {out}; its index lists them"
            )
        raise exit_ from None
    except BriefError as exc:
        err(f"Error: {exc}")
        raise typer.Exit(exc.exit_code if exc.exit_code != 1 else EXIT_USAGE) from None
    _report(run, quiet)
    code = exit_code_for(run.outcome)
    if code:
        raise typer.Exit(code)


class _Briefed:
    """Counts the articles briefed (and so cached) and the digests written so far, for the Ctrl-C message."""

    def __init__(self) -> None:
        self.count = 0
        self.written: list[dt.date] = []
        self.progress: _Progress | None = (
            None  # plain progress lines while a day's articles are briefed (set once --quiet is known)
        )

    def watch(self, quiet: bool, days: list[dt.date], settings: Settings) -> Callable[[ArticleSet], None]:
        """Progress lines for a digest that takes a while (rate-limited, also without a terminal; none with --quiet); the on_loaded callback."""
        progress = self.progress = _Progress(enabled=False, quiet=quiet, label="Digest")
        wanted = set(days)

        def loaded(articles: ArticleSet) -> None:
            if not quiet:
                announce_replay(settings)
            progress.total = sum(a.date in wanted for a in articles.articles)

        return loaded

    def day_done(self, quiet: bool):
        def done(day) -> None:
            if day.markdown_path is not None:
                self.written.append(day.date)
            if not quiet:
                _print_day(day)

        return done

    def __call__(self, result) -> None:
        self.count += bool(result.ok)
        if self.progress is not None:
            self.progress.advance(result)


def _print_day(day) -> None:
    """One stdout line per digest written; skipped empty days are counted in the summary line instead."""
    from ..render.sections import plural

    d = day.digest
    if d is None or day.kept:
        return
    if not d.sources:
        failed = len(day.failed)
        say(
            f"{day.markdown_path}: {plural(failed, 'article')}, none briefed (see its Notes)"
            if failed
            else f"{day.markdown_path}: no articles"
        )
        return
    say(
        f"{day.markdown_path}: {len(d.sources)} source(s), {len(d.new_events)} new event(s), {len(d.stance_shifts)} stance shift(s)"
    )


def _report(run, quiet: bool) -> None:
    """Problems on stderr always (cron mails them); the summary only without --quiet."""
    for warning in run.warnings:
        err(f"Warning: {warning}")
    for day in run.days:
        for r in day.failed:
            err(f"{day.date}: failed: {r.article.path}: {r.error}")
        for r in day.degraded:
            err(f"{day.date}: degraded: {r.article.path}: {r.degraded}")
    for r in run.rejected:
        err(f"rejected: {r.path}: {r.reason}")
    if quiet:
        return
    written = sum(d.digest is not None and not d.kept for d in run.days)
    kept = sum(d.kept for d in run.days)
    skipped = sum(d.digest is None for d in run.days)
    parts = [
        f"{written} digest(s) written"
        + (f", {kept} kept as they were" if kept else "")
        + (f", {skipped} empty day(s) skipped (--skip-empty)" if skipped else "")
    ]
    from ..render.sections import requests_label

    parts.append(requests_label(run.requests, run.replayed, run.cache_hits, run.resent, run.reasks))
    if run.undated:
        parts.append(f"{len(run.undated)} undated article(s) in no digest")
    if run.rejected_before:
        parts.append(
            f"{run.rejected_before} rejected file{'s' if run.rejected_before != 1 else ''} changed on another day (named in that day's digest)"
        )
    err(
        "; ".join(parts) + f". Index: {run.index_path}" + (f" and {run.html_index_path}" if run.html_index_path else "")
    )
