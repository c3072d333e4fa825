"""The `brief` command: typed options, one library call each, errors turned into messages.

Exit codes: 0 every article made it into the briefing; 1 usage or configuration error (nothing
written); 2 the briefing was written but some articles failed or were rejected (see its Notes).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .errors import BriefError

EXIT_OK, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2


class _DefaultToRun(TyperGroup):
    """`brief seeds/` means `brief run seeds/`: anything that is not a subcommand goes to `run`."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToRun,
    help="Turn multilingual news articles into a cited English briefing.\n\n"
    "brief PATH... is short for brief run PATH...; with no endpoint configured it runs on the recorded responses in fixtures/.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
schemas_app = typer.Typer(help="JSON Schema of brief's models, for other tools.", no_args_is_help=True)
cache_app = typer.Typer(help="Inspect or clear the on-disk cache of briefs.", no_args_is_help=True)
app.add_typer(schemas_app, name="schemas")
app.add_typer(cache_app, name="cache")


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _fail(exc: BriefError) -> typer.Exit:
    _err(f"Error: {exc}")
    return typer.Exit(EXIT_USAGE)


def _settings(**flags):  # type: ignore[no-untyped-def]
    from .config import resolve_settings

    config = flags.pop("config", None)
    return resolve_settings(flags, config_file=config)


ModelOpt = Annotated[Optional[str], typer.Option("--model", "-m", help="Model name. Env: BRIEF_MODEL. Default: gpt-4o-mini.", show_default=False)]
BaseUrlOpt = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama. Env: OPENAI_BASE_URL.", show_default=False)]
ApiKeyOpt = Annotated[Optional[str], typer.Option("--api-key", help="API key (prefer the env var OPENAI_API_KEY; never logged or cached).", show_default=False)]
ModeOpt = Annotated[Optional[str], typer.Option("--mode", help="Structured-output mode: tools | json | md_json | json_schema. Default: tools (llama.cpp: json or tools).", show_default=False)]
CacheDirOpt = Annotated[Optional[Path], typer.Option("--cache-dir", help="Cache folder. Env: BRIEF_CACHE_DIR. Default: the user cache dir.", show_default=False)]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Config file (TOML). Default: ./brief.toml, then the user config dir.", show_default=False)]


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
    from . import pipeline
    from .files import write_atomic
    from .render import render_json, render_markdown

    logging.basicConfig(level=logging.DEBUG if verbose else logging.CRITICAL, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("instructor").setLevel(logging.CRITICAL + 1)
    try:
        settings = _settings(
            model=model, base_url=base_url, api_key=api_key, mode=mode, cache_dir=cache_dir, concurrency=concurrency,
            replay_dir=replay, record_dir=record, config=config, use_cache=False if no_cache else None,
        )
        if settings.replay_is_default and not quiet:
            _err(f"No endpoint configured: using the recorded responses in {settings.replay_dir}. "
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
        raise _fail(exc) from None
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
    _err("; ".join(parts) + ".")
    for r in result.failed:
        _err(f"  failed: {r.article.path}: {r.error}")
    for r in result.rejected:
        _err(f"  rejected: {r.path}: {r.reason}")
    written = [str(p) for p in (output, json_out) if p]
    if written:
        _err(f"Wrote {', '.join(written)}.")


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


@schemas_app.command("export")
def schemas_export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the *.schema.json files into.")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every public model (generated from the pydantic classes)."""
    from .jsonschema import write_schemas

    for path in write_schemas(out):
        typer.echo(str(path))


@schemas_app.command("check")
def schemas_check(
    directory: Annotated[Path, typer.Option("--dir", help="Folder holding the exported schemas.")] = Path("schemas"),
) -> None:
    """Exit 1 if the exported schemas differ from the models (run `brief schemas export`)."""
    from .jsonschema import stale_schemas

    stale = stale_schemas(directory)
    if stale:
        _err(f"Stale schemas in {directory}: {', '.join(stale)}. Regenerate them with: brief schemas export --out {directory}")
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"{directory}: schemas up to date.")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None, config: ConfigOpt = None) -> None:
    """Show where the cache is, how many entries it holds and its size."""
    from .cache import BriefCache

    try:
        settings = _settings(cache_dir=cache_dir, config=config)
        cache = BriefCache(settings.cache_dir)
        stats = cache.stats()
        cache.close()
    except BriefError as exc:
        raise _fail(exc) from None
    typer.echo(f"Cache: {stats.directory}\nEntries: {stats.entries}\nSize: {stats.size_bytes / 1024:.1f} KiB")


@cache_app.command("clear")
def cache_clear(
    cache_dir: CacheDirOpt = None,
    config: ConfigOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached brief (the next run pays for them again)."""
    from .cache import BriefCache

    try:
        settings = _settings(cache_dir=cache_dir, config=config)
    except BriefError as exc:
        raise _fail(exc) from None
    if not yes and not typer.confirm(f"Delete all cached briefs in {settings.cache_dir}?"):
        raise typer.Exit(EXIT_USAGE)
    cache = BriefCache(settings.cache_dir)
    removed = cache.clear()
    cache.close()
    typer.echo(f"Removed {removed} entries from {settings.cache_dir}.")


def main() -> None:
    """Console-script entry point."""
    app()
