"""`brief fetch FEED... --out DIR`: new feed entries as dated article files, for `brief` and `brief digest`.

Exit codes: 0 every new entry written (or left alone on purpose: robots.txt, a refused address);
1 usage error (nothing fetched); 2 some feeds or pages failed (one stderr line each), the rest
written; 130 interrupted (what was written stays, a rerun goes on from there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import BriefError
from ._common import app, err, EXIT_INTERRUPTED, EXIT_USAGE, exit_code_for, say


@app.command("fetch")
def fetch(
    feeds: Annotated[
        list[str],
        typer.Argument(
            metavar="FEED",
            help="Feed URLs (RSS, Atom, JSON Feed), text files with one feed URL a line, or OPML exports of a feed reader.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the articles: DIR/<outlet domain>/<YYYY-MM-DD>/<headline>.txt, and what was seen in DIR/.brief-fetch/.",
        ),
    ] = Path("news"),
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="Time zone whose calendar day dates an article (e.g. Europe/Riga). Default: the offset the feed gives each time.",
            show_default=False,
        ),
    ] = None,
    allow_network: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-network",
            metavar="<network>",
            help="Also fetch from this non-public address or network (e.g. an intranet's 10.0.0.0/8); repeatable. Default: loopback, private and link-local addresses are refused.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a server's answer.", min=0.1)] = 20.0,
    max_mb: Annotated[
        float, typer.Option("--max-mb", help="Largest feed or page read, in MB; larger ones are skipped.", min=0.01)
    ] = 5.0,
    per_host: Annotated[int, typer.Option("--per-host", help="Requests to one host at once.", min=1, max=8)] = 2,
    delay: Annotated[
        float, typer.Option("--delay", help="Seconds between the starts of two requests to one host.", min=0.0)
    ] = 1.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="For cron: only problems on stderr, no progress or summary.")
    ] = False,
) -> None:
    """Fetch new entries of news feeds and write each as a dated article file with its URL.

    Exit codes: 0 ok; 1 usage error; 2 some feeds or pages failed (each named on stderr), the rest written.
    """
    from ..fetch.addresses import parse_networks
    from ..fetch.dates import zone
    from ..fetch.run import FetchOptions, fetch_feeds
    from ..fetch.sources import feed_urls

    try:
        urls = feed_urls(feeds)
        options = FetchOptions(
            timeout=timeout,
            max_bytes=int(max_mb * 1_000_000),
            per_host=per_host,
            delay=delay,
            allow_networks=parse_networks(allow_network or ()),
            tz=zone(tz),
        )
    except (BriefError, ValueError) as exc:
        err(f"Error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    try:
        run = fetch_feeds(urls, out, options, on_event=None if quiet else err)
    except KeyboardInterrupt:
        err(f"interrupted; the articles written so far stay in {out}, a rerun fetches the rest")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BriefError as exc:
        err(f"Error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    for p in run.problems:
        err(f"failed: {p.where}: {p.reason}")
    for p in run.skipped:
        err(f"skipped: {p.where}: {p.reason}")
    for p in run.warnings:
        err(f"note: {p.where}: {p.reason}")
    if not quiet:
        for path in run.written:
            say((out / path).as_posix())
        parts = [f"{len(run.written)} article(s) written", f"{run.pages} page(s) downloaded"]
        if run.duplicates:
            parts.append(f"{len(run.duplicates)} duplicate(s) listed under the stored copy")
        if run.seen:
            parts.append(f"{run.seen} entr{'y' if run.seen == 1 else 'ies'} seen before")
        if run.unchanged:
            parts.append(f"{len(run.unchanged)} feed(s) not modified")
        if run.problems:
            parts.append(f"{len(run.problems)} failed")
        err("; ".join(parts) + f". Brief them with: brief digest {out} --since yesterday")
    code = exit_code_for(run.outcome)
    if code:
        raise typer.Exit(code)
