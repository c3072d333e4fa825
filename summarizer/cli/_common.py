"""Shared pieces of the CLI: the app, common options, error reporting."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup

from ..errors import BriefError

EXIT_OK, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2


def exit_code_for(outcome) -> int:
    """The process exit code for a run's Outcome: 0 complete, 2 partial."""
    from ..models.results import Outcome

    return {Outcome.COMPLETE: EXIT_OK, Outcome.PARTIAL: EXIT_PARTIAL}[outcome]


def _argument_name(self: TyperArgument) -> str:
    """An argument as help shows it: PATH... (typer would show '{paths}...' in the usage line and 'paths... <list[Path]>')."""
    name = (self.metavar or self.name or "ARG").upper()
    return name + ("..." if self.nargs != 1 else "")


def _argument_usage(self: TyperArgument) -> str:
    return _argument_name(self) if self.required else f"[{_argument_name(self)}]"


# typer formats arguments in these two methods; its type label (<list[Path]>) says nothing the name does not
TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]  # help's argument column
TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]  # the usage line
TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]  # no <list[Path]> after the name


class _DefaultToRun(TyperGroup):
    """`brief seeds/` means `brief run seeds/`: anything that is not a subcommand goes to `run`.

    Usage errors (an unknown flag, a missing PATH, `--concurrency abc`) exit 1, as the README's
    exit-code table says, not click's 2: exit 2 means "written, but some files failed".
    """

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        with _UsageExits1():
            return super().parse_args(ctx, args)

    def invoke(self, ctx):
        """Every command runs with the one redacting log handler (cli/logs.py)."""
        from .logs import command_logging

        with command_logging(), _UsageExits1():
            return super().invoke(ctx)


# click's UsageError, wherever this typer takes click from (newer typers vendor it)
_USAGE_ERROR: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _UsageExits1:
    """Give click's usage errors (parsing, bad values, missing arguments) exit status 1."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        if isinstance(exc, _USAGE_ERROR):
            exc.exit_code = EXIT_USAGE


app = typer.Typer(
    cls=_DefaultToRun,
    name="brief",
    help="Turn multilingual news articles into a cited English briefing.\n\n"
    "brief PATH... is short for brief run PATH...; with no endpoint configured it runs on the recorded responses in fixtures/.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("brief")
        except PackageNotFoundError:  # pragma: no cover - a plain checkout on sys.path
            number = "unknown (not installed)"
        typer.echo(f"brief {number}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Print brief's version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Turn multilingual news articles into a cited English briefing."""


_stdout_closed = False


def say(text: str, *, nl: bool = True) -> None:
    """Print on stdout. A closed stdout (`| head`) is not an error: the rest of the output is
    dropped and the work goes on, so files a command writes are all written."""
    global _stdout_closed
    if _stdout_closed:
        return
    try:
        typer.echo(text, nl=nl)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_closed = True
        _discard_stdout()


def _discard_stdout() -> None:
    """Point the stdout file descriptor at /dev/null so no later write or flush raises again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    except Exception:  # io.UnsupportedOperation in test runners: nothing to do
        pass


def err(message: str) -> None:
    """Print a message on stderr."""
    typer.echo(message, err=True)


def fail(exc: BriefError) -> typer.Exit:
    """Report a library error in one line and return the exit to raise."""
    err(f"Error: {exc}")
    return typer.Exit(EXIT_USAGE)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def interrupted(briefs_cached: int | None) -> typer.Exit:
    """Say what a Ctrl-C left (what is cached is not paid again) and return the exit to raise."""
    from ..render.sections import plural

    if briefs_cached is None:
        err("interrupted; nothing was cached (--no-cache): a rerun starts over")
    else:
        err(f"interrupted; {plural(briefs_cached, 'brief')} cached, rerun to finish")
    return typer.Exit(EXIT_INTERRUPTED)


def announce_replay(settings) -> None:
    """Say on stderr that bundled recordings answer because no endpoint is configured."""
    if settings.replay_is_default:
        err(
            f"No endpoint configured: using the recorded responses in {settings.replay_dir}. "
            "For live runs set OPENAI_API_KEY, or pass --provider (ollama, vllm, ...) or --base-url; `brief check` tests the endpoint."
        )


def report_shard(run, quiet: bool, final: str) -> None:
    """A shard run's outcome on stderr (failures even with --quiet), and what to run once every shard is done."""
    from ..render.sections import requests_label

    for r in run.failed:
        err(f"  failed: {r.article.path}: {r.error}")
    if quiet:
        return
    ok = sum(r.ok for r in run.results)
    cached = sum(r.from_cache for r in run.results)
    err(
        f"Shard {run.shard}: {ok} of {len(run.results)} articles briefed (of {run.total} in all shards); "
        f"{requests_label(run.stats.requests, run.stats.replayed, cached, run.stats.resent, run.stats.reasks)}"
        + (f", {len(run.failed)} failed" if run.failed else "")
        + f". Nothing written: once every shard is done, {final} merges them from the cache."
    )


def settings_from(*, lenient: bool = False, **flags):
    """Resolve Settings from CLI flags (None = not given), env and config file."""
    from ..config.settings import resolve_settings, unknown_env_vars

    config = flags.pop("config", None)
    settings = resolve_settings(flags, config_file=config, lenient=lenient)
    for line in unknown_env_vars():  # a variable that is no setting would otherwise be ignored in silence
        err(f"Warning: {line}")
    return settings


ShardOpt = Annotated[
    str | None,
    typer.Option(
        "--shard",
        help="K/N: brief only shard K of N of the articles (split by content hash) into the cache and write nothing else; a final run without --shard over the same paths and cache merges them. Share the cache across hosts with --cache-url.",
        show_default=False,
    ),
]
VerboseOpt = Annotated[
    int,
    typer.Option(
        "--verbose",
        "-v",
        count=True,
        help="-v: log brief's retries, re-asks and validation errors to stderr; -vv: also the HTTP wire log (full prompts and article text). Keys are never logged.",
    ),
]
