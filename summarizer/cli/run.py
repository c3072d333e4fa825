"""`brief run PATH...` (also plain `brief PATH...`): the main job."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import BriefError
from ._common import ApiKeyOpt, BaseUrlOpt, CacheDirOpt, ConfigOpt, ModelOpt, ModeOpt, app, err, fail, settings_from


@app.command("run")
def run(
    paths: Annotated[list[Path], typer.Argument(help="Article files and folders (folders are read recursively for *.txt).", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the Markdown briefing here instead of stdout.", show_default=False)] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the briefing as JSON (schemas/briefing.schema.json).", show_default=False)] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", "-c", help="Requests in flight at once. Default: 8.", show_default=False)] = None,
    replay: Annotated[Optional[Path], typer.Option("--replay", help="Answer requests from recordings in this folder instead of an endpoint.", show_default=False)] = None,
    record: Annotated[Optional[Path], typer.Option("--record", help="Save every live response as a recording in this folder (for --replay and tests).", show_default=False)] = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr; errors only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log retries and validation errors to stderr (keys are never logged).")] = False,
) -> None:
    """Summarize articles and print (or write) one cited Markdown briefing."""
    from .. import pipeline
    from ..files import write_atomic
    from ..render import render_json, render_markdown

    logging.basicConfig(level=logging.DEBUG if verbose else logging.CRITICAL, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("instructor").setLevel(logging.CRITICAL + 1)
    try:
        settings = settings_from(
            model=model, base_url=base_url, api_key=api_key, mode=mode, cache_dir=cache_dir, concurrency=concurrency,
            replay_dir=replay, record_dir=record, config=config, use_cache=False if no_cache else None,
        )
        if settings.replay_is_default and not quiet:
            err(f"No endpoint configured: using the recorded responses in {settings.replay_dir}. "
                 "For live runs set OPENAI_API_KEY, or pass --base-url for a local server.")
        with _Progress(enabled=not quiet and sys.stderr.isatty()) as progress:
            result = pipeline.build_briefing(paths, settings, on_result=progress.advance, on_loaded=progress.start)
        markdown = render_markdown(result.briefing)
        if output:
            write_atomic(output, markdown)
        else:
            sys.stdout.write(markdown)
        if json_out:
            write_atomic(json_out, render_json(result.briefing))
    except BriefError as exc:
        raise fail(exc) from None
    if not quiet:
        _report(result, output, json_out)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _report(result, output: Optional[Path], json_out: Optional[Path]) -> None:  # type: ignore[no-untyped-def]
    m = result.briefing.meta
    ok = sum(r.ok for r in result.results)
    parts = [f"{ok} of {len(result.results) + len(result.rejected)} articles briefed"]
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    if result.rejected:
        parts.append(f"{len(result.rejected)} rejected")
    parts.append(f"{m.items_verified}/{m.items_verified + m.items_unverified} quotes verified")
    parts.append(f"{m.llm_requests} LLM requests, {m.cache_hits} cached")
    if m.usage.get("total_tokens"):
        parts.append(f"{m.usage['total_tokens']} tokens")
    err("; ".join(parts) + ".")
    for r in result.failed:
        err(f"  failed: {r.article.path}: {r.error}")
    for r in result.rejected:
        err(f"  rejected: {r.path}: {r.reason}")
    written = [str(p) for p in (output, json_out) if p]
    if written:
        err(f"Wrote {', '.join(written)}.")


class _Progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.task = None
        self.cached = self.failed = 0

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        return self

    def start(self, loaded) -> None:  # type: ignore[no-untyped-def]
        if self.bar is not None:
            self.task = self.bar.add_task("Briefing", total=len(loaded.articles), info="")

    def advance(self, result) -> None:  # type: ignore[no-untyped-def]
        self.cached += result.from_cache
        self.failed += not result.ok
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, info=f"{self.cached} cached, {self.failed} failed")

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        if self.bar is not None:
            self.bar.__exit__(*exc)
