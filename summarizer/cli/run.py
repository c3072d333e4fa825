"""`brief run PATH...` (also plain `brief PATH...`): the main job."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..render.money import format_usd
from ..errors import BriefError, ConfigError
from ..util.speed import pause_collector
from .logs import configure as configure_logging
from ._common import (
    announce_replay,
    app,
    err,
    exit_code_for,
    fail,
    interrupted,
    report_shard,
    say,
    settings_from,
    ShardOpt,
    VerboseOpt,
)
from .options import ALL, ArticlePaths, SettingFlags, settings_options


class Detail(str, Enum):
    brief = "brief"
    full = "full"


@app.command("run")
@settings_options(*ALL)
def run(
    paths: ArticlePaths,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the Markdown briefing here instead of stdout (- for stdout). Its folder must exist.",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json",
            help="Also write the briefing as JSON (schemas/briefing.schema.json); - for stdout (then the Markdown goes only to -o).",
            show_default=False,
        ),
    ] = None,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the briefing as one self-contained HTML page: click a citation to read the source, quote highlighted.",
            show_default=False,
        ),
    ] = None,
    detail: Annotated[
        Detail,
        typer.Option(
            "--detail",
            help="How much the Markdown shows: 'brief' (bottom line, key developments, disagreements, framing, timeline) or 'full' (every section with its evidence quotes, stances and actors). The JSON and HTML always hold everything.",
        ),
    ] = Detail.brief,
    *,
    flags: SettingFlags,  # the settings options (cli/options.py)
    shard: ShardOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr; errors only.")
    ] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Summarize articles and print (or write) one cited Markdown briefing."""
    resume_collector = pause_collector()  # until every file is read (util/speed.py)
    try:
        from .. import pipeline

        md_file, json_file, html_file = _output_files(output, json_out, html_out)  # before any request is paid for
        settings = settings_from(**flags)
        configure_logging(verbose=verbose, quiet=quiet, secrets=settings.secrets)
        if shard is not None:
            from ..stages.shard import parse_shard

            part = parse_shard(shard)
            if output or json_out or html_out:
                raise ConfigError(
                    "--shard writes no briefing (only cache entries); drop -o/--json/--html, and pass them to the final run without --shard"
                )
        with _Progress(enabled=not quiet and sys.stderr.isatty(), quiet=quiet) as progress:

            def loaded(articles):  # every file is read (the first requests may be out)
                if not quiet:
                    announce_replay(settings)
                progress.start(articles)
                resume_collector()
                from ..render import markdown  # noqa: F401  (loaded now, while the answers come in, not after the last one)

            try:
                if shard is not None:
                    done = pipeline.brief_shard(
                        paths, settings, part, on_result=progress.advance, on_loaded=loaded, on_status=progress.status
                    )
                else:
                    result = pipeline.build_briefing(
                        paths,
                        settings,
                        on_result=progress.advance,
                        on_loaded=loaded,
                        on_status=progress.status,
                        on_phase=progress.phase,
                    )
            except KeyboardInterrupt:
                progress.stop()
                raise interrupted(progress.briefed if settings.use_cache else None) from None
        if shard is not None:
            report_shard(done, quiet, f"`brief run {' '.join(str(p) for p in paths)}` (no --shard, same cache)")
            raise typer.Exit(exit_code_for(done.outcome))
        from ..render.markdown import render_json, render_markdown

        markdown = render_markdown(result.briefing, detail=detail.value)
        files = [(md_file, markdown)] if md_file else []
        if json_file:
            files.append((json_file, render_json(result.briefing)))
        if html_file:
            from ..render.html import render_html

            files.append((html_file, render_html(result.briefing, result.source_texts())))
        kept = _keep_good_outputs(files, result)
        _write_all([(kept.get(path, path), text) for path, text in files])
        if _is_stdout(json_out):
            say(render_json(result.briefing), nl=False)
        elif md_file is None:
            say(markdown, nl=False)
    except BriefError as exc:
        raise fail(exc) from None
    finally:
        resume_collector()
    _report(result, [kept.get(p, p) for p, _ in files], kept, quiet=quiet)
    code = exit_code_for(result.outcome)
    if code:
        raise typer.Exit(code)


NOTHING_BRIEFED = "nothing-briefed"


def _is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == "-"


def _output_files(
    output: Path | None, json_out: Path | None, html_out: Path | None = None
) -> tuple[Path | None, Path | None, Path | None]:
    """The files -o, --json and --html name (`-` is stdout for -o and --json), checked writable before anything is asked of the model."""
    from ..util.files import unwritable_reason

    if _is_stdout(output) and _is_stdout(json_out):
        raise ConfigError("-o - and --json - cannot both go to stdout; write one of them to a file")
    if _is_stdout(html_out):
        raise ConfigError("--html - is not supported; give --html a file name")
    files = {
        flag: path
        for flag, path in (("-o", output), ("--json", json_out), ("--html", html_out))
        if path is not None and not _is_stdout(path)
    }
    named = [Path(p).resolve() for p in files.values()]
    if len(set(named)) < len(named):
        raise ConfigError("-o, --json and --html name the same file; give each its own")
    for flag, path in files.items():
        reason = unwritable_reason(path)
        if reason:
            raise ConfigError(f"{flag} {path}: {reason}")
    return files.get("-o"), files.get("--json"), files.get("--html")


def _keep_good_outputs(files, result) -> dict[Path, Path]:
    """A run that briefed nothing never replaces an existing output: it goes beside it (file -> where it goes instead)."""
    from ..util.files import beside

    if any(r.ok for r in result.results):
        return {}
    return {path: beside(path, NOTHING_BRIEFED) for path, _ in files if path.is_file() and path.stat().st_size > 0}


def _write_all(files: list[tuple[Path, str]]) -> None:
    """Write the outputs atomically and all or none (temp files + renames): exit 1 leaves nothing behind."""
    from ..util.files import write_all_atomic

    try:
        write_all_atomic(files)
    except OSError as exc:
        where = getattr(exc, "filename", None) or ", ".join(str(p) for p, _ in files)
        raise BriefError(
            f"cannot write {where} ({exc.strerror or exc}); check that its folder is writable and has free space"
        ) from None


def _report(result, written: list[Path], kept: dict[Path, Path], *, quiet: bool = False) -> None:
    """The run's outcome on stderr; with --quiet only what went wrong (failed, rejected, not written)."""
    from ..render.sections import plural, requests_label

    for original, instead in kept.items():
        err(f"Nothing was briefed, so {original} was kept as it was; this run's output is in {instead}.")
    if quiet:
        _report_problems(result)
        return
    m = result.briefing.meta
    ok = sum(r.ok and not r.degraded for r in result.results)
    parts = [f"{ok} of {plural(len(result.results) + len(result.rejected), 'article')} briefed"]
    if result.degraded:
        parts.append(f"{len(result.degraded)} degraded")
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    if result.rejected:
        parts.append(f"{len(result.rejected)} rejected")
    parts.append(
        f"{m.items_verified}/{m.items_verified + m.items_unverified} article quotes verified"
    )  # the briefs' own; the header counts every distinct quote shown
    parts.append(
        requests_label(m.llm_requests, m.replayed, m.cache_hits, m.resent, m.reasks)
        + (f", {m.batch_requests} via the Batch API" if m.batch_requests else "")
    )
    if m.usage.get("total_tokens"):
        parts.append(
            f"{m.usage['total_tokens']:,} tokens"
            + (
                f" (prompt {m.usage.get('prompt_tokens', 0):,}, answers {m.usage.get('completion_tokens', 0):,})"
                if "prompt_tokens" in m.usage
                else ""
            )
        )
    if m.cost_usd is not None:
        parts.append(f"estimated cost {format_usd(m.cost_usd)} at {m.price}")
    err("; ".join(parts) + ".")
    stopped = [r for r in result.results if getattr(r, "budget_stop", False)]
    if stopped:
        err(
            f"Budget reached: {len(stopped)} article(s) not done, listed below and in the briefing's notes; "
            "rerun with a larger --max-cost/--max-tokens to finish them (what was done is cached and not paid again)."
        )
    _report_problems(result)
    if written:
        err(f"Wrote {', '.join(str(p) for p in written)}.")


def _report_problems(result) -> None:
    """One stderr line per failed or rejected file (one for all that could not reach the endpoint), and for a failed summary or analysis."""
    unreachable: dict[str, list[str]] = {}
    for r in result.failed:
        if getattr(r, "unreachable", False):
            unreachable.setdefault(r.error or "", []).append(r.article.path)
        else:
            err(f"  failed: {r.article.path}: {r.error}")
    for error, paths in unreachable.items():
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        err(f"  failed: {shown}: {error}")
    for r in result.rejected:
        err(f"  rejected: {r.path}: {r.reason}")
    for r in result.degraded:
        err(f"  degraded: {r.article.path}: {r.degraded}")
    for note in result.briefing.notes:  # why a part (summary, comparison) was not written
        if note.kind == "failed" and not note.file:
            err(f"  failed: {note.message}")
    if result.briefing.meta.quality_warning:
        err(f"Warning: {result.briefing.meta.quality_warning}.")


PLAIN_EVERY = (
    10.0  # seconds: without a terminal, a progress line once a run has taken this long, then at most one per interval
)


class _Progress:
    """A rich progress bar on stderr when it is a terminal (the phase after briefing named after
    the bar); without a terminal, plain progress lines for a run that takes a while (rate-limited);
    nothing with --quiet."""

    def __init__(self, enabled: bool, quiet: bool = False, console=None, label: str = "Briefing") -> None:
        self.enabled = enabled
        self.quiet = quiet
        self.console = console  # default: stderr
        self.label = label
        self.bar: Any = None  # a rich Progress once entered (rich is imported only for a terminal)
        self.task: Any = None
        self.cached = self.failed = self.briefed = 0
        self.total: int | None = None
        self.started = self.last = time.monotonic()

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeRemainingColumn(),
                console=self.console or Console(stderr=True),
                transient=True,
            )
            self.bar.__enter__()
        return self

    def start(self, loaded) -> None:
        """Every article is read: show the bar with the total (answers may have arrived already)."""
        self.total = len(loaded.articles)
        if self.bar is not None:
            done = self.briefed + self.failed
            self.task = self.bar.add_task(
                self.label,
                total=len(loaded.articles),
                completed=done,
                info=f"{self.cached} cached, {self.failed} failed",
            )

    def stop(self) -> None:
        """Take the bar off the terminal (before a last message)."""
        if self.bar is not None:
            self.bar.stop()

    def advance(self, result) -> None:
        self.briefed += bool(result.ok)
        self.cached += result.from_cache
        self.failed += not result.ok
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, info=f"{self.cached} cached, {self.failed} failed")
        else:
            self._plain()

    def _plain(self, phase: str = "") -> None:
        """A plain progress line (no terminal): once the run has taken PLAIN_EVERY seconds, at most one per PLAIN_EVERY."""
        now = time.monotonic()
        if (
            self.bar is not None
            or self.quiet
            or now - self.started < PLAIN_EVERY
            or (not phase and now - self.last < PLAIN_EVERY)
        ):
            return
        self.last = now
        of = f" of {self.total}" if self.total is not None else ""
        err(
            f"{self.label}: {self.briefed + self.failed}{of} articles done ({self.cached} cached, {self.failed} failed)"
            + (f"; now {phase}" if phase else "")
        )

    def phase(self, label: str) -> None:
        """The run moved on from briefing (summaries, comparisons): named after the bar, or in a plain line."""
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, info=f"{self.cached} cached, {self.failed} failed · {label}")
        else:
            self._plain(label)

    def status(self, message: str) -> None:
        """A one-line status (e.g. a batch's progress): above the bar on a terminal, plain on stderr otherwise; none with --quiet."""
        if self.bar is not None:
            self.bar.console.print(message, markup=False, highlight=False)
        elif not self.quiet:
            err(message)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
