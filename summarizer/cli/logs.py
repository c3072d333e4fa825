"""One log handler for every command: stderr, brief's own warnings only unless --verbose, secrets blanked out of every line.

The app installs it around whichever command runs (`command_logging`); a command that resolves
settings hands over their secrets (the API key, the cache URL's password) with `configure`, so no
log line, traceback included, ever shows them.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator

__all__ = ["RedactingFormatter", "command_logging", "configure"]

FORMAT = "%(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then replaces every known secret with [redacted]."""

    def __init__(self, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "[redacted]")
        return text


_active: list[RedactingFormatter] = []


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so a line logged under the progress bar
    (rich redirects stderr while it draws) is printed above the bar instead of through it."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


OWN = "summarizer"  # brief's own loggers: retries, re-asks, rate limits, batch progress
WIRE = ("openai", "httpx", "httpcore", "instructor")  # full requests and answers: prompts and article text


def _levels(verbose: int, quiet: bool = False) -> None:
    """0: brief's own warnings (a request resent, a batch failed), critical only with --quiet;
    1 (-v): all of brief's own events; 2 (-vv): also the wire log of openai/httpx/instructor."""
    root = logging.getLogger()
    if verbose >= 2:
        root.setLevel(logging.DEBUG)
        logging.getLogger(OWN).setLevel(logging.NOTSET)
        for name in WIRE:
            logging.getLogger(name).setLevel(logging.NOTSET)
    elif verbose == 1:
        root.setLevel(logging.WARNING)  # other libraries: their warnings only
        logging.getLogger(OWN).setLevel(logging.DEBUG)
        for name in WIRE:
            logging.getLogger(name).setLevel(logging.WARNING if name != "instructor" else logging.CRITICAL + 1)
    else:
        root.setLevel(logging.CRITICAL)
        logging.getLogger(OWN).setLevel(logging.CRITICAL if quiet else logging.WARNING)  # a resend is never silent
        for name in WIRE:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1 if name == "instructor" else logging.NOTSET)


@contextlib.contextmanager
def command_logging() -> Iterator[RedactingFormatter]:
    """The handler for one command: on stderr as it is now, brief's warnings only until `configure(verbose=...)`."""
    formatter = RedactingFormatter()
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    root, instructor = logging.getLogger(), logging.getLogger("instructor")
    saved = root.level, instructor.level
    others = {name: logging.getLogger(name).level for name in (OWN, *WIRE) if name != "instructor"}
    root.addHandler(handler)
    _levels(0)
    _active.append(formatter)
    try:
        yield formatter
    finally:
        _active.remove(formatter)
        root.removeHandler(handler)
        root.setLevel(saved[0])
        instructor.setLevel(saved[1])
        for name, level in others.items():
            logging.getLogger(name).setLevel(level)


def configure(*, verbose: int = 0, quiet: bool = False, secrets: Iterable[str] = ()) -> None:
    """Set the running command's verbosity and the secrets its log lines must never show (no-op outside a command)."""
    if not _active:
        return
    _levels(int(verbose), quiet=quiet and not verbose)
    for formatter in _active:
        formatter.secrets.update(s for s in secrets if s and len(s) >= 6)
